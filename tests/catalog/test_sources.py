"""Sources: one per canonical URL, and the service behind "Add source from URL".

The admin's form records a fetch that a worker runs (ingestion's SourceFetch:
tests/ingest/test_admin_queue.py and test_admin_worker.py); these try the service it calls.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from apps.catalog.models import Publisher, Source
from apps.catalog.services import source_create, source_create_from_url
from apps.lib.fetch import FetchError
from tests.factories import company_make
from tests.support.httpserver import LocalHTTPServer

pytestmark = pytest.mark.django_db


def test_two_spellings_of_one_url_are_one_source() -> None:
    first, created = source_create(
        url="https://News.Example/story?utm_source=x&b=2&a=1#top", title="A story"
    )
    second, created_again = source_create(
        url="https://news.example/story?a=1&b=2", title="The same story"
    )
    assert created and not created_again
    assert first.pk == second.pk
    assert Source.objects.count() == 1


def test_the_database_refuses_two_sources_with_one_canonical_url() -> None:
    Source.objects.create(url="https://news.example/a", title="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.create(url="https://news.example/a", title="A again")


def test_a_source_made_from_a_url_is_filled_from_the_page(
    http_server: LocalHTTPServer, settings: object
) -> None:
    settings.FETCH_ALLOW_PRIVATE = True  # type: ignore[attr-defined]
    Publisher.objects.create(name="GIGAZINE", slug="gigazine", domain="127.0.0.1")
    body = """<!doctype html><html lang="ja"><head>
    <title>Metaはクローズドモデルに移行するとの報道 - GIGAZINE</title>
    <meta property="og:site_name" content="GIGAZINE">
    <meta property="article:published_time" content="2025-07-15T11:12:00+09:00">
    </head><body><article><h1>Metaはクローズドモデルに移行するとの報道</h1>
    <p>Metaの新設したスーパーインテリジェンスラボのトップメンバーは、
    同社のオープンソースでのAI開発という方針を転換し、
    クローズドモデルの開発に移行することを検討しているとThe New York Timesが報じました。</p>
    </article></body></html>""".encode()
    http_server.route("/news/20250715-meta/", body=body)
    source, created = source_create_from_url(
        url=http_server.url("/news/20250715-meta/?utm_source=rss")
    )
    assert created and Source.objects.get() == source
    assert source.url == http_server.url("/news/20250715-meta/")
    assert source.title.startswith("Metaはクローズドモデルに移行する")
    assert source.language == "ja"
    assert source.publisher is not None and source.publisher.slug == "gigazine"
    # The time of day kept, as one instant: 11:12 in Tokyo is 02:12 UTC.
    assert source.published_at == datetime.datetime(2025, 7, 15, 2, 12, tzinfo=datetime.UTC)
    assert "スーパーインテリジェンスラボ" in source.snapshot_text


def test_a_source_from_a_private_address_is_refused_before_any_request(
    http_server: LocalHTTPServer, settings: object
) -> None:
    settings.FETCH_ALLOW_PRIVATE = False  # type: ignore[attr-defined]
    http_server.route("/page", body=b"<html><title>x</title></html>")
    with pytest.raises(FetchError, match="address"):
        source_create_from_url(url=http_server.url("/page"))
    assert http_server.requests == []
    assert not Source.objects.exists()


@pytest.mark.slow
def test_a_page_cannot_pass_for_a_labs_own_publisher_by_its_site_name(
    http_server: LocalHTTPServer, settings: object
) -> None:
    settings.FETCH_ALLOW_PRIVATE = True  # type: ignore[attr-defined]
    lab = company_make(name="OpenAI", slug="openai-test")
    Publisher.objects.create(name="OpenAI", slug="openai", domain="openai.com", company=lab)
    http_server.route(
        "/fake",
        body=b'<html lang="en"><head><title>We are closing everything</title>'
        b'<meta property="og:site_name" content="OpenAI"></head>'
        b"<body><article><p>Not really OpenAI.</p></article></body></html>",
    )
    source, _created = source_create_from_url(url=http_server.url("/fake"))
    assert source.kind == "secondary"
    assert source.publisher is not None
    assert source.publisher.company is None and source.publisher.domain == "127.0.0.1"
