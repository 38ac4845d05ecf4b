"""Claiming due checks and working through them, the same for source checks and watches.

A check row is due when ``next_check_at`` has come and nobody holds it; a claim is a random
token in ``claim`` (apps/lib/workqueue.rows_claim, the one claim idiom), taken over once older
than WATCH_CLAIM_TIMEOUT_SECONDS. Rows are worked one at a time in one process, so a worker
never sends two requests to one host at once; the host lock (apps/watch/hosts.py) keeps other
workers off a host this one is asking.
"""

from __future__ import annotations

import datetime
import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from django.db import DatabaseError, models, transaction
from django.db.models import Q
from django.utils import timezone

from apps.lib.outage import database_disk_full
from apps.lib.workqueue import rows_claim

from ..conf import watch_conf
from ..hosts import HostGate, host_of

logger = logging.getLogger(__name__)

#: A row whose host another worker is asking is looked at again after this long.
HOST_BUSY_SECONDS = 30.0
#: After the database ran out of disk space storing a reading, the rows are looked at again
#: after this long (the reading was rolled back whole: the next check stores it).
DISK_FULL_RETRY_SECONDS = 300.0
DISK_FULL_DETAIL = (
    "The database has no disk space left to store the page; it will be checked again."
)

type CheckOne = Callable[[Any, str, HostGate, datetime.datetime], str]


def due_claim(
    queryset: models.QuerySet[Any], *, now: datetime.datetime, size: int, due_only: bool = True
) -> tuple[list[int], str]:
    """Claim up to ``size`` rows of ``queryset`` (due ones, unless ``due_only`` is False)."""
    stale = now - datetime.timedelta(seconds=watch_conf().claim_timeout_seconds)
    candidates = queryset.filter(Q(claim="") | Q(claimed_at__lt=stale))
    if due_only:
        candidates = candidates.filter(next_check_at__lte=now)
    token = uuid.uuid4().hex
    ids = rows_claim(
        candidates, update={"claim": token, "claimed_at": now}, mark="claim", limit=size
    )
    return ids, token


def claim_release(model: type[models.Model], pk: int, token: str, **fields: Any) -> int:
    """Settle one claimed row with ``fields``, if this claim still holds it."""
    return model._default_manager.filter(pk=pk, claim=token).update(
        claim="", claimed_at=None, **fields
    )


def checks_drain(
    queryset: models.QuerySet[Any],
    *,
    check_one: CheckOne,
    url_of: Callable[[Any], str],
    select: Sequence[str] = (),
    due_only: bool = True,
    budget_seconds: float | None = None,
) -> Counter[str]:
    """Claim batch after batch of ``queryset`` and check each row; stop when nothing is due or
    the budget is spent. Returns how many rows ended in each outcome."""
    conf = watch_conf()
    budget = conf.budget_seconds if budget_seconds is None else budget_seconds
    started = time.monotonic()
    gate = HostGate()
    outcomes: Counter[str] = Counter()
    seen: set[int] = set()
    model = queryset.model
    while time.monotonic() - started < budget:
        now = timezone.now()
        # A due row checked here is due again only later; without due_only, each once.
        candidates = queryset if due_only else queryset.exclude(pk__in=seen)
        ids, token = due_claim(candidates, now=now, size=conf.batch_size, due_only=due_only)
        if not ids:
            break
        if not due_only:
            seen.update(ids)
        rows = model._default_manager.filter(pk__in=ids).order_by("pk")
        if select:
            rows = rows.select_related(*select)
        for index, row in enumerate(rows):
            if time.monotonic() - started >= budget:
                model._default_manager.filter(pk__in=ids[index:], claim=token).update(
                    claim="", claimed_at=None
                )
                outcomes["handed back"] += len(ids) - index
                break
            host = host_of(url_of(row))
            wait = gate.wait_for(host)
            if wait:
                later = timezone.now() + datetime.timedelta(seconds=wait)
                claim_release(model, row.pk, token, next_check_at=later)
                outcomes["deferred"] += 1
                continue
            with gate.turn(host) as mine:
                if not mine:
                    later = timezone.now() + datetime.timedelta(seconds=HOST_BUSY_SECONDS)
                    claim_release(model, row.pk, token, next_check_at=later)
                    outcomes["host busy"] += 1
                    continue
                try:
                    outcomes[check_one(row, token, gate, timezone.now())] += 1
                except DatabaseError as error:
                    if not database_disk_full(error):
                        raise
                    outcomes["disk full"] += _disk_full(model, row.pk, token, error)
                    return outcomes
    return outcomes


def _disk_full(model: type[models.Model], pk: int, token: str, error: Exception) -> int:
    """Let go of the batch after row ``pk``'s reading could not be stored for want of disk
    space: that row says so (its ``detail``, in the admin), and it and the batch's rows not yet
    checked are due again later. If that cannot be written either, the claims go stale and are
    taken over. Returns how many rows were let go."""
    logger.error("the database is out of disk space storing a %s: %s", model.__name__, error)
    later = timezone.now() + datetime.timedelta(seconds=DISK_FULL_RETRY_SECONDS)
    try:
        with transaction.atomic():
            claim_release(model, pk, token, detail=DISK_FULL_DETAIL, next_check_at=later)
            rest = model._default_manager.filter(claim=token)
            return 1 + rest.update(claim="", claimed_at=None, next_check_at=later)
    except DatabaseError:
        logger.exception("%s rows left claimed until their claims go stale", model.__name__)
        return 1
