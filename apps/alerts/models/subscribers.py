"""Who wants to be told what: readers' addresses, what they follow, and what they asked for
and have not confirmed yet."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import AIModel, Company
from apps.lib.constraints import ChecksInOneQuery


class Language(models.TextChoices):
    EN = "en", "English"
    JA = "ja", "日本語"


class Frequency(models.TextChoices):
    INSTANT = "instant", _("as it happens")
    DAILY = "daily", _("daily digest")


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


class Subscription(ChecksInOneQuery):
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
    # Opt-in: the lab's commitments, each told when resolved or overdue.
    commitments = models.BooleanField(_("commitments kept or broken"), default=False)
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


class SubscriptionRequest(ChecksInOneQuery):
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
    # Opt-in: the lab's commitments, each told when resolved or overdue.
    commitments = models.BooleanField(_("commitments kept or broken"), default=False)
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
