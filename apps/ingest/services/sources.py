"""Sources fetched for editors: "Add source from URL" recorded in the request, fetched by a worker.

The request only checks and records the URL; a worker claims the row (the same kind of work
queue as article URLs) and makes the page a ledger source with catalog's
source_create_from_url. The row keeps the outcome for the editor's progress page.
"""

from __future__ import annotations

import datetime
import logging

from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.catalog import services as catalog_services
from apps.catalog.models import Source
from apps.lib.fetch import FetchError
from apps.lib.permissions import Actor, permission_require
from apps.lib.urls import url_validate
from apps.lib.workqueue import WorkQueue

from ..conf import ingest_conf
from ..models import ArticleState, SourceFetch
from .common import Enqueue, dispatch_lost

logger = logging.getLogger(__name__)

# An editor's "Add source from URL", fetched by a worker: the same kind of queue.
SOURCE_FETCHES = WorkQueue(
    SourceFetch,
    pending=ArticleState.PENDING,
    claimed=ArticleState.FETCHING,
    failed=ArticleState.FAILED,
    status_field="state",
    claim_field=None,
    next_attempt_at_field=None,
)


def source_add_permission() -> str:
    """The permission to add a ledger source, wherever the Source model lives."""
    return f"{Source._meta.app_label}.{get_permission_codename('add', Source._meta)}"


def source_fetch_request(*, url: str, user: Actor | None, enqueue: Enqueue) -> SourceFetch:
    """Record an editor's "Add source from URL" and queue the fetch for a worker.

    Nothing is fetched here. The URL is checked as any URL we fetch (url_validate: scheme, no
    user name or password; ValidationError why not); its address is checked by the worker's
    fetch. A page that is already a source is answered at once from the database: the row is
    recorded done, pointing at that source, with ``source_created`` False.
    """
    permission_require(user, "ingest.add_sourcefetch", "fetch pages")
    permission_require(user, source_add_permission(), "add sources")
    url = url.strip()
    canonical = url_validate(url)
    requested_by = user if isinstance(user, User) else None
    existing = Source.objects.filter(url=canonical).first()
    if existing is not None:
        return SourceFetch.objects.create(
            url=url,
            state=ArticleState.DONE,
            source=existing,
            source_created=False,
            requested_by=requested_by,
            done_at=timezone.now(),
        )
    with transaction.atomic():
        row = SourceFetch.objects.create(
            url=url, requested_by=requested_by, dispatched_at=timezone.now()
        )
        transaction.on_commit(lambda: enqueue(row.pk), robust=True)
    return row


def source_fetch_run(*, source_fetch_id: int) -> str:
    """Claim one source fetch and make its page a source (claims' source_create_from_url).

    Idempotent: a fetch already finished, or held by a live worker, is left alone. A refused
    address, an error page or a page that cannot be read fails the row with the reason, for
    the editor to read; the editor asks again if the site was only down.
    Returns the row's state afterwards.
    """
    now = timezone.now()
    claim = SOURCE_FETCHES.claim(
        queryset=SourceFetch.objects.filter(pk=source_fetch_id),
        size=1,
        now=now,
        stale_after=ingest_conf().claim_timeout_seconds,
    )
    row = SourceFetch.objects.get(pk=source_fetch_id)
    if not claim.ids:
        return row.state
    if row.attempts > ingest_conf().max_attempts:
        error = f"Given up after {row.attempts - 1} attempts."
        claim.settle(claim.ids, status=ArticleState.FAILED, error=error, done_at=now)
        return ArticleState.FAILED
    try:
        source, created = catalog_services.source_create_from_url(url=row.url)
    except (FetchError, ValueError, ValidationError) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        claim.settle(claim.ids, status=ArticleState.FAILED, error=text, done_at=timezone.now())
        return ArticleState.FAILED
    except Exception as error:  # a bug must not leave the editor waiting: record it
        logger.exception("source fetch %s: unexpected error", row.pk)
        claim.settle(
            claim.ids,
            status=ArticleState.FAILED,
            error=f"Unexpected error: {error!r}"[:500],
            done_at=timezone.now(),
        )
        return ArticleState.FAILED
    claim.settle(
        claim.ids,
        status=ArticleState.DONE,
        error="",
        source=source,
        source_created=created,
        done_at=timezone.now(),
    )
    return ArticleState.DONE


def source_fetches_dispatch_stale(
    *, enqueue: Enqueue, now: datetime.datetime | None = None, stale_after: float | None = None
) -> list[int]:
    """Hand out again the source fetches whose message was lost (as for article URLs)."""
    return dispatch_lost(
        SOURCE_FETCHES,
        SourceFetch.objects.filter(state=ArticleState.PENDING),
        enqueue=enqueue,
        now=now or timezone.now(),
        stale_after=stale_after,
    )
