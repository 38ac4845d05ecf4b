"""Alert test helpers: subscribers as if they had confirmed, confirmations sent in-process."""

from __future__ import annotations

import datetime

from django.utils import timezone

from apps.alerts import services
from apps.alerts.models import Frequency, Subscriber, Subscription
from apps.catalog.models import AIModel, Company
from tests.support.broker import queued_tasks_take

__all__ = ["confirmations_send_queued", "subscriber_make"]


def confirmations_send_queued() -> int:
    """Do in this process what a worker would: send the queued confirmation mails.

    The task is a thin wrapper over services.confirmation_send, so this runs the same code.
    """
    queued = queued_tasks_take("alerts.confirmation_send")
    for (request_id,) in queued:
        services.confirmation_send(request_id=request_id)
    return len(queued)


def subscriber_make(
    email: str,
    *,
    company: Company | None = None,
    ai_model: AIModel | None = None,
    language: str = "en",
    frequency: str = Frequency.INSTANT,
    confirmed: bool = True,
    subscribed_at: datetime.datetime | None = None,
    **kinds: bool,
) -> Subscriber:
    """A subscriber as if it had confirmed a day ago (the confirm path has its own tests), and
    subscribed then, before any event a test records (fan-out tells a reader only of events
    recorded after they subscribed); ``subscribed_at`` says when otherwise."""
    yesterday = timezone.now() - datetime.timedelta(days=1)
    subscriber = Subscriber.objects.create(
        email=email,
        language=language,
        confirmed_at=yesterday if confirmed else None,
    )
    subscription = Subscription.objects.create(
        subscriber=subscriber,
        company=company,
        ai_model=ai_model,
        frequency=frequency,
        stance_changes=kinds.get("stance_changes", True),
        statements=kinds.get("statements", False),
        model_status=kinds.get("model_status", False),
        dataset_changes=kinds.get("dataset_changes", False),
        policy_changes=kinds.get("policy_changes", True),
        commitments=kinds.get("commitments", False),
    )
    # created_at is auto_now_add: set after the insert, as the confirmation would have.
    Subscription.objects.filter(pk=subscription.pk).update(created_at=subscribed_at or yesterday)
    return subscriber
