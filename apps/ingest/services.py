"""Writes of the ingestion pipeline: keyword-only <noun>_<verb> functions.

feed poll -> article URLs -> article ingest (fetch, extract, detect, dedupe) -> mentions ->
suggestions -> editor's accept / reject -> classifier retrain. Each step is one function here;
Celery tasks (tasks.py) and management commands only call them.

Work is claimed on the database rows the one way of apps/lib/workqueue.py (SKIP LOCKED and a
conditional UPDATE: a feed's ``claimed_at``, an article URL's ``state``), so running any step
twice, or in two workers at once, changes nothing the second time. Whatever goes wrong with one
feed or one page is recorded on its row and in a FetchAttempt for the admin, and never stops
the others.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.catalog import services as catalog_services
from apps.catalog.models import AIModel, Company, Source
from apps.claims import services as claims_services
from apps.claims.models import Statement
from apps.lib.fetch import AddressPolicy, FetchError, fetch, redact_url, url_check
from apps.lib.urls import url_canonicalize
from apps.lib.workqueue import WorkQueue, backoff_seconds, rows_claim

from . import cache, classifier
from .conf import ingest_conf
from .extract import ExtractError, article_extract
from .feeds import FEED_CONTENT_TYPES, FeedParseError, feed_parse
from .linking import Matcher
from .models import (
    Article,
    ArticleState,
    ArticleURL,
    Classifier,
    Feed,
    FetchAttempt,
    Mention,
    Outcome,
    SourceFetch,
    Suggestion,
    SuggestionState,
)
from .suggest import is_on_topic, kind_and_label, quote_find, sentences_split, stance_guess

logger = logging.getLogger(__name__)

Actor = User | AnonymousUser
Enqueue = Callable[[int], Any]
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


# --------------------------------------------------------------------------------------------
# Feeds
# --------------------------------------------------------------------------------------------


def url_validate(url: str) -> str:
    """The canonical form of an http(s) URL we may try to fetch, or ValidationError why not."""
    try:
        url_check(url.strip())
        return url_canonicalize(url)
    except FetchError as error:
        raise ValidationError(str(error), code=error.reason) from error
    except ValueError as error:
        raise ValidationError(f"The URL is not valid: {error}.", code="url") from error


def feed_add(*, url: str, poll_interval_minutes: int = 30, title: str = "") -> tuple[Feed, bool]:
    """Add a feed, polled at once and then every ``poll_interval_minutes``.

    Returns (feed, created).
    """
    if poll_interval_minutes < 1:
        raise ValidationError("The poll interval must be at least one minute.")
    canonical = url_validate(url)
    feed, created = Feed.objects.get_or_create(
        url=canonical,
        defaults={"poll_interval_minutes": poll_interval_minutes, "title": title[:500]},
    )
    return feed, created


def feed_pause(*, feed: Feed, reason: str) -> None:
    Feed.objects.filter(pk=feed.pk).update(is_paused=True, paused_reason=reason[:500])


def feed_resume(*, feed: Feed) -> None:
    """Unpause and poll soon; failure counters start again."""
    Feed.objects.filter(pk=feed.pk).update(
        is_paused=False,
        paused_reason="",
        consecutive_failures=0,
        next_poll_at=timezone.now(),
        claimed_at=None,
    )


def feeds_dispatch_due(*, enqueue: Enqueue, now: datetime.datetime | None = None) -> list[int]:
    """Claim every due feed with a conditional UPDATE and hand its id to ``enqueue``.

    A feed whose claim is older than INGEST_CLAIM_TIMEOUT_SECONDS belonged to a worker that died;
    it is due again. Two dispatchers running at once never claim the same feed.
    """
    moment = now or timezone.now()
    stale = moment - datetime.timedelta(seconds=ingest_conf().claim_timeout_seconds)
    candidates = Feed.objects.due(now=moment).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale)
    )
    dispatched = rows_claim(candidates, update={"claimed_at": moment}, mark="claimed_at")
    for feed_id in dispatched:
        enqueue(feed_id)
    return dispatched


@dataclass
class FeedPollResult:
    feed_id: int
    outcome: Outcome
    message: str = ""
    new_article_url_ids: list[int] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def feed_poll(
    *,
    feed_id: int,
    address_policy: AddressPolicy | None = None,
    enqueue_article: Enqueue | None = None,
    body: bytes | None = None,
) -> FeedPollResult:
    """Fetch (conditional GET) and read a feed; new entries become pending article URLs.

    ``enqueue_article`` receives each new article URL's id after the transaction commits.
    ``body`` skips the fetch and parses the given bytes instead (used by re-parsing tools).
    An unchanged feed (304, or the same body hash) writes nothing but its poll times.
    """
    feed = Feed.objects.get(pk=feed_id)
    now = timezone.now()
    try:
        if body is None:
            result = fetch(
                feed.url,
                accept=FEED_CONTENT_TYPES,
                max_bytes=ingest_conf().feed_max_bytes,
                etag=feed.etag or None,
                last_modified=feed.last_modified or None,
                address_policy=address_policy,
            )
            if result.not_modified:
                return _feed_unchanged(feed, now)
            content, content_type, charset = result.body, result.content_type, result.charset
            etag, last_modified, final_url = result.etag, result.last_modified, result.final_url
        else:
            content, content_type, charset = body, "", None
            etag, last_modified, final_url = None, None, feed.url
        body_hash = hashlib.sha256(content).hexdigest()
        if body_hash == feed.body_hash:
            return _feed_unchanged(feed, now, etag=etag, last_modified=last_modified)
        parsed = feed_parse(content, url=final_url, content_type=content_type, charset=charset)
    except FetchError as error:
        return _feed_failed(feed, now, error.reason, str(error), error.permanent, error.status)
    except FeedParseError as error:
        return _feed_failed(feed, now, error.reason, str(error), True, None)
    except Exception as error:  # a bug must not stop the other feeds: record it, retry later
        logger.exception("feed %s: unexpected error", feed.pk)
        return _feed_failed(feed, now, "internal", f"Unexpected error: {error!r}"[:500], False)

    outcome = FeedPollResult(feed_id=feed.pk, outcome=Outcome.STORED, refused=list(parsed.refused))
    with transaction.atomic():
        for entry in parsed.entries:
            try:
                canonical = url_validate(entry.link)
            except ValidationError as error:
                outcome.refused.append(
                    f"{redact_url(entry.link)[:200]}: {' '.join(error.messages)}"
                )
                continue
            article_url, created = ArticleURL.objects.get_or_create(
                url=canonical,
                defaults={
                    "feed": feed,
                    "entry_title": entry.title,
                    "entry_published_at": entry.published_at,
                    "dispatched_at": now if enqueue_article else None,
                },
            )
            if created:
                outcome.new_article_url_ids.append(article_url.pk)
        message = "; ".join(filter(None, [parsed.warning, *outcome.refused]))[:5000]
        outcome.message = message
        Feed.objects.filter(pk=feed.pk).update(
            title=feed.title or parsed.title,
            kind=parsed.kind,
            etag=(etag or "")[:500],
            last_modified=(last_modified or "")[:100],
            body_hash=body_hash,
            last_polled_at=now,
            last_success_at=now,
            consecutive_failures=0,
            next_poll_at=now + datetime.timedelta(minutes=feed.poll_interval_minutes),
            claimed_at=None,
        )
        FetchAttempt.objects.create(
            feed=feed,
            url=feed.url,
            started_at=now,
            outcome=Outcome.STORED,
            message=message or f"{len(outcome.new_article_url_ids)} new entries.",
            new_items=len(outcome.new_article_url_ids),
        )
        if enqueue_article is not None:
            ids = list(outcome.new_article_url_ids)
            transaction.on_commit(lambda: [enqueue_article(i) for i in ids])
    return outcome


def _feed_unchanged(
    feed: Feed, now: datetime.datetime, *, etag: str | None = None, last_modified: str | None = None
) -> FeedPollResult:
    fields: dict[str, Any] = {
        "last_polled_at": now,
        "last_success_at": now,
        "consecutive_failures": 0,
        "next_poll_at": now + datetime.timedelta(minutes=feed.poll_interval_minutes),
        "claimed_at": None,
    }
    if etag:
        fields["etag"] = etag[:500]
    if last_modified:
        fields["last_modified"] = last_modified[:100]
    Feed.objects.filter(pk=feed.pk).update(**fields)
    return FeedPollResult(feed_id=feed.pk, outcome=Outcome.UNCHANGED)


def backoff_delay(*, failures: int, base_minutes: float) -> datetime.timedelta:
    """The work queue's backoff after ``failures`` failures: up to twice ``base_minutes`` after
    the first, doubling, capped at INGEST_BACKOFF_MAX_MINUTES."""
    seconds = backoff_seconds(
        attempt=failures + 1, base=base_minutes * 60, cap=ingest_conf().backoff_max_minutes * 60
    )
    return datetime.timedelta(seconds=seconds)


def _error_attempt_record(
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


def _feed_failed(
    feed: Feed,
    now: datetime.datetime,
    reason: str,
    message: str,
    permanent: bool,
    status: int | None = None,
) -> FeedPollResult:
    """Count the failure, back off, and pause a feed that keeps failing."""
    with transaction.atomic():
        locked = Feed.objects.select_for_update().get(pk=feed.pk)
        locked.consecutive_failures += 1
        if permanent:
            locked.permanent_failures += 1
        else:
            locked.temporary_failures += 1
        locked.last_error = message
        locked.last_error_at = now
        locked.last_polled_at = now
        locked.claimed_at = None
        limit = (
            ingest_conf().pause_after_permanent_failures
            if permanent
            else ingest_conf().pause_after_failures
        )
        if locked.consecutive_failures >= limit:
            locked.is_paused = True
            locked.paused_reason = (
                f"Paused after {locked.consecutive_failures} failed polls in a row. "
                f"Last error: {message}"
            )[:500]
        locked.next_poll_at = now + backoff_delay(
            failures=locked.consecutive_failures, base_minutes=locked.poll_interval_minutes
        )
        locked.save()
        _error_attempt_record(
            feed=locked, url=locked.url, now=now, reason=reason, permanent=permanent,
            message=message, status=status,
        )  # fmt: skip
    return FeedPollResult(feed_id=feed.pk, outcome=Outcome.ERROR, message=message)


# --------------------------------------------------------------------------------------------
# Article URLs and articles
# --------------------------------------------------------------------------------------------


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
    transaction.on_commit(lambda: [enqueue(row_id) for row_id in dispatched])
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
        extracted = article_extract(result.body, url=result.final_url, charset=result.charset)
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
    """Store an extracted article (or attach the URL to the same story stored before)."""
    with transaction.atomic():
        existing = Article.objects.filter(content_hash=extracted.content_hash).first()
        outcome = Outcome.DUPLICATE
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
                        raw=zlib.compress(body, 6),
                        raw_content_type=content_type[:100],
                        raw_charset=charset[:40],
                        feed_id=article_url.feed_id,
                        fetched_at=fetched_at,
                    )
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
            message=(
                f"Stored “{existing.title[:100]}”."
                if outcome == Outcome.STORED
                else f"Same text as article {existing.pk}; recorded as another URL of it."
            ),
            new_items=1 if outcome == Outcome.STORED else 0,
        )
    return ArticleIngestResult(article_url.pk, outcome, "", article_id=existing.pk)


def _article_failed(
    article_url: ArticleURL,
    now: datetime.datetime,
    reason: str,
    message: str,
    permanent: bool,
    status: int | None = None,
) -> ArticleIngestResult:
    retry = not permanent and article_url.attempts < ingest_conf().max_attempts
    delay = backoff_delay(failures=article_url.attempts, base_minutes=0.5) if retry else None
    with transaction.atomic():
        ArticleURL.objects.filter(pk=article_url.pk).update(
            state=ArticleState.PENDING if retry else ArticleState.FAILED,
            claimed_at=None,
            last_error=message,
            next_attempt_at=now + delay if delay else now,
            dispatched_at=now if retry else None,
        )
        _error_attempt_record(
            article_url=article_url, url=article_url.url, now=now, reason=reason,
            permanent=permanent, message=message, status=status,
        )  # fmt: skip
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
    return _dispatch_lost(
        ARTICLE_URLS,
        ArticleURL.objects.filter(state=ArticleState.PENDING, next_attempt_at__lte=moment),
        enqueue=enqueue,
        now=moment,
        stale_after=stale_after,
    )


def source_fetches_dispatch_stale(
    *, enqueue: Enqueue, now: datetime.datetime | None = None, stale_after: float | None = None
) -> list[int]:
    """Hand out again the source fetches whose message was lost (as for article URLs)."""
    return _dispatch_lost(
        SOURCE_FETCHES,
        SourceFetch.objects.filter(state=ArticleState.PENDING),
        enqueue=enqueue,
        now=now or timezone.now(),
        stale_after=stale_after,
    )


def _dispatch_lost(
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


def ingest_dispatch(
    *, enqueue_feed: Enqueue, enqueue_article: Enqueue, enqueue_source_fetch: Enqueue
) -> dict[str, int]:
    """The beat tick: due feeds, lost article URLs and lost source fetches (retraining has its
    own beat task)."""
    feeds = feeds_dispatch_due(enqueue=enqueue_feed)
    articles = article_urls_dispatch_stale(enqueue=enqueue_article)
    sources = source_fetches_dispatch_stale(enqueue=enqueue_source_fetch)
    return {"feeds": len(feeds), "articles": len(articles), "sources": len(sources)}


# --------------------------------------------------------------------------------------------
# Sources fetched for editors ("Add source from URL")
# --------------------------------------------------------------------------------------------


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
    _require(user, "ingest.add_sourcefetch", "fetch pages")
    _require(user, source_add_permission(), "add sources")
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
        transaction.on_commit(lambda: enqueue(row.pk))
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


# --------------------------------------------------------------------------------------------
# Mentions and suggestions
# --------------------------------------------------------------------------------------------


def mentions_link(*, article: Article, matcher: Matcher | None = None) -> list[Mention]:
    """(Re)link an article's mentions; the title counts as text before the body."""
    matcher = matcher or cache.reading().catalogue.matcher
    # No savepoint: inside article_store a failure rolls the whole article back anyway.
    with transaction.atomic(savepoint=False):
        Mention.objects.filter(article=article).delete()
        mentions = [
            Mention(
                article=article,
                company_id=span.name.company_id if span.name.model_id is None else None,
                ai_model_id=span.name.model_id,
                alias_id=span.name.alias_id,
                start=span.start,
                end=span.end,
                matched_text=span.matched[:200],
            )
            for span in matcher.find(article.text)
        ]
        Mention.objects.bulk_create(mentions)
    return mentions


def _lab_for(company: Company, companies: dict[int, Company]) -> Company | None:
    """The tracked lab a company's statements count for: itself, or its nearest lab parent."""
    seen: set[int] = set()
    current: Company | None = company
    while current is not None and current.pk not in seen:
        if current.is_lab:
            return current
        seen.add(current.pk)
        current = companies.get(current.parent_id) if current.parent_id else None
    return None


def suggestions_make(
    *,
    article: Article,
    mentions: list[Mention] | None = None,
    reading: cache.Reading | None = None,
) -> list[Suggestion]:
    """Suggest the sentences that speak about a lab's openness, scored and with a stance guess.

    Returns the suggestions made; a sentence already suggested for a lab is left as it was, so
    running it twice changes nothing. However many suggestions an article yields, the write is
    one read of the article's existing suggestions, one INSERT of the new ones and one of their
    models; the unique constraint on (article, lab, sentence) still refuses a duplicate.
    ``mentions`` and ``reading`` save reading again what the caller already has.
    """
    if mentions is None:
        mentions = list(Mention.objects.filter(article=article))
    if not mentions:
        return []
    reading = reading or cache.reading()
    companies = reading.catalogue.companies
    models = reading.catalogue.models
    people = reading.catalogue.people
    relevance = reading.classifier("relevance")
    stance_model = reading.classifier("stance")
    planned: dict[tuple[int, str], tuple[Suggestion, list[int]]] = {}
    for sentence in sentences_split(article.text):
        inside = [m for m in mentions if sentence.start <= m.start and m.end <= sentence.end]
        if not inside or not is_on_topic(sentence.text):
            continue
        labs: list[Company] = []
        sentence_models: list[AIModel] = []
        for mention in inside:
            if mention.ai_model_id is not None:
                model = models[mention.ai_model_id]
                sentence_models.append(model)
                lab = _lab_for(companies[model.developer_id], companies)
            else:
                lab = (
                    _lab_for(companies[mention.company_id], companies)
                    if mention.company_id
                    else None
                )
            if lab is not None and lab not in labs:
                labs.append(lab)
        if not labs:
            continue
        stance, confidence = stance_guess(sentence.text)
        score, scored_by = confidence, "rules"
        if relevance is not None:
            score = classifier.predict(relevance, sentence.text).get("accepted", score)
            scored_by = "classifier"
        if stance_model is not None:
            stance = max(
                classifier.predict(stance_model, sentence.text).items(), key=lambda kv: kv[1]
            )[0]
        speaker = next((p for p in people if p.name in sentence.text), None)
        sentence_hash = hashlib.sha256(sentence.text.encode()).hexdigest()
        for lab in labs:
            if (lab.pk, sentence_hash) in planned:  # the same sentence again: the first counts
                continue
            kind, label = kind_and_label(
                sentence.text, company_name=lab.name, person_named=speaker is not None
            )
            suggestion = Suggestion(
                article=article,
                company=lab,
                sentence_hash=sentence_hash,
                sentence=sentence.text,
                start=sentence.start,
                language=article.language,
                quote=quote_find(sentence.text),
                speaker=speaker,
                speaker_label=label,
                kind=kind,
                stance=stance,
                score=round(score, 4),
                scored_by=scored_by,
            )
            model_ids = {
                m.pk: None
                for m in sentence_models
                if _lab_for(companies[m.developer_id], companies) == lab
            }
            planned[(lab.pk, sentence_hash)] = (suggestion, list(model_ids))
    if not planned:
        return []
    existing = set(
        Suggestion.objects.filter(article=article).values_list("company_id", "sentence_hash")
    )
    new = [planned[key] for key in planned if key not in existing]
    with transaction.atomic(savepoint=False):
        created = Suggestion.objects.bulk_create([suggestion for suggestion, _ids in new])
        through = Suggestion.ai_models.through
        through.objects.bulk_create(
            through(suggestion_id=suggestion.pk, aimodel_id=model_id)
            for suggestion, model_ids in new
            for model_id in model_ids
        )
    return created


def _require(user: Actor | None, permission: str, action: str) -> None:
    if user is not None and not user.has_perm(permission):
        raise PermissionDenied(f"You do not have permission to {action}.")


def _decide(suggestion: Suggestion, **fields: Any) -> None:
    """Move a pending suggestion to its decision, once: the conditional UPDATE is the lock."""
    done = Suggestion.objects.filter(pk=suggestion.pk, state=SuggestionState.PENDING).update(
        decided_at=timezone.now(), **fields
    )
    if not done:
        raise ValidationError("This suggestion has already been decided.")


def suggestion_accept(
    *,
    suggestion: Suggestion,
    user: Actor | None,
    stance: str | None = None,
    kind: str | None = None,
    summary: str | None = None,
) -> Statement:
    """Make the suggestion a draft Statement citing the article as its source."""
    _require(user, "ingest.change_suggestion", "decide suggestions")
    article = suggestion.article
    with transaction.atomic():
        source = article.source
        if source is None:
            publisher = catalog_services.publisher_for_page(url=article.url)
            source, _created = catalog_services.source_create(
                url=article.url,
                title=article.title or article.url,
                publisher=publisher,
                language=article.language,
                kind="primary" if publisher.company_id else "secondary",
                published_at=article.published_at,
                retrieved_at=article.fetched_at,
                snapshot_text=article.text,
            )
            Article.objects.filter(pk=article.pk).update(source=source)
        speaker_label = suggestion.speaker_label
        if suggestion.speaker_id is None and not speaker_label:
            speaker_label = f"{article.site_name or source.publisher or 'news'} report"
        occurred = (article.published_at or article.fetched_at).date()
        quote = suggestion.quote
        statement = claims_services.statement_create(
            user=user,
            company=suggestion.company,
            kind=kind or suggestion.kind or "analysis",
            stance=stance or suggestion.stance,
            occurred_on=occurred,
            summary=summary or suggestion.sentence,
            citations=[(source, suggestion.sentence)],
            ai_models=suggestion.ai_models.all(),
            speaker=suggestion.speaker,
            speaker_label=speaker_label[:200],
            quote=quote,
            quote_language=(suggestion.language or article.language or "und") if quote else "",
        )
        _decide(
            suggestion,
            state=SuggestionState.ACCEPTED,
            statement=statement,
            stance=stance or suggestion.stance,
            decided_by=user if isinstance(user, User) else None,
        )
    return statement


def suggestion_reject(*, suggestion: Suggestion, user: Actor | None, reason: str) -> None:
    """Reject with a reason; the reason and the decision train the classifier."""
    _require(user, "ingest.change_suggestion", "decide suggestions")
    if not reason.strip():
        raise ValidationError("Say why the suggestion is rejected.")
    _decide(
        suggestion,
        state=SuggestionState.REJECTED,
        reject_reason=reason.strip(),
        decided_by=user if isinstance(user, User) else None,
    )


# --------------------------------------------------------------------------------------------
# Classifier
# --------------------------------------------------------------------------------------------


def classifier_retrain() -> dict[str, int]:
    """Rebuild both classifiers from every decided suggestion.

    relevance: accepted vs rejected; stance: the stance of accepted ones, as the editor left it.
    """
    decided = list(Suggestion.objects.decided().values_list("sentence", "state", "stance"))
    relevance = [(sentence, state) for sentence, state, _stance in decided]
    stances = [
        (sentence, stance)
        for sentence, state, stance in decided
        if state == SuggestionState.ACCEPTED
    ]
    now = timezone.now()
    for name, examples in (("relevance", relevance), ("stance", stances)):
        Classifier.objects.update_or_create(
            name=name,
            defaults={
                "data": classifier.train(examples),
                "examples": len(examples),
                "trained_at": now,
            },
        )
    return {"relevance": len(relevance), "stance": len(stances)}


def classifier_retrain_if_due() -> bool:
    """Retrain when a decision was made after the last training."""
    row = Classifier.objects.filter(name="relevance").first()
    newer = Suggestion.objects.decided()
    if row is not None:
        newer = newer.filter(decided_at__gt=row.trained_at)
    if not newer.exists():
        return False
    classifier_retrain()
    return True
