"""Feeds: add, pause and resume them; the beat's dispatch of due feeds; one poll.

A poll is a conditional GET of the feed (ETag, Last-Modified, then the body's hash), read with
apps/ingest/feeds.py; every new entry becomes a pending article URL for articles.py to fetch.
A feed that fails is backed off, counted, and paused once it keeps failing, with a FetchAttempt
for the admin each time; one feed's failure never stops the others.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.lib.fetch import AddressPolicy, FetchError, fetch, redact_url
from apps.lib.urls import url_validate
from apps.lib.workqueue import rows_claim

from ..conf import ingest_conf
from ..feeds import FEED_CONTENT_TYPES, NOT_FEED_CONTENT_TYPES, FeedParseError, feed_parse
from ..models import ArticleURL, Feed, FetchAttempt, Outcome
from .common import Enqueue, backoff_delay, error_attempt_record

logger = logging.getLogger(__name__)


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


#: The demo feeds the local site serves from apps/ingest/demo/ at /demo-feeds/<name>.
DEMO_FEEDS = ("rss.xml", "atom.xml", "feed.json")
DEMO_FEEDS_PATH = "/demo-feeds/"


def demo_feeds_register(
    *, origin: str, poll_interval_minutes: int = 5, add_missing: bool = True
) -> list[tuple[Feed, str]]:
    """Register the demo feeds at ``origin`` (the local site's own address), moving any that
    were registered at another one, so that `runlocal --addr` polls the site it serves.
    With ``add_missing=False`` it only moves the ones there are.

    Returns each feed with what happened to it: "added", "moved" or "already there".
    """
    origin = origin.rstrip("/")
    done: list[tuple[Feed, str]] = []
    for name in DEMO_FEEDS:
        url = url_validate(f"{origin}{DEMO_FEEDS_PATH}{name}")
        with transaction.atomic():
            if Feed.objects.filter(url=url).exists():
                done.append((Feed.objects.get(url=url), "already there"))
                continue
            elsewhere = (
                Feed.objects.select_for_update()
                .filter(url__endswith=f"{DEMO_FEEDS_PATH}{name}")
                .order_by("pk")
                .first()
            )
            if elsewhere is not None:
                # A fresh start at the new address: polled at once, unpaused, its failures and
                # validators at the old one forgotten.
                Feed.objects.filter(pk=elsewhere.pk).update(
                    url=url, next_poll_at=timezone.now(), claimed_at=None, is_paused=False,
                    paused_reason="", consecutive_failures=0, etag="", last_modified="",
                    body_hash="",
                )  # fmt: skip
                elsewhere.refresh_from_db()
                done.append((elsewhere, "moved"))
                continue
            if not add_missing:
                continue
            feed, _ = feed_add(url=url, poll_interval_minutes=poll_interval_minutes)
            done.append((feed, "added"))
    return done


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
                refuse=NOT_FEED_CONTENT_TYPES,
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
            transaction.on_commit(lambda: [enqueue_article(i) for i in ids], robust=True)
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
        error_attempt_record(
            feed=locked, url=locked.url, now=now, reason=reason, permanent=permanent,
            message=message, status=status,
        )  # fmt: skip
    return FeedPollResult(feed_id=feed.pk, outcome=Outcome.ERROR, message=message)
