"""Articles read from the web, their other URLs and near-duplicate keys, and source fetches."""

from __future__ import annotations

import zlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .feeds import Feed


class ArticleState(models.TextChoices):
    PENDING = "pending", _("waiting to be fetched")
    FETCHING = "fetching", _("being fetched")
    DONE = "done", _("stored")
    FAILED = "failed", _("failed")


class Article(models.Model):
    """One story, whatever number of URLs it was found at (see ArticleURL)."""

    url = models.URLField(_("canonical URL"), max_length=1000, unique=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    site_name = models.CharField(_("site"), max_length=200, blank=True)
    author = models.CharField(_("author"), max_length=300, blank=True)
    published_at = models.DateTimeField(
        _("published"),
        null=True,
        blank=True,
        help_text=_(
            "As the page states it (metadata, byline or dateline), or its feed entry. Empty "
            "where the page states no date of its own: set it here."
        ),
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    text = models.TextField(_("main text"), blank=True)
    html = models.TextField(_("main text as sanitised HTML"), blank=True)
    content_hash = models.CharField(_("text SHA-256"), max_length=64, unique=True)
    #: The text's MinHash signature (apps/ingest/near_duplicates.py); its band keys are rows of
    #: ArticleBandKey. Empty for a text too short to compare.
    text_signature = models.BinaryField(default=b"", editable=False)
    raw = models.BinaryField(_("raw response (zlib)"), editable=False)
    raw_content_type = models.CharField(max_length=100, blank=True, editable=False)
    raw_charset = models.CharField(max_length=40, blank=True, editable=False)
    feed = models.ForeignKey(
        Feed,
        verbose_name=_("first seen in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    source = models.ForeignKey(
        "catalog.Source",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        help_text=_("The ledger source made from this article when a suggestion was accepted."),
    )
    fetched_at = models.DateTimeField(_("fetched"), default=timezone.now)
    extracted_at = models.DateTimeField(_("extracted"), default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.title or self.url

    def raw_body(self) -> bytes:
        return zlib.decompress(bytes(self.raw)) if self.raw else b""


class ArticleBandKey(models.Model):
    """One LSH band key of an article's text (apps/ingest/near_duplicates.py). Articles that
    share a key are the candidates when a new text is checked for being a syndicated copy, found
    by the key's index rather than by reading every article."""

    # Written for every article stored (BANDS rows), so kept cheap to write: the primary key
    # (key, article) is the index that lookups by key use, with no id column; and no database
    # constraint on the article, whose trigger fired once per row (Django's own CASCADE deletes
    # the rows of a deleted article, by the article column's index).
    pk = models.CompositePrimaryKey("key", "article")
    key = models.BigIntegerField()
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="band_keys", db_constraint=False
    )

    class Meta:
        verbose_name = _("article band key")
        verbose_name_plural = _("article band keys")

    def __str__(self) -> str:
        return f"{self.article_id}: {self.key}"


class ArticleURL(models.Model):
    """A URL an article was found at; also the work item that fetches it.

    A feed entry or a pasted link becomes one row here (keyed by canonical URL). A worker claims
    it, fetches and stores the article; two URLs whose pages carry the same text, or nearly the
    same (a syndicated copy), point to one Article.
    """

    url = models.URLField(_("canonical URL"), max_length=1000, unique=True)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="urls"
    )
    feed = models.ForeignKey(
        Feed, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries"
    )
    entry_title = models.CharField(_("title in the feed"), max_length=500, blank=True)
    entry_published_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ArticleState.choices,
        default=ArticleState.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(
        _("attempts"), default=0, help_text=_("Counted when a worker claims the URL.")
    )
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    dispatched_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When a task was last queued for it; a lost one is queued again."),
    )
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("article URL")
        verbose_name_plural = _("article URLs")

    def __str__(self) -> str:
        return self.url


class SourceFetch(models.Model):
    """An editor's "Add source from URL": the page to fetch, and what became of it.

    The web request only records the row; a worker fetches the page (tasks.source_fetch), so a
    slow site never holds a web worker, and the row keeps the outcome for the editor to read
    on the progress page, whether or not the page was still open. The row is claimed the way
    article URLs are (apps/lib/workqueue.py): ``state`` and ``claimed_at``, attempts counted.
    """

    url = models.URLField(_("page URL"), max_length=1000)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ArticleState.choices,
        default=ArticleState.PENDING,
        db_index=True,
    )
    source = models.ForeignKey(
        "catalog.Source",
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fetches",
    )
    source_created = models.BooleanField(
        _("new source"),
        default=False,
        help_text=_("False when the page was already a source."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attempts = models.PositiveSmallIntegerField(
        _("attempts"), default=0, help_text=_("Counted when a worker claims the fetch.")
    )
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    dispatched_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When a task was last queued for it; a lost one is queued again."),
    )
    last_error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True, db_index=True)
    done_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("source fetch")
        verbose_name_plural = _("source fetches")

    def __str__(self) -> str:
        return self.url
