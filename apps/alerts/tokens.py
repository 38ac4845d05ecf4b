"""Signed, expiring tokens for the links in mail: nothing about a reader is stored in a URL."""

from __future__ import annotations

from typing import Any

from django.core import signing

from .conf import setting
from .models import Subscriber

_CONFIRM_SALT = "alerts.confirm"
_SUBSCRIBER_SALT = "alerts.subscriber"


def confirm_token_make(payload: dict[str, Any]) -> str:
    """The pending subscription itself, signed: nothing is subscribed until it comes back."""
    return signing.TimestampSigner(salt=_CONFIRM_SALT).sign_object(payload, compress=True)


def confirm_token_read(token: str) -> dict[str, Any] | None:
    try:
        value = signing.TimestampSigner(salt=_CONFIRM_SALT).unsign_object(
            token, max_age=setting("ALERTS_CONFIRM_MAX_AGE_SECONDS")
        )
    except signing.BadSignature:  # includes SignatureExpired
        return None
    return value if isinstance(value, dict) else None


def subscriber_token_make(subscriber: Subscriber) -> str:
    """For manage and unsubscribe links. The address is signed too, so a token for a row that
    was deleted and re-created for someone else does not work for them."""
    return signing.TimestampSigner(salt=_SUBSCRIBER_SALT).sign_object(
        {"s": subscriber.pk, "e": subscriber.email}
    )


def subscriber_token_read(token: str) -> Subscriber | None:
    try:
        value = signing.TimestampSigner(salt=_SUBSCRIBER_SALT).unsign_object(
            token, max_age=setting("ALERTS_LINK_MAX_AGE_SECONDS")
        )
    except signing.BadSignature:
        return None
    if not isinstance(value, dict):
        return None
    pk, email = value.get("s"), value.get("e")
    if not isinstance(pk, int) or not isinstance(email, str):
        return None
    return Subscriber.objects.filter(pk=pk, email=email).first()
