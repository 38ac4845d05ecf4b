"""A statement as it was at one of its public revisions: what a permanent link points at.

django-simple-history keeps one HistoricalStatement row per save, with the editorial state of
that moment. A revision is public when the statement was published (or retracted) in it: the
rows an editor wrote while it was a draft or in review were never shown to readers, so their
links answer 404 like any unknown page. A permanent link names the history row
(/statements/<pk>/v/<history_id>/), and an edit writes a new row without changing the old one,
so the link keeps showing the words that were cited.

Citations have a history of their own, and the admin saves them after the statement (its inline
forms come second), so the sources of a revision are read as they stood just before the next
revision of the statement, or as they are now for the newest one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from apps.catalog.models import AIModel, Source
from apps.claims.models import Citation, EditorialState, Statement

PUBLIC_STATES = (EditorialState.PUBLISHED, EditorialState.RETRACTED)
DELETED = "-"  # simple-history's history_type for a row written when the object was deleted


@dataclass(frozen=True)
class Revision:
    """One public revision: the history row and the statement rebuilt from it."""

    record: Any  # a HistoricalStatement row (simple-history builds the class at run time)
    statement: Statement
    is_current: bool

    @property
    def history_id(self) -> int:
        return int(self.record.history_id)

    @property
    def made_at(self) -> datetime.datetime:
        made: datetime.datetime = self.record.history_date
        return made


def _public_records(statement: Statement) -> Any:
    return (
        statement.history.filter(state__in=PUBLIC_STATES)
        .exclude(history_type=DELETED)
        .order_by("-history_date", "-history_id")
    )


def current_revision(statement: Statement) -> tuple[int, datetime.datetime] | None:
    """The newest public revision's id and time, which a citation of the statement names; None
    for a statement that has no history rows (made in bulk) or is not public."""
    if statement.state not in PUBLIC_STATES:
        return None
    newest = _public_records(statement).values_list("history_id", "history_date").first()
    return (int(newest[0]), newest[1]) if newest is not None else None


def _prefetched(instance: Model, name: str, rows: list[Any]) -> None:
    # A rebuilt statement reads its citations and models as they were, through the same
    # related managers the templates use: Django answers `.all()` from this cache when present.
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[name] = rows


def _citations_until(statement_id: int, until: datetime.datetime | None) -> list[Citation]:
    if until is None:
        citations = list(Citation.objects.filter(statement_id=statement_id).order_by("id"))
    else:
        citations = sorted(
            Citation.history.as_of(until).filter(statement_id=statement_id),
            key=lambda c: c.pk,
        )
    sources = Source.objects.select_related("publisher").in_bulk({c.source_id for c in citations})
    for citation in citations:
        citation.source = sources[citation.source_id]
    return citations


def statement_revision(statement: Statement, history_id: int) -> Revision | None:
    """The public revision `history_id` of a public statement, rebuilt; None when there is no
    such revision or it was never shown to readers."""
    if statement.state not in PUBLIC_STATES:
        return None
    record = _public_records(statement).filter(history_id=history_id).first()
    if record is None:
        return None
    later = (
        statement.history.filter(history_date__gt=record.history_date)
        .order_by("history_date", "history_id")
        .first()
    )
    until = later.history_date - datetime.timedelta(microseconds=1) if later else None
    as_it_was: Statement = record.instance
    citations = _citations_until(statement.pk, until)
    if not citations:  # citations made in bulk have no history: show the ones it has now
        citations = _citations_until(statement.pk, None)
    model_ids = [row.aimodel_id for row in record.ai_models.all()]
    _prefetched(as_it_was, "citations", citations)
    _prefetched(as_it_was, "ai_models", list(AIModel.objects.filter(pk__in=model_ids)))
    current = current_revision(statement)
    return Revision(
        record=record,
        statement=as_it_was,
        is_current=current is not None and current[0] == record.history_id,
    )
