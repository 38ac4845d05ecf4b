"""The admin never fetches in the request: "Ingest URLs now", "Fetch selected URLs again now"
and "Add source from URL" record rows, queue one task each on Redis and answer at once; the
progress page shows the rows as the worker leaves them. Here the tasks are read off the broker,
not run (tests/ingest/test_admin_worker.py runs a real worker)."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pytest_django import Settings as SettingsWrapper

from apps.ingest import services
from apps.ingest.models import Article, ArticleState, ArticleURL, SourceFetch
from config.celery import app as celery_app
from tests.factories import source_make
from tests.support.broker import queued_tasks_take
from tests.support.feeds import demo_page
from tests.support.httpserver import LocalHTTPServer, RecordedRequest, Response

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_private")]

INGEST_URLS = "/admin/ingest/article/ingest-urls/"
HX = {"HX-Request": "true"}


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def broker() -> Iterator[None]:
    """Empty queues before and after: the test reads what it queued, and leaves nothing."""
    celery_app.control.purge()
    yield
    celery_app.control.purge()


@pytest.fixture
def stalled_server(http_server: LocalHTTPServer) -> Iterator[LocalHTTPServer]:
    """Every page hangs until the test ends: a fetch in the request would hang the request."""
    release = threading.Event()

    def hang(request: RecordedRequest) -> Response:
        release.wait(timeout=30)
        return Response(body=demo_page("meta-open-closed-en.html"))

    for path in ("/robots.txt", "/a", "/b", "/page"):
        http_server.handle(path, hang)
    yield http_server
    release.set()


def polls(html: str) -> bool:
    return 'hx-trigger="every 2s"' in html


# --- Ingest URLs now ------------------------------------------------------------------------


def test_ingest_urls_now_answers_at_once_and_queues_one_task_per_url(
    editor: User,
    stalled_server: LocalHTTPServer,
    broker: None,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    client = logged_in(editor)
    urls = [stalled_server.url("/a"), stalled_server.url("/b")]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(INGEST_URLS, {"urls": "\n".join(urls)})

    assert response.status_code == 302
    assert stalled_server.requests == []
    rows = list(ArticleURL.objects.order_by("pk"))
    assert [(row.url, row.state, row.attempts) for row in rows] == [
        (urls[0], ArticleState.PENDING, 0),
        (urls[1], ArticleState.PENDING, 0),
    ]
    assert all(row.dispatched_at is not None for row in rows)  # the tick leaves them alone
    assert sorted(queued_tasks_take("ingest.article_ingest")) == [[row.pk] for row in rows]
    assert response["Location"] == (
        f"{reverse('admin:ingest_articleurl_progress')}?id={rows[0].pk}&id={rows[1].pk}"
    )

    page = client.get(response["Location"]).content.decode()
    assert page.count("Waiting for a worker.") == 2
    assert polls(page)
    assert f'href="{response["Location"].replace("&", "&amp;")}">Refresh</a>' in page
    assert stalled_server.requests == []


def test_a_refused_url_is_said_on_the_progress_page_and_the_others_are_queued(
    editor: User, stalled_server: LocalHTTPServer
) -> None:
    client = logged_in(editor)
    response = client.post(
        INGEST_URLS, {"urls": f"file:///etc/passwd\n{stalled_server.url('/a')}"}, follow=True
    )
    page = response.content.decode()
    assert "Refused file:///etc/passwd (host contacted: —): Only http and https URLs" in page
    assert ArticleURL.objects.get().url == stalled_server.url("/a")
    assert stalled_server.requests == []


def test_a_paste_of_only_refused_urls_shows_the_form_again_with_why(editor: User) -> None:
    pasted = "file:///etc/passwd\nhttp://user:secret@127.0.0.1/x"
    response = logged_in(editor).post(INGEST_URLS, {"urls": pasted})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Only http and https URLs can be fetched" in page
    assert "URLs with a user name or password are refused." in page
    assert "file:///etc/passwd" in page  # the text area still holds what was pasted
    assert not ArticleURL.objects.exists()


def test_the_progress_fragment_polls_until_every_row_is_finished(
    editor: User, http_server: LocalHTTPServer
) -> None:
    article = Article.objects.create(
        url=http_server.url("/done"), title="A stored story", content_hash="1" * 64, raw=b""
    )
    done = ArticleURL.objects.create(url=article.url, article=article, state=ArticleState.DONE)
    gone = ArticleURL.objects.create(
        url=http_server.url("/gone"), state=ArticleState.FAILED, last_error="HTTP 404 at …/gone."
    )
    waiting = ArticleURL.objects.create(
        url=http_server.url("/slow"), state=ArticleState.PENDING, last_error="HTTP 503."
    )
    client = logged_in(editor)
    address = (
        f"{reverse('admin:ingest_articleurl_progress')}?id={done.pk}&id={gone.pk}&id={waiting.pk}"
    )

    page = client.get(address).content.decode()
    fragment = client.get(address, headers=HX).content.decode()
    assert "<html" in page and polls(page)
    assert fragment.lstrip().startswith('<div id="fetch-progress"') and "<html" not in fragment
    assert polls(fragment)
    assert "Will try again. Last error: HTTP 503." in fragment
    assert "HTTP 404 at …/gone." in fragment
    change = reverse("admin:ingest_article_change", args=[article.pk])
    assert f'<a href="{change}">A stored story</a>' in fragment

    ArticleURL.objects.filter(pk=waiting.pk).update(state=ArticleState.FAILED)
    finished = client.get(address, headers=HX).content.decode()
    assert not polls(finished)
    assert "Every fetch has finished." in finished
    assert http_server.requests == []


def test_the_progress_page_shows_only_rows_and_ignores_what_is_not_an_id(editor: User) -> None:
    row = ArticleURL.objects.create(url="https://news.example/one")
    address = reverse("admin:ingest_articleurl_progress")
    page = logged_in(editor).get(f"{address}?id={row.pk}&id=x&id=-3&id=%C2%B2").content.decode()
    assert "https://news.example/one" in page
    empty = logged_in(editor).get(address).content.decode()
    assert "Nothing to follow here." in empty and not polls(empty)


def test_fetch_again_queues_the_failed_urls_and_follows_them(
    editor: User,
    stalled_server: LocalHTTPServer,
    broker: None,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    failed = ArticleURL.objects.create(
        url=stalled_server.url("/a"), state=ArticleState.FAILED, attempts=5, last_error="HTTP 500."
    )
    done = ArticleURL.objects.create(url=stalled_server.url("/b"), state=ArticleState.DONE)
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(editor).post(
            reverse("admin:ingest_articleurl_changelist"),
            {"action": "retry_selected", "_selected_action": [failed.pk, done.pk]},
        )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:ingest_articleurl_progress')}?id={failed.pk}"
    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.last_error) == (ArticleState.PENDING, 0, "")
    assert ArticleURL.objects.get(pk=done.pk).state == ArticleState.DONE
    assert queued_tasks_take("ingest.article_ingest") == [[failed.pk]]
    assert stalled_server.requests == []


def test_fetch_again_on_stored_urls_says_there_is_nothing_to_fetch(
    editor: User, broker: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    done = ArticleURL.objects.create(url="https://news.example/done", state=ArticleState.DONE)
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(editor).post(
            reverse("admin:ingest_articleurl_changelist"),
            {"action": "retry_selected", "_selected_action": [done.pk]},
            follow=True,
        )
    assert "Nothing to fetch again" in response.content.decode()
    assert queued_tasks_take("ingest.article_ingest") == []


# --- Add source from URL --------------------------------------------------------------------


def test_the_sources_list_offers_add_source_from_url_through_ingestion(editor: User) -> None:
    page = logged_in(editor).get(reverse("admin:catalog_source_changelist")).content.decode()
    assert f'href="{reverse("admin:ingest_sourcefetch_add")}"' in page
    assert "Add source from URL" in page


def test_add_source_from_url_records_the_request_and_answers_at_once(
    editor: User,
    stalled_server: LocalHTTPServer,
    broker: None,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    client = logged_in(editor)
    assert "Fetch and add" in client.get(reverse("admin:ingest_sourcefetch_add")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:ingest_sourcefetch_add"), {"url": stalled_server.url("/page")}
        )
    row = SourceFetch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:ingest_sourcefetch_progress", args=[row.pk])
    assert (row.url, row.state, row.requested_by) == (
        stalled_server.url("/page"),
        ArticleState.PENDING,
        editor,
    )
    assert queued_tasks_take("ingest.source_fetch") == [[row.pk]]
    assert stalled_server.requests == []
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for a worker." in page and polls(page)


def test_add_source_from_url_sends_a_known_page_straight_to_its_source(
    editor: User, broker: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    source = source_make(url="https://news.example/story")
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(editor).post(
            reverse("admin:ingest_sourcefetch_add"),
            {"url": "https://news.example/story?utm_source=rss"},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:catalog_source_change", args=[source.pk])
    shown = logged_in(editor).get(response["Location"])
    assert shown.status_code == 200
    row = SourceFetch.objects.get()
    assert (row.state, row.source, row.source_created) == (ArticleState.DONE, source, False)
    assert queued_tasks_take("ingest.source_fetch") == []


def test_add_source_from_url_warns_that_the_page_is_already_a_source(editor: User) -> None:
    source_make(url="https://news.example/story")
    response = logged_in(editor).post(
        reverse("admin:ingest_sourcefetch_add"), {"url": "https://news.example/story"}, follow=True
    )
    assert "This page is already a source." in response.content.decode()


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("ftp://files.example/report.pdf", "Enter a valid URL."),
        ("http://user:secret@127.0.0.1/page", "URLs with a user name or password are refused."),
    ],
)
def test_add_source_from_url_answers_a_url_it_cannot_fetch_with_a_form_error(
    editor: User, url: str, error: str
) -> None:
    response = logged_in(editor).post(reverse("admin:ingest_sourcefetch_add"), {"url": url})
    page = response.content.decode()
    assert response.status_code == 200
    assert "errorlist" in page and error in page
    assert not SourceFetch.objects.exists()


def test_a_private_address_fails_the_fetch_with_its_reason_on_the_progress_page(
    editor: User, http_server: LocalHTTPServer, settings: SettingsWrapper
) -> None:
    settings.FETCH_ALLOW_PRIVATE = False
    http_server.route("/page", body=b"<html><title>x</title></html>")
    client = logged_in(editor)
    response = client.post(
        reverse("admin:ingest_sourcefetch_add"), {"url": http_server.url("/page")}
    )
    row = SourceFetch.objects.get()
    # What the worker's task does (test_admin_worker.py runs a real one).
    assert services.source_fetch_run(source_fetch_id=row.pk) == ArticleState.FAILED
    row.refresh_from_db()
    assert "address" in row.last_error
    assert http_server.requests == []
    fragment = client.get(response["Location"], headers=HX).content.decode()
    assert escape(row.last_error) in fragment
    assert not polls(fragment)


def test_a_reader_without_a_role_may_not_ask_for_a_source(reader: User) -> None:
    response = logged_in(reader).post(
        reverse("admin:ingest_sourcefetch_add"), {"url": "https://news.example/x"}
    )
    assert response.status_code == 403
    assert not SourceFetch.objects.exists()


# --- The tick: nothing is lost --------------------------------------------------------------


def test_the_tick_hands_out_again_a_source_fetch_whose_message_was_lost() -> None:
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    lost = SourceFetch.objects.create(url="https://news.example/a", dispatched_at=long_ago)
    SourceFetch.objects.create(url="https://news.example/b", dispatched_at=timezone.now())
    dead = SourceFetch.objects.create(
        url="https://news.example/c", state=ArticleState.FETCHING, claimed_at=long_ago, attempts=1
    )
    enqueued: list[int] = []
    assert services.source_fetches_dispatch_stale(enqueue=enqueued.append) == enqueued
    assert sorted(enqueued) == [lost.pk, dead.pk]
    assert SourceFetch.objects.get(pk=dead.pk).state == ArticleState.PENDING
    assert services.source_fetches_dispatch_stale(enqueue=enqueued.append) == []


def test_a_source_fetch_that_keeps_killing_workers_is_given_up(
    settings: SettingsWrapper,
) -> None:
    settings.INGEST_MAX_ATTEMPTS = 2
    row = SourceFetch.objects.create(url="https://news.example/poison", attempts=2)
    assert services.source_fetch_run(source_fetch_id=row.pk) == ArticleState.FAILED
    row.refresh_from_db()
    assert row.last_error == "Given up after 2 attempts."
    # Finished: a repeated message changes nothing.
    assert services.source_fetch_run(source_fetch_id=row.pk) == ArticleState.FAILED
    assert SourceFetch.objects.get(pk=row.pk).attempts == 3


def test_the_progress_page_shows_markup_in_a_url_or_an_error_as_text(editor: User) -> None:
    row = SourceFetch.objects.create(
        url="https://news.example/<script>alert(1)</script>",
        state=ArticleState.FAILED,
        last_error='The server said <img src=x onerror="alert(2)">.',
    )
    page = (
        logged_in(editor)
        .get(reverse("admin:ingest_sourcefetch_progress", args=[row.pk]))
        .content.decode()
    )
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "<img src=x" not in page and "&lt;img src=x" in page
