"""Reads that need care: a fixed number of queries whatever the size of the record."""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet

from apps.catalog.models import Company

from . import stance as engine
from .explain import Contribution, Explanation, stance_explain
from .models import (
    Citation,
    Commitment,
    CommitmentOutcome,
    CommitmentStatus,
    LinkKind,
    RecordedAct,
    StanceChange,
    Statement,
    StatementKind,
    StatementLink,
)
from .services import stance_inputs

StanceInputs = tuple[list[engine.Evidence], list[engine.Link], list[engine.Pin]]


def statements_for_display(queryset: QuerySet[Statement]) -> QuerySet[Statement]:
    """What a statement card shows, fetched in a fixed number of queries."""
    return queryset.select_related("company", "speaker", "speaker__company").prefetch_related(
        Prefetch(
            "citations",
            # Not the archived raw response (zlib, often hundreds of KB): no card or API row
            # reads it, and a page of 20 statements would fetch 20 of them.
            queryset=Citation.objects.select_related("source", "source__publisher")
            .defer("source__snapshot_raw")
            .order_by("id"),
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


def says_and_does(*, company: Company, inputs: StanceInputs | None = None) -> SaysAndDoes:
    """Four queries (the stance engine's inputs, unless given), however long the record."""
    evidence, links, _pins = inputs if inputs is not None else stance_inputs(company=company)
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
class StanceBasis:
    """What a lab's current stance rests on: the items that count in the formula today
    (published statements and imported acts dated on or before today, less superseded ones).

    ``statements`` are words (every kind but action); ``acts`` are action statements and
    imported acts. ``recent`` is how many are dated within one half-life (a year) of today,
    the ones that still weigh at least half what they did on their day.
    """

    statements: int = 0
    acts: int = 0
    newest: datetime.date | None = None
    recent: int = 0

    @property
    def total(self) -> int:
        return self.statements + self.acts

    @property
    def is_thin(self) -> bool:
        """One or two items: too few to read the stance as more than provisional."""
        return 0 < self.total <= THIN_BASIS


THIN_BASIS = 2


def stance_bases(*, company_ids: Iterable[int], today: datetime.date) -> dict[int, StanceBasis]:
    """Each lab's StanceBasis, in two queries however many labs and statements."""
    ids = list(company_ids)
    recent_since = today - datetime.timedelta(days=int(engine.HALF_LIFE_DAYS))
    superseded = StatementLink.objects.filter(
        to_statement=OuterRef("pk"),
        kind=LinkKind.SUPERSEDES,
        from_statement__in=Statement.objects.published(),
        from_statement__company_id=OuterRef("company_id"),
        from_statement__occurred_on__lte=today,
    )
    found: dict[int, StanceBasis] = {}
    for row in (
        Statement.objects.published()
        .filter(company_id__in=ids, occurred_on__lte=today)
        .exclude(Exists(superseded))
        .order_by()
        .values("company_id")
        .annotate(
            acts=Count("id", filter=Q(kind=StatementKind.ACTION)),
            words=Count("id", filter=~Q(kind=StatementKind.ACTION)),
            newest=Max("occurred_on"),
            recent=Count("id", filter=Q(occurred_on__gt=recent_since)),
        )
    ):
        found[row["company_id"]] = StanceBasis(
            statements=row["words"], acts=row["acts"], newest=row["newest"], recent=row["recent"]
        )
    for imported in (
        RecordedAct.objects.filter(company_id__in=ids, occurred_on__lte=today)
        .order_by()
        .values("company_id")
        .annotate(
            acts=Count("id"),
            newest=Max("occurred_on"),
            recent=Count("id", filter=Q(occurred_on__gt=recent_since)),
        )
    ):
        words = found.get(imported["company_id"], StanceBasis())
        found[imported["company_id"]] = StanceBasis(
            statements=words.statements,
            acts=words.acts + imported["acts"],
            newest=max(filter(None, [words.newest, imported["newest"]])),
            recent=words.recent + imported["recent"],
        )
    return {pk: found.get(pk, StanceBasis()) for pk in ids}


@dataclass(frozen=True)
class ExplainedItem:
    """A contribution with the statement or imported act it stands for."""

    contribution: Contribution
    statement: Statement | None = None
    act: RecordedAct | None = None


@dataclass(frozen=True)
class StanceExplained:
    explanation: Explanation
    #: The heaviest items, at most ``limit`` of them, each with its row.
    items: list[ExplainedItem]
    #: The items left out, and the share of the total weight they carry together.
    rest_count: int
    rest_share: float
    rest_pull: float
    #: The items dated on the day asked about (what a change on that day came from).
    new_on_the_day: list[ExplainedItem]


def stance_explanation(
    *, company: Company, on: datetime.date, limit: int, inputs: StanceInputs | None = None
) -> StanceExplained:
    """Why the lab's stance on ``on`` is what it is: six queries (the engine's inputs, then the
    statements and imported acts shown), however long the record."""
    evidence, links, pins = inputs if inputs is not None else stance_inputs(company=company)
    explanation = stance_explain(evidence, links, pins, on=on)
    shown = explanation.contributions[:limit]
    rest = explanation.contributions[limit:]
    by_id = {c.item.id: c for c in explanation.contributions}
    wanted = {c.item.id for c in shown} | set(explanation.new_on_the_day)
    statements = {
        s.pk: s
        for s in Statement.objects.public()
        .select_related("speaker")
        .filter(pk__in=[pk for pk in wanted if pk > 0])
    }
    acts = {-a.pk: a for a in RecordedAct.objects.filter(pk__in=[-pk for pk in wanted if pk < 0])}

    def explained(contribution: Contribution) -> ExplainedItem:
        pk = contribution.item.id
        return ExplainedItem(contribution, statements.get(pk), acts.get(pk))

    return StanceExplained(
        explanation=explanation,
        items=[explained(c) for c in shown],
        rest_count=len(rest),
        rest_share=math.fsum(c.share for c in rest),
        rest_pull=math.fsum(c.pull for c in rest),
        new_on_the_day=[explained(by_id[pk]) for pk in explanation.new_on_the_day],
    )


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


# Commitments: a lab's promises, the overdue ones first, and its kept ratio.

#: How a lab's commitments are listed: overdue first, then pending, then resolved.
COMMITMENT_ORDER = {
    CommitmentStatus.OVERDUE: 0,
    CommitmentStatus.PENDING: 1,
}


def commitments_with_history() -> QuerySet[Commitment]:
    """Published commitments with what a reader is shown of each (statement, lab, speaker,
    models, the whole history with its evidence), in three queries however many."""
    return (
        Commitment.objects.public()
        .select_related("statement", "statement__company", "statement__speaker")
        .prefetch_related(
            "ai_models",
            Prefetch(
                "outcomes",
                queryset=CommitmentOutcome.objects.select_related(
                    "deciding_statement", "deciding_act"
                ).order_by("recorded_at", "id"),
            ),
        )
    )


def commitments_for_display(*, company_ids: Iterable[int]) -> list[Commitment]:
    """Published commitments of these labs with their statement, models and whole history
    (evidence included), overdue first, then pending by due date, then the newest resolved; a
    fixed number of queries."""
    rows = list(commitments_with_history().filter(statement__company_id__in=list(company_ids)))
    far = datetime.date.max
    return sorted(
        rows,
        key=lambda c: (
            COMMITMENT_ORDER.get(CommitmentStatus(c.status), 2),
            (c.due_on or far).toordinal() if not c.is_resolved else 0,
            -c.status_changed_at.timestamp(),
            -c.pk,
        ),
    )


@dataclass(frozen=True)
class KeptRatio:
    """A lab's promises counted: a ratio is never shown without these counts beside it.

    Resolved: kept, partly kept, broken or withdrawn (a withdrawn promise was not kept). The
    ratio is kept over resolved; partly kept counts as resolved and not kept.
    """

    kept: int = 0
    partly_kept: int = 0
    broken: int = 0
    withdrawn: int = 0
    pending: int = 0
    overdue: int = 0

    @property
    def resolved(self) -> int:
        return self.kept + self.partly_kept + self.broken + self.withdrawn

    @property
    def total(self) -> int:
        return self.resolved + self.pending + self.overdue

    @property
    def ratio(self) -> float | None:
        return self.kept / self.resolved if self.resolved else None


def kept_ratios(*, company_ids: Iterable[int]) -> dict[int, KeptRatio]:
    """Each lab's published commitments counted by status, in one query; every lab asked for
    is in the answer (with zeros when it has none)."""
    ids = list(company_ids)
    counts: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    rows = (
        Commitment.objects.public()
        .filter(statement__company_id__in=ids)
        .values("statement__company_id", "status")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["statement__company_id"]][row["status"]] = row["n"]
    return {pk: KeptRatio(**by_status) for pk, by_status in counts.items()}
