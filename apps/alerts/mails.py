"""The mails that carry alerts and confirmations, built from render.py's texts."""

from __future__ import annotations

import email.message
import email.policy
from collections.abc import Sequence
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Subscriber
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


def subscriber_links(subscriber: Subscriber) -> dict[str, str]:
    """The subscriber's own pages, in the language of their mail (/ja/alerts/… for Japanese)."""
    token = subscriber_token_make(subscriber)
    with translation.override(subscriber.language):
        return {
            "manage_url": absolute(reverse("alerts:manage", kwargs={"token": token})),
            "unsubscribe_url": absolute(reverse("alerts:unsubscribe", kwargs={"token": token})),
        }


def alert_mail(*, subscriber: Subscriber, texts: Sequence[EventText], digest: bool) -> AlertMail:
    """One alert (or a digest of several) with text and HTML parts and RFC 8058 headers."""
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
