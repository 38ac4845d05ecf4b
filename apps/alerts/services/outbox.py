"""The outbox: an Event is written in the transaction of the change it reports, and handed to
Celery only after commit. Losing that Celery message loses nothing: the sweeper publishes
every event not yet fanned out again (:mod:`.sweep`).

The record, the catalogue and the datasets do not call this module: they announce domain events
(apps/lib/events.py), and the ``on_*`` handlers below, subscribed in AlertsConfig.ready(), write
the outbox rows in the announcer's transaction."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from apps.catalog.events import ModelStatusChanged
from apps.catalog.models import AIModel, Company, ModelStatusChange
from apps.claims.events import CommitmentOutcomeRecorded, StanceChanged, StatementPublished
from apps.claims.models import CommitmentOutcome, OutcomeKind, StanceChange, Statement
from apps.datasets.events import DatasetValuesChanged
from apps.datasets.labels import field_describes_openness
from apps.datasets.models import ClaimChange
from apps.watch.events import PageChangeAccepted
from apps.watch.models import WatchSnapshot

from ..models import Event, EventKind
from .queue import AlertTask, task_publish

logger = logging.getLogger(__name__)


def event_record(
    *,
    kind: str,
    company: Company,
    stance_change: StanceChange | None = None,
    statement: Statement | None = None,
    model_status_change: ModelStatusChange | None = None,
    page_change: WatchSnapshot | None = None,
    commitment_outcome: CommitmentOutcome | None = None,
    ai_models: Iterable[AIModel | int] = (),
) -> Event:
    """Write an Event in the caller's transaction; it is handed to Celery after commit."""
    event = Event.objects.create(
        kind=kind,
        company=company,
        stance_change=stance_change,
        statement=statement,
        model_status_change=model_status_change,
        page_change=page_change,
        commitment_outcome=commitment_outcome,
    )
    models_list = list(ai_models)
    if models_list:
        event.ai_models.set(models_list)
    event_id = event.pk
    transaction.on_commit(lambda: event_publish(event_id=event_id))
    return event


def stance_changes_newsworthy(
    *, changes: Sequence[StanceChange], previous: Sequence[StanceChange]
) -> list[StanceChange]:
    """The new changes readers should hear of: none older than what they were last told.

    ``previous`` are the lab's changes that were current before the recompute. A backdated
    statement can redraw years of history into "new" rows; those are not news and get no event
    (the lab page shows the redrawn history; nobody is mailed about a move from 2021). A change
    on the date of the latest known one is news only if it moves the lab somewhere else: the
    same move restated (its old stance redrawn) is not.
    """
    if not previous:
        return list(changes)
    latest = max(previous, key=lambda c: (c.date, c.pk))
    return [
        change
        for change in changes
        if change.date > latest.date
        or (change.date == latest.date and change.new_stance != latest.new_stance)
    ]


def event_record_stance_changes(
    *,
    changes: Sequence[StanceChange],
    previous: Sequence[StanceChange] = (),
    published: Statement | None = None,
) -> list[Event]:
    """One event per new, newsworthy stance change (see :func:`stance_changes_newsworthy`),
    with the models its statements concern.

    ``published`` is the statement whose publishing moved the stance. The change it explains
    (the latest that cites it, or else the latest) carries it: its event names the statement,
    so that a reader who follows both gets one mail that tells both (:mod:`.fanout`).
    """
    events = []
    news = stance_changes_newsworthy(changes=changes, previous=previous)
    if len(news) < len(changes):
        logger.info(
            "%d redrawn historical stance change(s) of %s recorded without an alert",
            len(changes) - len(news),
            changes[0].company,
        )
    carrier = _change_explained_by(news, published) if published is not None else None
    for change in news:
        model_ids = set(
            Statement.ai_models.through.objects.filter(
                statement__in=change.statements.all()
            ).values_list("aimodel_id", flat=True)
        )
        events.append(
            event_record(
                kind=EventKind.STANCE_CHANGE,
                company=change.company,
                stance_change=change,
                statement=published if change is carrier else None,
                ai_models=sorted(model_ids),
            )
        )
    return events


def _change_explained_by(
    changes: Sequence[StanceChange], statement: Statement
) -> StanceChange | None:
    citing = [c for c in changes if any(s.pk == statement.pk for s in c.statements.all())]
    candidates = citing or list(changes)
    return candidates[-1] if candidates else None


def event_record_statement_published(*, statement: Statement) -> Event:
    return event_record(
        kind=EventKind.STATEMENT_PUBLISHED,
        company=statement.company,
        statement=statement,
        ai_models=list(statement.ai_models.values_list("pk", flat=True)),
    )


def event_record_model_status(*, status_change: ModelStatusChange) -> Event:
    return event_record(
        kind=EventKind.MODEL_STATUS,
        company=status_change.model.developer,
        model_status_change=status_change,
        ai_models=[status_change.model_id],
    )


def event_record_page_change(*, snapshot: WatchSnapshot, statement: Statement) -> Event | None:
    """The "policy changed" event of a watched page's change an editor accepted, about the
    statement's lab and models (the watch's, as the accepted draft act names them).

    Only the editor's decision makes one (apps.watch announces PageChangeAccepted then); a diff
    alone never does. A change told already gets no second event (``event_one_per_page_change``).
    """
    if Event.objects.filter(page_change=snapshot).exists():
        return None
    return event_record(
        kind=EventKind.PAGE_CHANGE,
        company=statement.company,
        statement=statement,
        page_change=snapshot,
        ai_models=list(statement.ai_models.values_list("pk", flat=True)),
    )


def _words(value: str) -> str:
    return " ".join(value.split()).casefold()


def dataset_changes_newsworthy(*, changes: Sequence[ClaimChange]) -> list[ClaimChange]:
    """The changed dataset values readers should hear of (each change keeps its history either
    way): a value about how open a model is (apps.datasets.labels.OPENNESS_FIELDS, a component's
    licence, an index's class), on a record matched to one of our models, that the dataset
    stated before and states now in other words.

    Not news: a record no catalogue model answers to (nobody can follow it); a value stated for
    the first time; a value the dataset no longer states (a renamed column would empty every
    record at once: an editor looks at the run, readers are not mailed a thousand times); a
    change of case or spacing; release dates, parameter counts and developers' names.
    """
    return [
        change
        for change in changes
        if change.claim.record.model_id is not None
        and field_describes_openness(change.claim.field)
        and change.old_value.strip()
        and change.new_value.strip()
        and _words(change.old_value) != _words(change.new_value)
    ]


def event_record_dataset_changes(*, changes: Sequence[ClaimChange]) -> list[Event]:
    """One event per newsworthy change (see :func:`dataset_changes_newsworthy`), for the matched
    model and its lab, in four queries however many: an import may change hundreds at once.

    A change that has its event already gets no second one (and the unique constraint
    ``event_one_per_dataset_change`` would refuse it).
    """
    news = dataset_changes_newsworthy(changes=changes)
    if not news:
        return []
    told = set(
        Event.objects.filter(dataset_change__in=news).values_list("dataset_change_id", flat=True)
    )
    rows: list[tuple[Event, AIModel]] = []
    for change in news:
        model = change.claim.record.model
        if model is not None and change.pk not in told:
            # The model's lab: its subscribers follow the model's news as well.
            event = Event(
                kind=EventKind.DATASET_CHANGE, company_id=model.developer_id, dataset_change=change
            )
            rows.append((event, model))
    events = Event.objects.bulk_create([event for event, _model in rows])
    Event.ai_models.through.objects.bulk_create(
        [Event.ai_models.through(event_id=event.pk, aimodel_id=model.pk) for event, model in rows]
    )
    event_ids = [event.pk for event in events]
    transaction.on_commit(lambda: _events_publish(event_ids))
    return events


def _events_publish(event_ids: Sequence[int]) -> None:
    for event_id in event_ids:
        event_publish(event_id=event_id)


def on_statement_published(event: StatementPublished) -> None:
    statement = Statement.objects.select_related("company").get(pk=event.statement_id)
    event_record_statement_published(statement=statement)


def on_stance_changed(event: StanceChanged) -> None:
    rows = StanceChange.objects.select_related("company").in_bulk(
        [*event.change_ids, *event.previous_ids]
    )
    published = (
        Statement.objects.filter(pk=event.published_statement_id).first()
        if event.published_statement_id is not None
        else None
    )
    event_record_stance_changes(
        changes=[rows[pk] for pk in event.change_ids],
        previous=[rows[pk] for pk in event.previous_ids],
        published=published,
    )


def on_model_status_changed(event: ModelStatusChanged) -> None:
    status_change = ModelStatusChange.objects.select_related("model__developer").get(
        pk=event.status_change_id
    )
    event_record_model_status(status_change=status_change)


def on_dataset_values_changed(event: DatasetValuesChanged) -> None:
    changes = (
        ClaimChange.objects.filter(pk__in=event.change_ids, claim__record__model__isnull=False)
        .select_related("claim__record__model")
        .order_by("pk")
    )
    event_record_dataset_changes(changes=list(changes))


def on_page_change_accepted(event: PageChangeAccepted) -> None:
    snapshot = WatchSnapshot.objects.get(pk=event.snapshot_id)
    statement = Statement.objects.select_related("company").get(pk=event.statement_id)
    event_record_page_change(snapshot=snapshot, statement=statement)


def event_record_commitment_outcome(*, outcome: CommitmentOutcome) -> Event | None:
    """The event of a commitment resolved by a reviewer or fallen overdue, for the readers of
    its lab (and of the models it names) who follow commitments. A reopening is no news: the
    verdict that follows it is. An outcome told already gets no second event."""
    if outcome.outcome == OutcomeKind.REOPENED:
        return None
    if Event.objects.filter(commitment_outcome=outcome).exists():
        return None
    commitment = outcome.commitment
    return event_record(
        kind=EventKind.COMMITMENT,
        company=commitment.statement.company,
        commitment_outcome=outcome,
        ai_models=list(commitment.ai_models.values_list("pk", flat=True)),
    )


def on_commitment_outcome_recorded(event: CommitmentOutcomeRecorded) -> None:
    outcome = CommitmentOutcome.objects.select_related("commitment__statement__company").get(
        pk=event.outcome_id
    )
    event_record_commitment_outcome(outcome=outcome)


def event_publish(*, event_id: int) -> bool:
    """Hand the event to the fan-out task; record when, or why not."""
    if task_publish(AlertTask.EVENT_FAN_OUT, event_id):
        Event.objects.filter(pk=event_id).update(published_at=timezone.now())
        return True
    Event.objects.filter(pk=event_id).update(
        last_error="The queue was unreachable; the sweeper will publish it again."
    )
    return False
