"""Newsrooms' webhook endpoints and one signed post per endpoint and event."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import AIModel, Company
from apps.lib.constraints import ChecksInOneQuery

from .events import DeliveryStatus, Event


class WebhookEndpoint(ChecksInOneQuery):
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
    commitments = models.BooleanField(_("commitments kept or broken"), default=True)
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
