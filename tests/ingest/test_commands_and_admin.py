"""Operators' commands (in process, no worker), the admin desk, the demo feeds, and extraction
of short Japanese articles."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils.html import escape
from pytest_django import Settings as SettingsWrapper

from apps.ingest import services
from apps.ingest.extract import article_extract
from apps.ingest.models import (
    Article,
    ArticleState,
    ArticleURL,
    Feed,
    Suggestion,
    SuggestionState,
)
from tests.support.feeds import demo_page, rss, serve_story
from tests.support.httpserver import LocalHTTPServer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_private")]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_addfeed_pollfeeds_and_ingesturl_print_what_they_stored_and_refused(
    http_server: LocalHTTPServer, seeded: None
) -> None:
    paths = serve_story(http_server)
    http_server.route(
        "/feed", body=rss(http_server, *paths, "/gone"), content_type="application/xml"
    )
    http_server.route("/gone", status=404, body=b"")

    assert "added" in run("addfeed", http_server.url("/feed"), "--interval", "15")
    assert Feed.objects.get().poll_interval_minutes == 15
    with pytest.raises(CommandError, match="user name or password"):
        run("addfeed", "http://u:p@127.0.0.1/feed")

    polled = run("pollfeeds")
    assert "feed read" in polled
    assert polled.count("stored   ") == 2
    assert "refused  " + http_server.url("/gone") in polled
    assert "HTTP 404" in polled
    assert "feed unchanged" in run("pollfeeds", "--all")
    assert "feed" not in run("pollfeeds").replace("Done", "")  # nothing due any more

    http_server.route("/other", body=demo_page("openai-open-weights-en.html"))
    out = run("ingesturl", http_server.url("/other"), "ftp://127.0.0.1/x", http_server.url("/en"))
    assert "stored   " + http_server.url("/other") in out
    assert "refused  ftp://127.0.0.1/x" in out
    assert "1 stored, 1 refused." in out
    assert Article.objects.count() == 3


@pytest.mark.slow
def test_the_admin_shows_feed_errors_and_ingests_pasted_urls(
    http_server: LocalHTTPServer, editor: User, seeded: None
) -> None:
    http_server.route("/page", body=demo_page("meta-open-closed-en.html"))
    feed, _ = services.feed_add(url=http_server.url("/not-there"))
    http_server.route("/not-there", status=404, body=b"")
    services.feed_poll(feed_id=feed.pk)
    client = Client()
    client.force_login(editor)

    feeds = client.get("/admin/ingest/feed/")
    assert feeds.status_code == 200
    assert "HTTP 404" in feeds.content.decode()

    # The admin only records the URL; the refused one is said at once, on the progress page.
    response = client.post(
        "/admin/ingest/article/ingest-urls/",
        {"urls": f"{http_server.url('/page')}\nfile:///etc/passwd"},
    )
    assert response.status_code == 302
    assert "/page" not in http_server.paths
    progress = client.get(response["Location"]).content.decode()
    assert "Only http and https URLs can be fetched" in progress
    assert "Waiting for a worker." in progress
    # What the worker's task does (tests/ingest/test_admin_worker.py runs a real one).
    (row,) = ArticleURL.objects.filter(state=ArticleState.PENDING)
    services.article_ingest(article_url_id=row.pk)
    assert "Demo: Meta weighs a move" in client.get(response["Location"]).content.decode()
    assert Article.objects.count() == 1

    queue = client.get("/admin/ingest/suggestion/", follow=True)
    assert queue.status_code == 200
    pending = Suggestion.objects.filter(state=SuggestionState.PENDING)
    target = pending.first()
    # The list shows the sentence escaped (a quote's “"” is &quot;).
    assert target is not None and escape(target.sentence[:40]) in queue.content.decode()

    asked = client.post(
        "/admin/ingest/suggestion/?state__exact=pending",
        {"action": "reject_selected", "_selected_action": [target.pk]},
    )
    assert "Why is this not a statement?" in asked.content.decode()
    client.post(
        "/admin/ingest/suggestion/?state__exact=pending",
        {"action": "reject_selected", "_selected_action": [target.pk], "reason": "Duplicate"},
    )
    target.refresh_from_db()
    assert (target.state, target.reject_reason) == (SuggestionState.REJECTED, "Duplicate")

    accepted = pending.exclude(pk=target.pk).first()
    assert accepted is not None
    client.post(
        "/admin/ingest/suggestion/?state__exact=pending",
        {"action": "accept_selected", "_selected_action": [accepted.pk]},
    )
    accepted.refresh_from_db()
    assert accepted.state == SuggestionState.ACCEPTED and accepted.statement is not None


def test_the_demo_feeds_are_served_only_when_switched_on(settings: SettingsWrapper) -> None:
    client = Client()
    settings.INGEST_DEMO_FEEDS = False
    assert client.get("/demo-feeds/rss.xml").status_code == 404
    settings.INGEST_DEMO_FEEDS = True
    response = client.get("/demo-feeds/rss.xml", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    assert b"http://127.0.0.1:8000/demo-feeds/articles/" in response.content
    assert client.get("/demo-feeds/README.md").status_code == 404
    assert client.get("/demo-feeds/../views.py").status_code == 404
    syndicated = client.get("/demo-feeds/articles/syndicated/meta-open-closed-en.html")
    assert syndicated.content == demo_page("meta-open-closed-en.html")


def test_seed_demo_feeds_is_idempotent() -> None:
    call_command("seed_demo_feeds", verbosity=0)
    call_command("seed_demo_feeds", verbosity=0)
    assert sorted(Feed.objects.values_list("url", flat=True)) == [
        "http://127.0.0.1:8000/demo-feeds/atom.xml",
        "http://127.0.0.1:8000/demo-feeds/feed.json",
        "http://127.0.0.1:8000/demo-feeds/rss.xml",
    ]


def test_demo_feeds_registered_at_another_address_move_to_the_one_the_site_serves_at() -> None:
    call_command("seed_demo_feeds", verbosity=0)
    Feed.objects.update(is_paused=True, paused_reason="connection refused", etag="old")
    moved = services.demo_feeds_register(origin="http://127.0.0.1:8731", add_missing=False)
    assert [what for _, what in moved] == ["moved"] * 3
    feeds = Feed.objects.order_by("url")
    assert [f.url for f in feeds] == [
        "http://127.0.0.1:8731/demo-feeds/atom.xml",
        "http://127.0.0.1:8731/demo-feeds/feed.json",
        "http://127.0.0.1:8731/demo-feeds/rss.xml",
    ]
    assert not any(f.is_paused or f.etag for f in feeds), "a fresh start at the new address"
    again = services.demo_feeds_register(origin="http://127.0.0.1:8731")
    assert [what for _, what in again] == ["already there"] * 3


def test_moving_the_demo_feeds_adds_none_where_none_were_registered() -> None:
    assert services.demo_feeds_register(origin="http://127.0.0.1:8731", add_missing=False) == []
    assert not Feed.objects.exists()


SHORT_JAPANESE = (
    "<html lang='ja'><head><title>速報</title></head><body><div class='nav'><ul>"
    "<li><a href='/a'>ホーム</a></li><li><a href='/b'>ニュース</a></li>"
    "<li><a href='/c'>テクノロジー</a></li></ul></div><div class='content'>"
    "<p>Metaの広報担当者は、今後もオープンソースモデルを公開すると述べた。</p></div>"
    "<div class='footer'><p>Copyright 2025 デモ通信</p></div></body></html>"
).encode()


def test_a_short_japanese_article_is_extracted_without_the_page_around_it(
    settings: SettingsWrapper,
) -> None:
    text = article_extract(SHORT_JAPANESE, url="http://127.0.0.1/ja").text
    assert text == "Metaの広報担当者は、今後もオープンソースモデルを公開すると述べた。"
    # With trafilatura's default threshold, the fallback extractor keeps the navigation.
    settings.INGEST_MIN_EXTRACTED_SIZE_CJK = 250
    assert "ホーム" in article_extract(SHORT_JAPANESE, url="http://127.0.0.1/ja").text
