"""Link-rot checks of cited sources, and watched pages with their snapshots.

A cited source's archive lives on the Source itself (catalog: snapshot_*), written once;
SourceCheck is what the later checks found. A Watch is a page an editor follows; each meaningful
change is a WatchSnapshot whose word diff an editor reviews.

Both checks are recurring work claimed from the database (apps/lib/workqueue.rows_claim): a row
is due when ``next_check_at`` has come and nobody holds it (``claim`` empty, or a claim older
than WATCH_CLAIM_TIMEOUT_SECONDS).
"""

from __future__ import annotations

import zlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LinkState(models.TextChoices):
    PENDING = "pending", _("not checked yet")
    ALIVE = "alive", _("alive")
    MOVED = "moved", _("moved")
    GONE = "gone", _("gone")
    UNREACHABLE = "unreachable", _("unreachable")
    CHANGED = "changed", _("changed since cited")
    UNREADABLE = "unreadable", _("could not be read")
    RATE_LIMITED = "rate_limited", _("asked us to wait")


#: States an editor should look at (the admin's "needs attention" queue).
LINK_NEEDS_ATTENTION = (
    LinkState.MOVED,
    LinkState.GONE,
    LinkState.UNREACHABLE,
    LinkState.CHANGED,
    LinkState.UNREADABLE,
)


class SourceCheckQuerySet(models.QuerySet["SourceCheck"]):
    def needs_attention(self) -> SourceCheckQuerySet:
        """Sources whose last check found something wrong that no editor has looked at."""
        return self.filter(state__in=LINK_NEEDS_ATTENTION, acknowledged_at__isnull=True)


class SourceCheck(models.Model):
    """What the link-rot check last found at a cited source's URL."""

    source = models.OneToOneField(
        "catalog.Source",
        verbose_name=_("source"),
        on_delete=models.CASCADE,
        related_name="link_check",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=LinkState.choices, default=LinkState.PENDING
    )
    detail = models.TextField(_("detail"), blank=True)
    moved_to = models.URLField(_("moved to"), max_length=1000, blank=True)
    #: The share of words that differ from the archive, 0..1, at the last readable check.
    change_ratio = models.FloatField(_("share of words changed"), null=True, blank=True)
    #: The word diff from the archive to the page now: [[op, text], ...], op in "=", "-", "+".
    diff = models.JSONField(_("word diff"), default=list, blank=True)
    text_hash = models.CharField(max_length=64, blank=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    changed_at = models.DateTimeField(_("state since"), null=True, blank=True)
    next_check_at = models.DateTimeField(_("next check"), default=timezone.now, db_index=True)
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("seen by an editor"), null=True, blank=True)

    objects = SourceCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("source link check")
        verbose_name_plural = _("source link checks")
        ordering = ["-changed_at", "id"]
        indexes = [models.Index(fields=["state"], name="watch_sourcecheck_state")]

    def __str__(self) -> str:
        return f"{self.source_id}: {self.state}"

    @property
    def reader_mark(self) -> bool:
        """Whether readers see a mark on the statement page: the page is gone or changed."""
        return self.state in (LinkState.GONE, LinkState.CHANGED)


class WatchState(models.TextChoices):
    PENDING = "pending", _("not checked yet")
    OK = "ok", _("readable")
    NO_MATCH = "no_match", _("the selector matches nothing")
    JAVASCRIPT = "javascript", _("needs JavaScript: could not be read")
    UNREADABLE = "unreadable", _("could not be read")
    UNREACHABLE = "unreachable", _("unreachable")
    GONE = "gone", _("gone")
    RATE_LIMITED = "rate_limited", _("asked us to wait")


class Watch(models.Model):
    """A page an editor follows: a licence, a usage policy, a model card, terms of service."""

    url = models.URLField(_("URL"), max_length=1000, unique=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    company = models.ForeignKey(
        "catalog.Company",
        verbose_name=_("lab"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="watches",
    )
    ai_models = models.ManyToManyField(
        "catalog.AIModel", verbose_name=_("models"), blank=True, related_name="watches"
    )
    interval_minutes = models.PositiveIntegerField(_("interval (minutes)"), default=24 * 60)
    selector = models.CharField(
        _("CSS selector"),
        max_length=300,
        blank=True,
        help_text=_("Only the text of the matching elements is compared (e.g. main .policy)."),
    )
    ignore = models.TextField(
        _("ignore lines matching"),
        blank=True,
        help_text=_("One regular expression a line; matching lines (dates, counters) are dropped."),
    )
    active = models.BooleanField(_("active"), default=True)
    state = models.CharField(
        _("state"), max_length=16, choices=WatchState.choices, default=WatchState.PENDING
    )
    detail = models.TextField(_("detail"), blank=True)
    text_hash = models.CharField(max_length=64, blank=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    next_check_at = models.DateTimeField(_("next check"), default=timezone.now, db_index=True)
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("watched page")
        verbose_name_plural = _("watched pages")
        ordering = ["url"]

    def __str__(self) -> str:
        return self.title or self.url


class Review(models.TextChoices):
    NONE = "", _("baseline")
    PENDING = "pending", _("waiting for an editor")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class WatchSnapshot(models.Model):
    """A watched page as read at one time: the first reading, then each meaningful change."""

    watch = models.ForeignKey(Watch, on_delete=models.CASCADE, related_name="snapshots")
    retrieved_at = models.DateTimeField(_("retrieved"), default=timezone.now)
    status = models.PositiveSmallIntegerField(_("HTTP status"))
    final_url = models.URLField(_("final URL"), max_length=1000)
    text = models.TextField(_("text compared"))
    text_hash = models.CharField(max_length=64)
    raw = models.BinaryField(_("raw response (zlib)"), editable=False)
    content_type = models.CharField(max_length=140, blank=True, editable=False)
    #: Word diff from the previous snapshot ([[op, text], ...]); empty for the first.
    diff = models.JSONField(_("word diff"), default=list, blank=True)
    change_ratio = models.FloatField(_("share of words changed"), null=True, blank=True)
    review = models.CharField(
        _("review"), max_length=10, choices=Review.choices, default=Review.NONE, blank=True
    )
    statement = models.ForeignKey(
        "claims.Statement",
        verbose_name=_("statement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="watch_snapshots",
    )
    source = models.ForeignKey(
        "catalog.Source", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("page change")
        verbose_name_plural = _("page changes")
        ordering = ["-retrieved_at", "-id"]
        indexes = [
            models.Index(
                fields=["review"], name="watch_snapshot_pending", condition=Q(review="pending")
            )
        ]

    def __str__(self) -> str:
        return f"{self.watch} @ {self.retrieved_at:%Y-%m-%d %H:%M}"

    def raw_body(self) -> bytes:
        return zlib.decompress(bytes(self.raw)) if self.raw else b""

    def get_admin_url(self) -> str:
        return reverse("admin:watch_watchsnapshot_change", args=[self.pk])
