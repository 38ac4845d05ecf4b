"""A disk that fills up while PostgreSQL stores a raw response, for real: the article tables
live in a tablespace on a small tmpfs (tests/support/postgres_cluster.py's small_tablespace, on
the test's private cluster) filled to its last block, so the server's own writes fail with
"No space left on device"; nothing of ours is mocked.

What must hold, through the real pipeline (a local HTTP server, article_urls_add and
article_ingest in this process, as a worker runs them):

* the failure is recorded where an editor sees it (the URL's state and last error in Admin →
  Article URLs, and its fetch attempt), and the URL is waiting for a retry, not lost;
* the database stays consistent: no half-stored article, no band keys, mentions or suggestions
  without one;
* when even the record of the failure cannot be written, the claim is still let go and the
  beat tick hands the URL out again, later: no task retries at once (no crash loop);
* once there is room again, the retry stores the article exactly once.

A watched page's reading (its raw response too) is stored the same way: the same full disk is
shown on the watch in the admin, and the next check stores the reading once.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.ingest import services
from apps.ingest import tasks as ingest_tasks
from apps.ingest.models import (
    Article,
    ArticleBandKey,
    ArticleState,
    ArticleURL,
    FetchAttempt,
    Mention,
    Outcome,
    Suggestion,
)
from apps.watch.models import Watch, WatchSnapshot
from apps.watch.services.common import DISK_FULL_DETAIL
from apps.watch.services.watches import watch_create, watches_check
from tests.support.diskfull import disk_fill
from tests.support.feeds import demo_page
from tests.support.httpserver import LocalHTTPServer
from tests.support.postgres_cluster import PostgresCluster, small_tablespace

pytestmark = [pytest.mark.process]

TABLESPACE = "smalldisk"


def tables_move(*models: type[Any]) -> None:
    """Move the tables (and their TOAST, where the compressed raw bodies go) onto the small
    disk; their indexes stay where they are."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ALTER TABLE {model._meta.db_table} SET TABLESPACE {TABLESPACE}")


def nothing_half_stored() -> None:
    assert not Article.objects.exists()
    assert not ArticleBandKey.objects.exists()
    assert not Mention.objects.exists()
    assert not Suggestion.objects.exists()


def story_queue(server: LocalHTTPServer) -> ArticleURL:
    server.route("/story", body=demo_page("meta-open-closed-en.html"))
    [row], refused = services.article_urls_add(urls=[server.url("/story")])
    assert not refused
    return row


def stored_once_after_freeing(row: ArticleURL, filler: Path) -> None:
    filler.unlink()
    freed = time.monotonic()
    result = services.article_ingest(article_url_id=row.pk)
    print(f"\nrecovery: stored {time.monotonic() - freed:.2f} s after space was freed")
    assert result.outcome == Outcome.STORED, result.message
    row.refresh_from_db()
    assert row.state == ArticleState.DONE and row.last_error == ""
    article = Article.objects.get()
    assert row.article == article
    assert article.raw_body() == demo_page("meta-open-closed-en.html")
    assert ArticleBandKey.objects.filter(article=article).exists()
    assert Mention.objects.filter(article=article).exists(), "linked in the same transaction"
    # Handed out again (a late duplicate message): still one article.
    again = services.article_ingest(article_url_id=row.pk)
    assert again.outcome == Outcome.UNCHANGED
    assert Article.objects.count() == 1
    assert FetchAttempt.objects.filter(article_url=row, outcome=Outcome.STORED).count() == 1


def test_a_full_disk_while_storing_a_raw_response_is_recorded_and_the_retry_stores_it_once(
    private_db: str,
    pg_cluster: PostgresCluster,
    http_server: LocalHTTPServer,
    editor: User,
    settings: Any,
) -> None:
    settings.FETCH_ALLOW_PRIVATE = True
    call_command("seed", verbosity=0)
    row = story_queue(http_server)
    with small_tablespace(pg_cluster, name=TABLESPACE, size_kb=1024) as disk:
        tables_move(Article, ArticleBandKey)
        filler = disk_fill(disk)

        result = services.article_ingest(article_url_id=row.pk)

        assert result.outcome == Outcome.ERROR
        assert result.retry_in is not None, "a full disk is temporary: retried later"
        row.refresh_from_db()
        assert row.state == ArticleState.PENDING and row.claimed_at is None
        assert "disk" in row.last_error and "No space left on device" in row.last_error
        attempt = FetchAttempt.objects.get(article_url=row)
        assert attempt.outcome == Outcome.ERROR and not attempt.permanent
        assert attempt.reason == "disk-full" and attempt.message == row.last_error
        nothing_half_stored()

        client = Client()
        client.force_login(editor)
        listed = client.get(reverse("admin:ingest_articleurl_changelist"))
        assert "The database has no disk space left" in listed.content.decode()
        shown = client.get(reverse("admin:ingest_articleurl_change", args=[row.pk]))
        assert "No space left on device" in shown.content.decode()

        stored_once_after_freeing(row, filler)


def test_when_the_failure_cannot_be_recorded_either_the_url_is_let_go_and_handed_out_later(
    private_db: str,
    pg_cluster: PostgresCluster,
    http_server: LocalHTTPServer,
    settings: Any,
) -> None:
    settings.FETCH_ALLOW_PRIVATE = True
    call_command("seed", verbosity=0)
    row = story_queue(http_server)
    with small_tablespace(pg_cluster, name=TABLESPACE, size_kb=1024) as disk:
        tables_move(Article, ArticleBandKey, FetchAttempt)
        filler = disk_fill(disk)

        # The task, as a worker runs it: it ends without raising and asks for no retry.
        task = ingest_tasks.article_ingest.apply(args=(row.pk,))
        assert task.successful(), task.traceback
        assert task.result == Outcome.ERROR

        row.refresh_from_db()
        assert row.state == ArticleState.PENDING and row.claimed_at is None
        assert row.dispatched_at is None, "the beat tick hands it out again"
        assert "No space left on device" in row.last_error
        assert not FetchAttempt.objects.exists()
        nothing_half_stored()
        # The beat tick hands it out after the backoff, not at once.
        handed: list[int] = []
        services.article_urls_dispatch_stale(enqueue=handed.append, now=timezone.now())
        assert handed == []
        services.article_urls_dispatch_stale(enqueue=handed.append, now=row.next_attempt_at)
        assert handed == [row.pk]

        stored_once_after_freeing(row, filler)


def test_a_full_disk_while_storing_a_watched_page_is_shown_and_the_next_check_stores_it_once(
    private_db: str,
    pg_cluster: PostgresCluster,
    http_server: LocalHTTPServer,
    editor: User,
    settings: Any,
) -> None:
    settings.FETCH_ALLOW_PRIVATE = True
    page = demo_page("meta-open-closed-en.html")
    http_server.route("/policy", body=page)
    watch = watch_create(url=http_server.url("/policy"))
    with small_tablespace(pg_cluster, name=TABLESPACE, size_kb=1024) as disk:
        tables_move(WatchSnapshot)
        filler = disk_fill(disk)

        assert watches_check() == Counter({"disk full": 1})
        watch = Watch.objects.get(pk=watch.pk)
        assert watch.claim == "" and watch.detail == DISK_FULL_DETAIL
        assert watch.next_check_at > timezone.now(), "checked again later, not at once"
        assert not WatchSnapshot.objects.exists()
        client = Client()
        client.force_login(editor)
        shown = client.get(reverse("admin:watch_watch_change", args=[watch.pk]))
        assert DISK_FULL_DETAIL in shown.content.decode()

        filler.unlink()
        freed = time.monotonic()
        assert watches_check(everything=True) == Counter({"baseline": 1})
        print(f"\nrecovery: the reading stored {time.monotonic() - freed:.2f} s after room")
        assert WatchSnapshot.objects.get(watch=watch).raw_body() == page
        assert watches_check(everything=True) == Counter({"unchanged": 1})
        assert WatchSnapshot.objects.count() == 1
