"""Reads that need care: a fixed number of queries whatever the size of the record."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
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


@dataclass(frozen=True)
class PublishEffect:
    """What publishing some of a lab's statements would do to its stance, computed, not written.

    ``before`` and ``after`` are the stance today (None: nothing on record); ``added`` are the
    moves the history would gain and ``dropped`` those it would lose (StanceChange rows readers
    may have been told about, which publishing would mark superseded).
    """

    company: Company
    statements: list[Statement]
    before: engine.StancePoint | None
    after: engine.StancePoint | None
    added: list[engine.ChangePoint]
    dropped: list[engine.ChangePoint]

    @property
    def moves_today(self) -> bool:
        before = self.before.stance if self.before is not None else None
        return before != (self.after.stance if self.after is not None else None)


def _moves(points: list[engine.ChangePoint]) -> dict[tuple[object, ...], engine.ChangePoint]:
    return {(p.date, p.old_stance, p.new_stance): p for p in points}


def publish_effects(*, statements: Iterable[Statement], on: datetime.date) -> list[PublishEffect]:
    """The stance of each lab before and after publishing ``statements``, by lab name.

    Reads only: the stance engine runs on the published record with and without the
    statements, as statement_publish would recompute it. Four queries per lab.
    """
    by_lab: dict[int, list[Statement]] = defaultdict(list)
    companies: dict[int, Company] = {}
    for statement in statements:
        by_lab[statement.company_id].append(statement)
        companies[statement.company_id] = statement.company
    effects = []
    for company_id, chosen in by_lab.items():
        company = companies[company_id]
        now_inputs = stance_inputs(company=company)
        then_inputs = stance_inputs(company=company, adding=[s.pk for s in chosen])
        now = _moves(engine.stance_changes(*now_inputs))
        then = _moves(engine.stance_changes(*then_inputs))
        effects.append(
            PublishEffect(
                company=company,
                statements=chosen,
                before=engine.stance_at(*now_inputs, on=on),
                after=engine.stance_at(*then_inputs, on=on),
                added=[then[key] for key in then if key not in now],
                dropped=[now[key] for key in now if key not in then],
            )
        )
    return sorted(effects, key=lambda effect: effect.company.name)
