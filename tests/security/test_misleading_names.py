"""What editors are shown must not mislead them: a page's own name for itself, a URL that reads
as one host and connects to another, the private address a host name resolves to.

Traffic goes to loopback only (the test's own server, which counts what reaches it).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import Settings as SettingsWrapper

from apps.catalog.models import Publisher, Source
from apps.catalog.services import source_create_from_url
from apps.ingest import services as ingest_services
from apps.ingest.models import Suggestion
from tests.support.feeds import demo_page
from tests.support.httpserver import LocalHTTPServer

pytestmark = pytest.mark.django_db

CALLS_ITSELF_META_AI = (
    b'<html lang="en"><head><title>Meta AI: we are closing everything</title>'
    b'<meta property="og:site_name" content="Meta AI"></head>'
    b"<body><article><p>Meta said it would stop releasing open models, this page claims, "
    b"in a paragraph long enough to be the main text of the page.</p></article></body></html>"
)


@pytest.fixture
def allow_private(settings: SettingsWrapper) -> None:
    settings.FETCH_ALLOW_PRIVATE = True


def test_add_source_from_url_names_a_new_publisher_by_its_domain_not_its_site_name(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    http_server.route("/post", body=CALLS_ITSELF_META_AI)

    # What the worker runs for the admin's "Add source from URL" (tests/ingest/test_admin_*).
    source, created = source_create_from_url(url=http_server.url("/post"))

    assert created and Source.objects.get() == source
    assert source.publisher is not None
    assert (source.publisher.name, source.publisher.domain) == ("127.0.0.1", "127.0.0.1")
    assert source.kind == "secondary"
    assert not Publisher.objects.filter(name__icontains="meta").exists()


def test_accepting_a_suggestion_names_a_new_publisher_by_its_domain_not_its_site_name(
    editor: User, http_server: LocalHTTPServer, allow_private: None, seeded: None
) -> None:
    page = demo_page("meta-open-closed-en.html").replace(
        b'content="Aperture Demo Wire"', b'content="Meta AI"'
    )
    http_server.route("/story", body=page)
    queued, _refused = ingest_services.article_urls_add(urls=[http_server.url("/story")])
    ingest_services.article_ingest(article_url_id=queued[0].pk)
    suggestion = Suggestion.objects.filter(article__site_name="Meta AI").first()
    assert suggestion is not None, "the page was ingested with the name it gives itself"

    statement = ingest_services.suggestion_accept(suggestion=suggestion, user=editor)

    publisher = statement.citations.get().source.publisher
    assert publisher is not None
    assert (publisher.name, publisher.domain, publisher.company) == ("127.0.0.1", "127.0.0.1", None)


def test_a_publisher_renamed_by_an_editor_keeps_its_name_for_the_next_page(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    Publisher.objects.create(name="Local Wire", slug="local-wire", domain="127.0.0.1")
    http_server.route("/post", body=CALLS_ITSELF_META_AI)
    source, _created = source_create_from_url(url=http_server.url("/post"))
    assert source.publisher is not None and source.publisher.name == "Local Wire"


def test_the_ingest_urls_page_shows_the_host_a_url_would_really_contact(
    editor: User, http_server: LocalHTTPServer, allow_private: None
) -> None:
    tricky = f"http://127.0.0.1:{http_server.port}\\@example.com/"
    plain = http_server.url("/story")
    client = Client()
    client.force_login(editor)

    response = client.post("/admin/ingest/article/ingest-urls/", {"urls": f"{tricky}\n{plain}"})

    # The tricky URL is refused, naming the host it would really contact; the plain one is
    # queued and its progress row names its host too. Nothing was fetched in the request.
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"host contacted: 127.0.0.1:{http_server.port}" in page
    assert "backslash" in page
    row = page[page.index("<tbody>") : page.index("</tbody>")]
    assert f'<td class="contacted-host">127.0.0.1:{http_server.port}</td>' in row
    assert "example.com" not in row
    assert http_server.requests == []
