"""Instant alerts copied from one build per variant (event, language) are, for each reader, the
mail a build of their own would have made: their own address, signed links, Message-ID and date,
in both languages (a Japanese part goes in base64 and is encoded again for each reader)."""

from __future__ import annotations

import datetime
import email
import email.policy
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from django.core import signing

from apps.alerts.mails import AlertVariants, alert_mail
from apps.alerts.models import Event
from apps.alerts.services import EventTexts
from apps.claims.models import StanceChange
from tests.factories import company_make
from tests.support.alerts import subscriber_make

pytestmark = pytest.mark.django_db


def _parsed(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _parts(message: EmailMessage) -> dict[str, Any]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    names = ("To", "Subject", "Message-ID", "List-Unsubscribe", "List-Id", "Auto-Submitted")
    return {
        "headers": {name: str(message[name]) for name in names},
        "text": text.get_content(),
        "html": html.get_content(),
    }


@pytest.fixture
def one_second() -> Iterator[None]:
    """Signed links carry the second they were signed in: a copy and the whole build it is
    compared with, made a moment apart, must sign in the same one."""
    fixed = signing.b62_encode(1_780_000_000)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(signing.TimestampSigner, "timestamp", lambda self: fixed)
        yield


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.usefixtures("one_second")
def test_each_copy_is_the_mail_of_its_own_reader(language: str) -> None:
    lab = company_make()
    change = StanceChange.objects.create(
        company=lab,
        date=datetime.date(2025, 7, 14),
        old_stance="open",
        new_stance="leaning_open",
        rating="partial",
        score=1.2,
    )
    event = Event.objects.create(kind="stance_change", company=lab, stance_change=change)
    readers = [
        subscriber_make(f"reader{n}@example.org", company=lab, language=language) for n in range(3)
    ]
    texts = EventTexts().get([event.pk], language)
    variants = AlertVariants()
    copies = [
        variants.mail(subscriber=reader, text=texts[0], message_id=f"<m{n}@example.org>")
        for n, reader in enumerate(readers)
    ]
    assert all(copy.prebuilt is not None for copy in copies)
    for n, (reader, copy) in enumerate(zip(readers, copies, strict=True)):
        assert copy.prebuilt is not None
        own = alert_mail(
            subscriber=reader, texts=texts, digest=False, message_id=f"<m{n}@example.org>"
        )
        expected = _parts(_parsed(own.message(policy=email.policy.SMTP).as_bytes()))
        assert _parts(_parsed(copy.prebuilt)) == expected
        # The Django message the copy carries (a locmem or console mailer sends that) agrees.
        assert copy.body == own.body
        assert copy.alternatives[0] == own.alternatives[0]
        assert copy.to == [reader.email]
    unsubscribe = {_parsed(copy.prebuilt or b"")["List-Unsubscribe"] for copy in copies}
    assert len(unsubscribe) == len(readers)
