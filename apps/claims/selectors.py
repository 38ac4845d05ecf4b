"""Reads that need care: a fixed number of queries whatever the size of the record."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from apps.catalog.models import Company

from . import stance as engine
from .models import Citation, RecordedAct, StanceChange, Statement
from .services import stance_inputs


def statements_for_display(queryset: QuerySet[Statement]) -> QuerySet[Statement]:
    """What a statement card shows, fetched in a fixed number of queries."""
    return queryset.select_related("company", "speaker", "speaker__company").prefetch_related(
        Prefetch(
            "citations",
            queryset=Citation.objects.select_related("source", "source__publisher").order_by("id"),
        ),
        "ai_models",
    )


@dataclass(frozen=True)
class SaysAndDoes:
    """A lab's two series (stance.says_and_does) as unsaved StanceChange rows, so that the
    charts draw them as they draw the combined stance, and where they diverge."""

    says: list[StanceChange]
    does: list[StanceChange]
    divergences: list[engine.Divergence]


def _as_changes(company: Company, points: list[engine.ChangePoint]) -> list[StanceChange]:
    return [
        StanceChange(
            company=company,
            date=point.date,
            old_stance=point.old_stance,
            new_stance=point.new_stance,
            rating=point.rating,
            score=point.score,
        )
        for point in points
    ]


def says_and_does(*, company: Company) -> SaysAndDoes:
    """Four queries (the stance engine's inputs), however long the record."""
    evidence, links, _pins = stance_inputs(company=company)
    says, does = engine.says_and_does(evidence, links)
    return SaysAndDoes(
        says=_as_changes(company, says),
        does=_as_changes(company, does),
        divergences=engine.divergences(says, does),
    )


def recorded_acts(*, company: Company) -> list[RecordedAct]:
    """The lab's imported acts, newest first, in one query."""
    return list(RecordedAct.objects.filter(company=company).order_by("-occurred_on", "-id"))
