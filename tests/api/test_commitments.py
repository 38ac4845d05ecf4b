"""Commitments and their outcomes in the read API: the fields, the whole history (a reopened
verdict included), the evidence (a statement or a dataset's act), filters and the lab's counts."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client

from apps.claims import commitments
from apps.claims.acts import ActRecorded, acts_record
from apps.claims.models import Commitment, RecordedAct
from tests.api.helpers import API, get, ids, walk
from tests.factories import company_make, model_make, statement_make

pytestmark = pytest.mark.django_db

SAID = datetime.date(2025, 7, 14)


def promise(lab: object, text: str = "open the next model", **fields: object) -> Commitment:
    fields.setdefault("condition", "with the next major release")
    return commitments.commitment_mark(
        user=None,
        statement=statement_make(company=lab, occurred_on=SAID, publish=True),  # type: ignore[arg-type]
        promise=text,
        evidence_rule="Kept if its weights are downloadable.",
        **fields,  # type: ignore[arg-type]
    )


@pytest.mark.slow
def test_a_commitment_has_its_promise_terms_status_and_whole_history(
    client: Client, reviewer: User
) -> None:
    meta = company_make(name="Meta", slug="meta")
    llama = model_make(developer=meta, name="Llama 5", slug="llama-5")
    commitment = promise(meta, promise_ja="次のモデルを公開する", ai_models=[llama])
    release = statement_make(company=meta, kind="action", occurred_on=SAID, publish=True)
    commitments.commitment_outcome_record(
        commitment=commitment,
        user=reviewer,
        outcome="broken",
        rationale="API only.",
        deciding_statement=release,
    )
    commitments.commitment_reopen(commitment=commitment, user=reviewer, rationale="Misread.")
    acts_record(
        acts=[
            ActRecorded(
                company=meta,
                subject="Llama 5",
                occurred_on=SAID + datetime.timedelta(days=30),
                access_level="Open weights (unrestricted)",
                origin="Epoch AI",
                origin_key="llama-5",
                origin_url="https://epoch.example/llama-5",
                ai_model=llama,
            )
        ]
    )
    act = RecordedAct.objects.get()
    commitments.commitment_outcome_record(
        commitment=commitment,
        user=reviewer,
        outcome="kept",
        rationale="Weights after all.",
        rationale_ja="結局、重みが公開された。",
        deciding_act=act,
    )

    body = get(client, f"/commitments/{commitment.pk}")

    assert body["lab"] == {"slug": "meta", "name": "Meta"}
    assert body["statement_id"] == commitment.statement_id
    assert (body["promise"], body["promise_ja"]) == ("open the next model", "次のモデルを公開する")
    assert body["promised_by"] == "Spokesperson"
    assert (body["due_on"], body["condition"]) == (None, "with the next major release")
    assert body["evidence_rule"] == "Kept if its weights are downloadable."
    assert body["models"] == [{"slug": "llama-5", "name": "Llama 5"}]
    assert (body["status"], body["status_label"]["en"]) == ("kept", "kept")
    assert body["status_label"]["ja"] == "守られた"
    assert [o["outcome"] for o in body["outcomes"]] == ["broken", "reopened", "kept"]
    broken, _, kept = body["outcomes"]
    assert broken["deciding_statement_id"] == release.pk and broken["deciding_act"] is None
    assert kept["deciding_act"] == {
        "id": act.pk,
        "subject": "Llama 5",
        "access_level": "Open weights (unrestricted)",
        "occurred_on": "2025-08-13",
        "origin": "Epoch AI",
        "origin_url": "https://epoch.example/llama-5",
    }
    assert kept["rationale_ja"] == "結局、重みが公開された。"
    assert body["page"]["en"].endswith(f"/labs/meta/#commitment-{commitment.pk}")
    assert f"/ja/labs/meta/#commitment-{commitment.pk}" in body["page"]["ja"]


@pytest.mark.slow
def test_the_list_filters_by_lab_and_status_pages_and_leaves_drafts_out(client: Client) -> None:
    meta, other = company_make(name="Meta", slug="meta"), company_make(name="X", slug="x")
    pending = [promise(meta, f"promise {n}") for n in range(3)]
    overdue = promise(other, "dated", due_on=SAID, condition="")
    commitments.commitments_overdue_mark(today=SAID + datetime.timedelta(days=1))
    commitments.commitment_mark(
        user=None,
        statement=statement_make(company=meta, occurred_on=SAID),
        promise="a draft's",
        evidence_rule="e",
        condition="c",
    )

    everything = walk(client, "/commitments", limit=2)
    assert [item["id"] for item in everything] == sorted(
        [c.pk for c in [*pending, overdue]], reverse=True
    )
    assert ids(get(client, "/commitments", lab="meta")) == [c.pk for c in reversed(pending)]
    assert ids(get(client, "/commitments", status="overdue")) == [overdue.pk]
    assert client.get(f"{API}/commitments", {"lab": "nobody"}).status_code == 400
    assert client.get(f"{API}/commitments", {"status": "late"}).status_code == 400
    assert client.get(f"{API}/commitments/999999").status_code == 404


@pytest.mark.slow
def test_a_lab_gives_its_kept_ratio_with_the_counts(client: Client, reviewer: User) -> None:
    meta = company_make(name="Meta", slug="meta")
    evidence = statement_make(company=meta, kind="action", occurred_on=SAID, publish=True)
    for outcome in ("kept", "broken"):
        commitments.commitment_outcome_record(
            commitment=promise(meta),
            user=reviewer,
            outcome=outcome,
            rationale="r",
            deciding_statement=evidence,
        )
    promise(meta)
    assert get(client, "/labs/meta")["commitments"] == {
        "kept": 1,
        "partly_kept": 0,
        "broken": 1,
        "withdrawn": 0,
        "resolved": 2,
        "pending": 1,
        "overdue": 0,
        "ratio": 0.5,
    }


def test_the_index_lists_commitments(client: Client) -> None:
    assert get(client, "/")["resources"]["commitments"].endswith("/api/v1/commitments")
