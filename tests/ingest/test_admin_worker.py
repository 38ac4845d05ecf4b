"""The admin's fetches with a real Celery worker (Redis, the test database) and pages on loopback:
the worker does the work, the progress page follows it (htmx in a real Chromium, under the
site's Content Security Policy), and an editor who leaves the page loses nothing."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from apps.catalog.models import Publisher, Source
from apps.ingest.models import ArticleState, ArticleURL, SourceFetch
from tests.support.feeds import demo_page
from tests.support.httpserver import LocalHTTPServer, RecordedRequest, Response
from tests.support.screenshots import SCREENSHOTS
from tests.support.waiting import wait_until
from tests.support.worker import CeleryWorker

pytestmark = [pytest.mark.worker]

INGEST_URLS = "/admin/ingest/article/ingest-urls/"
HX = {"HX-Request": "true"}
GIGAZINE_PAGE = """<!doctype html><html lang="ja"><head>
<title>Metaはクローズドモデルに移行するとの報道 - GIGAZINE</title>
<meta property="og:site_name" content="GIGAZINE">
<meta property="article:published_time" content="2025-07-15T11:12:00+09:00">
</head><body><article><h1>Metaはクローズドモデルに移行するとの報道</h1>
<p>Metaの新設したスーパーインテリジェンスラボのトップメンバーは、
同社のオープンソースでのAI開発という方針を転換し、
クローズドモデルの開発に移行することを検討しているとThe New York Timesが報じました。</p>
</article></body></html>""".encode()


@pytest.fixture
def loopback_allowed(transactional_db: None, settings: Any) -> None:
    """Set before the worker starts: it reads FETCH_ALLOW_PRIVATE from its environment."""
    settings.FETCH_ALLOW_PRIVATE = True


@pytest.fixture
def editor(transactional_db: None) -> User:
    """An editor with the permissions of these doors, granted directly: the flush after a
    transactional test empties the groups that migrations made (tests/ingest/test_admin_queue.py
    tries the doors with the Editor group itself)."""
    user = User.objects.create_user("desk", is_staff=True)
    granted = {
        "ingest": ["add_articleurl", "view_articleurl", "add_sourcefetch", "view_sourcefetch"],
        "catalog": ["add_source", "view_source"],
    }
    for app_label, codenames in granted.items():
        user.user_permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
    assert user.user_permissions.count() == 6
    return user


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pasted_urls_are_stored_by_the_worker_while_the_editor_is_away(
    loopback_allowed: None,
    celery_worker: CeleryWorker,
    http_server: LocalHTTPServer,
    editor: User,
) -> None:
    http_server.route("/en", body=demo_page("meta-open-closed-en.html"))
    http_server.route("/gone", status=404, body=b"")
    response = logged_in(editor).post(
        INGEST_URLS, {"urls": f"{http_server.url('/en')}\n{http_server.url('/gone')}"}
    )
    assert response.status_code == 302
    # The editor closes the tab: nobody opens the progress page while the worker works.
    wait_until(
        lambda: (
            not ArticleURL.objects.exclude(
                state__in=[ArticleState.DONE, ArticleState.FAILED]
            ).exists()
        ),
        timeout=60,
        what="both URLs finished",
        diagnosis=celery_worker.log_tail,
    )
    stored = ArticleURL.objects.get(url=http_server.url("/en"))
    gone = ArticleURL.objects.get(url=http_server.url("/gone"))
    assert stored.state == ArticleState.DONE and stored.article is not None
    assert gone.state == ArticleState.FAILED
    assert "HTTP 404" in gone.last_error

    # Back later, in another session: the outcome is on the page, and it no longer polls.
    later = logged_in(editor).get(response["Location"], headers=HX).content.decode()
    assert "Demo: Meta weighs a move" in later
    assert "The server refused the page (HTTP 404)." in later
    assert 'hx-trigger="every 2s"' not in later
    assert "Every fetch has finished." in later


def test_add_source_from_url_is_fetched_by_the_worker_and_links_to_the_new_source(
    loopback_allowed: None,
    celery_worker: CeleryWorker,
    http_server: LocalHTTPServer,
    editor: User,
) -> None:
    Publisher.objects.create(name="GIGAZINE", slug="gigazine", domain="127.0.0.1")
    http_server.route("/news/20250715-meta/", body=GIGAZINE_PAGE)
    client = logged_in(editor)
    response = client.post(
        reverse("admin:ingest_sourcefetch_add"),
        {"url": http_server.url("/news/20250715-meta/?utm_source=rss")},
    )
    assert response.status_code == 302
    fetch = SourceFetch.objects.get()
    assert response["Location"] == reverse("admin:ingest_sourcefetch_progress", args=[fetch.pk])

    wait_until(
        lambda: SourceFetch.objects.get(pk=fetch.pk).state == ArticleState.DONE,
        timeout=60,
        what="the source fetched",
        diagnosis=celery_worker.log_tail,
    )
    source = Source.objects.get()
    assert source.url == http_server.url("/news/20250715-meta/")
    assert source.title.startswith("Metaはクローズドモデルに移行する")
    assert source.language == "ja"
    assert source.publisher is not None and source.publisher.slug == "gigazine"
    assert source.published_at is not None
    assert source.published_at.date().isoformat() == "2025-07-15"
    assert "スーパーインテリジェンスラボ" in source.snapshot_text
    fetch.refresh_from_db()
    assert (fetch.source, fetch.source_created, fetch.requested_by) == (source, True, editor)

    page = client.get(response["Location"], headers=HX).content.decode()
    change = reverse("admin:catalog_source_change", args=[source.pk])
    assert "Source added from the page. Check it." in page
    assert f'<a href="{change}">' in page
    assert 'hx-trigger="every 2s"' not in page


@pytest.fixture
def held_page(http_server: LocalHTTPServer) -> Iterator[threading.Event]:
    """/held answers only once the test sets the event it yields (or after 30 s)."""
    release = threading.Event()

    def held(request: RecordedRequest) -> Response:
        release.wait(timeout=30)
        return Response(
            headers={"Content-Type": "text/html; charset=utf-8"},
            body=demo_page("meta-open-closed-en.html"),
        )

    http_server.handle("/held", held)
    yield release
    release.set()


@pytest.mark.browser
def test_the_progress_page_follows_the_worker_in_place_under_the_csp(
    loopback_allowed: None,
    celery_worker: CeleryWorker,
    http_server: LocalHTTPServer,
    held_page: threading.Event,
    live_server: Any,
    browser: Any,
    editor: User,
) -> None:
    http_server.route("/gone", status=404, body=b"")
    session = logged_in(editor).cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    tab = context.new_page()
    complaints: list[str] = []
    tab.on("pageerror", lambda error: complaints.append(f"page error: {error}"))
    tab.on(
        "console",
        lambda message: (
            complaints.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    try:
        tab.goto(f"{live_server.url}{INGEST_URLS}")
        tab.fill("#id_urls", f"{http_server.url('/held')}\n{http_server.url('/gone')}")
        tab.get_by_role("button", name="Ingest now").click()
        tab.wait_for_url(re.compile(r"/admin/ingest/articleurl/progress/\?id=\d+&id=\d+$"))
        tab.evaluate("window.__aperture_marker = 'still here'")
        rows = tab.locator("#fetch-progress tbody tr")
        expect(rows).to_have_count(2)
        held, gone = rows.nth(0), rows.nth(1)
        # The 404 fails while the other page is still held: the page shows one, then the other.
        expect(gone).to_contain_text("The server refused the page (HTTP 404).", timeout=60_000)
        expect(held).not_to_contain_text("Demo: Meta weighs a move")
        expect(tab.locator("#fetch-progress")).to_have_attribute("data-finished", "false")

        held_page.set()
        expect(held).to_contain_text("Demo: Meta weighs a move", timeout=60_000)
        expect(tab.locator("#fetch-progress")).to_have_attribute("data-finished", "true")
        expect(tab.locator("#fetch-progress")).to_contain_text("Every fetch has finished.")
        assert tab.evaluate("window.__aperture_marker") == "still here", "reloaded, not polled"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / "admin-ingest-progress.png"), full_page=True)
    finally:
        context.close()
    assert complaints == []
