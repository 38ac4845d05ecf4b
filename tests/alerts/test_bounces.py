"""Bounce reports that arrive after the mail was accepted stop mail to the address."""

from __future__ import annotations

from email.message import EmailMessage
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from apps.alerts.models import Bounce, Delivery, DeliveryStatus, Event, Subscriber
from tests.factories import company_make, statement_make
from tests.support.alerts import subscriber_make

pytestmark = pytest.mark.django_db


def delivery_status_notification(recipient: str, status: str, action: str) -> bytes:
    """A report as a mail server writes it (RFC 3464), including the original's headers."""
    return (
        "From: MAILER-DAEMON@mail.example\r\n"
        "To: bounces@aperture.example\r\n"
        "Subject: Delivery Status Notification\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        "\r\n"
        "--B\r\n"
        "Content-Type: text/plain\r\n\r\n"
        "Your message could not be delivered.\r\n"
        "--B\r\n"
        "Content-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mail.example\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\n"
        f"Action: {action}\r\n"
        f"Status: {status}\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <user>: Recipient address rejected\r\n"
        "\r\n"
        "--B\r\n"
        "Content-Type: text/rfc822-headers\r\n\r\n"
        "Subject: Aperture: Meta: open -> leaning open\r\n"
        "--B--\r\n"
    ).encode()


def test_a_permanent_bounce_report_stops_mail_to_the_address(tmp_path: Path) -> None:
    lab = company_make()
    reader = subscriber_make("gone@example.org", company=lab, statements=True)
    statement_make(company=lab, publish=True)
    from apps.alerts import services

    for event in Event.objects.all():
        services.event_fan_out(event_id=event.pk)
    assert Delivery.objects.filter(subscriber=reader, status=DeliveryStatus.PENDING).exists()

    path = tmp_path / "bounce.eml"
    path.write_bytes(delivery_status_notification("Gone@Example.org", "5.1.1", "failed"))
    out = StringIO()
    call_command("processbounces", str(path), stdout=out)

    reader.refresh_from_db()
    assert reader.bounced_at is not None and not reader.is_mailable
    assert "bounced gone@example.org" in out.getvalue()
    assert Bounce.objects.get().code == 550
    assert not Delivery.objects.filter(subscriber=reader, status=DeliveryStatus.PENDING).exists()


def test_a_delayed_report_changes_nothing(tmp_path: Path) -> None:
    reader = subscriber_make("slow@example.org")
    path = tmp_path / "delay.eml"
    path.write_bytes(delivery_status_notification("slow@example.org", "4.4.7", "delayed"))
    out = StringIO()
    call_command("processbounces", str(path), stdout=out)
    reader.refresh_from_db()
    assert reader.bounced_at is None
    assert "delayed slow@example.org" in out.getvalue()
    assert not Bounce.objects.exists()


def test_an_ordinary_mail_is_not_taken_for_a_bounce(tmp_path: Path) -> None:
    subscriber_make("reader@example.org")
    mail = EmailMessage()
    mail["From"] = "reader@example.org"
    mail["Subject"] = "Re: Meta: open -> leaning open"
    mail.set_content("Thanks, 550 people read this.")
    path = tmp_path / "reply.eml"
    path.write_bytes(mail.as_bytes())
    err = StringIO()
    call_command("processbounces", str(path), stderr=err)
    assert "not a delivery status notification" in err.getvalue()
    assert Subscriber.objects.get().bounced_at is None
