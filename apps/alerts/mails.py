"""The mails that carry alerts and confirmations, built from render.py's texts."""

from __future__ import annotations

import binascii
import email.headerregistry
import email.message
import email.policy
import email.utils
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Delivery, Subscriber
from .text_parts import SUBJECT_MAX, EventText, absolute, one_line, shortened
from .tokens import subscriber_token_make


class AlertMail(EmailMultiAlternatives):
    """An alert that builds its MIME form once per policy: the sender builds it first, to tell
    a malformed message from a bouncing address, and the mailer then sends that same build."""

    _built: tuple[Any, email.message.EmailMessage] | None = None
    #: The whole message as it goes over SMTP, when :class:`AlertVariants` made it.
    prebuilt: bytes | None = None

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
    return _alert_mail(subscriber, subscriber_links(subscriber), texts, digest, message_id)


def _alert_mail(
    subscriber: Subscriber,
    links: dict[str, str],
    texts: Sequence[EventText],
    digest: bool,
    message_id: str | None,
    date: str | None = None,
) -> AlertMail:
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
            **({"Date": date} if date else {}),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


#: What stands for one reader's own values in a mail built once for all readers of a variant.
_STAND_INS = {
    "to": "reader@aperture-stand-in.invalid",
    "manage_url": "https://aperture-stand-in.invalid/manage-link",
    "unsubscribe_url": "https://aperture-stand-in.invalid/unsubscribe-link",
    "message_id": "<message-id@aperture-stand-in.invalid>",
    "date": email.utils.formatdate(0),
}
#: A value that goes into the built bytes as it is: printable ASCII with nothing a header, HTML
#: or quoted-printable would have written otherwise.
_PLAIN = re.compile(r"[A-Za-z0-9@<>:/._~+-]+")


class AlertVariants:
    """Instant alerts built once per variant (event and language) and copied for each reader.

    The first reader of a variant costs a whole build: the templates rendered and the MIME form
    written, for a stand-in reader (an unsaved Subscriber: whatever the templates read of it is
    the stand-in's). Each reader then gets those bytes with their own address, signed links,
    Message-ID and date put in place of the stand-in's. A variant whose bytes do not hold each
    stand-in value as often as it was written (a line folded through one, say), or a reader
    whose values are not plain ASCII, is built whole, as :func:`alert_mail` does.
    """

    def __init__(self) -> None:
        self._variants: dict[tuple[int, str], _Variant | None] = {}

    def mail(self, *, subscriber: Subscriber, text: EventText, message_id: str) -> AlertMail:
        links = subscriber_links(subscriber)
        values = {
            "to": subscriber.email,
            **links,
            "message_id": message_id,
            "date": email.utils.formatdate(localtime=settings.EMAIL_USE_LOCALTIME),
        }
        key = (text.event_id, subscriber.language)
        if key not in self._variants:
            self._variants[key] = self._build(subscriber.language, text)
        variant = self._variants[key]
        plain = all(_PLAIN.fullmatch(v) for name, v in values.items() if name != "date")
        if variant is None or not plain:
            return _alert_mail(subscriber, links, [text], False, message_id)
        template = variant.template
        message = AlertMail(
            subject=template.subject,
            body=_swapped(str(template.body), values),
            to=[subscriber.email],
            headers={
                name: _swapped(value, values) for name, value in template.extra_headers.items()
            },
        )
        html, mimetype = template.alternatives[0]
        message.attach_alternative(_swapped(str(html), values), mimetype)
        message.prebuilt = variant.bytes_for(values)
        return message

    @staticmethod
    def _build(language: str, text: EventText) -> _Variant | None:
        stand_in = Subscriber(email=_STAND_INS["to"], language=language)
        links = {name: _STAND_INS[name] for name in ("manage_url", "unsubscribe_url")}
        template = _alert_mail(
            stand_in, links, [text], False, _STAND_INS["message_id"], _STAND_INS["date"]
        )
        template.to = [_STAND_INS["to"]]
        built = template.message(policy=email.policy.SMTP).as_bytes()
        # A part whose lines are too long for 7 or 8 bits (Japanese, mostly) goes in base64:
        # such a part is encoded again for each reader, the rest has the stand-ins swapped.
        plain_parts: list[str] = []
        encoded: list[tuple[bytes, str]] = []
        for content in (str(template.body), str(template.alternatives[0][0])):
            block = _base64(content)
            if block in built:
                encoded.append((block, content))
            else:
                plain_parts.append(content)
        written = "\n".join([*plain_parts, *template.extra_headers.values()])
        for name, value in _STAND_INS.items():
            expected = written.count(value) + (name == "to")
            if built.count(value.encode()) != expected:
                return None
        return _Variant(template, built, encoded)


@dataclass(frozen=True)
class _Variant:
    template: AlertMail
    built: bytes
    #: The base64 blocks of ``built`` and what each encodes (with the stand-ins).
    encoded: list[tuple[bytes, str]]

    def bytes_for(self, values: dict[str, str]) -> bytes:
        built = self.built
        for block, content in self.encoded:
            built = built.replace(block, _base64(_swapped(content, values)))
        for name, value in values.items():
            built = built.replace(_STAND_INS[name].encode(), value.encode())
        return built


def _base64(content: str) -> bytes:
    """``content`` as a text part's base64 body, as Python's email package writes it for SMTP
    (email.contentmanager's encoding, CRLF line ends): checked against the built bytes."""
    body = b"\r\n".join(content.encode("utf-8").splitlines()) + b"\r\n"
    width = (email.policy.SMTP.max_line_length or 78) // 4 * 3
    return b"".join(
        binascii.b2a_base64(body[start : start + width]).replace(b"\n", b"\r\n")
        for start in range(0, len(body), width)
    )


def mail_address_check(address: str) -> None:
    """Raise ValueError for an address Python's email package would refuse in a To header."""
    email.headerregistry.Address(addr_spec=address)


def _swapped(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text = text.replace(_STAND_INS[name], value)
    return text


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
