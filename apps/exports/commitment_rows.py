"""The rows of the commitments tables (dictionary/commitments.py), read in bounded memory like
selectors.py: a server-side cursor, a chunk at a time, each chunk's lists in one query."""

from __future__ import annotations

from apps.claims.models import Commitment, CommitmentOutcome, EditorialState

from .rowtools import ID_SLOT, SLOT, Rows, chunks, grouped, url_template


def commitments_rows(*, chunk_size: int) -> Rows:
    lab_url = url_template("lab", "slug", SLOT)
    statement_url = url_template("statement", "pk", ID_SLOT)
    through = Commitment.ai_models.through
    rows = (
        Commitment.objects.filter(statement__state=EditorialState.PUBLISHED)
        .order_by("id")
        .values(
            "id",
            "statement_id",
            "statement__company__slug",
            "statement__speaker__name",
            "statement__speaker_label",
            "promise",
            "promise_ja",
            "promised_by",
            "due_on",
            "condition",
            "condition_ja",
            "evidence_rule",
            "evidence_rule_ja",
            "status",
            "status_changed_at",
            "created_at",
        )
        .iterator(chunk_size=chunk_size)
    )
    for chunk in chunks(rows, chunk_size):
        models = grouped(
            through.objects.filter(commitment_id__in=[row["id"] for row in chunk])
            .order_by("aimodel__slug")
            .values_list("commitment_id", "aimodel__slug")
        )
        for row in chunk:
            lab = row["statement__company__slug"]
            yield {
                "id": row["id"],
                "url": f"{lab_url.format(lab)}#commitment-{row['id']}",
                "lab": lab,
                "statement_id": row["statement_id"],
                "statement_url": statement_url.format(row["statement_id"]),
                "promise": row["promise"],
                "promise_ja": row["promise_ja"],
                "promised_by": row["promised_by"]
                or row["statement__speaker__name"]
                or row["statement__speaker_label"],
                "due_on": row["due_on"],
                "condition": row["condition"],
                "condition_ja": row["condition_ja"],
                "evidence_rule": row["evidence_rule"],
                "evidence_rule_ja": row["evidence_rule_ja"],
                "models": models.get(row["id"], []),
                "status": row["status"],
                "status_since": row["status_changed_at"],
                "marked_at": row["created_at"],
            }


def commitment_outcomes_rows(*, chunk_size: int) -> Rows:
    statement_url = url_template("statement", "pk", ID_SLOT)
    rows = (
        CommitmentOutcome.objects.filter(commitment__statement__state=EditorialState.PUBLISHED)
        .order_by("commitment_id", "recorded_at", "id")
        .values_list(
            "id",
            "commitment_id",
            "commitment__statement__company__slug",
            "outcome",
            "recorded_at",
            "deciding_statement_id",
            "deciding_act__subject",
            "deciding_act__access_level",
            "deciding_act__origin",
            "deciding_act__origin_url",
            "rationale",
            "rationale_ja",
        )
        .iterator(chunk_size=chunk_size)
    )
    for row in rows:
        yield {
            "id": row[0],
            "commitment_id": row[1],
            "lab": row[2],
            "outcome": row[3],
            "recorded_at": row[4],
            "deciding_statement_id": row[5],
            "deciding_statement_url": statement_url.format(row[5]) if row[5] else None,
            "deciding_act": row[6],
            "deciding_act_access_level": row[7],
            "deciding_act_recorded_by": row[8],
            "deciding_act_url": row[9] or None,
            "rationale": row[10],
            "rationale_ja": row[11],
        }
