"""Who publishes about the labs, and the sources they publish (with their archived copies)."""

from __future__ import annotations

import zlib

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.lib.search_text import search_text_expression

from .labs import Company


class Publisher(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    website = models.URLField(_("website"), blank=True)
    domain = models.CharField(
        _("domain"),
        max_length=200,
        blank=True,
        db_index=True,
        help_text=_("Used to recognise the publisher of a page fetched from a URL."),
    )
    language = models.CharField(_("usual language"), max_length=10, blank=True)
    company = models.ForeignKey(
        Company,
        verbose_name=_("company it belongs to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="publishers",
        help_text=_("Set for a lab's own blog, so that its posts count as primary sources."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("publisher")
        verbose_name_plural = _("publishers")

    def __str__(self) -> str:
        return self.name


class SourceKind(models.TextChoices):
    PRIMARY = "primary", _("primary: the lab's own words or act")
    SECONDARY = "secondary", _("secondary: reporting")
    TERTIARY = "tertiary", _("tertiary: reporting on reporting")


class Source(models.Model):
    url = models.URLField(
        _("canonical URL"),
        max_length=1000,
        unique=True,
        help_text=_("Stored in canonical form: tracking parameters and fragments removed."),
    )
    title = models.CharField(_("title"), max_length=500)
    publisher = models.ForeignKey(
        Publisher,
        verbose_name=_("publisher"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sources",
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=SourceKind.choices, default=SourceKind.SECONDARY
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    retrieved_at = models.DateTimeField(_("retrieved"), null=True, blank=True)
    cites = models.ManyToManyField(
        "self",
        verbose_name=_("cites"),
        symmetrical=False,
        blank=True,
        related_name="cited_by",
        db_table="claims_source_cites",
    )
    snapshot_text = models.TextField(_("archived text"), blank=True)
    snapshot_hash = models.CharField(_("archived text SHA-256"), max_length=64, blank=True)
    snapshot_retrieved_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    # The rest of the archive, as fetched when the source was first cited (apps/watch/archive.py).
    snapshot_status = models.PositiveSmallIntegerField(
        _("archived HTTP status"), null=True, blank=True
    )
    snapshot_final_url = models.URLField(_("archived from URL"), max_length=1000, blank=True)
    snapshot_content_type = models.CharField(max_length=140, blank=True, editable=False)
    snapshot_raw = models.BinaryField(_("archived raw response (zlib)"), blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    #: The title normalised for search, kept by the database whatever writes the row
    #: (apps/lib/search_text.py, docs/search.md); the publisher's name is matched apart.
    search_text = models.GeneratedField(
        expression=search_text_expression("title"),
        output_field=models.TextField(),
        db_persist=True,
    )
    # Sources moved here from claims; their tables kept their names (no data moved). Only the
    # history of cites, which django-simple-history names by app, is catalog_historicalsource_cites.
    # The raw response is kept once, here, not copied into every revision.
    history = HistoricalRecords(
        m2m_fields=[cites],
        table_name="claims_historicalsource",
        excluded_fields=["snapshot_raw", "search_text"],
    )

    class Meta:
        db_table = "claims_source"
        ordering = ["-published_at", "id"]
        indexes = [
            # Search lists sources newest first, and stops after a page (docs/search.md).
            models.Index(fields=["-published_at", "id"], name="source_newest"),
        ]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return f"{self.title} ({self.publisher})" if self.publisher_id else self.title

    @property
    def is_archived(self) -> bool:
        return bool(self.snapshot_hash)

    def snapshot_raw_body(self) -> bytes:
        return zlib.decompress(bytes(self.snapshot_raw)) if self.snapshot_raw else b""
