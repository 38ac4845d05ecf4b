"""What happened (an outbox row written with the change it reports) and the one delivery per
reader and event; addresses that bounce."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import AIModel, Company, ModelStatusChange
from apps.claims.models import CommitmentOutcome, StanceChange, Statement
from apps.datasets.models import ClaimChange
from apps.lib.constraints import ChecksInOneQuery
from apps.watch.models import WatchSnapshot

from .subscribers import Subscriber


class EventKind(models.TextChoices):
    STANCE_CHANGE = "stance_change", _("stance change")
    STATEMENT_PUBLISHED = "statement_published", _("new published statement")
    MODEL_STATUS = "model_status", _("model status change")
    DATASET_CHANGE = "dataset_change", _("change in a dataset")
    #: A watched page's change an editor accepted (apps.watch PageChangeAccepted).
    PAGE_CHANGE = "page_change", _("policy change")
    #: A commitment resolved by a reviewer or fallen overdue (apps.claims
    #: CommitmentOutcomeRecorded); a reopening is not told.
    COMMITMENT = "commitment", _("commitment resolved or overdue")


class Event(ChecksInOneQuery):
    """An outbox row: something readers may want to hear about, written with the change."""

    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="alert_events", verbose_name=_("lab")
    )
    ai_models = models.ManyToManyField(AIModel, blank=True, related_name="alert_events")
    stance_change = models.ForeignKey(
        StanceChange, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    model_status_change = models.ForeignKey(
        ModelStatusChange, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    #: A value an imported dataset now states differently; one event at most per change.
    dataset_change = models.ForeignKey(
        ClaimChange, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    #: A watched page's change an editor accepted; one event at most per change.
    page_change = models.ForeignKey(
        WatchSnapshot, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    #: A commitment's outcome (a verdict or overdue); one event at most per outcome.
    commitment_outcome = models.ForeignKey(
        CommitmentOutcome, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    fanned_out_at = models.DateTimeField(
        _("fanned out"),
        null=True,
        blank=True,
        help_text=_("Set once every delivery row exists; empty events are re-published."),
    )
    published_at = models.DateTimeField(
        _("last handed to the queue"), null=True, blank=True, editable=False
    )
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(fanned_out_at__isnull=True),
                name="event_not_fanned_out",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="stance_change", stance_change__isnull=False)
                    | Q(kind="statement_published", statement__isnull=False)
                    | Q(kind="model_status", model_status_change__isnull=False)
                    | Q(kind="dataset_change", dataset_change__isnull=False)
                    | Q(kind="page_change", page_change__isnull=False)
                    | Q(kind="commitment", commitment_outcome__isnull=False)
                ),
                name="event_points_at_its_change",
            ),
            # An import announces each change once; this makes "once" hold for any caller.
            models.UniqueConstraint(
                fields=["dataset_change"],
                condition=Q(dataset_change__isnull=False),
                name="event_one_per_dataset_change",
            ),
            models.UniqueConstraint(
                fields=["page_change"],
                condition=Q(page_change__isnull=False),
                name="event_one_per_page_change",
            ),
            models.UniqueConstraint(
                fields=["commitment_outcome"],
                condition=Q(commitment_outcome__isnull=False),
                name="event_one_per_commitment_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.company})"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENDING = "sending", _("claimed by a sender")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    SKIPPED = "skipped", _("skipped (unsubscribed, bouncing or deleted)")


class Delivery(models.Model):
    """One event for one subscriber: claimed by one sender, sent exactly once."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    # Kept when the subscriber is deleted (their address goes, the counts stay): the row then
    # names nobody (services.subscriber_delete).
    subscriber = models.ForeignKey(
        Subscriber,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    digest = models.BooleanField(_("in the daily digest"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscriber"], name="delivery_one_per_event_and_subscriber"
            )
        ]
        indexes = [
            models.Index(
                fields=["digest", "next_attempt_at"],
                condition=Q(status="pending"),
                name="delivery_pending",
            ),
            models.Index(
                fields=["claimed_at"], condition=Q(status="sending"), name="delivery_claimed"
            ),
        ]

    def __str__(self) -> str:
        return f"event {self.event_id} → {self.subscriber_id} ({self.status})"


class Bounce(models.Model):
    """A permanent failure to deliver to an address, from SMTP or reported later."""

    subscriber = models.ForeignKey(
        Subscriber, null=True, blank=True, on_delete=models.SET_NULL, related_name="bounces"
    )
    email = models.EmailField(_("email"), max_length=254)
    code = models.PositiveSmallIntegerField(_("SMTP code"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bounce")
        verbose_name_plural = _("bounces")

    def __str__(self) -> str:
        return f"{self.email} {self.code or ''}".strip()
