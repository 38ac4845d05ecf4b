"""Who wants to be told what, what happened, and the one delivery per reader and event.

PostgreSQL is the source of truth: an Event is written in the same transaction as the change
it reports (outbox); Celery only carries "look at event N" and can lose that message without
losing the alert, because the sweeper finds every event and delivery still pending.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import AIModel, Company, ModelStatusChange
from apps.claims.models import StanceChange, Statement
from apps.datasets.models import ClaimChange
from apps.watch.models import WatchSnapshot


class Language(models.TextChoices):
    EN = "en", "English"
    JA = "ja", "日本語"


class Frequency(models.TextChoices):
    INSTANT = "instant", _("as it happens")
    DAILY = "daily", _("daily digest")


class EventKind(models.TextChoices):
    STANCE_CHANGE = "stance_change", _("stance change")
    STATEMENT_PUBLISHED = "statement_published", _("new published statement")
    MODEL_STATUS = "model_status", _("model status change")
    DATASET_CHANGE = "dataset_change", _("change in a dataset")
    #: A watched page's change an editor accepted (apps.watch PageChangeAccepted).
    PAGE_CHANGE = "page_change", _("policy change")


def link_key_new() -> str:
    """A row's own random key for the links in mail (apps/alerts/tokens.py)."""
    return secrets.token_urlsafe(24)


class SubscriberQuerySet(models.QuerySet["Subscriber"]):
    def mailable(self) -> SubscriberQuerySet:
        """Confirmed, still subscribed, and not known to bounce."""
        return self.filter(
            confirmed_at__isnull=False, unsubscribed_at__isnull=True, bounced_at__isnull=True
        )


class Subscriber(models.Model):
    """One email address. Before confirmation a row only anchors its subscription requests and
    their limits, and is deleted when it stays unconfirmed (ALERTS_UNCONFIRMED_MAX_AGE_SECONDS)."""

    email = models.EmailField(_("email"), max_length=254, unique=True)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.EN
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("bounced"), null=True, blank=True)
    bounce_reason = models.CharField(_("bounce reason"), max_length=500, blank=True)
    confirmation_sent_at = models.DateTimeField(
        _("last confirmation mail"),
        null=True,
        blank=True,
        help_text=_("When the last confirmation mail to this address went out."),
    )
    # Signs this subscriber's manage and unsubscribe links; a new key revokes every old link.
    link_key = models.CharField(max_length=32, default=link_key_new, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["email"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")

    def __str__(self) -> str:
        return self.email

    @property
    def is_mailable(self) -> bool:
        return (
            self.confirmed_at is not None
            and self.unsubscribed_at is None
            and self.bounced_at is None
        )


class Subscription(models.Model):
    """What one subscriber follows: a lab, a model, or everything (both empty)."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    ai_model = models.ForeignKey(
        AIModel, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    stance_changes = models.BooleanField(_("stance changes"), default=True)
    statements = models.BooleanField(_("new published statements"), default=False)
    model_status = models.BooleanField(_("model status changes"), default=False)
    dataset_changes = models.BooleanField(_("changes in the datasets"), default=False)
    # On by default: a lab's reader is told its policy changed (opt-out on the manage page).
    policy_changes = models.BooleanField(_("policy changes"), default=True)
    frequency = models.CharField(
        _("delivery"), max_length=10, choices=Frequency.choices, default=Frequency.INSTANT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(company__isnull=True) | Q(ai_model__isnull=True),
                name="subscription_lab_or_model_not_both",
            ),
            # Three partial constraints rather than nulls_distinct, which SQLite lacks.
            models.UniqueConstraint(
                fields=["subscriber"],
                condition=Q(company__isnull=True, ai_model__isnull=True),
                name="subscription_one_to_everything",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "company"],
                condition=Q(company__isnull=False),
                name="subscription_one_per_lab",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "ai_model"],
                condition=Q(ai_model__isnull=False),
                name="subscription_one_per_model",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber}: {self.company or self.ai_model or 'everything'}"


class SubscriptionScope(models.TextChoices):
    EVERYTHING = "everything", _("every lab")
    LAB = "lab", _("a lab")
    MODEL = "model", _("a model")


class SubscriptionRequest(models.Model):
    """A subscription asked for on the form and not yet confirmed: what the confirm link stands
    for. Its link works once (``used_at``) and until ``expires_at``. ``scope`` remembers that a
    lab or model was asked for after that row is deleted, so the link is refused, not widened."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscription_requests"
    )
    # Signs this request's confirm link (apps/alerts/tokens.py).
    link_key = models.CharField(max_length=32, default=link_key_new, editable=False)
    scope = models.CharField(
        _("scope"), max_length=10, choices=SubscriptionScope.choices, default=SubscriptionScope.LAB
    )
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ai_model = models.ForeignKey(
        AIModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stance_changes = models.BooleanField(_("stance changes"), default=True)
    statements = models.BooleanField(_("new published statements"), default=False)
    model_status = models.BooleanField(_("model status changes"), default=False)
    dataset_changes = models.BooleanField(_("changes in the datasets"), default=False)
    # On by default: a lab's reader is told its policy changed (opt-out on the manage page).
    policy_changes = models.BooleanField(_("policy changes"), default=True)
    frequency = models.CharField(
        _("delivery"), max_length=10, choices=Frequency.choices, default=Frequency.INSTANT
    )
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.EN
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField(_("expires"))
    sent_at = models.DateTimeField(_("confirmation mail sent"), null=True, blank=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("subscription request")
        verbose_name_plural = _("subscription requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(company__isnull=True) | Q(ai_model__isnull=True),
                name="subscriptionrequest_lab_or_model_not_both",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscriber}: {self.ai_model or self.company or self.scope}"


class Event(models.Model):
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
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.company})"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENDING = "sending", _("claimed by a sender")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    SKIPPED = "skipped", _("skipped (unsubscribed or bouncing)")


class Delivery(models.Model):
    """One event for one subscriber: claimed by one sender, sent exactly once."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
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


class WebhookEndpoint(models.Model):
    """A newsroom's URL, sent a signed JSON POST for each matching event."""

    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("URL"), max_length=1000)
    secret = models.CharField(
        _("signing secret"),
        max_length=128,
        help_text=_("Shared with the receiver; signs every body with HMAC-SHA256."),
    )
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    ai_model = models.ForeignKey(
        AIModel, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    stance_changes = models.BooleanField(_("stance changes"), default=True)
    statements = models.BooleanField(_("new published statements"), default=True)
    model_status = models.BooleanField(_("model status changes"), default=True)
    dataset_changes = models.BooleanField(_("changes in the datasets"), default=True)
    policy_changes = models.BooleanField(_("policy changes"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        constraints = [
            models.CheckConstraint(
                condition=Q(company__isnull=True) | Q(ai_model__isnull=True),
                name="webhook_lab_or_model_not_both",
            )
        ]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="webhook_deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "endpoint"], name="webhookdelivery_one_per_event_and_endpoint"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhookdelivery_pending",
            )
        ]

    def __str__(self) -> str:
        return f"event {self.event_id} → {self.endpoint_id} ({self.status})"
