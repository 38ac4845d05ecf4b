"""What search engines read: robots.txt, and a sitemap of labs, models and statements.

The sitemap is an index (``/sitemap.xml``) of one sitemap per section, each paginated by
Django at 50,000 URLs, so a record of a million statements stays within the protocol's limits.
Its URLs are built on SITE_URL, the site's public address, not on whatever Host a request
carried. Only published statements are listed: a draft has no public page, and a retracted
statement's page stays reachable from its lab's history but is not offered for indexing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Greatest
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from apps.catalog.models import AIModel, Company
from apps.claims.models import EditorialState, Statement

if TYPE_CHECKING:  # django-stubs makes Sitemap generic; at run time it is a plain class
    _Sitemap = Sitemap[Any]
else:
    _Sitemap = Sitemap


class _PublicSitemap(_Sitemap):
    """URLs on SITE_URL's scheme and host; the section's latest lastmod in one query. Each
    page is listed in every language (/ja/… beside the English address) with its hreflang
    alternates, as the pages themselves name them (docs/i18n.md)."""

    i18n = True
    alternates = True
    x_default = True

    def items(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site: Any = None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def get_latest_lastmod(self) -> datetime.datetime | None:
        # Django's default calls lastmod() on every item: a million rows for the index alone.
        latest: datetime.datetime | None = self.items().aggregate(latest=Max("updated_at"))[
            "latest"
        ]
        return latest


class LabSitemap(_PublicSitemap):
    """Each lab's page, last modified when the lab or its latest published statement was."""

    def items(self) -> QuerySet[Company]:
        published = Q(statements__state=EditorialState.PUBLISHED)
        return (
            Company.objects.annotate(
                last_statement=Max("statements__updated_at", filter=published),
                changed=Greatest("updated_at", "last_statement"),
            )
            .only("slug", "updated_at")
            .order_by("pk")
        )

    def lastmod(self, item: Company) -> datetime.datetime:
        changed: datetime.datetime | None = getattr(item, "changed", None)
        return changed or item.updated_at


class ModelSitemap(_PublicSitemap):
    def items(self) -> QuerySet[AIModel]:
        return AIModel.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, item: AIModel) -> datetime.datetime:
        return item.updated_at


class StatementSitemap(_PublicSitemap):
    def items(self) -> QuerySet[Statement]:
        return Statement.objects.published().only("pk", "updated_at").order_by("pk")

    def lastmod(self, item: Statement) -> datetime.datetime:
        return item.updated_at


SITEMAPS: dict[str, type[_Sitemap] | _Sitemap] = {
    "labs": LabSitemap,
    "models": ModelSitemap,
    "statements": StatementSitemap,
}


@dataclass(frozen=True)
class IndexEntry:
    """One line of the index, as Django's sitemap_index.xml reads it."""

    location: str
    last_mod: datetime.datetime | None


@require_safe
def sitemap_index(request: HttpRequest) -> TemplateResponse:
    """Django's sitemap index, on SITE_URL (its own builds on the request's Host)."""
    items = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class() if isinstance(sitemap_class, type) else sitemap_class
        location = f"{settings.SITE_URL}{reverse('sitemap-section', kwargs={'section': section})}"
        lastmod = sitemap.get_latest_lastmod()
        items.append(IndexEntry(location, lastmod))
        for page in range(2, sitemap.paginator.num_pages + 1):
            items.append(IndexEntry(f"{location}?p={page}", lastmod))
    response = TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": items}, content_type="application/xml"
    )
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


@require_safe
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    response: HttpResponse = sitemap_views.sitemap(request, sitemaps=SITEMAPS, section=section)
    return response


def _private_prefixes() -> list[str]:
    """Where no crawler belongs: the admin, and the pages behind the links in mail (each is
    one reader's, and a GET on them must stay the reader's own), in every language's form."""
    prefixes: list[str] = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            prefixes.append(reverse("admin:index"))
            for name in ("alerts:confirm", "alerts:manage", "alerts:unsubscribe"):
                token_path = reverse(name, kwargs={"token": "-"})
                prefixes.append(token_path.removesuffix("-/"))
    return list(dict.fromkeys(prefixes))


@require_safe
@cache_control(max_age=3600, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *"]
    lines += [f"Disallow: {prefix}" for prefix in _private_prefixes()]
    lines.append(f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
