"""Keeping the bulk exports in step with the record: mark them out of date, rebuild when due.

* **Out of date.** What the record, the catalogue and the datasets announce (a statement
  published, a stance changed, a model's status, a dataset's values) marks the files out of date
  in the announcer's transaction (:func:`on_record_changed`), so the mark commits exactly when
  the change does. Changes that announce nothing (a retraction, an edit in the admin, a lab
  renamed, an import that only added records) are found by beat's tick, which compares the
  record's latest change (:func:`record_latest_change`: the audit trail, stance changes, dataset
  imports and match decisions) with the one the last build began from.
* **Debounced.** A rebuild starts once ``EXPORTS_DEBOUNCE_SECONDS`` have passed since the first
  change the files lack, and at least that long after the previous rebuild began: a burst of
  edits makes one rebuild, and rebuilds never run back to back.
* **Never twice at once.** A rebuild claims the state row with the project's one claim idiom
  (``rows_claim``: SELECT ... FOR UPDATE SKIP LOCKED and a conditional UPDATE that repeats the
  conditions); the claim clears the mark, so a change during the build marks the files out of
  date again for the next one. A claim older than ``EXPORTS_CLAIM_TIMEOUT_SECONDS`` belongs to a
  worker that died and is taken over. A failed build keeps the previous files, records its error
  on the row (Admin → Exports) and is tried again after the debounce.
"""

from __future__ import annotations

import datetime
import enum
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.db import connection, models
from django.db.models import F, Max, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.catalog.models import (
    AIModel,
    Alias,
    Company,
    ModelStatusChange,
    OpennessComponent,
    Person,
    Publisher,
    Source,
)
from apps.claims.models import Citation, Commitment, StanceChange, Statement
from apps.datasets.models import ImportRun, MatchDecision
from apps.lib.events import DomainEvent
from apps.lib.workqueue import ERROR_MAX_LENGTH, rows_claim

from .build import Built, exports_build
from .conf import exports_conf
from .models import STATE_ID, ExportState

logger = logging.getLogger(__name__)

#: The exported models whose every save leaves a row in the audit trail (django-simple-history);
#: the latest of those rows is when the record last changed.
AUDITED: tuple[type[models.Model], ...] = (
    Statement,
    Citation,
    Source,
    Company,
    Alias,
    AIModel,
    OpennessComponent,
    ModelStatusChange,
    Person,
    Publisher,
    # Marking or editing a commitment announces nothing (its outcomes do): the trail tells.
    Commitment,
)


class Outcome(enum.StrEnum):
    BUILT = "built"
    FAILED = "failed"
    #: The files hold everything known; nothing to do.
    CLEAN = "clean"
    #: Out of date, but the debounce has not passed yet.
    WAITING = "waiting"
    #: Another worker is building.
    BUSY = "busy"
    #: (tick) A rebuild was handed to the queue.
    QUEUED = "queued"


def state_get() -> ExportState:
    return ExportState.objects.get_or_create(pk=STATE_ID)[0]


def exports_mark_dirty(*, at: datetime.datetime | None = None) -> None:
    """Mark the files out of date from ``at`` (now) on, in the caller's transaction, in one
    statement whatever the row's state: an upsert that keeps an earlier mark."""
    table = connection.ops.quote_name(ExportState._meta.db_table)
    moment = connection.ops.adapt_datetimefield_value(at or timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, dirty_at, claim, builds, last_error) "  # noqa: S608
            "VALUES (%s, %s, '', 0, '') "
            "ON CONFLICT (id) DO UPDATE SET "
            f"dirty_at = COALESCE({table}.dirty_at, EXCLUDED.dirty_at)",
            [STATE_ID, moment],
        )


def on_record_changed(event: DomainEvent) -> None:
    """The domain events' handler (ExportsConfig.ready): the record changed, the files lag."""
    exports_mark_dirty()


def _audit_trail(model: type[models.Model]) -> models.QuerySet[Any]:
    manager: models.Manager[Any] = model.history  # type: ignore[attr-defined]
    return manager.all()


def record_latest_change() -> datetime.datetime | None:
    """When the exported record last changed, as far as its own timestamps tell: a fixed number
    of queries, each a MAX over an index or a small table."""
    moments: list[Any] = [
        _audit_trail(model).aggregate(latest=Max("history_date"))["latest"] for model in AUDITED
    ]
    moments += StanceChange.objects.aggregate(
        created=Max("created_at"), superseded=Max("superseded_at")
    ).values()
    moments.append(
        ImportRun.objects.filter(dry_run=False).aggregate(latest=Max("finished_at"))["latest"]
    )
    moments.append(MatchDecision.objects.aggregate(latest=Max("applied_at"))["latest"])
    return max((moment for moment in moments if moment is not None), default=None)


def _buildable(now: datetime.datetime, *, force: bool = False) -> Q:
    """The conditions under which the state row may be claimed for a build at ``now``; with
    ``force``, due or not (but never while another build holds it)."""
    conf = exports_conf()
    debounce = datetime.timedelta(seconds=conf.debounce_seconds)
    stale = Q(claimed_at__lt=now - datetime.timedelta(seconds=conf.claim_timeout_seconds))
    never_built = Q(last_started_at__isnull=True)
    rested = never_built | Q(last_started_at__lte=now - debounce)
    due = never_built | (Q(dirty_at__lte=now - debounce) & rested)
    # A dead build's claim is due at once: the mark it cleared is lost with it.
    return (Q(claim="") & (Q() if force else due)) | (~Q(claim="") & stale)


def exports_tick(
    *, enqueue_rebuild: Callable[[], object], now: datetime.datetime | None = None
) -> Outcome:
    """Beat's every-minute look: note changes no event announced, queue a rebuild when due."""
    now = now or timezone.now()
    state = state_get()
    latest = record_latest_change()
    if latest is not None and (state.watermark is None or latest > state.watermark):
        ExportState.objects.filter(pk=STATE_ID, dirty_at__isnull=True).update(dirty_at=latest)
    ExportState.objects.filter(pk=STATE_ID).update(checked_at=now)
    if ExportState.objects.filter(_buildable(now), pk=STATE_ID).exists():
        enqueue_rebuild()
        return Outcome.QUEUED
    return _why_not(now)


def _why_not(now: datetime.datetime) -> Outcome:
    state = state_get()
    if state.claim:
        return Outcome.BUSY
    return Outcome.WAITING if state.dirty_at is not None else Outcome.CLEAN


def exports_rebuild(*, now: datetime.datetime | None = None, force: bool = False) -> Outcome:
    """Claim the state row and rebuild every file, if a rebuild is due (or ``force``) and none
    is running."""
    conf = exports_conf()
    now = now or timezone.now()
    state_get()
    latest = record_latest_change()
    token = uuid.uuid4().hex
    claimed = rows_claim(
        ExportState.objects.filter(_buildable(now, force=force), pk=STATE_ID),
        update={
            "claim": token,
            "claimed_at": now,
            "dirty_at": None,
            "last_started_at": now,
            "watermark": latest,
        },
        mark="claim",
    )
    if not claimed:
        return _why_not(now)
    mine = ExportState.objects.filter(pk=STATE_ID, claim=token)
    try:
        built: Built = exports_build(
            directory=conf.directory, chunk_size=conf.chunk_size, gzip_level=conf.gzip_level
        )
    except Exception as error:  # the soft time limit included: the old files stay, the row says why
        logger.exception("exports: the rebuild failed; the previous files stay in place")
        mine.update(
            claim="",
            claimed_at=None,
            dirty_at=Coalesce(F("dirty_at"), Value(now)),
            last_failed_at=timezone.now(),
            last_error=f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH],
        )
        return Outcome.FAILED
    mine.update(
        claim="",
        claimed_at=None,
        last_finished_at=timezone.now(),
        last_seconds=built.seconds,
        last_rows=built.rows,
        builds=F("builds") + 1,
        last_error="",
    )
    logger.info("exports: rebuilt %d rows in %.1f s", built.rows, built.seconds)
    return Outcome.BUILT
