"""Integration: a real Celery worker (and beat) on Redis and PostgreSQL, pages on loopback."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from apps.ingest import services, tasks
from apps.ingest.models import (
    Article,
    ArticleState,
    ArticleURL,
    Feed,
    FetchAttempt,
    Mention,
    Suggestion,
)
from tests.support.feeds import demo_page, distinct_story, rss, serve_story
from tests.support.httpserver import LocalHTTPServer
from tests.support.waiting import wait_until
from tests.support.worker import ROOT, CeleryWorker

pytestmark = [pytest.mark.worker]


@pytest.fixture
def worker_env(settings: object, transactional_db: None) -> None:
    settings.FETCH_ALLOW_PRIVATE = True  # type: ignore[attr-defined]
    call_command("seed", verbosity=0)


def dispatch_due() -> list[int]:
    return services.feeds_dispatch_due(enqueue=tasks.feed_poll.delay)


def content_counts() -> list[int]:
    return [m.objects.count() for m in (Article, ArticleURL, Mention, Suggestion, FetchAttempt)]


def test_a_worker_turns_new_entries_into_articles_mentions_and_suggestions(
    worker_env: None, celery_worker: CeleryWorker, http_server: LocalHTTPServer
) -> None:
    paths = serve_story(http_server)
    http_server.route("/feed", body=rss(http_server, *paths), content_type="application/rss+xml")
    feed, _ = services.feed_add(url=http_server.url("/feed"))

    assert dispatch_due() == [feed.pk]
    assert dispatch_due() == []  # claimed: a second dispatcher does not send it again
    wait_until(
        lambda: ArticleURL.objects.filter(state=ArticleState.DONE).count() == 2,
        timeout=60,
        what="two stored articles",
        diagnosis=celery_worker.log_tail,
    )
    assert Article.objects.count() == 2
    assert Mention.objects.filter(article__language="ja").exists()
    assert Suggestion.objects.filter(company__slug="meta").count() >= 2

    # A second poll of the unchanged feed writes nothing new.
    before = content_counts()
    feed.refresh_from_db()
    last_polled = feed.last_polled_at
    Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now())
    assert dispatch_due() == [feed.pk]
    wait_until(
        lambda: Feed.objects.get(pk=feed.pk).last_polled_at != last_polled,
        timeout=30,
        what="the second poll",
        diagnosis=celery_worker.log_tail,
    )
    celery_worker.wait_until_idle()  # whatever the poll started has finished: count now
    assert content_counts() == before


def test_killing_the_worker_mid_batch_still_stores_every_article_exactly_once(
    worker_env: None, celery_worker: CeleryWorker, http_server: LocalHTTPServer
) -> None:
    count = 12
    for n in range(count):
        page = distinct_story(demo_page("meta-open-closed-en.html"), n)
        http_server.route(f"/story/{n}", body=page, delay=0.6)
    paths = [f"/story/{n}" for n in range(count)]
    http_server.route("/feed", body=rss(http_server, *paths), content_type="application/rss+xml")
    services.feed_add(url=http_server.url("/feed"))

    dispatch_due()
    wait_until(
        lambda: ArticleURL.objects.filter(state=ArticleState.DONE).count() >= 2,
        timeout=60,
        what="the batch to be under way",
        diagnosis=celery_worker.log_tail,
    )
    celery_worker.kill()
    done_at_kill = ArticleURL.objects.filter(state=ArticleState.DONE).count()
    assert done_at_kill < count, "the kill must land mid-batch"
    # The killed worker's claims and unacknowledged messages are lost with it; the beat tick
    # hands such rows out again. Run its recovery now instead of waiting for stale timeouts.
    services.article_urls_dispatch_stale(enqueue=tasks.article_ingest.delay, stale_after=0)
    celery_worker.restart()

    wait_until(
        lambda: ArticleURL.objects.filter(state=ArticleState.DONE).count() == count,
        timeout=120,
        what="every article",
        diagnosis=celery_worker.log_tail,
    )
    assert Article.objects.count() == count
    assert ArticleURL.objects.count() == count
    assert not ArticleURL.objects.values("article").annotate(n=Count("id")).filter(n__gt=1)
    per_article = Suggestion.objects.values("article", "company", "sentence_hash").annotate(
        n=Count("id")
    )
    assert not per_article.filter(n__gt=1)
    assert (
        Mention.objects.count()
        == count * Mention.objects.filter(article=Article.objects.first()).count()
    )


def test_beat_dispatches_due_feeds_to_the_worker(
    worker_env: None, celery_worker: CeleryWorker, http_server: LocalHTTPServer, tmp_path: Path
) -> None:
    http_server.route("/page", body=demo_page("openai-open-weights-en.html"))
    http_server.route("/feed", body=rss(http_server, "/page"), content_type="application/rss+xml")
    feed, _ = services.feed_add(url=http_server.url("/feed"))
    not_due, _ = services.feed_add(url=http_server.url("/later"))
    Feed.objects.filter(pk=not_due.pk).update(
        next_poll_at=timezone.now() + datetime.timedelta(hours=1)
    )
    log = (tmp_path / "beat.log").open("wb")
    beat = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO",
            "--schedule", str(tmp_path / "beat-schedule"), "--max-interval", "1",
        ],
        cwd=ROOT,
        env={**celery_worker.env(), "INGEST_TICK_SECONDS": "1"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_until(
            lambda: Article.objects.filter(feed=feed).exists(),
            timeout=60,
            what="beat to dispatch the due feed",
            diagnosis=celery_worker.log_tail,
        )
    finally:
        os.killpg(beat.pid, 15)
        beat.wait(timeout=10)
        log.close()
    assert "ingest.tick" in (tmp_path / "beat.log").read_text()
    assert not [r for r in http_server.requests if r.path == "/later"]
    not_due.refresh_from_db()
    assert not_due.last_polled_at is None
