"""Every bad input the issue names gets a clear recorded error or a clean result, and nothing else
stops. Traffic goes to loopback only: refusals are shown against the test's own servers, which
count any request that gets through."""

from __future__ import annotations

import io
import ipaddress
import socket
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from apps.ingest import services
from apps.ingest.models import Article, ArticleState, ArticleURL, Feed, FetchAttempt, Outcome
from tests.support.feeds import demo_page, rss
from tests.support.httpserver import LocalHTTPServer

pytestmark = pytest.mark.usefixtures("allow_private")


def only(*allowed: str) -> services.AddressPolicy:
    addresses = {ipaddress.ip_address(a) for a in allowed}
    return lambda address: address in addresses


def closed_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def add_feed(server: LocalHTTPServer, path: str) -> Feed:
    feed, _ = services.feed_add(url=server.url(path))
    return feed


def feed_error(feed: Feed) -> FetchAttempt:
    feed.refresh_from_db()
    assert feed.last_error, "the error must be recorded on the feed for the admin"
    attempt = FetchAttempt.objects.get(feed=feed)
    assert attempt.outcome == Outcome.ERROR
    assert attempt.message == feed.last_error
    return attempt


def ingest(server: LocalHTTPServer, path: str, **kwargs: object) -> services.ArticleIngestResult:
    queued, refused = services.article_urls_add(urls=[server.url(path)])
    assert refused == []
    return services.article_ingest(article_url_id=queued[0].pk, **kwargs)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_a_malformed_feed_is_recorded_and_the_next_feed_is_still_read(
    http_server: LocalHTTPServer,
) -> None:
    http_server.route("/bad", body=b"<rss><channel><title>x</ti", content_type="application/xml")
    http_server.route("/page", body=demo_page("openai-open-weights-en.html"))
    http_server.route("/good", body=rss(http_server, "/page"), content_type="application/xml")
    bad, good = add_feed(http_server, "/bad"), add_feed(http_server, "/good")

    call_command("pollfeeds", "--all", stdout=io.StringIO())

    attempt = feed_error(bad)
    assert attempt.reason == "malformed"
    assert attempt.permanent
    assert "malformed" in attempt.message or "not a feed" in attempt.message
    assert Article.objects.filter(feed=good).count() == 1


@pytest.mark.django_db
def test_a_feed_address_that_serves_a_web_page_says_where_its_feed_is(
    http_server: LocalHTTPServer,
) -> None:
    http_server.route(
        "/blog",
        body=b"<!doctype html><html><head><link rel='alternate' "
        b"type='application/rss+xml' href='/blog/feed.xml'></head><body>Hi</body></html>",
    )
    feed = add_feed(http_server, "/blog")

    services.feed_poll(feed_id=feed.pk)

    attempt = feed_error(feed)
    assert attempt.reason == "not_a_feed"
    assert http_server.url("/blog/feed.xml") in attempt.message


@pytest.mark.django_db
def test_a_50_mb_feed_is_refused_without_reading_it_all(http_server: LocalHTTPServer) -> None:
    sent = 0

    def fifty_megabytes() -> Iterator[bytes]:
        nonlocal sent
        chunk = b"<rss version='2.0'><channel>" + b" " * (1024 * 1024)
        for _ in range(50):
            sent += len(chunk)
            yield chunk

    http_server.route("/huge", body=fifty_megabytes(), content_type="application/rss+xml")
    feed = add_feed(http_server, "/huge")

    services.feed_poll(feed_id=feed.pk)

    assert feed_error(feed).reason == "too_large"
    assert sent < 50 * 1024 * 1024


@pytest.mark.django_db
def test_a_redirect_loop_is_recorded(http_server: LocalHTTPServer) -> None:
    http_server.redirect("/a", "/b")
    http_server.redirect("/b", "/a")
    feed = add_feed(http_server, "/a")

    services.feed_poll(feed_id=feed.pk)

    attempt = feed_error(feed)
    assert attempt.reason == "redirects"
    assert "loop" in attempt.message


@pytest.mark.django_db
def test_a_redirect_from_an_allowed_page_to_a_loopback_address_is_refused(
    http_server: LocalHTTPServer,
) -> None:
    inside = LocalHTTPServer("127.0.0.2").start()
    try:
        inside.route("/admin", body=demo_page("meta-open-closed-en.html"))
        http_server.redirect("/go", inside.url("/admin"))

        result = ingest(http_server, "/go", address_policy=only("127.0.0.1"))

        assert result.outcome == Outcome.ERROR
        assert inside.requests == []
        row = ArticleURL.objects.get()
        assert row.state == ArticleState.FAILED
        attempt = FetchAttempt.objects.get(article_url=row)
        assert (attempt.reason, attempt.permanent) == ("address", True)
        assert Article.objects.count() == 0
    finally:
        inside.stop()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "http://user:secret@127.0.0.1:{port}/feed",
        "ftp://127.0.0.1:{port}/feed",
        "file:///etc/passwd",
        "javascript:alert(1)",
    ],
)
def test_a_url_with_credentials_or_another_scheme_is_refused_before_any_request(
    http_server: LocalHTTPServer, url: str
) -> None:
    target = url.format(port=http_server.port)
    with pytest.raises(ValidationError) as caught:
        services.feed_add(url=target)
    assert "secret" not in str(caught.value)
    queued, refused = services.article_urls_add(urls=[target])
    assert queued == []
    assert len(refused) == 1 and refused[0][1]
    assert "secret" not in refused[0][0]
    assert http_server.requests == []
    assert Feed.objects.count() == 0


@pytest.mark.django_db
def test_feed_entries_with_credentials_or_other_schemes_are_refused_and_the_rest_kept(
    http_server: LocalHTTPServer,
) -> None:
    extra = (
        f"<item><title>Cred</title><link>http://u:p@127.0.0.1:{http_server.port}/x</link></item>"
        "<item><title>Mail</title><link>mailto:someone@example.org</link></item>"
        "<item><title>No link at all</title><description>text</description></item>"
    )
    http_server.route(
        "/feed", body=rss(http_server, "/ok", extra=extra), content_type="application/xml"
    )
    feed = add_feed(http_server, "/feed")

    result = services.feed_poll(feed_id=feed.pk)

    assert result.outcome == Outcome.STORED
    assert list(ArticleURL.objects.values_list("url", flat=True)) == [http_server.url("/ok")]
    assert len(result.refused) == 3
    assert any("No link at all" in why and "no link" in why for why in result.refused)
    attempt = FetchAttempt.objects.get(feed=feed)
    assert "no link" in attempt.message
    assert "u:p@" not in attempt.message


@pytest.mark.django_db
def test_a_shift_jis_page_without_a_charset_header_is_read_as_japanese(
    http_server: LocalHTTPServer,
) -> None:
    page = demo_page("meta-open-closed-ja.html").decode("utf-8")
    page = page.replace('<meta charset="utf-8">', "")
    http_server.route("/sjis", body=page.encode("shift_jis"), content_type="text/html")

    result = ingest(http_server, "/sjis")

    assert result.outcome == Outcome.STORED
    article = Article.objects.get()
    assert "Metaの広報担当者" in article.text
    assert article.language == "ja"


@pytest.mark.django_db
def test_script_tags_and_event_handlers_never_reach_stored_html(
    http_server: LocalHTTPServer,
) -> None:
    evil = (
        "<html><head><script>steal()</script></head><body><article><h1>Title</h1>"
        '<p onclick="steal()">Meta said it would keep releasing open source models, '
        '<a href="javascript:steal()">really</a> and <a href="https://example.org/" '
        "onmouseover=\"steal()\">here</a>.</p><script>document.write('x')</script>"
        '<p style="background:url(javascript:steal())">The second paragraph is long enough '
        "to be part of the main text of this article about open models.</p>"
        '<img src=x onerror="steal()"><iframe src="https://example.org"></iframe>'
        "</article></body></html>"
    )
    http_server.route("/evil", body=evil.encode())

    assert ingest(http_server, "/evil").outcome == Outcome.STORED

    article = Article.objects.get()
    stored = article.html.lower()
    assert "keep releasing open source models" in article.html
    for forbidden in (
        "<script",
        "onclick",
        "onmouseover",
        "onerror",
        "javascript:",
        "<iframe",
        "style=",
    ):
        assert forbidden not in stored
    assert "steal()" not in article.text


@pytest.mark.django_db
def test_an_unreachable_host_is_a_temporary_failure_that_backs_off_then_pauses(
    settings: object,
) -> None:
    port = closed_loopback_port()
    feed, _ = services.feed_add(url=f"http://127.0.0.1:{port}/feed", poll_interval_minutes=10)

    first = services.feed_poll(feed_id=feed.pk)

    assert first.outcome == Outcome.ERROR
    feed.refresh_from_db()
    attempt = FetchAttempt.objects.get(feed=feed)
    assert (attempt.reason, attempt.permanent) == ("connection", False)
    assert (feed.consecutive_failures, feed.temporary_failures, feed.is_paused) == (1, 1, False)
    assert feed.last_polled_at is not None
    assert feed.next_poll_at > feed.last_polled_at
    delays = []
    for _ in range(9):
        services.feed_poll(feed_id=feed.pk)
        feed.refresh_from_db()
        assert feed.last_polled_at is not None
        delays.append(feed.next_poll_at - feed.last_polled_at)
    assert feed.is_paused
    assert "Paused after 10 failed polls" in feed.paused_reason
    assert delays[3] > delays[0]  # it backs off


@pytest.mark.django_db
def test_a_feed_that_keeps_failing_permanently_is_paused_after_three_polls(
    http_server: LocalHTTPServer,
) -> None:
    http_server.route("/gone", status=404, body=b"gone")
    feed = add_feed(http_server, "/gone")
    for _ in range(3):
        services.feed_poll(feed_id=feed.pk)
    feed.refresh_from_db()
    assert feed.is_paused
    assert feed.permanent_failures == 3
    assert not Feed.objects.due().filter(pk=feed.pk).exists()


@pytest.mark.django_db
def test_an_unreachable_article_is_pending_again_for_a_retry_and_a_404_fails_for_good(
    http_server: LocalHTTPServer,
) -> None:
    port = closed_loopback_port()
    queued, _ = services.article_urls_add(urls=[f"http://127.0.0.1:{port}/story"])
    result = services.article_ingest(article_url_id=queued[0].pk)
    assert result.retry_in is not None and result.retry_in > 0
    assert ArticleURL.objects.get(pk=queued[0].pk).state == ArticleState.PENDING

    http_server.route("/missing", status=404, body=b"")
    missing = ingest(http_server, "/missing")
    assert missing.retry_in is None
    assert ArticleURL.objects.get(url=http_server.url("/missing")).state == ArticleState.FAILED


@pytest.mark.django_db
def test_a_page_with_no_main_text_is_a_recorded_extraction_error(
    http_server: LocalHTTPServer,
) -> None:
    http_server.route("/empty", body=b"<html><body><nav><a href='/'>Home</a></nav></body></html>")
    result = ingest(http_server, "/empty")
    assert result.outcome == Outcome.ERROR
    assert FetchAttempt.objects.get().reason == "extract"
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_a_page_that_is_not_html_is_refused_by_content_type(http_server: LocalHTTPServer) -> None:
    http_server.route("/file.pdf", body=b"%PDF-1.4", content_type="application/pdf")
    ingest(http_server, "/file.pdf")
    assert FetchAttempt.objects.get().reason == "content_type"
