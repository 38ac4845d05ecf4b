"""What crawlers and monitors meet: HEAD on every page, robots.txt, and the sitemap."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from apps.alerts.tokens import subscriber_token_make
from apps.catalog.models import AIModel, Company
from apps.claims.models import EditorialState, Statement
from tests.factories import company_make, statement_make
from tests.support.alerts import subscriber_make

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def public_pages() -> list[str]:
    """One page of each kind a reader or a monitor can reach, on the seeded record."""
    statement = Statement.objects.published().order_by("pk").first()
    model = AIModel.objects.order_by("pk").first()
    assert statement is not None and model is not None
    token = subscriber_token_make(subscriber_make("reader@example.org"))
    revision = statement.history.filter(state="published").values_list("history_id", flat=True)[0]
    return [
        "/",
        "/labs/meta/",
        f"/models/{model.slug}/",
        f"/statements/{statement.pk}/",
        f"/statements/{statement.pk}/v/{revision}/",
        "/embed/labs/meta/",
        "/embed/labs/meta/badge.svg",
        "/compare/?labs=meta",
        "/search/?q=Meta",
        "/subscribe/",
        f"/alerts/manage/{token}/",
        f"/alerts/unsubscribe/{token}/",
        "/feeds/all.atom",
        "/feeds/labs/meta.atom",
        f"/feeds/models/{model.slug}.atom",
        "/demo-feeds/rss.xml",
        "/healthz",
        "/robots.txt",
        "/sitemap.xml",
        "/sitemap-statements.xml",
    ]


@pytest.mark.slow
def test_head_answers_like_get_on_every_page_without_a_body(
    client: Client, seeded: None, settings: Any
) -> None:
    settings.INGEST_DEMO_FEEDS = True
    for path in public_pages():
        get = client.get(path)
        head = client.head(path)
        assert get.status_code == 200, path
        assert head.status_code == 200, f"HEAD {path}: {head.status_code}"
        assert head.content == b"", path
        assert head["Content-Type"] == get["Content-Type"], path


def test_head_answers_on_the_admin_pages_of_our_own(client: Client, reviewer: User) -> None:
    client.force_login(reviewer)
    for path in ("/admin/", "/admin/two-factor/", "/admin/claims/statement/"):
        assert client.head(path).status_code == 200, path


def test_no_view_of_ours_refuses_head() -> None:
    """require_GET answers HEAD with 405; require_safe is GET and HEAD. A new view that used
    require_GET would fail a monitor's HEAD, so none may."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "apps").rglob("*.py")
        if re.search(r"\brequire_GET\b", path.read_text())
    ]
    assert offenders == []
    for path in (ROOT / "apps").rglob("*.py"):
        for methods in re.findall(r"require_http_methods\(\[([^\]]*)\]\)", path.read_text()):
            if '"GET"' in methods:
                assert '"HEAD"' in methods, f"{path}: {methods}"


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_the_links_in_mail(client: Client) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/admin/", "/alerts/confirm/", "/alerts/manage/", "/alerts/unsubscribe/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines, "the public pages stay open"
    assert lines[-1] == "Sitemap: http://127.0.0.1:8000/sitemap.xml"


def locations(client: Client, path: str) -> dict[str, str]:
    """The sitemap's URLs with their lastmod."""
    response = client.get(path)
    assert response.status_code == 200
    tree = ET.fromstring(response.content)  # noqa: S314 (our own response)
    return {
        url.findtext(f"{SITEMAP}loc", ""): url.findtext(f"{SITEMAP}lastmod", "")
        for url in tree.iter(f"{SITEMAP}url")
    }


def test_the_sitemap_lists_labs_models_and_published_statements_on_the_public_address(
    client: Client, settings: Any
) -> None:
    settings.SITE_URL = "https://aperture.example"
    lab = company_make(name="Meta", slug="meta")
    quiet = company_make(name="Quiet Lab", slug="quiet")
    published = statement_make(company=lab, publish=True)
    draft = statement_make(company=lab)
    retracted = statement_make(company=lab, publish=True)
    Statement.objects.filter(pk=retracted.pk).update(state=EditorialState.RETRACTED)
    model = AIModel.objects.create(developer=lab, name="Llama 4", slug="llama-4")

    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    sections = re.findall(r"<loc>([^<]+)</loc>", index.content.decode())
    assert sections == [
        "https://aperture.example/sitemap-labs.xml",
        "https://aperture.example/sitemap-models.xml",
        "https://aperture.example/sitemap-statements.xml",
    ]
    statements = locations(client, "/sitemap-statements.xml")
    assert list(statements) == [
        f"https://aperture.example/statements/{published.pk}/",
        f"https://aperture.example/ja/statements/{published.pk}/",
    ]
    assert draft.pk != published.pk
    labs = locations(client, "/sitemap-labs.xml")
    assert set(labs) == {
        f"https://aperture.example{prefix}/labs/{slug}/"
        for prefix in ("", "/ja")
        for slug in ("meta", "quiet")
    }
    models = locations(client, "/sitemap-models.xml")
    assert set(models) == {
        f"https://aperture.example/models/{model.slug}/",
        f"https://aperture.example/ja/models/{model.slug}/",
    }
    assert quiet.pk


def test_each_sitemap_entry_names_its_versions_in_both_languages(client: Client) -> None:
    company_make(name="Meta", slug="meta")
    tree = ET.fromstring(client.get("/sitemap-labs.xml").content)  # noqa: S314 (our own)
    xhtml = "{http://www.w3.org/1999/xhtml}link"
    entries = {
        url.findtext(f"{SITEMAP}loc", ""): {
            link.get("hreflang"): link.get("href") for link in url.iter(xhtml)
        }
        for url in tree.iter(f"{SITEMAP}url")
    }
    versions = {
        "en": "http://127.0.0.1:8000/labs/meta/",
        "ja": "http://127.0.0.1:8000/ja/labs/meta/",
        "x-default": "http://127.0.0.1:8000/labs/meta/",
    }
    assert entries == {versions["en"]: versions, versions["ja"]: versions}


def test_a_labs_lastmod_is_its_latest_published_statement_or_its_own_edit(
    client: Client, settings: Any
) -> None:
    settings.SITE_URL = "https://aperture.example"
    lab = company_make(name="Meta", slug="meta")
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Company.objects.filter(pk=lab.pk).update(updated_at=long_ago)
    statement = statement_make(company=lab, publish=True)
    later = timezone.now() + datetime.timedelta(days=2)
    Statement.objects.filter(pk=statement.pk).update(updated_at=later)
    statement_make(company=lab)  # a draft edited even later does not count
    Statement.objects.filter(state=EditorialState.DRAFT).update(
        updated_at=later + datetime.timedelta(days=5)
    )
    labs = locations(client, "/sitemap-labs.xml")
    assert labs["https://aperture.example/labs/meta/"] == later.date().isoformat()
    assert labs["https://aperture.example/ja/labs/meta/"] == later.date().isoformat()
    statements = locations(client, "/sitemap-statements.xml")
    assert statements[f"https://aperture.example/statements/{statement.pk}/"] == (
        later.date().isoformat()
    )
