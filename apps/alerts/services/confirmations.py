"""Confirmation mail: the one mail sent before a reader confirms, within limits a stranger
cannot use to flood an address or lock its owner out.

The mail goes out from a worker after commit (:func:`confirmation_send`), never inside the
reader's request.
"""

from __future__ import annotations

import datetime
import logging

from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone, translation

from ..conf import alerts_conf
from ..mail import MailError, MailSession
from ..mails import confirmation_mail
from ..models import Subscriber, SubscriptionRequest, SubscriptionScope
from ..render import absolute
from ..tokens import subscription_request_token_make
from .bounces import bounce_record
from .queue import AlertTask, task_publish

logger = logging.getLogger(__name__)


def confirmation_allowed(*, subscriber: Subscriber, now: datetime.datetime) -> bool:
    """At most ALERTS_CONFIRMATIONS_PER_DAY requests in 24 hours, at least
    ALERTS_CONFIRMATION_INTERVAL_SECONDS apart. A request whose mail did not go out was deleted
    (:func:`confirmation_give_back`), so it does not count."""
    conf = alerts_conf()
    recent = SubscriptionRequest.objects.filter(
        subscriber=subscriber, created_at__gt=now - datetime.timedelta(days=1)
    ).aggregate(count=Count("pk"), last=Max("created_at"))
    if recent["count"] >= conf.confirmations_per_day:
        return False
    interval = datetime.timedelta(seconds=conf.confirmation_interval_seconds)
    return recent["last"] is None or recent["last"] <= now - interval


def confirmation_give_back(request_id: int) -> None:
    """The confirmation did not go out: forget the request, so the reader can ask again."""
    SubscriptionRequest.objects.filter(pk=request_id, used_at__isnull=True).delete()


def confirmation_publish(*, request_id: int) -> bool:
    if task_publish(AlertTask.CONFIRMATION_SEND, request_id):
        return True
    confirmation_give_back(request_id)
    return False


def confirmation_send(*, request_id: int) -> bool:
    """Mail the confirm link for one SubscriptionRequest (the body of the Celery task)."""
    request = (
        SubscriptionRequest.objects.select_related("subscriber", "company", "ai_model")
        .filter(pk=request_id, used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if request is None:
        logger.warning("confirmation request %s dropped: expired, used or gone", request_id)
        return False
    if request_scope_gone(request):
        logger.warning("confirmation request %s dropped: its lab or model is gone", request_id)
        confirmation_give_back(request_id)
        return False
    subscriber = request.subscriber
    token = subscription_request_token_make(request)
    with translation.override(request.language):  # the confirm page in the mail's language
        confirm_url = absolute(reverse("alerts:confirm", kwargs={"token": token}))
    try:
        with MailSession() as session:
            session.send(
                confirmation_mail(
                    email=subscriber.email,
                    language=request.language,
                    confirm_url=confirm_url,
                    scope=str(request.ai_model or request.company or ""),
                )
            )
    except MailError as error:
        # Give the attempt back so the reader can try again; the failure is logged for editors.
        confirmation_give_back(request_id)
        logger.warning("confirmation mail to subscriber %s failed: %r", subscriber.pk, error)
        if error.bounces:
            bounce_record(email=subscriber.email, code=error.code, message=str(error))
        return False
    now = timezone.now()
    SubscriptionRequest.objects.filter(pk=request_id).update(sent_at=now)
    Subscriber.objects.filter(pk=subscriber.pk).update(confirmation_sent_at=now)
    return True


def request_scope_gone(request: SubscriptionRequest) -> bool:
    """Whether the lab or model asked for was deleted: confirming must not quietly subscribe
    the reader to every lab instead."""
    return (request.scope == SubscriptionScope.LAB and request.company_id is None) or (
        request.scope == SubscriptionScope.MODEL and request.ai_model_id is None
    )
