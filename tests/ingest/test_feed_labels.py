"""A feed is recognised by what it is, not by what its server calls it: every feed of feedparser's
corpus that feedparser itself reads is read when served as application/x-rss+xml, text/rss+xml,
text/html, application/octet-stream and more; images and binaries are refused with an error
recorded on the feed."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from apps.ingest import services
from apps.ingest.models import Feed, FetchAttempt, Outcome
from tests.support.httpserver import LocalHTTPServer, RecordedRequest, Response
from tests.support.shared import shared_path

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_private")]

#: Labels real servers put on feeds, with and without a charset.
LABELS = (
    "application/x-rss+xml",
    "application/x-atom+xml",
    "text/rss+xml",
    "text/xml",
    "application/octet-stream",
    "text/html",
    "text/plain; charset=utf-8",
    "application/rss+xml; charset=utf-8",
)


def feedparser_reads(body: bytes, label: str) -> bool:
    """Whether feedparser alone finds a feed in ``body`` (with the label's charset, if any):
    a version, feed elements or entries, and no fatal error unless entries or a title came
    through. The label's type is left out: this is the reading that should not depend on it."""
    charset = label.partition("charset=")[2]
    headers = {"content-type": "application/xml" + (f"; charset={charset}" if charset else "")}
    parsed = feedparser.parse(body, response_headers=headers)
    found = parsed.get("version") or parsed.get("entries") or parsed.get("feed")
    usable = not parsed.get("bozo") or parsed.get("entries") or parsed["feed"].get("title")
    return bool(found and usable)


def serve_labelled(server: LocalHTTPServer, files: list[Path], root: Path) -> list[str]:
    """Serve each file under each label at /<label number>/<path>; returns the URLs of those
    feedparser reads."""
    urls = []
    for path in files:
        body = path.read_bytes()
        for number, label in enumerate(LABELS):
            if not feedparser_reads(body, label):
                continue
            route = f"/{number}/{path.relative_to(root)}"

            def answer(
                request: RecordedRequest, body: bytes = body, label: str = label
            ) -> Response:
                return Response(200, {"Content-Type": label}, body)

            server.handle(route, answer)
            urls.append(server.url(route))
    return urls


def poll_all(urls: list[str]) -> list[tuple[str, str]]:
    """Poll a feed at each URL; returns (url, error) for each that was not read."""
    feeds = Feed.objects.bulk_create(Feed(url=url) for url in urls)
    failures = []
    for feed in feeds:
        result = services.feed_poll(feed_id=feed.pk)
        if result.outcome != Outcome.STORED:
            failures.append((feed.url, result.message))
    return failures


def corpus_files() -> tuple[Path, list[Path]]:
    corpus = shared_path("corpus", "feedparser")
    files = sorted(path for path in (corpus / "tests").rglob("*.xml") if path.is_file())
    assert len(files) > 2000, f"the corpus is missing or incomplete at {corpus}"
    return corpus, files


@pytest.mark.slow
def test_a_sample_of_the_corpus_is_read_under_every_label(http_server: LocalHTTPServer) -> None:
    corpus, files = corpus_files()
    # Every 40th file: RSS, Atom, RDF, CDF and the encoding cases (EUC-JP, UTF-16 among them).
    encodings = [f for f in files if f.parent.name == "encoding"][::6]
    sample = sorted(set(files[::40] + encodings))
    urls = serve_labelled(http_server, sample, corpus)
    assert len(urls) > 0.9 * len(sample) * len(LABELS)

    assert poll_all(urls) == []


@pytest.mark.slow
def test_every_feed_feedparser_reads_is_read_whatever_its_label(
    http_server: LocalHTTPServer,
) -> None:
    corpus, files = corpus_files()
    urls = serve_labelled(http_server, files, corpus)
    assert len(urls) > 0.95 * len(files) * len(LABELS)

    assert poll_all(urls) == []


RSS = (
    b"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Wire</title>"
    b"<item><title>One</title><link>http://127.0.0.1/one</link></item></channel></rss>"
)
JSON_FEED = (
    b'{"version": "https://jsonfeed.org/version/1.1", "title": "Wire", '
    b'"items": [{"id": "1", "url": "http://127.0.0.1/one"}]}'
)


@pytest.mark.parametrize(
    ("body", "label"),
    [
        (RSS, "application/json"),
        (RSS, "text/html; charset=utf-8"),
        (JSON_FEED, "text/plain"),
        (JSON_FEED, "application/octet-stream"),
        (
            RSS.replace(b"utf-8", b"shift_jis").replace(b"One", "速報".encode("shift_jis")),
            "text/xml",
        ),
    ],
    ids=["rss-as-json", "rss-as-html", "json-as-text", "json-as-octets", "shift-jis-as-text-xml"],
)
def test_a_feed_with_a_misleading_label_is_read(
    http_server: LocalHTTPServer, body: bytes, label: str
) -> None:
    http_server.route("/feed", body=body, content_type=label)
    feed, _ = services.feed_add(url=http_server.url("/feed"))

    result = services.feed_poll(feed_id=feed.pk)

    assert result.outcome == Outcome.STORED, result.message
    feed.refresh_from_db()
    assert feed.title == "Wire"
    assert feed.entries.count() == 1


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"


@pytest.mark.parametrize(
    ("body", "label", "reason", "words"),
    [
        (PNG, "image/png", "content_type", "image/png"),
        (b"ID3\x04\x00" + bytes(64), "audio/mpeg", "content_type", "audio/mpeg"),
        (PNG, "application/rss+xml", "not_a_feed", "PNG image"),
        (PDF, "application/octet-stream", "not_a_feed", "PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00", "text/xml", "not_a_feed", "ZIP archive"),
        (b"\x13\x37\x00\x00\x01\xfe" * 40, "application/xml", "not_a_feed", "binary file"),
    ],
    ids=["image-label", "audio-label", "png-as-rss", "pdf-as-octets", "zip-as-xml", "bytes"],
)
def test_an_image_or_a_binary_is_refused_with_an_error_on_the_feed(
    http_server: LocalHTTPServer, body: bytes, label: str, reason: str, words: str
) -> None:
    http_server.route("/feed", body=body, content_type=label)
    feed, _ = services.feed_add(url=http_server.url("/feed"))

    result = services.feed_poll(feed_id=feed.pk)

    assert result.outcome == Outcome.ERROR
    feed.refresh_from_db()
    assert words in feed.last_error
    attempt = FetchAttempt.objects.get(feed=feed)
    assert (attempt.reason, attempt.permanent, attempt.message) == (reason, True, feed.last_error)


def test_a_web_page_labelled_as_a_feed_is_refused_naming_its_feed(
    http_server: LocalHTTPServer,
) -> None:
    http_server.route(
        "/blog",
        body=b"<!doctype html><html><head><title>Blog</title><link rel='alternate' "
        b"type='application/atom+xml' href='/blog/atom.xml'></head><body><p>Hi</p></body></html>",
        content_type="application/rss+xml",
    )
    feed, _ = services.feed_add(url=http_server.url("/blog"))

    services.feed_poll(feed_id=feed.pk)

    feed.refresh_from_db()
    assert http_server.url("/blog/atom.xml") in feed.last_error
    assert FetchAttempt.objects.get(feed=feed).reason == "not_a_feed"
