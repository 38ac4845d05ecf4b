"""Fixtures for ingestion tests. The demo pages and feed builders are in tests/support/feeds.py."""

from __future__ import annotations

import pytest
from pytest_django import Settings as SettingsWrapper

from apps.ingest import services
from tests.support.feeds import demo_page
from tests.support.httpserver import LocalHTTPServer


@pytest.fixture
def allow_private(settings: SettingsWrapper) -> None:
    settings.FETCH_ALLOW_PRIVATE = True


@pytest.fixture
def story(http_server: LocalHTTPServer, seeded: None, allow_private: None) -> None:
    """The Meta story's two demo articles (English and Japanese), ingested into suggestions."""
    http_server.route("/en", body=demo_page("meta-open-closed-en.html"))
    http_server.route("/ja", body=demo_page("meta-open-closed-ja.html"))
    queued, _ = services.article_urls_add(urls=[http_server.url("/en"), http_server.url("/ja")])
    for row in queued:
        services.article_ingest(article_url_id=row.pk)
