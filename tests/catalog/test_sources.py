"""Sources: one per canonical URL, and the admin's "Add source from URL"."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from apps.catalog.models import Publisher, Source
from apps.catalog.services import source_create
from tests.factories import company_make
from tests.support.httpserver import LocalHTTPServer

pytestmark = pytest.mark.django_db


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


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


def test_add_source_from_url_fills_it_from_the_page(
    editor: User, http_server: LocalHTTPServer, settings: object
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
    response = logged_in(editor).post(
        reverse("admin:catalog_source_add_from_url"),
        {"url": http_server.url("/news/20250715-meta/?utm_source=rss")},
    )
    assert response.status_code == 302
    source = Source.objects.get()
    assert source.url == http_server.url("/news/20250715-meta/")
    assert source.title.startswith("Metaはクローズドモデルに移行する")
    assert source.language == "ja"
    assert source.publisher is not None and source.publisher.slug == "gigazine"
    assert (
        source.published_at is not None and source.published_at.date().isoformat() == "2025-07-15"
    )
    assert "スーパーインテリジェンスラボ" in source.snapshot_text


def test_add_source_from_url_shows_the_refusal_for_a_private_address(
    editor: User, http_server: LocalHTTPServer, settings: object
) -> None:
    settings.FETCH_ALLOW_PRIVATE = False  # type: ignore[attr-defined]
    http_server.route("/page", body=b"<html><title>x</title></html>")
    response = logged_in(editor).post(
        reverse("admin:catalog_source_add_from_url"), {"url": http_server.url("/page")}
    )
    assert response.status_code == 200
    assert "address" in response.content.decode().lower()
    assert http_server.requests == []
    assert not Source.objects.exists()


def test_a_page_cannot_pass_for_a_labs_own_publisher_by_its_site_name(
    editor: User, http_server: LocalHTTPServer, settings: object
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
    logged_in(editor).post(
        reverse("admin:catalog_source_add_from_url"), {"url": http_server.url("/fake")}
    )
    source = Source.objects.get()
    assert source.kind == "secondary"
    assert source.publisher is not None
    assert source.publisher.company is None and source.publisher.domain == "127.0.0.1"


def test_add_source_from_url_answers_an_ftp_url_with_a_form_error(editor: User) -> None:
    response = logged_in(editor).post(
        reverse("admin:catalog_source_add_from_url"), {"url": "ftp://files.example/report.pdf"}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Source.objects.exists()
