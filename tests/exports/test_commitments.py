"""Commitments and their outcomes in the bulk files, in their own columns: the promise and its
terms, the status now, and every outcome (a reopened verdict kept) with its evidence."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from apps.claims import commitments
from apps.exports.dictionary import COMMITMENT_OUTCOMES, COMMITMENTS
from apps.exports.models import STATE_ID, ExportState
from apps.exports.services import state_get
from tests.factories import company_make, model_make, statement_make
from tests.support.exports import build, csv_dicts, csv_rows, jsonl_objects

pytestmark = pytest.mark.django_db

SAID = datetime.date(2025, 7, 14)


@pytest.mark.slow
def test_commitments_and_their_whole_history_are_exported(
    exports_dir: Path, reviewer: User
) -> None:
    meta = company_make(name="Meta", slug="meta")
    llama = model_make(developer=meta, name="Llama 5", slug="llama-5")
    statement = statement_make(company=meta, occurred_on=SAID, publish=True)
    commitment = commitments.commitment_mark(
        user=None,
        statement=statement,
        promise="keep releasing leading open-source models",
        promise_ja="主要なオープンソースモデルの公開を続ける",
        promised_by="Meta spokesperson",
        due_on=datetime.date(2026, 7, 14),
        evidence_rule="Kept if the next leading model has downloadable weights.",
        ai_models=[llama],
    )
    release = statement_make(company=meta, kind="action", occurred_on=SAID, publish=True)
    ExportState.objects.filter(pk=STATE_ID).update(dirty_at=None)
    commitments.commitment_outcome_record(
        commitment=commitment,
        user=reviewer,
        outcome="broken",
        rationale="API only.",
        deciding_statement=release,
    )
    assert state_get().dirty_at is not None, "an outcome marks the files out of date"
    commitments.commitment_reopen(commitment=commitment, user=reviewer, rationale="Misread.")
    commitments.commitment_mark(
        user=None,
        statement=statement_make(company=meta, occurred_on=SAID),
        promise="a draft's promise",
        evidence_rule="e",
        condition="c",
    )

    build(exports_dir)

    assert csv_rows(exports_dir / "commitments.csv")[0] == COMMITMENTS.header
    assert csv_rows(exports_dir / "commitment_outcomes.csv")[0] == COMMITMENT_OUTCOMES.header
    [row] = jsonl_objects(exports_dir / "commitments.jsonl")
    assert row["id"] == commitment.pk and row["lab"] == "meta"
    assert row["url"] == f"http://127.0.0.1:8000/labs/meta/#commitment-{commitment.pk}"
    assert row["statement_id"] == statement.pk
    assert row["promise_ja"] == "主要なオープンソースモデルの公開を続ける"
    assert (row["promised_by"], row["due_on"], row["condition"]) == (
        "Meta spokesperson",
        "2026-07-14",
        "",
    )
    assert (row["models"], row["status"]) == (["llama-5"], "pending")
    outcomes = csv_dicts(exports_dir / "commitment_outcomes.csv")
    assert [(o["outcome"], o["rationale"]) for o in outcomes] == [
        ("broken", "API only."),
        ("reopened", "Misread."),
    ]
    assert outcomes[0]["deciding_statement_id"] == str(release.pk)
    assert outcomes[0]["deciding_statement_url"].endswith(f"/statements/{release.pk}/")
    assert outcomes[1]["deciding_statement_id"] == ""
    assert {o["commitment_id"] for o in outcomes} == {str(commitment.pk)}
