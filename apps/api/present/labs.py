"""Labs and their stance as the API answers them."""

from __future__ import annotations

from typing import Any

from apps.catalog.models import (
    Alias,
    Company,
)
from apps.claims.models import (
    ShiftRating,
    Stance,
    StanceChange,
)

from .common import aliases_listed, lab_ref, labels, name_ja, page_urls


def stance_now(changes: list[StanceChange]) -> dict[str, Any] | None:
    if not changes:
        return None
    last = changes[-1]
    return {
        "stance": last.new_stance,
        "label": labels(Stance, last.new_stance),
        "since": last.date,
        "score": last.score,
        "rating": last.rating,
        "rating_label": labels(ShiftRating, last.rating),
        "pinned": last.assessment_id is not None,
    }


def series_now(changes: list[StanceChange]) -> dict[str, Any] | None:
    if not changes:
        return None
    last = changes[-1]
    return {
        "stance": last.new_stance,
        "label": labels(Stance, last.new_stance),
        "since": last.date,
        "score": last.score,
    }


def lab(company: Company, *, changes: list[StanceChange], aliases: list[Alias]) -> dict[str, Any]:
    """``company.parent`` must be selected."""
    return {
        "slug": company.slug,
        "name": company.name,
        "name_ja": name_ja(aliases),
        "aliases": aliases_listed(aliases),
        "parent": lab_ref(company.parent) if company.parent is not None else None,
        "website": company.website,
        "description": company.description,
        "stance_now": stance_now(changes),
        "page": page_urls(company),
        "updated_at": company.updated_at,
    }


def stance_point(change: StanceChange) -> dict[str, Any]:
    return {
        "date": change.date,
        "stance": change.new_stance,
        "label": labels(Stance, change.new_stance),
        "previous_stance": change.old_stance or None,
        "rating": change.rating,
        "rating_label": labels(ShiftRating, change.rating),
        "score": change.score,
    }


def stance_change(change: StanceChange, statement_ids: list[int]) -> dict[str, Any]:
    pin = change.assessment
    return {
        "id": change.pk,
        **{key: value for key, value in stance_point(change).items() if key != "date"},
        "date": change.date,
        "statement_ids": statement_ids,
        "pinned_by": {
            "id": pin.pk,
            "stance": pin.stance,
            "effective_from": pin.effective_from,
            "effective_until": pin.effective_until,
            "rationale": pin.rationale,
        }
        if pin is not None
        else None,
        "created_at": change.created_at,
        "superseded_at": change.superseded_at,
    }
