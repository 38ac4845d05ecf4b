"""What the ingestion services share: the enqueue callback type, URL checking, backoff, the
admin's record of a failed fetch, the permission check, and re-dispatch of lost work.

Every other module of the package imports from here and this module imports none of them, so
the package has no import cycle.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet

from apps.lib.workqueue import WorkQueue, backoff_seconds, rows_claim

from ..conf import ingest_conf
from ..models import ArticleURL, Feed, FetchAttempt, Outcome

#: Hands a row's id to a worker (a Celery task's ``delay``), or to anything in a test.
Enqueue = Callable[[int], Any]


def backoff_delay(*, failures: int, base_minutes: float) -> datetime.timedelta:
    """The work queue's backoff after ``failures`` failures: up to twice ``base_minutes`` after
    the first, doubling, capped at INGEST_BACKOFF_MAX_MINUTES."""
    seconds = backoff_seconds(
        attempt=failures + 1, base=base_minutes * 60, cap=ingest_conf().backoff_max_minutes * 60
    )
    return datetime.timedelta(seconds=seconds)


def error_attempt_record(
    *,
    url: str,
    now: datetime.datetime,
    reason: str,
    permanent: bool,
    message: str,
    status: int | None,
    feed: Feed | None = None,
    article_url: ArticleURL | None = None,
) -> FetchAttempt:
    """The admin's record of one failed fetch, of a feed or of an article."""
    return FetchAttempt.objects.create(
        feed=feed,
        article_url=article_url,
        url=url,
        started_at=now,
        outcome=Outcome.ERROR,
        reason=reason[:30],
        permanent=permanent,
        message=message,
        http_status=status,
    )


def dispatch_lost(
    queue: WorkQueue[Any],
    pending: QuerySet[Any],
    *,
    enqueue: Enqueue,
    now: datetime.datetime,
    stale_after: float | None,
) -> list[int]:
    """Enqueue the ``pending`` rows dispatched longer ago than ``stale_after`` seconds (or
    never), and the rows of ``queue`` claimed that long ago by a worker that died."""
    cutoff_seconds = ingest_conf().claim_timeout_seconds if stale_after is None else stale_after
    cutoff = now - datetime.timedelta(seconds=cutoff_seconds)
    lost = pending.filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lte=cutoff))
    dispatched = rows_claim(lost, update={"dispatched_at": now}, mark="dispatched_at")
    # A claim this old belongs to a dead worker: give the row back, then hand it out.
    dispatched += queue.reclaim_stale(
        older_than=cutoff_seconds, now=now, claimed_at=None, dispatched_at=now
    )
    for row_id in dispatched:
        enqueue(row_id)
    return dispatched
