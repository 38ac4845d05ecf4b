"""The mails that carry alerts and confirmations, built from render.py's texts."""

from __future__ import annotations

import email.message
import email.policy
import email.utils
import hashlib
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Delivery, Subscriber
from .render import SUBJECT_MAX, EventText, absolute, one_line, shortened
from .tokens import subscriber_token_make


class AlertMail(EmailMultiAlternatives):
    """An alert that builds its MIME form once per policy: the sender builds it first, to tell
    a malformed message from a bouncing address, and the mailer then sends that same build."""

    _built: tuple[Any, email.message.EmailMessage] | None = None

    def message(self, *, policy: Any = email.policy.default) -> email.message.EmailMessage:
        if self._built is None or self._built[0] is not policy:
            self._built = (policy, super().message(policy=policy))
        return self._built[1]


def delivery_message_id(deliveries: Sequence[Delivery]) -> str:
    """The Message-ID of the mail that carries ``deliveries``, derived from them alone.

    Every copy of one delivery (a retry, or a resend after a worker was killed between the
    server's 250 and our record of it) carries this same Message-ID, from any process, so mail
    systems and readers can recognise a repeat: ``<delivery-{id}.{hash}@{domain}>`` for an
    instant alert, ``<digest-{first id}.{hash}@{domain}>`` for a digest. The hash covers each
    row's id, event, subscriber and creation time, so the id of one database never repeats
    another's (a restored copy keeps them); the domain is DEFAULT_FROM_EMAIL's.
    """
    rows = sorted(deliveries, key=lambda d: d.pk)
    facts = ";".join(
        f"{d.pk}:{d.event_id}:{d.subscriber_id}:{d.created_at.isoformat()}" for d in rows
    )
    digest = hashlib.sha256(facts.encode()).hexdigest()[:16]
    kind = "digest" if len(rows) > 1 or rows[0].digest else "delivery"
    _name, address = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)
    domain = address.rpartition("@")[2] or "localhost"
    return f"<{kind}-{rows[0].pk}.{digest}@{domain}>"


def subscriber_links(subscriber: Subscriber) -> dict[str, str]:
    """The subscriber's own pages, in the language of their mail (/ja/alerts/… for Japanese)."""
    token = subscriber_token_make(subscriber)
    with translation.override(subscriber.language):
        return {
            "manage_url": absolute(reverse("alerts:manage", kwargs={"token": token})),
            "unsubscribe_url": absolute(reverse("alerts:unsubscribe", kwargs={"token": token})),
        }


def alert_mail(
    *,
    subscriber: Subscriber,
    texts: Sequence[EventText],
    digest: bool,
    message_id: str | None = None,
) -> AlertMail:
    """One alert (or a digest of several) with text and HTML parts and RFC 8058 headers;
    ``message_id`` (:func:`delivery_message_id`) when it is sent, so every copy carries it."""
    links = subscriber_links(subscriber)
    with translation.override(subscriber.language):
        if digest:
            subject = ngettext(
                "Aperture daily digest: %(count)d change",
                "Aperture daily digest: %(count)d changes",
                len(texts),
            ) % {"count": len(texts)}
            subject = shortened(one_line(subject), SUBJECT_MAX)
        else:
            subject = texts[0].subject
        context = {"texts": texts, "digest": digest, "subscriber": subscriber, **links}
        text = render_to_string("alerts/email/alert.txt", context)
        html = render_to_string("alerts/email/alert.html", context)
    message = AlertMail(
        subject=subject,
        body=text,
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": "Aperture alerts <alerts.aperture>",
            "Auto-Submitted": "auto-generated",
            **({"Message-ID": message_id} if message_id else {}),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def confirmation_mail(
    *, email: str, language: str, confirm_url: str, scope: str
) -> EmailMultiAlternatives:
    with translation.override(language):
        subject = _("Confirm your Aperture alerts")
        context = {"confirm_url": confirm_url, "scope": scope}
        text = render_to_string("alerts/email/confirm.txt", context)
        html = render_to_string("alerts/email/confirm.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[email], headers={"Auto-Submitted": "auto-generated"}
    )
    message.attach_alternative(html, "text/html")
    return message
