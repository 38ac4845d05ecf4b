"""The feeds ingestion polls and the record of each fetch attempt."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FeedQuerySet(models.QuerySet["Feed"]):
    def due(self, *, now: object = None) -> FeedQuerySet:
        moment = now or timezone.now()
        return self.filter(is_paused=False, next_poll_at__lte=moment)


class Feed(models.Model):
    url = models.URLField(_("feed URL"), max_length=1000, unique=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    kind = models.CharField(_("format"), max_length=10, blank=True, editable=False)
    poll_interval_minutes = models.PositiveIntegerField(
        _("poll interval (minutes)"), default=30, help_text=_("How often the feed is read.")
    )
    next_poll_at = models.DateTimeField(_("next poll"), default=timezone.now, db_index=True)
    claimed_at = models.DateTimeField(
        _("claimed"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set while a worker polls the feed; a stale claim is taken over."),
    )
    is_paused = models.BooleanField(_("paused"), default=False)
    paused_reason = models.CharField(_("why paused"), max_length=500, blank=True)
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    body_hash = models.CharField(max_length=64, blank=True, editable=False)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(
        _("failures in a row"), default=0, editable=False
    )
    temporary_failures = models.PositiveIntegerField(
        _("temporary failures"), default=0, editable=False
    )
    permanent_failures = models.PositiveIntegerField(
        _("permanent failures"), default=0, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FeedQuerySet.as_manager()

    class Meta:
        ordering = ["title", "url"]
        verbose_name = _("feed")
        verbose_name_plural = _("feeds")

    def __str__(self) -> str:
        return self.title or self.url


class Outcome(models.TextChoices):
    STORED = "stored", _("stored")
    UNCHANGED = "unchanged", _("unchanged")
    DUPLICATE = "duplicate", _("duplicate")
    ERROR = "error", _("error")


class FetchAttempt(models.Model):
    """One fetch of a feed or an article: what happened, for the editor to read in the admin."""

    feed = models.ForeignKey(
        Feed, null=True, blank=True, on_delete=models.CASCADE, related_name="attempts"
    )
    article_url = models.ForeignKey(
        "ArticleURL",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="fetch_attempts",
    )
    url = models.CharField(_("URL"), max_length=1000)
    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(_("reason code"), max_length=30, blank=True)
    permanent = models.BooleanField(_("permanent"), default=False)
    message = models.TextField(_("message"), blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    new_items = models.PositiveIntegerField(_("new items"), default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("fetch attempt")
        verbose_name_plural = _("fetch attempts")

    def __str__(self) -> str:
        return f"{self.url}: {self.outcome} {self.reason}".strip()
