"""Commitments and their outcomes as the API answers them."""

from __future__ import annotations

from typing import Any

from apps.claims.models import Commitment, CommitmentOutcome, CommitmentStatus, OutcomeKind
from apps.claims.selectors import KeptRatio

from .common import lab_ref, labels, model_ref, page_urls


def kept_ratio(counts: KeptRatio) -> dict[str, Any]:
    return {
        "kept": counts.kept,
        "partly_kept": counts.partly_kept,
        "broken": counts.broken,
        "withdrawn": counts.withdrawn,
        "resolved": counts.resolved,
        "pending": counts.pending,
        "overdue": counts.overdue,
        "ratio": counts.ratio,
    }


def commitment_outcome(row: CommitmentOutcome) -> dict[str, Any]:
    act = row.deciding_act
    return {
        "outcome": row.outcome,
        "outcome_label": labels(OutcomeKind, row.outcome),
        "recorded_at": row.recorded_at,
        "deciding_statement_id": row.deciding_statement_id,
        "deciding_act": {
            "id": act.pk,
            "subject": act.subject,
            "access_level": act.access_level,
            "occurred_on": act.occurred_on,
            "origin": act.origin,
            "origin_url": act.origin_url,
        }
        if act is not None
        else None,
        "rationale": row.rationale,
        "rationale_ja": row.rationale_ja,
    }


def commitment(item: Commitment) -> dict[str, Any]:
    """``statement__company`` selected; ``ai_models`` and ``outcomes`` (with ``deciding_act``)
    prefetched, as apps.claims.selectors.commitments_for_display fetches them."""
    company = item.statement.company
    anchor = f"#commitment-{item.pk}"
    return {
        "id": item.pk,
        "lab": lab_ref(company),
        "statement_id": item.statement_id,
        "promise": item.promise,
        "promise_ja": item.promise_ja,
        "promised_by": item.promiser,
        "due_on": item.due_on,
        "condition": item.condition,
        "condition_ja": item.condition_ja,
        "evidence_rule": item.evidence_rule,
        "evidence_rule_ja": item.evidence_rule_ja,
        "models": [model_ref(m) for m in sorted(item.ai_models.all(), key=lambda m: m.slug)],
        "status": item.status,
        "status_label": labels(CommitmentStatus, item.status),
        "status_since": item.status_changed_at,
        "outcomes": [commitment_outcome(row) for row in item.outcomes.all()],
        "page": {language: url + anchor for language, url in page_urls(company).items()},
    }
