"""Writes to the catalogue: sources and their publishers, and model status entries, which
announce what happened (apps/lib/events.py)."""

from __future__ import annotations

import datetime
import hashlib
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from apps.lib.events import event_announce
from apps.lib.fetch import fetch
from apps.lib.pages import page_metadata
from apps.lib.permissions import permission_require
from apps.lib.urls import url_canonicalize

from .events import ModelStatusChanged
from .models import AIModel, Company, ModelFamily, ModelStatusChange, Publisher, Source


def model_status_add(
    *,
    model: AIModel,
    status: str,
    date: datetime.date,
    date_precision: str = "day",
    is_reported: bool = False,
    note: str = "",
    source: Source | None = None,
    user: User | AnonymousUser | None = None,
) -> ModelStatusChange:
    """A new entry in a model's status history, announced in its transaction.

    user=None is the system itself (seed data, imports), which acts with full authority.
    """
    permission_require(user, "catalog.add_modelstatuschange", "record a model's status")
    with transaction.atomic():
        change = ModelStatusChange(
            model=model,
            status=status,
            date=date,
            date_precision=date_precision,
            is_reported=is_reported,
            note=note,
            source=source,
        )
        change.full_clean()
        change.save()
        event_announce(ModelStatusChanged(status_change_id=change.pk))
    return change


def source_create(
    *,
    url: str,
    title: str,
    publisher: Any = None,
    language: str = "",
    kind: str = "secondary",
    published_at: datetime.datetime | None = None,
    retrieved_at: datetime.datetime | None = None,
    snapshot_text: str = "",
    archive: PageArchive | None = None,
    cites: Iterable[Source] = (),
) -> tuple[Source, bool]:
    """Get or create the source at the canonical form of url; returns (source, created).

    ``archive`` (or only ``snapshot_text``, as the seed knows it) becomes the source's archive
    if it has none yet.
    """
    if archive is None and snapshot_text:
        archive = PageArchive(text=snapshot_text, retrieved_at=retrieved_at or timezone.now())
    canonical = url_canonicalize(url)
    with transaction.atomic():
        source, created = Source.objects.get_or_create(
            url=canonical,
            defaults={
                "title": title,
                "publisher": publisher,
                "language": language,
                "kind": kind,
                "published_at": published_at,
                "retrieved_at": retrieved_at,
            },
        )
        if archive is not None:
            source_archive_set(source=source, archive=archive)
        missing = set(cites) - set(source.cites.all())
        if missing:
            source.cites.add(*missing)
    return source, created


HTML_TYPES = ("text/html", "application/xhtml+xml")


def source_create_from_url(*, url: str) -> tuple[Source, bool]:
    """Fetch a page through the safe client and make it a source, filled from the page itself.

    The publisher is recognised by the page's domain, or created and named by it (never by the
    name the page gives itself); a page on a lab's own publisher is a primary source.
    """
    existing = Source.objects.filter(url=url_canonicalize(url)).first()
    if existing is not None:
        return existing, False
    result = fetch(url, accept=HTML_TYPES)
    page = page_metadata(result.body, url=result.final_url, charset=result.charset)
    publisher = publisher_for_page(url=result.final_url)
    return source_create(
        url=result.final_url,
        title=page.title or result.final_url,
        publisher=publisher,
        language=page.language,
        kind="primary" if publisher.company_id else "secondary",
        published_at=page.published_at,
        retrieved_at=timezone.now(),
        archive=PageArchive(
            text=page.text,
            retrieved_at=timezone.now(),
            status=result.status,
            final_url=result.final_url,
            raw=zlib.compress(result.body, 6),
            content_type=result.headers.get("content-type", ""),
        ),
    )


def company_create(*, name: str, is_lab: bool = False) -> Company:
    """A new company named ``name``, with a free slug made from it ("lab-2" after "lab")."""
    name = name.strip()[:200]
    base = (slugify(name) or "company")[:90]
    slug, number = base, 1
    while Company.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    company = Company(name=name, slug=slug, is_lab=is_lab)
    company.full_clean()
    company.save()
    return company


def model_family_get_or_create(*, name: str, developer: Company) -> ModelFamily:
    """The developer's family of that name, made with a free slug when there is none yet."""
    name = name.strip()[:100]
    family = ModelFamily.objects.filter(developer=developer, name=name).first()
    if family is not None:
        return family
    base = (slugify(name) or "family")[:90]
    slug, number = base, 1
    while ModelFamily.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    family = ModelFamily(name=name, slug=slug, developer=developer)
    family.full_clean()
    family.save()
    return family


def publisher_for_page(*, url: str) -> Publisher:
    """The publisher of a fetched page, recognised by its domain, never by the name it gives.

    A page may call itself anything in og:site_name ("Meta AI"); only a matching domain (or a
    subdomain of one) reuses a known publisher, so no site can pass for a lab's own blog. A new
    publisher is named by its domain too, until an editor names it.
    """
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")[:200]
    known = [p for p in Publisher.objects.exclude(domain="") if _host_is_under(host, p.domain)]
    if known:
        return max(known, key=lambda p: len(p.domain))
    base = (slugify(host.replace(".", "-")) or "publisher")[:90]
    slug, number = base, 1
    # "example.com" and "example-com" slugify alike: never hand out another domain's publisher.
    while Publisher.objects.filter(slug=slug).exclude(domain="").exclude(domain=host).exists():
        number += 1
        slug = f"{base}-{number}"
    publisher, _created = Publisher.objects.get_or_create(
        slug=slug, defaults={"name": host, "domain": host}
    )
    return publisher


def _host_is_under(host: str, domain: str) -> bool:
    domain = domain.lower().removeprefix("www.")
    return host == domain or host.endswith("." + domain)


@dataclass(frozen=True)
class PageArchive:
    """What a source's archive keeps of the page as it was when first cited."""

    text: str
    retrieved_at: datetime.datetime
    status: int | None = None
    final_url: str = ""
    #: The response body, zlib-compressed (as ingest keeps Article.raw).
    raw: bytes = b""
    content_type: str = ""

    @property
    def text_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def source_archive_set(*, source: Source, archive: PageArchive) -> bool:
    """Give the source its archive, unless it has one: a source never loses the archive it had.

    A conditional UPDATE, so two workers archiving the same source at once keep the first copy.
    Returns whether this archive was stored.
    """
    fields = {
        "snapshot_text": archive.text,
        "snapshot_hash": archive.text_hash,
        "snapshot_retrieved_at": archive.retrieved_at,
        "snapshot_status": archive.status,
        "snapshot_final_url": archive.final_url[:1000],
        "snapshot_content_type": archive.content_type[:140],
        "snapshot_raw": archive.raw,
    }
    stored = Source.objects.filter(pk=source.pk, snapshot_hash="").update(**fields) == 1
    if stored:
        for name, value in fields.items():
            setattr(source, name, value)
    return stored
