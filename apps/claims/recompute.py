"""A lab's stance history kept in line with the record: StanceChange rows and StanceDay sums.

An edit dated D (a statement published, retracted or edited, a link, a pin, an imported act)
changes the history from D on only (stance/sweep.py), so :func:`stance_history_recompute` given
``since=D`` reads what is dated from D on, resumes the engine's sweep from the exact sums stored
for the last day before D, and rewrites the days and changes from D on. Publishing today's
statement then costs the same in a lab of 100,000 statements as in one of 1,000. Without
``since`` it rebuilds the whole history (``manage.py rebuild_stance``, for repairs); both ways
give the same rows, and the same StanceChanged announcement (tests/claims/test_incremental.py).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Collection, Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from apps.catalog.models import Company
from apps.lib.events import event_announce

from . import stance as engine
from .events import StanceChanged
from .models import (
    LinkKind,
    RecordedAct,
    StanceAssessment,
    StanceChange,
    StanceDay,
    StanceVersion,
    Statement,
    StatementLink,
)

Inputs = tuple[list[engine.Evidence], list[engine.Link], list[engine.Pin]]
EVIDENCE_FIELDS = ("id", "occurred_on", "stance", "kind", "verification", "date_precision")
ACT_FIELDS = ("id", "occurred_on", "stance", "date_precision")
LINK_FIELDS = ("from_statement_id", "to_statement_id", "kind")
WEIGHING_LINKS = (LinkKind.DENIES, LinkKind.SUPERSEDES)


def stance_inputs(*, company: Company, adding: Collection[int] = ()) -> Inputs:
    """Read what the engine needs for one lab, in four queries. Imported acts come with
    negative ids (-pk), so that they never pass for a statement. ``adding``: ids of the lab's
    unpublished statements to count as if published (what publishing them would do)."""
    counted = Statement.objects.published().for_company(company)
    if adding:
        counted |= Statement.objects.for_company(company).filter(pk__in=adding)
    evidence = _evidence(counted.values(*EVIDENCE_FIELDS))
    evidence += _acts(RecordedAct.objects.filter(company=company).values(*ACT_FIELDS))
    # The statements as a subquery, not a list of their ids: at 10,000 statements a list is
    # 20,000 parameters, whose building and quoting took longer than the query; and only the
    # kinds the engine weighs (a reply or a contradiction moves nothing) (bench/README.md).
    ids = counted.values("pk")
    links = _links(
        StatementLink.objects.filter(
            kind__in=WEIGHING_LINKS, from_statement_id__in=ids, to_statement_id__in=ids
        ).values(*LINK_FIELDS)
    )
    return evidence, links, _pins(company)


def _inputs_since(*, company: Company, since: datetime.date) -> Inputs:
    """What stance_days needs to resume at ``since`` (its docstring), in six queries whose size
    does not grow with what the lab said before ``since``."""
    published = Statement.objects.published().for_company(company)
    evidence = _evidence(published.filter(occurred_on__gte=since).values(*EVIDENCE_FIELDS))
    later = [item.id for item in evidence]
    evidence += _acts(
        RecordedAct.objects.filter(company=company, occurred_on__gte=since).values(*ACT_FIELDS)
    )
    weighing = StatementLink.objects.filter(kind__in=WEIGHING_LINKS)
    reaching = weighing.filter(from_statement_id__in=later) | weighing.filter(
        to_statement_id__in=later
    )
    targets = reaching.values("to_statement_id")
    links = _links(weighing.filter(to_statement_id__in=targets).values(*LINK_FIELDS))
    known = set(later)
    ends = {pk for link in links for pk in (link.from_id, link.to_id)} - known
    if ends:
        # Ends not published or of another lab are not found: the engine drops their links.
        evidence += _evidence(published.filter(pk__in=ends).values(*EVIDENCE_FIELDS))
    return evidence, links, _pins(company)


def _evidence(rows: Iterable[dict[str, object]]) -> list[engine.Evidence]:
    return [engine.Evidence(**row) for row in rows]  # type: ignore[arg-type]


def _acts(rows: Iterable[dict[str, object]]) -> list[engine.Evidence]:
    return [
        engine.Evidence(
            id=-row["id"],  # type: ignore[operator]
            occurred_on=row["occurred_on"],  # type: ignore[arg-type]
            stance=row["stance"],  # type: ignore[arg-type]
            kind=engine.IMPORTED_ACT,
            verification=engine.IMPORTED,
            date_precision=row["date_precision"],  # type: ignore[arg-type]
        )
        for row in rows
    ]


def _links(rows: Iterable[dict[str, object]]) -> list[engine.Link]:
    return [
        engine.Link(
            from_id=row["from_statement_id"],  # type: ignore[arg-type]
            to_id=row["to_statement_id"],  # type: ignore[arg-type]
            kind=row["kind"],  # type: ignore[arg-type]
        )
        for row in rows
    ]


def _pins(company: Company) -> list[engine.Pin]:
    return [
        engine.Pin(
            id=row["id"],
            effective_from=row["effective_from"],
            effective_until=row["effective_until"],
            stance=row["stance"],
        )
        for row in StanceAssessment.objects.filter(company=company, is_active=True).values(
            "id", "effective_from", "effective_until", "stance"
        )
    ]


def stance_history_recompute(
    *,
    company: Company,
    since: datetime.date | None = None,
    published_statement_id: int | None = None,
) -> list[StanceChange]:
    """Bring the lab's StanceChange rows in line with the formula; return the new ones.

    ``since``: the earliest date the edit that asks for this recompute can have changed (its
    old and new dates); the history before it is kept as it is. None: rebuild it all. A lab
    with no stored days yet (never recomputed since StanceDay existed) is rebuilt whole.

    ``published_statement_id``: the statement whose publishing asks for this recompute, passed
    on in the StanceChanged announcement.

    Runs inside the caller's transaction, so a published statement and the stance change it
    causes commit together or not at all. Changes that no longer hold are marked superseded,
    never deleted: readers may have been told about them.
    """
    with transaction.atomic():
        Company.objects.select_for_update().filter(pk=company.pk).first()
        days = StanceDay.objects.filter(company=company)
        if since is not None and not days.exists():
            since = None
        if since is None:
            carried, previous = engine.Totals(), ""
            computed = engine.stance_days(*stance_inputs(company=company))
            days.delete()
        else:
            before = days.filter(date__lt=since).order_by("-date")
            last = before.values("weight", "weighted_score").first()
            if last is not None:
                carried = engine.Totals(int(last["weight"]), int(last["weighted_score"]))
            else:
                carried = engine.Totals()
            previous = before.exclude(stance="").values_list("stance", flat=True).first() or ""
            computed = engine.stance_days(
                *_inputs_since(company=company, since=since), since=since, carried=carried
            )
            days.filter(date__gte=since).delete()
        StanceDay.objects.bulk_create(
            [
                StanceDay(
                    company=company,
                    date=day.date,
                    weight=day.totals.weight,
                    weighted_score=day.totals.weighted_score,
                    stance=day.point.stance if day.point is not None else "",
                )
                for day in computed
            ],
            batch_size=1000,
        )
        # Whatever was cached from the record before this edit is keyed by the old token.
        # One upsert (update_or_create costs a savepoint, a SELECT and a write per recompute).
        StanceVersion.objects.bulk_create(
            [StanceVersion(company=company, token=uuid.uuid4().hex)],
            update_conflicts=True,
            unique_fields=["company"],
            update_fields=["token", "recomputed_at"],
        )
        points = [day.point for day in computed if day.point is not None]
        return _changes_write(
            company=company,
            changes=engine.changes_from(points, previous),
            since=since,
            published_statement_id=published_statement_id,
        )


def _changes_write(
    *,
    company: Company,
    changes: Sequence[engine.ChangePoint],
    since: datetime.date | None,
    published_statement_id: int | None,
) -> list[StanceChange]:
    """Match the computed changes (from ``since`` on) with the current rows of those dates."""
    current_rows = StanceChange.objects.current().filter(company=company)
    in_range = current_rows if since is None else current_rows.filter(date__gte=since)
    current = list(in_range)
    # Ids only: a change on a busy date is caused by hundreds of statements, not worth loading.
    causes: dict[int, set[int]] = {c.pk: set() for c in current}
    for change_id, statement_id in StanceChange.statements.through.objects.filter(
        stancechange_id__in=causes
    ).values_list("stancechange_id", "statement_id"):
        causes[change_id].add(statement_id)
    kept: set[int] = set()
    wanted: list[engine.ChangePoint] = []
    by_key = {(c.date, c.old_stance, c.new_stance): c for c in current}
    for point in changes:
        existing = by_key.get((point.date, point.old_stance, point.new_stance))
        if existing is None:
            wanted.append(point)
            continue
        kept.add(existing.pk)
        # The same move, now explained by other statements or another score: keep the row
        # (readers were told of this move) and bring its details up to date.
        if existing.score != point.score or existing.assessment_id != point.pin_id:
            StanceChange.objects.filter(pk=existing.pk).update(
                score=point.score, assessment_id=point.pin_id
            )
        statement_ids = _statement_ids(point)
        if causes[existing.pk] != set(statement_ids):
            existing.statements.set(statement_ids)
    # Read before any row is superseded: the lab's changes as they were.
    previous_ids = tuple(current_rows.values_list("pk", flat=True)) if wanted else ()
    stale = [c.pk for c in current if c.pk not in kept]
    if stale:
        StanceChange.objects.filter(pk__in=stale).update(superseded_at=timezone.now())
    created = []
    for point in wanted:
        change = StanceChange.objects.create(
            company=company,
            date=point.date,
            old_stance=point.old_stance,
            new_stance=point.new_stance,
            rating=point.rating,
            score=point.score,
            assessment_id=point.pin_id,
        )
        change.statements.set(_statement_ids(point))
        created.append(change)
    # Announced in this transaction: whatever listens (the alerts outbox) commits with it.
    if created:
        event_announce(
            StanceChanged(
                company_id=company.pk,
                change_ids=tuple(c.pk for c in created),
                previous_ids=previous_ids,
                published_statement_id=published_statement_id,
            )
        )
    return created


def _statement_ids(point: engine.ChangePoint) -> list[int]:
    # Imported acts (negative ids) explain a change too, but are no statement to link.
    return [pk for pk in point.statement_ids if pk > 0]
