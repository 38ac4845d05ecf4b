"""The pipeline in process: feed -> article URLs -> articles -> mentions -> suggestions."""

from __future__ import annotations

import datetime
import zlib

import pytest

from apps.ingest import services
from apps.ingest.extract import article_extract
from apps.ingest.models import Article, ArticleURL, FetchAttempt, Mention, Outcome, Suggestion
from tests.support.feeds import demo_page, rss, serve_story
from tests.support.httpserver import LocalHTTPServer, RecordedRequest, Response

pytestmark = pytest.mark.usefixtures("allow_private", "seeded")


def poll_and_ingest(feed_id: int) -> services.FeedPollResult:
    result = services.feed_poll(feed_id=feed_id)
    for article_url_id in result.new_article_url_ids:
        services.article_ingest(article_url_id=article_url_id)
    return result


def test_new_entries_become_articles_with_mentions_and_suggestions(
    http_server: LocalHTTPServer,
) -> None:
    paths = serve_story(http_server)
    http_server.route("/feed", body=rss(http_server, *paths), content_type="application/rss+xml")
    feed, _ = services.feed_add(url=http_server.url("/feed"))

    result = poll_and_ingest(feed.pk)

    assert result.outcome == Outcome.STORED
    assert len(result.new_article_url_ids) == 2
    english = Article.objects.get(url=http_server.url("/en"))
    japanese = Article.objects.get(url=http_server.url("/ja"))
    assert english.language == "en"
    assert japanese.language == "ja"
    assert "Llama 4 Behemoth" in english.text
    assert "スーパーインテリジェンスラボ" in japanese.text
    for article in (english, japanese):
        for mention in article.mentions.all():
            assert article.text[mention.start : mention.end] == mention.matched_text
    assert english.mentions.filter(ai_model__slug="llama-4-behemoth").exists()
    assert japanese.mentions.filter(company__slug="meta-superintelligence-labs").exists()
    assert Suggestion.objects.filter(article=english, company__slug="meta").exists()
    assert Suggestion.objects.filter(article=japanese, company__slug="meta").exists()
    feed.refresh_from_db()
    assert feed.title == "Test feed"
    assert feed.kind == "rss"
    assert feed.last_error == ""


def test_a_spokesperson_quote_is_suggested_with_its_speaker_and_an_open_stance(
    http_server: LocalHTTPServer,
) -> None:
    http_server.route("/en", body=demo_page("meta-open-closed-en.html"))
    queued, _ = services.article_urls_add(urls=[http_server.url("/en")])
    services.article_ingest(article_url_id=queued[0].pk)

    quote = Suggestion.objects.get(sentence__contains="continue to release")
    assert quote.company.slug == "meta"
    assert quote.kind == "official"
    assert quote.speaker_label == "Meta spokesperson"
    assert quote.quote.startswith("We will continue to release leading open source models")
    assert quote.stance in ("open", "mixed")
    report = Suggestion.objects.get(sentence__contains="people familiar")
    assert report.kind == "unnamed_report"
    assert report.stance in ("closed", "leaning_closed")
    assert set(report.ai_models.values_list("slug", flat=True)) == {"llama-4-behemoth"}


def test_an_article_pasted_by_url_keeps_the_time_of_day_it_was_published(
    http_server: LocalHTTPServer,
) -> None:
    """The page says 2025-07-14T18:00:00Z; the article was stored at 00:00 that day."""
    http_server.route("/en", body=demo_page("meta-open-closed-en.html"))
    queued, _ = services.article_urls_add(urls=[http_server.url("/en")])
    services.article_ingest(article_url_id=queued[0].pk)
    article = Article.objects.get(url=http_server.url("/en"))
    assert article.published_at == datetime.datetime(2025, 7, 14, 18, 0, tzinfo=datetime.UTC)


def test_a_second_poll_of_an_unchanged_feed_writes_nothing(http_server: LocalHTTPServer) -> None:
    paths = serve_story(http_server)
    http_server.route("/feed", body=rss(http_server, *paths), content_type="application/rss+xml")
    feed, _ = services.feed_add(url=http_server.url("/feed"))
    poll_and_ingest(feed.pk)
    counts = [m.objects.count() for m in (Article, ArticleURL, Mention, Suggestion, FetchAttempt)]

    again = poll_and_ingest(feed.pk)

    assert again.outcome == Outcome.UNCHANGED
    assert [
        m.objects.count() for m in (Article, ArticleURL, Mention, Suggestion, FetchAttempt)
    ] == counts


def test_a_feed_with_an_etag_is_polled_with_a_conditional_get(
    http_server: LocalHTTPServer,
) -> None:
    body = rss(http_server)

    def conditional(request: RecordedRequest) -> Response:
        if request.headers.get("if-none-match") == '"v1"':
            return Response(304, {"ETag": '"v1"'}, b"")
        return Response(200, {"Content-Type": "application/rss+xml", "ETag": '"v1"'}, body)

    http_server.handle("/feed", conditional)
    feed, _ = services.feed_add(url=http_server.url("/feed"))
    assert services.feed_poll(feed_id=feed.pk).outcome == Outcome.STORED
    assert services.feed_poll(feed_id=feed.pk).outcome == Outcome.UNCHANGED
    feed_requests = [r for r in http_server.requests if r.path == "/feed"]
    assert feed_requests[-1].headers.get("if-none-match") == '"v1"'


def test_the_same_story_at_two_addresses_is_one_article_with_two_urls(
    http_server: LocalHTTPServer,
) -> None:
    page = demo_page("meta-open-closed-en.html")
    http_server.route("/story", body=page)
    http_server.route("/syndicated/story", body=page)
    queued, refused = services.article_urls_add(
        urls=[
            http_server.url("/story"),
            http_server.url("/story?utm_source=newsletter&fbclid=abc"),
            http_server.url("/syndicated/story"),
        ]
    )
    assert refused == []
    assert len({row.pk for row in queued}) == 2  # the tracking-parameter spelling is the same URL
    outcomes = [services.article_ingest(article_url_id=row.pk).outcome for row in queued]

    assert outcomes.count(Outcome.STORED) == 1
    assert Article.objects.count() == 1
    assert set(Article.objects.get().urls.values_list("url", flat=True)) == {
        http_server.url("/story"),
        http_server.url("/syndicated/story"),
    }


def test_the_raw_response_is_kept_compressed_for_re_extraction(
    http_server: LocalHTTPServer,
) -> None:
    page = demo_page("meta-open-closed-ja.html")
    http_server.route("/ja", body=page)
    queued, _ = services.article_urls_add(urls=[http_server.url("/ja")])
    services.article_ingest(article_url_id=queued[0].pk)

    article = Article.objects.get()
    assert len(bytes(article.raw)) < len(page)
    assert zlib.decompress(bytes(article.raw)) == page
    assert article_extract(article.raw_body(), url=article.url).text == article.text


def test_json_feed_and_atom_entries_are_read(http_server: LocalHTTPServer) -> None:
    http_server.route(
        "/feed.json",
        body=(
            b'{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": ['
            b'{"id": "1", "url": "/a", "title": "A", "date_published": "2025-07-14T10:00:00Z"},'
            b'{"id": "2", "content_text": "no link here"}]}'
        ),
        content_type="application/feed+json",
    )
    http_server.route(
        "/atom",
        body=(
            b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>A</title>"
            b"<entry><title>E</title><id>urn:e</id><link rel='alternate' href='/b'/></entry></feed>"
        ),
        content_type="application/atom+xml",
    )
    json_feed, _ = services.feed_add(url=http_server.url("/feed.json"))
    atom_feed, _ = services.feed_add(url=http_server.url("/atom"))

    json_result = services.feed_poll(feed_id=json_feed.pk)
    atom_result = services.feed_poll(feed_id=atom_feed.pk)

    assert json_result.outcome == atom_result.outcome == Outcome.STORED
    assert ArticleURL.objects.filter(url=http_server.url("/a")).exists()
    assert ArticleURL.objects.filter(url=http_server.url("/b")).exists()
    assert json_result.refused == ["item 2: has no link."]
    json_feed.refresh_from_db()
    assert (json_feed.kind, json_feed.title) == ("json", "J")
