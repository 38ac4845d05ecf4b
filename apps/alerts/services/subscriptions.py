"""Subscribing, confirming, managing and unsubscribing; unconfirmed addresses expire.

Nothing is subscribed until the reader confirms: the wanted subscription waits in a
SubscriptionRequest that its confirm link stands for (:mod:`.confirmations` mails it).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from apps.catalog.models import AIModel, Company

from ..conf import alerts_conf
from ..models import (
    Bounce,
    Delivery,
    DeliveryStatus,
    Frequency,
    Language,
    Subscriber,
    Subscription,
    SubscriptionRequest,
    SubscriptionScope,
    link_key_new,
)
from .confirmations import confirmation_allowed, confirmation_publish, request_scope_gone
from .fanout import KIND_FLAG

logger = logging.getLogger(__name__)


def email_normalize(email: str) -> str:
    return email.strip().lower()


def subscription_request(
    *,
    email: str,
    company: Company | None = None,
    ai_model: AIModel | None = None,
    kinds: Iterable[str] = ("stance_changes",),
    frequency: str = Frequency.INSTANT,
    language: str = Language.EN,
) -> bool:
    """Record the subscription asked for and queue its confirmation mail, within the limits.

    Nothing is subscribed yet: the wanted subscription waits in a SubscriptionRequest that its
    confirm link stands for. Returns whether a mail was queued, which the caller must NOT show
    the reader (the answer has to be the same for every address). The limits
    (:func:`confirmation_allowed`) are checked with the address's row locked, so they hold
    across web processes and whatever the cache holds. The mail itself goes out from a worker
    (:func:`confirmation_send`) after commit: a slow or absent mail server must not hold up, or
    show through, the reader's request.
    """
    email = email_normalize(email)
    now = timezone.now()
    wanted = set(kinds)
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
            email=email, defaults={"language": language}
        )
        if subscriber.bounced_at is not None and subscriber.confirmed_at is None:
            return False
        if not confirmation_allowed(subscriber=subscriber, now=now):
            logger.info("confirmation to subscriber %s not sent: over its limits", subscriber.pk)
            return False
        scope = SubscriptionScope.LAB if company else SubscriptionScope.EVERYTHING
        request = SubscriptionRequest.objects.create(
            subscriber=subscriber,
            scope=SubscriptionScope.MODEL if ai_model else scope,
            company=None if ai_model else company,
            ai_model=ai_model,
            stance_changes="stance_changes" in wanted,
            statements="statements" in wanted,
            model_status="model_status" in wanted,
            dataset_changes="dataset_changes" in wanted,
            policy_changes="policy_changes" in wanted,
            commitments="commitments" in wanted,
            frequency=frequency if frequency in Frequency.values else Frequency.INSTANT,
            language=language if language in Language.values else Language.EN,
            expires_at=now + datetime.timedelta(seconds=alerts_conf().confirm_max_age_seconds),
        )
    request_id = request.pk
    transaction.on_commit(lambda: confirmation_publish(request_id=request_id))
    return True


class SubscriptionScopeGone(Exception):
    """The lab or model a confirm link names was deleted since the link was mailed."""


class SubscriptionRequestUsed(Exception):
    """The confirm link was used already, or its address unsubscribed since it was mailed."""


class SubscriptionRequestExpired(Exception):
    """The confirm link is older than ALERTS_CONFIRM_MAX_AGE_SECONDS."""


def subscription_request_check(*, request: SubscriptionRequest) -> None:
    """Raise when the confirm link for ``request`` cannot confirm anything (any more)."""
    if request.used_at is not None:
        raise SubscriptionRequestUsed(f"subscription request {request.pk} was used")
    if request.expires_at <= timezone.now():
        raise SubscriptionRequestExpired(f"subscription request {request.pk} expired")
    if request_scope_gone(request):
        raise SubscriptionScopeGone(f"subscription request {request.pk} names a deleted row")


def subscription_confirm(*, request: SubscriptionRequest) -> Subscription:
    """The reader came back with a valid link: confirm the address and store what it asked.

    The link is good once: the request is marked used by a conditional UPDATE in the same
    transaction, so a replay (or two concurrent posts) confirms nothing more.
    """
    now = timezone.now()
    with transaction.atomic():
        subscription_request_check(request=request)
        spent = SubscriptionRequest.objects.filter(
            pk=request.pk, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if not spent:  # a concurrent post used it between the check and here
            raise SubscriptionRequestUsed(f"subscription request {request.pk} was used")
        subscriber = Subscriber.objects.select_for_update().get(pk=request.subscriber_id)
        subscriber.confirmed_at = subscriber.confirmed_at or now
        subscriber.unsubscribed_at = None
        subscriber.bounced_at = None  # they read our mail, so the address works
        subscriber.bounce_reason = ""
        subscriber.language = request.language
        subscriber.save()
        scope: dict[str, Any] = {
            "company_id": request.company_id if request.ai_model_id is None else None,
            "ai_model_id": request.ai_model_id,
        }
        subscription, _ = Subscription.objects.update_or_create(
            subscriber=subscriber,
            **scope,
            defaults={
                "stance_changes": request.stance_changes,
                "statements": request.statements,
                "model_status": request.model_status,
                "dataset_changes": request.dataset_changes,
                "policy_changes": request.policy_changes,
                "commitments": request.commitments,
                "frequency": request.frequency,
            },
        )
    return subscription


def subscriber_unsubscribe(*, subscriber: Subscriber) -> None:
    """Stop everything for this address; what was pending is skipped, not sent, and confirm
    links still unused are spent, so an old mail cannot subscribe the address again."""
    now = timezone.now()
    with transaction.atomic():
        Subscriber.objects.filter(pk=subscriber.pk).update(unsubscribed_at=now)
        Subscription.objects.filter(subscriber=subscriber).delete()
        SubscriptionRequest.objects.filter(subscriber=subscriber, used_at__isnull=True).update(
            used_at=now
        )
        Delivery.objects.filter(subscriber=subscriber, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SKIPPED, last_error="Unsubscribed."
        )


def subscriber_delete(*, subscriber: Subscriber) -> None:
    """Forget a reader: their address, what they follow and asked for, and the bounces recorded
    for the address go; their deliveries stay, naming nobody, so that every event's counts of
    sent, failed and skipped mail still add up. What was still pending is skipped, not sent."""
    with transaction.atomic():
        Delivery.objects.filter(subscriber=subscriber, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SKIPPED, last_error="Subscriber deleted."
        )
        Bounce.objects.filter(Q(subscriber=subscriber) | Q(email__iexact=subscriber.email)).delete()
        # Subscriptions and requests cascade; deliveries are kept with subscriber NULL.
        Subscriber.objects.filter(pk=subscriber.pk).delete()


def subscriber_links_revoke(*, subscriber: Subscriber) -> None:
    """A new link key: every manage and unsubscribe link mailed so far stops working."""
    Subscriber.objects.filter(pk=subscriber.pk).update(link_key=link_key_new())


@dataclass
class ExpiryReport:
    requests: int = 0
    subscribers: int = 0


def unconfirmed_expire() -> ExpiryReport:
    """Beat, hourly: forget expired confirm requests and addresses that never confirmed.

    A request is kept a day past its creation even when expired, because the daily cap on
    confirmation mails counts it. An unconfirmed address goes once nobody has asked for it for
    ALERTS_UNCONFIRMED_MAX_AGE_SECONDS; rows locked by a subscribe request in flight are left for
    the next run.
    """
    now = timezone.now()
    report = ExpiryReport()
    report.requests, _ = SubscriptionRequest.objects.filter(
        expires_at__lt=now, created_at__lt=now - datetime.timedelta(days=1)
    ).delete()
    cutoff = now - datetime.timedelta(seconds=alerts_conf().unconfirmed_max_age_seconds)
    expired = Subscriber.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff).exclude(
        Exists(
            SubscriptionRequest.objects.filter(subscriber=OuterRef("pk"), created_at__gte=cutoff)
        )
    )
    with transaction.atomic():
        ids = list(expired.select_for_update(skip_locked=True).values_list("pk", flat=True)[:5000])
        # Bounces keep their address; the subscriber they pointed at is set to null.
        _deleted, by_model = Subscriber.objects.filter(pk__in=ids).delete()
    report.subscribers = by_model.get(Subscriber._meta.label, 0)
    return report


def subscription_update(
    *, subscription: Subscription, kinds: Iterable[str], frequency: str
) -> Subscription:
    kinds = set(kinds)
    if not kinds & set(KIND_FLAG.values()):
        subscription.delete()
        return subscription
    subscription.stance_changes = "stance_changes" in kinds
    subscription.statements = "statements" in kinds
    subscription.model_status = "model_status" in kinds
    subscription.dataset_changes = "dataset_changes" in kinds
    subscription.policy_changes = "policy_changes" in kinds
    subscription.commitments = "commitments" in kinds
    subscription.frequency = frequency if frequency in Frequency.values else Frequency.INSTANT
    subscription.save()
    return subscription


def subscriber_language_set(*, subscriber: Subscriber, language: str) -> None:
    if language in Language.values:
        Subscriber.objects.filter(pk=subscriber.pk).update(language=language)
