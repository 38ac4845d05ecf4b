"""Addresses that bounce: a permanent failure stops all mail to the address.

Reports that arrive later by mail (delivery status notifications) are read by
apps/alerts/bounces.py, which records each failed address here.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..models import Bounce, Delivery, DeliveryStatus, Subscriber


def bounce_record(*, email: str, code: int | None = None, message: str = "") -> Bounce:
    """A permanent failure for an address: record it, and stop mail to it."""
    email = email.strip().lower()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
        if subscriber is not None and subscriber.bounced_at is None:
            subscriber.bounced_at = timezone.now()
            subscriber.bounce_reason = message[:500]
            subscriber.save(update_fields=["bounced_at", "bounce_reason"])
        bounce = Bounce.objects.create(
            subscriber=subscriber, email=email, code=code, message=message[:2000]
        )
        if subscriber is not None:
            Delivery.objects.filter(subscriber=subscriber, status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.SKIPPED, last_error="The address bounces."
            )
    return bounce
