"""Article URLs and articles: queue URLs (from a feed or an editor), fetch one, store it.

An article URL is a row of a work queue (apps/lib/workqueue.py): claimed by a conditional
UPDATE, its attempts counted in the database, retried with backoff after a temporary failure
and given up after INGEST_MAX_ATTEMPTS. A fetched page is extracted, stored once per content
hash, or nearly the same text (a syndicated copy: duplicates.py); another URL of the same story
is recorded against the stored article, and a new article has its mentions linked and its
suggestions made (suggestions.py) in the same transaction.
"""

from __future__ import annotations

import datetime
import logging
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from apps.lib.fetch import AddressPolicy, FetchError, fetch, redact_url
from apps.lib.outage import database_disk_full
from apps.lib.urls import url_validate
from apps.lib.workqueue import WorkQueue, rows_claim

from .. import cache
from ..conf import ingest_conf
from ..extract import ExtractError, article_extract
from ..models import Article, ArticleState, ArticleURL, Feed, FetchAttempt, Outcome
from .common import Enqueue, backoff_delay, dispatch_lost, error_attempt_record
from .duplicates import (
    NearDuplicate,
    TextSketch,
    article_band_keys_store,
    article_near_duplicate_find,
    article_near_duplicate_lock,
)
from .suggestions import mentions_link, suggestions_make

logger = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
# Article URLs are a work queue without a claim token: the claim time marks a claim. Their due
# time gates re-dispatch (article_urls_dispatch_stale), not the claim: a retry message comes
# with a countdown past it.
ARTICLE_URLS = WorkQueue(
    ArticleURL,
    pending=ArticleState.PENDING,
    claimed=ArticleState.FETCHING,
    failed=ArticleState.FAILED,
    status_field="state",
    claim_field=None,
    next_attempt_at_field=None,
)


def article_urls_add(
    *, urls: Iterable[str], feed: Feed | None = None
) -> tuple[list[ArticleURL], list[tuple[str, str]]]:
    """Queue URLs an editor pasted; returns (queued or known rows, refused (url, why))."""
    accepted: list[ArticleURL] = []
    refused: list[tuple[str, str]] = []
    for url in urls:
        if not url.strip():
            continue
        try:
            canonical = url_validate(url)
        except ValidationError as error:
            refused.append((redact_url(url), " ".join(error.messages)))
            continue
        article_url, _created = ArticleURL.objects.get_or_create(
            url=canonical, defaults={"feed": feed}
        )
        accepted.append(article_url)
    return accepted, refused


def article_urls_queue(
    *, urls: Iterable[str], enqueue: Enqueue
) -> tuple[list[ArticleURL], list[tuple[str, str]]]:
    """The admin's "Ingest URLs now": record the URLs (article_urls_add) and hand each one that
    waits to ``enqueue`` once the transaction commits. Nothing is fetched here: a worker does it
    and the rows keep the outcome. Returns (rows, refused (url, why)) as article_urls_add does.
    """
    with transaction.atomic():
        rows, refused = article_urls_add(urls=urls)
        _article_urls_hand_out([row.pk for row in rows], enqueue=enqueue)
    return rows, refused


def article_urls_retry(*, ids: Iterable[int], enqueue: Enqueue) -> list[int]:
    """Fetch again, in a worker, the failed or waiting URLs among ``ids``, with their attempts
    counted from zero. Returns the ids handed to ``enqueue`` (after commit)."""
    now, ids = timezone.now(), list(ids)
    with transaction.atomic():
        ArticleURL.objects.filter(
            pk__in=ids, state__in=[ArticleState.FAILED, ArticleState.PENDING]
        ).update(
            state=ArticleState.PENDING,
            attempts=0,
            next_attempt_at=now,
            claimed_at=None,
            last_error="",
        )
        return _article_urls_hand_out(ids, enqueue=enqueue, now=now)


def _article_urls_hand_out(
    ids: list[int], *, enqueue: Enqueue, now: datetime.datetime | None = None
) -> list[int]:
    """Stamp the waiting rows among ``ids`` as dispatched and enqueue them after commit (the
    beat tick then leaves them alone until the claim timeout)."""
    waiting = ArticleURL.objects.filter(pk__in=ids, state=ArticleState.PENDING)
    moment = now or timezone.now()
    dispatched = rows_claim(waiting, update={"dispatched_at": moment}, mark="dispatched_at")
    transaction.on_commit(lambda: [enqueue(row_id) for row_id in dispatched], robust=True)
    return dispatched


@dataclass
class ArticleIngestResult:
    article_url_id: int
    outcome: Outcome
    message: str = ""
    article_id: int | None = None
    #: A temporary failure: the URL is pending again and may be retried after ``retry_in``.
    retry_in: float | None = None


def article_ingest(
    *, article_url_id: int, address_policy: AddressPolicy | None = None
) -> ArticleIngestResult:
    """Claim one article URL, fetch it, and store, link and suggest from what it holds.

    Idempotent: a URL already done (or being fetched by a live worker) is left alone. A claim
    counts an attempt in the database, so a page that keeps killing workers is given up after
    INGEST_MAX_ATTEMPTS instead of looping forever.
    """
    now = timezone.now()
    claim = ARTICLE_URLS.claim(
        queryset=ArticleURL.objects.filter(id=article_url_id),
        size=1,
        now=now,
        stale_after=ingest_conf().claim_timeout_seconds,
    )
    article_url = ArticleURL.objects.get(pk=article_url_id)
    if not claim.ids:
        return ArticleIngestResult(
            article_url_id, Outcome.UNCHANGED, f"Nothing to do: the URL is {article_url.state}."
        )
    if article_url.attempts > ingest_conf().max_attempts:
        return _article_failed(
            article_url,
            now,
            "attempts",
            f"Given up after {article_url.attempts - 1} attempts.",
            permanent=True,
        )
    try:
        result = fetch(
            article_url.url,
            accept=HTML_TYPES,
            max_bytes=ingest_conf().article_max_bytes,
            address_policy=address_policy,
        )
        extracted = article_extract(
            result.body, url=result.final_url, charset=result.charset, fetched_at=now
        )
        return article_store(
            article_url=article_url,
            body=result.body,
            content_type=result.content_type,
            charset=result.charset or "",
            extracted=extracted,
            fetched_at=now,
        )
    except FetchError as error:
        return _article_failed(
            article_url, now, error.reason, str(error), error.permanent, error.status
        )
    except ExtractError as error:
        return _article_failed(article_url, now, "extract", str(error), permanent=True)
    except Exception as error:  # a bug in one page must not stop the rest: record, retry
        if database_disk_full(error):  # the store was rolled back whole; room comes back later
            logger.error("article URL %s: the database is out of disk space: %s", article_url.pk,
                         error)  # fmt: skip
            message = (
                "The database has no disk space left to store the page; it will be tried "
                f"again. ({str(error).splitlines()[0]})"
            )
            return _article_failed(article_url, now, "disk-full", message[:500], permanent=False)
        logger.exception("article URL %s: unexpected error", article_url.pk)
        return _article_failed(
            article_url, now, "internal", f"Unexpected error: {error!r}"[:500], permanent=False
        )


def article_store(
    *,
    article_url: ArticleURL,
    body: bytes,
    content_type: str,
    charset: str,
    extracted: Any,
    fetched_at: datetime.datetime,
) -> ArticleIngestResult:
    """Store an extracted article, or attach the URL to the same story stored before: the same
    text (content hash) or nearly the same (a syndicated copy, duplicates.py)."""
    sketch = TextSketch.of(extracted.text)
    with transaction.atomic():
        existing = Article.objects.filter(content_hash=extracted.content_hash).first()
        outcome = Outcome.DUPLICATE
        near = None
        if existing is None:
            article_near_duplicate_lock(text=sketch)
            near = article_near_duplicate_find(text=sketch)
        if near is not None:
            existing = near.article
        if existing is None:
            try:
                with transaction.atomic():
                    existing = Article.objects.create(
                        url=article_url.url,
                        title=extracted.title or article_url.entry_title,
                        site_name=extracted.site_name,
                        author=extracted.author,
                        published_at=article_url.entry_published_at or extracted.published_at,
                        language=extracted.language,
                        text=extracted.text,
                        html=extracted.html.strip(),
                        content_hash=extracted.content_hash,
                        text_signature=sketch.signature,
                        raw=zlib.compress(body, 6),
                        raw_content_type=content_type[:100],
                        raw_charset=charset[:40],
                        feed_id=article_url.feed_id,
                        fetched_at=fetched_at,
                    )
                    article_band_keys_store(article=existing, text=sketch)
                outcome = Outcome.STORED
            except IntegrityError:  # another worker stored the same story a moment ago
                existing = Article.objects.get(content_hash=extracted.content_hash)
        if outcome == Outcome.STORED:
            reading = cache.reading()
            mentions = mentions_link(article=existing, matcher=reading.catalogue.matcher)
            suggestions_make(article=existing, mentions=mentions, reading=reading)
        ArticleURL.objects.filter(pk=article_url.pk).update(
            article=existing,
            state=ArticleState.DONE,
            done_at=timezone.now(),
            last_error="",
            claimed_at=None,
        )
        FetchAttempt.objects.create(
            article_url=article_url,
            url=article_url.url,
            started_at=fetched_at,
            outcome=outcome,
            message=_stored_message(outcome, existing, near),
            new_items=1 if outcome == Outcome.STORED else 0,
        )
    return ArticleIngestResult(article_url.pk, outcome, "", article_id=existing.pk)


def _stored_message(outcome: Outcome, article: Article, near: NearDuplicate | None) -> str:
    if outcome == Outcome.STORED:
        return f"Stored “{article.title[:100]}”."
    if near is not None:
        return (
            f"Nearly the same text as article {article.pk} (similarity {near.similarity:.2f}: "
            "a syndicated copy); recorded as another URL of it."
        )
    return f"Same text as article {article.pk}; recorded as another URL of it."


def _article_failed(
    article_url: ArticleURL,
    now: datetime.datetime,
    reason: str,
    message: str,
    permanent: bool,
    status: int | None = None,
) -> ArticleIngestResult:
    """Record a failed attempt (the URL's state and last error, a FetchAttempt) and let the URL
    go: pending again after a backoff (the task retries it), or failed for good.

    When the record itself cannot be written (the database's disk is full, or it went away),
    the URL is only let go, pending and undispatched, for the beat tick to hand out after the
    backoff; if even that fails, its claim goes stale and the tick reclaims it. Either way the
    task ends without raising and asks for no retry: nothing is lost and nothing loops.
    """
    retry = not permanent and article_url.attempts < ingest_conf().max_attempts
    delay = backoff_delay(failures=article_url.attempts, base_minutes=0.5) if retry else None
    try:
        with transaction.atomic():
            ArticleURL.objects.filter(pk=article_url.pk).update(
                state=ArticleState.PENDING if retry else ArticleState.FAILED,
                claimed_at=None,
                last_error=message,
                next_attempt_at=now + delay if delay else now,
                dispatched_at=now if retry else None,
            )
            error_attempt_record(
                article_url=article_url, url=article_url.url, now=now, reason=reason,
                permanent=permanent, message=message, status=status,
            )  # fmt: skip
    except DatabaseError:
        logger.exception("article URL %s: the failure could not be recorded", article_url.pk)
        later = backoff_delay(failures=article_url.attempts, base_minutes=0.5)
        try:
            ArticleURL.objects.filter(pk=article_url.pk, state=ArticleState.FETCHING).update(
                state=ArticleState.PENDING,
                claimed_at=None,
                last_error=message,
                next_attempt_at=now + later,
                dispatched_at=None,
            )
        except DatabaseError:
            logger.exception("article URL %s: left claimed until the claim goes stale",
                             article_url.pk)  # fmt: skip
        return ArticleIngestResult(article_url.pk, Outcome.ERROR, message)
    return ArticleIngestResult(
        article_url.pk,
        Outcome.ERROR,
        message,
        retry_in=delay.total_seconds() if delay else None,
    )


def article_urls_dispatch_stale(
    *, enqueue: Enqueue, now: datetime.datetime | None = None, stale_after: float | None = None
) -> list[int]:
    """Hand out again the article URLs whose message was lost.

    A pending URL dispatched longer ago than ``stale_after`` seconds (or never), or one claimed
    by a worker that died, is dispatched again; a duplicate message is harmless because
    article_ingest claims by conditional UPDATE.
    """
    moment = now or timezone.now()
    return dispatch_lost(
        ARTICLE_URLS,
        ArticleURL.objects.filter(state=ArticleState.PENDING, next_attempt_at__lte=moment),
        enqueue=enqueue,
        now=moment,
        stale_after=stale_after,
    )
