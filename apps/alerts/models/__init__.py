"""Who wants to be told what, what happened, and the one delivery per reader and event.

PostgreSQL is the source of truth: an Event is written in the same transaction as the change
it reports (outbox); Celery only carries "look at event N" and can lose that message without
losing the alert, because the sweeper finds every event and delivery still pending.

One module per subdomain: subscribers (addresses, subscriptions, requests), events (events,
deliveries, bounces), webhooks; everything is importable from here as before.
"""

from __future__ import annotations

from .events import Bounce, Delivery, DeliveryStatus, Event, EventKind
from .subscribers import (
    Frequency,
    Language,
    Subscriber,
    SubscriberQuerySet,
    Subscription,
    SubscriptionRequest,
    SubscriptionScope,
    link_key_new,
)
from .webhooks import WebhookDelivery, WebhookEndpoint

__all__ = [
    "Bounce",
    "Delivery",
    "DeliveryStatus",
    "Event",
    "EventKind",
    "Frequency",
    "Language",
    "Subscriber",
    "SubscriberQuerySet",
    "Subscription",
    "SubscriptionRequest",
    "SubscriptionScope",
    "WebhookDelivery",
    "WebhookEndpoint",
    "link_key_new",
]
