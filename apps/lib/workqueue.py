"""One work queue over database rows: claim, settle, retry with backoff, hand back, reclaim, drain.

Work that must happen once per row (an alert mail, a webhook post, an article fetch) is held by
the row itself, never only by a broker message: the row says whether it waits, is being worked
on (since when, under which claim) or is finished, and how many attempts it cost. Celery only
carries "look at the queue"; a lost or repeated message loses or repeats nothing.

The rules, the same for every queue in the project:

* **Claim** (:meth:`WorkQueue.claim`, built on :func:`rows_claim`): lock the candidate rows with
  ``SELECT ... FOR UPDATE SKIP LOCKED`` and move them to the claimed state by a conditional
  UPDATE that repeats the candidates' own filter, stamping the claim's mark (a random token, or
  the claim time where the table has no token column), the claim time and one more attempt, in
  one short transaction; then read back the rows that carry the mark. On PostgreSQL the lock
  keeps a concurrent claimer off, on SQLite (no row locks) the conditional UPDATE does, and the
  read-back is the truth on both. Two workers never hold the same row.
* **Settle** (:meth:`Claim.settle`): mark each row finished right after its work, conditional
  on the claim still holding it, so a row the sweeper took back meanwhile is not overwritten.
* **Retry with backoff** (:meth:`Claim.retry_later`, :func:`backoff_seconds`): a temporary
  failure puts the row back to pending with a later due time, or fails it for good once it has
  used its attempts.
* **Hand back** (:meth:`Claim.hand_back`): rows claimed but not tried (out of time, the target
  unreachable) go back to pending at no cost of an attempt.
* **Reclaim** (:meth:`WorkQueue.reclaim_stale`): a claim older than the queue's timeout belongs
  to a worker that died; the sweeper puts its rows back to pending. That attempt stays counted.
* **Drain** (:func:`drain`): claim batch after batch until nothing is left, ``max_batches`` are
  done or a time budget is spent, handing back what a batch left unsent, also when Celery's
  soft time limit strikes mid-batch. What to do with a batch is the caller's ``handle``.

This module knows no app: a queue is a model and the names of its fields.
"""

from __future__ import annotations

import datetime
import enum
import random
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

#: The longest a last error is kept on a row.
ERROR_MAX_LENGTH = 2000


def backoff_seconds(*, attempt: int, base: float, cap: float) -> float:
    """How long to wait after the ``attempt``-th failed attempt (1, 2, ...) before the next one.

    Exponential with jitter and a cap: the ceiling doubles with each failure from ``base``
    (base, 2 x base, 4 x base ... never above ``cap``) and the wait is drawn at random between
    half the ceiling and the ceiling. The random half spreads out rows that failed together (a
    mail server down for a thousand readers, many pages of one site), so they do not all come
    back at one moment; the fixed half keeps a retry from coming back at once, so "not due yet"
    holds for at least ``base / 2``.
    """
    ceiling = min(cap, base * 2.0 ** min(max(attempt - 1, 0), 32))
    return random.uniform(ceiling / 2, ceiling)


@dataclass(frozen=True)
class Backoff:
    """A queue's backoff: :func:`backoff_seconds` with its base and cap, in seconds."""

    base: float
    cap: float

    def seconds(self, attempt: int) -> float:
        return backoff_seconds(attempt=attempt, base=self.base, cap=self.cap)


def _locked_ids(queryset: models.QuerySet[Any], limit: int | None) -> list[Any]:
    """Lock up to ``limit`` rows of ``queryset`` (skipping rows another transaction holds)."""
    locked = (
        queryset.order_by("pk")
        # of=("self",): lock only the queue's own rows, whatever the filter joins.
        .select_for_update(skip_locked=True, of=("self",))
        .values_list("pk", flat=True)
    )
    return list(locked[:limit] if limit is not None else locked)


def rows_claim[M: models.Model](
    queryset: models.QuerySet[M],
    *,
    update: Mapping[str, Any],
    mark: str,
    limit: int | None = None,
) -> list[Any]:
    """Claim rows of ``queryset``: lock them (SKIP LOCKED), apply ``update`` by conditional UPDATE
    (``queryset``'s own filter again), and return the ids, in order, that now carry this claim's
    mark: ``update[mark]``, a value no other claim writes (a random token, or the claim time).

    The one claim idiom; :meth:`WorkQueue.claim` and the ingestion dispatchers use it. ``limit``
    None claims every row that matches. ``queryset`` must not be sliced.
    """
    with transaction.atomic():
        ids = _locked_ids(queryset, limit)
        if not ids:
            return []
        queryset.filter(pk__in=ids).update(**update)
        return list(
            queryset.model._default_manager.filter(pk__in=ids, **{mark: update[mark]})
            .order_by("pk")
            .values_list("pk", flat=True)
        )


@dataclass(frozen=True)
class WorkQueue[M: models.Model]:
    """A table whose rows are work items, described by the names of its fields.

    ``status_field`` holds ``pending``, ``claimed`` or a finished value (``failed`` among them);
    ``attempts_field`` counts claims; ``claim_field`` (optional) holds the claim's random token,
    without it the claim time marks a claim; ``next_attempt_at_field`` (optional) is when a
    pending row is due; ``last_error_field`` (optional) keeps why the last attempt failed.
    """

    model: type[M]
    pending: str
    claimed: str
    failed: str
    status_field: str = "status"
    claim_field: str | None = "claim"
    claimed_at_field: str = "claimed_at"
    attempts_field: str = "attempts"
    next_attempt_at_field: str | None = "next_attempt_at"
    last_error_field: str | None = "last_error"

    def _rows(self, queryset: models.QuerySet[M] | None = None) -> models.QuerySet[M]:
        return queryset if queryset is not None else self.model._default_manager.all()

    def due(
        self, queryset: models.QuerySet[M] | None = None, *, now: datetime.datetime | None = None
    ) -> models.QuerySet[M]:
        """Pending rows (of ``queryset``) whose due time has come."""
        rows = self._rows(queryset).filter(**{self.status_field: self.pending})
        if self.next_attempt_at_field is not None:
            due_at = self.next_attempt_at_field
            rows = rows.filter(
                Q(**{f"{due_at}__isnull": True}) | Q(**{f"{due_at}__lte": now or timezone.now()})
            )
        return rows

    def stale(
        self,
        queryset: models.QuerySet[M] | None = None,
        *,
        older_than: float,
        now: datetime.datetime | None = None,
    ) -> models.QuerySet[M]:
        """Rows claimed more than ``older_than`` seconds ago: their worker is presumed dead."""
        cutoff = (now or timezone.now()) - datetime.timedelta(seconds=older_than)
        return self._rows(queryset).filter(
            **{self.status_field: self.claimed, f"{self.claimed_at_field}__lt": cutoff}
        )

    def claim(
        self,
        *,
        queryset: models.QuerySet[M] | None = None,
        size: int | None,
        now: datetime.datetime | None = None,
        stale_after: float | None = None,
    ) -> Claim[M]:
        """Claim up to ``size`` due rows of ``queryset`` (see :func:`rows_claim`), counting one
        attempt each; with ``stale_after``, rows claimed longer ago than that are taken over too.
        """
        moment = now or timezone.now()
        candidates = self.due(queryset, now=moment)
        if stale_after is not None:
            candidates = candidates | self.stale(queryset, older_than=stale_after, now=moment)
        token = uuid.uuid4().hex if self.claim_field is not None else ""
        update: dict[str, Any] = {
            self.status_field: self.claimed,
            self.claimed_at_field: moment,
            self.attempts_field: F(self.attempts_field) + 1,
        }
        mark = self.claimed_at_field
        if self.claim_field is not None:
            update[self.claim_field] = token
            mark = self.claim_field
        ids = rows_claim(candidates, update=update, mark=mark, limit=size)
        return Claim(queue=self, ids=ids, token=token, claimed_at=moment)

    def nothing(self) -> Claim[M]:
        """An empty claim: what a claim function returns when nothing is left."""
        return Claim(queue=self, ids=[], token="", claimed_at=timezone.now())

    def reclaim_stale(
        self,
        *,
        older_than: float,
        queryset: models.QuerySet[M] | None = None,
        now: datetime.datetime | None = None,
        **fields: Any,
    ) -> list[Any]:
        """Put rows claimed more than ``older_than`` seconds ago back to pending (with ``fields``
        set too); return their ids. The attempt their dead worker used stays counted, so a row
        that kills every worker that takes it runs out of attempts instead of looping.

        Rows are locked with SKIP LOCKED and updated conditionally; on a database without row
        locks (SQLite), two sweepers at once may both list a row, which is harmless: a claim, not
        this list, decides who works on it.
        """
        stale = self.stale(queryset, older_than=older_than, now=now)
        update: dict[str, Any] = {self.status_field: self.pending, **fields}
        if self.claim_field is not None:
            update[self.claim_field] = ""
        with transaction.atomic():
            ids = _locked_ids(stale, None)
            if ids:
                stale.filter(pk__in=ids).update(**update)
        return ids


@dataclass(frozen=True)
class Retry:
    """What :meth:`Claim.retry_later` did: given up (failed for good), or due again later."""

    gave_up: bool
    #: Seconds until the row is due again; None when it gave up.
    retry_in: float | None


@dataclass(frozen=True)
class Claim[M: models.Model]:
    """Rows one worker claimed: their ids, and the mark that proves the claim is still its own."""

    queue: WorkQueue[M]
    ids: list[Any]
    token: str
    claimed_at: datetime.datetime

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self, ids: Iterable[Any] | None = None) -> models.QuerySet[M]:
        """The rows (of ``ids``) this claim still holds: not settled, handed back or reclaimed."""
        queue = self.queue
        mark: dict[str, Any] = (
            {queue.claim_field: self.token}
            if queue.claim_field is not None
            else {queue.claimed_at_field: self.claimed_at}
        )
        return queue._rows().filter(
            pk__in=self.ids if ids is None else list(ids),
            **{queue.status_field: queue.claimed},
            **mark,
        )

    def _release(self, update: dict[str, Any]) -> dict[str, Any]:
        if self.queue.claim_field is not None:
            update[self.queue.claim_field] = ""
        return update

    def settle(
        self, ids: Iterable[Any], *, status: str, error: str | None = None, **fields: Any
    ) -> int:
        """Finish rows with ``status`` (sent, failed, skipped, done ...), and ``fields``."""
        update: dict[str, Any] = {self.queue.status_field: status, **fields}
        if error is not None and self.queue.last_error_field is not None:
            update[self.queue.last_error_field] = error[:ERROR_MAX_LENGTH]
        return self.rows(ids).update(**self._release(update))

    def retry_later(
        self,
        ids: Iterable[Any],
        *,
        attempts: int,
        max_attempts: int,
        backoff: Backoff,
        error: str,
        now: datetime.datetime | None = None,
    ) -> Retry:
        """A temporary failure on rows that have used ``attempts`` attempts: pending again after
        the backoff, or failed for good when that was the last of ``max_attempts``."""
        queue = self.queue
        gave_up = attempts >= max_attempts
        delay = backoff.seconds(attempts)
        update: dict[str, Any] = {queue.status_field: queue.failed if gave_up else queue.pending}
        if queue.next_attempt_at_field is not None:
            update[queue.next_attempt_at_field] = (now or timezone.now()) + datetime.timedelta(
                seconds=delay
            )
        if queue.last_error_field is not None:
            update[queue.last_error_field] = error[:ERROR_MAX_LENGTH]
        self.rows(ids).update(**self._release(update))
        return Retry(gave_up=gave_up, retry_in=None if gave_up else delay)

    def hand_back(self, ids: Iterable[Any] | None = None, **fields: Any) -> int:
        """Put rows (of ``ids``; all still held when None) back to pending, untried: the attempt
        their claim counted is given back. Returns how many."""
        queue = self.queue
        update: dict[str, Any] = {
            queue.status_field: queue.pending,
            queue.attempts_field: F(queue.attempts_field) - 1,
            **fields,
        }
        return self.rows(ids).update(**self._release(update))


class Flow(enum.Enum):
    """What a batch handler tells :func:`drain` when it returns."""

    #: Every row of the batch is settled: claim the next batch.
    CONTINUE = "continue"
    #: Stop now, e.g. the target is unreachable; rows left unsettled are handed back.
    STOP = "stop"
    #: The handler found the budget spent between two rows; the rest are handed back.
    OUT_OF_TIME = "out_of_time"


class Stopped(enum.StrEnum):
    """Why :func:`drain` returned."""

    EMPTY = "empty"
    MAX_BATCHES = "max_batches"
    OUT_OF_TIME = "out_of_time"
    HANDLER = "handler"


class Budget:
    """A time budget on the monotonic clock, shared by :func:`drain` and its handler."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def spent(self) -> bool:
        return time.monotonic() >= self.deadline


@dataclass
class Drained:
    stopped: Stopped
    batches: int = 0
    #: Rows handed back untried: by a handler that stopped early, or by the soft time limit.
    handed_back: int = 0


def drain[M: models.Model](
    *,
    claim: Callable[[], Claim[M]],
    handle: Callable[[Claim[M], Budget], Flow],
    budget_seconds: float,
    max_batches: int | None = None,
    hand_back_on: Sequence[type[BaseException]] = (SoftTimeLimitExceeded,),
) -> Drained:
    """Claim and handle batches until ``claim`` finds nothing, ``max_batches`` are done, the
    budget is spent or ``handle`` says stop; the caller decides what to enqueue next.

    The budget is checked before each claim but the first (a run always moves forward: a budget
    spent before any work would only make a fresh task that does the same). A handler whose rows
    can each take long may also check ``budget.spent()`` between rows and return
    ``Flow.OUT_OF_TIME``. Whatever a batch leaves claimed and unsettled is handed back at no
    cost of an attempt, also when one of ``hand_back_on`` (Celery's soft time limit) is raised
    mid-batch, which is then raised on. Any other exception leaves the batch claimed: a bug is
    not a reason to give an attempt back, and the sweeper reclaims the rows after the timeout.

    Stopping between batches is clean; a stop mid-batch may repeat the one item in flight (the
    few milliseconds between the target accepting it and the row being settled).
    """
    budget = Budget(budget_seconds)
    result = Drained(stopped=Stopped.EMPTY)
    while True:
        if max_batches is not None and result.batches >= max_batches:
            result.stopped = Stopped.MAX_BATCHES
            return result
        if result.batches and budget.spent():
            result.stopped = Stopped.OUT_OF_TIME
            return result
        current = claim()
        if not current.ids:
            result.stopped = Stopped.EMPTY
            return result
        result.batches += 1
        try:
            flow = handle(current, budget)
        except tuple(hand_back_on):
            current.hand_back()
            raise
        left = current.hand_back()
        result.handed_back += left
        if flow is Flow.OUT_OF_TIME:
            result.stopped = Stopped.OUT_OF_TIME
            return result
        # Rows left by a handler that meant to go on would only be claimed again at once.
        if flow is Flow.STOP or left:
            result.stopped = Stopped.HANDLER
            return result


__all__ = [
    "Backoff",
    "Budget",
    "Claim",
    "Drained",
    "Flow",
    "Retry",
    "Stopped",
    "WorkQueue",
    "backoff_seconds",
    "drain",
    "rows_claim",
]
