"""The language is in the address: English as always, Japanese under /ja/, the same for every
reader, with hreflang alternates and a language switch that keeps the page and its query."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from apps.claims.models import Statement

pytestmark = pytest.mark.django_db

SITE_URL = "http://127.0.0.1:8000"


def _statement_path() -> str:
    return Statement.objects.get(import_key="meta-2025-nyt-closed-report").get_absolute_url()


PAGES = [
    "/",
    "/labs/meta/",
    "/models/llama-4-behemoth/",
    "statement",
    "/compare/?labs=meta,openai",
    "/search/?q=Meta",
    "/subscribe/",
]


def _english(page: str) -> str:
    return _statement_path() if page == "statement" else page


def _html_lang(html: str) -> str:
    match = re.search(r'<html lang="([a-z-]+)"', html)
    assert match is not None
    return match.group(1)


def _alternates(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([a-z-]+)" href="([^"]+)">', html))


@pytest.mark.slow
@pytest.mark.parametrize("prefix", ["", "/ja"])
@pytest.mark.parametrize("page", PAGES)
def test_every_public_page_is_canonical_in_its_language_and_names_both_versions(
    client: Client, seeded: None, page: str, prefix: str
) -> None:
    english = _english(page)
    response = client.get(prefix + english)
    assert response.status_code == 200
    html = response.content.decode()
    assert _html_lang(html) == ("ja" if prefix else "en")
    path = english.split("?")[0]
    [canonical] = re.findall(r'<link rel="canonical" href="([^"]+)">', html)
    assert canonical == f"{SITE_URL}{prefix}{path}"
    assert _alternates(html) == {
        "en": f"{SITE_URL}{path}",
        "ja": f"{SITE_URL}/ja{path}",
        "x-default": f"{SITE_URL}{path}",
    }


def test_the_address_decides_the_language_not_a_cookie_nor_the_browser(
    client: Client, seeded: None
) -> None:
    client.cookies["django_language"] = "ja"
    english = client.get("/labs/meta/", HTTP_ACCEPT_LANGUAGE="ja")
    assert _html_lang(english.content.decode()) == "en"
    assert english["Content-Language"] == "en"
    client.cookies["django_language"] = "en"
    japanese = client.get("/ja/labs/meta/", HTTP_ACCEPT_LANGUAGE="en")
    assert _html_lang(japanese.content.decode()) == "ja"
    assert "スタンスの推移" in japanese.content.decode()


def test_the_language_switch_links_to_the_same_page_and_query_in_the_other_language(
    client: Client, seeded: None
) -> None:
    html = client.get("/labs/meta/?kind=official&stance=open").content.decode()
    links = dict(
        re.findall(r'<a href="([^"]+)" hreflang="([a-z]+)" lang="[a-z]+" data-language', html)
    )
    assert links == {
        "/labs/meta/?kind=official&amp;stance=open": "en",
        "/ja/labs/meta/?kind=official&amp;stance=open": "ja",
    }
    assert 'hreflang="en" lang="en" data-language-path="/labs/meta/" aria-current="true"' in html


def test_a_japanese_browser_at_the_root_gets_the_english_home_with_an_offer_not_a_redirect(
    client: Client, seeded: None
) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ja,en;q=0.5")
    assert response.status_code == 200
    html = response.content.decode()
    assert _html_lang(html) == "en"
    offer = re.search(r'<p class="lang-offer" lang="ja"><a href="([^"]+)"[^>]*>([^<]+)</a>', html)
    assert offer is not None and offer.groups() == ("/ja/", "このページを日本語で読む")
    assert "Accept-Language" in response["Vary"]
    # No stated preference, or the page's own language: nothing to offer.
    assert 'class="lang-offer"' not in client.get("/").content.decode()
    same = client.get("/ja/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert 'class="lang-offer"' not in same
    other = client.get("/ja/labs/meta/", HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    assert '<p class="lang-offer" lang="en"><a href="/labs/meta/"' in other
    assert "Read this page in English" in other


def test_the_admin_keeps_following_the_readers_language(client: Client) -> None:
    japanese = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert _html_lang(japanese) == "ja"
    english = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _html_lang(english) == "en"
    assert client.get("/ja/admin/login/").status_code == 404, "no Japanese address of its own"


def test_the_old_language_form_still_lands_on_the_japanese_address(
    client: Client, seeded: None
) -> None:
    response = client.post("/i18n/setlang/", {"language": "ja", "next": "/labs/meta/?kind=action"})
    assert response.status_code == 302
    assert response["Location"] == "/ja/labs/meta/?kind=action"
