"""Opaque links for mail: a row's id, signed with SECRET_KEY and that row's own random key.

Links in mail end up in access logs, proxies and browser histories, so a token carries nothing
about a reader: no address, no readable payload, only a number and a signature. What a link
stands for lives in its row (a Subscriber, or a SubscriptionRequest with the scope asked for).
Giving the row a new ``link_key`` revokes every link made with the old one, and a token made
by an older scheme (signed JSON) fails to parse and is refused like any other bad link.
"""

from __future__ import annotations

import datetime
import re

from django.core import signing

from .conf import alerts_conf
from .models import Subscriber, SubscriptionRequest

_CONFIRM_SALT = "alerts.confirm.v2"
_SUBSCRIBER_SALT = "alerts.subscriber.v2"
# The leading row id; at most 18 digits so that it always fits a bigint lookup.
_ROW_ID = re.compile(r"([0-9]{1,18}):")


def _row_id(token: str) -> int | None:
    match = _ROW_ID.match(token)
    return int(match.group(1)) if match else None


def subscriber_token_make(subscriber: Subscriber) -> str:
    """For manage and unsubscribe links, valid for ALERTS_LINK_MAX_AGE_SECONDS."""
    signer = signing.TimestampSigner(salt=f"{_SUBSCRIBER_SALT}:{subscriber.link_key}")
    return signer.sign(str(subscriber.pk))


def subscriber_token_read(token: str) -> Subscriber | None:
    pk = _row_id(token)
    subscriber = Subscriber.objects.filter(pk=pk).first() if pk is not None else None
    if subscriber is None:
        return None
    signer = signing.TimestampSigner(salt=f"{_SUBSCRIBER_SALT}:{subscriber.link_key}")
    try:
        value = signer.unsign(
            token, max_age=datetime.timedelta(seconds=alerts_conf().link_max_age_seconds)
        )
    except signing.BadSignature:  # includes SignatureExpired
        return None
    return subscriber if value == str(pk) else None


def subscription_request_token_make(request: SubscriptionRequest) -> str:
    """For the confirm link. Its expiry and single use are the row's (services check them)."""
    return signing.Signer(salt=f"{_CONFIRM_SALT}:{request.link_key}").sign(str(request.pk))


def subscription_request_token_read(token: str) -> SubscriptionRequest | None:
    pk = _row_id(token)
    request = (
        SubscriptionRequest.objects.select_related("subscriber", "company", "ai_model")
        .filter(pk=pk)
        .first()
        if pk is not None
        else None
    )
    if request is None:
        return None
    try:
        value = signing.Signer(salt=f"{_CONFIRM_SALT}:{request.link_key}").unsign(token)
    except signing.BadSignature:
        return None
    return request if value == str(pk) else None
