"""Deleting a subscriber forgets the reader but keeps the delivery counts (issue 15).

Two doors delete: the admin (one subscriber, or in bulk) and the reader's own unsubscribe page
("Unsubscribe and delete my address"). Either way the address, what it followed and the bounces
recorded for it go; the deliveries stay, naming nobody, so each event's sent and skipped counts
still add up; what was pending is skipped, never sent.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client

from apps.alerts import services
from apps.alerts.models import (
    Bounce,
    Delivery,
    DeliveryStatus,
    Event,
    Subscriber,
    Subscription,
)
from apps.alerts.tokens import subscriber_token_make
from tests.factories import company_make, statement_make
from tests.support.alerts import subscriber_make
from tests.support.smtpserver import SMTPServer

pytestmark = pytest.mark.django_db


def _fan_out_all() -> None:
    for event_id in Event.objects.filter(fanned_out_at__isnull=True).values_list("pk", flat=True):
        services.event_fan_out(event_id=event_id)


def _two_events_for(email: str, smtp: SMTPServer) -> tuple[Subscriber, Event, Event]:
    """A reader with one alert sent and one still pending (fanned out, not yet sent)."""
    lab = company_make(name="Meta", slug="meta")
    reader = subscriber_make(email, company=lab, statements=True)
    subscriber_make("other@example.org", company=lab, statements=True)
    statement_make(company=lab, stance="open", occurred_on=datetime.date(2025, 4, 5), publish=True)
    _fan_out_all()
    services.deliveries_send()
    assert len(smtp.to(email)) == 1
    sent = Delivery.objects.get(subscriber=reader).event
    statement_make(company=lab, stance="open", occurred_on=datetime.date(2025, 5, 5), publish=True)
    _fan_out_all()
    pending = Delivery.objects.filter(subscriber=reader).exclude(event=sent).get().event
    assert Delivery.objects.get(event=pending, subscriber=reader).status == DeliveryStatus.PENDING
    Bounce.objects.create(subscriber=reader, email=email, code=550, message="mailbox full")
    return reader, sent, pending


def _counts(event: Event) -> dict[str, int]:
    return {
        status: event.deliveries.filter(status=status).count()
        for status in (DeliveryStatus.SENT, DeliveryStatus.SKIPPED, DeliveryStatus.PENDING)
    }


def _forgotten(email: str, reader_id: int) -> None:
    assert not Subscriber.objects.filter(pk=reader_id).exists()
    assert not Subscriber.objects.filter(email=email).exists()
    assert not Subscription.objects.filter(subscriber_id=reader_id).exists()
    assert not Bounce.objects.filter(email=email).exists()
    assert not Delivery.objects.filter(subscriber_id=reader_id).exists()


@pytest.mark.slow
def test_deleting_a_subscriber_in_the_admin_keeps_the_counts_and_forgets_the_address(
    smtp: SMTPServer, client: Client
) -> None:
    reader, sent, pending = _two_events_for("reader@example.org", smtp)
    assert _counts(sent) == {"sent": 2, "skipped": 0, "pending": 0}
    assert _counts(pending) == {"sent": 0, "skipped": 0, "pending": 2}
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw"))

    response = client.post(
        f"/admin/alerts/subscriber/{reader.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200

    _forgotten("reader@example.org", reader.pk)
    assert _counts(sent) == {"sent": 2, "skipped": 0, "pending": 0}
    assert _counts(pending) == {"sent": 0, "skipped": 1, "pending": 1}
    anonymous = pending.deliveries.get(subscriber__isnull=True)
    assert anonymous.status == DeliveryStatus.SKIPPED
    assert anonymous.last_error == "Subscriber deleted."
    services.deliveries_send()
    assert len(smtp.to("reader@example.org")) == 1, "the skipped alert is never sent"
    assert len(smtp.to("other@example.org")) == 2


@pytest.mark.slow
def test_the_admin_bulk_delete_keeps_the_counts_too(smtp: SMTPServer, client: Client) -> None:
    reader, sent, _pending = _two_events_for("reader@example.org", smtp)
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw"))
    response = client.post(
        "/admin/alerts/subscriber/",
        {"action": "delete_selected", "_selected_action": [reader.pk], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    _forgotten("reader@example.org", reader.pk)
    assert _counts(sent)["sent"] == 2


@pytest.mark.slow
def test_a_reader_who_deletes_their_address_keeps_nothing_personal_but_the_counts_stay(
    smtp: SMTPServer, client: Client
) -> None:
    reader, sent, pending = _two_events_for("reader@example.org", smtp)
    url = f"/alerts/unsubscribe/{subscriber_token_make(reader)}/"
    page = client.get(url)
    assert b'name="forget"' in page.content

    response = client.post(url, {"forget": "1"})
    assert response.status_code == 200
    assert b"have been deleted" in response.content

    _forgotten("reader@example.org", reader.pk)
    assert _counts(sent) == {"sent": 2, "skipped": 0, "pending": 0}
    assert _counts(pending) == {"sent": 0, "skipped": 1, "pending": 1}
    # The link in old mail now names nobody.
    assert client.get(url).status_code == 400


@pytest.mark.slow
def test_plain_unsubscribing_keeps_the_address_and_deletes_nothing(
    smtp: SMTPServer, client: Client
) -> None:
    reader, _sent, pending = _two_events_for("reader@example.org", smtp)
    client.post(f"/alerts/unsubscribe/{subscriber_token_make(reader)}/")
    reader.refresh_from_db()
    assert reader.unsubscribed_at is not None
    assert Delivery.objects.filter(subscriber=reader).count() == 2
    assert _counts(pending) == {"sent": 0, "skipped": 1, "pending": 1}


@pytest.mark.slow
def test_a_delivery_whose_subscriber_was_deleted_after_it_was_claimed_is_skipped(
    smtp: SMTPServer,
) -> None:
    """A sender that died holding the row hands it back (the sweeper); it then names nobody."""
    reader, _sent, pending = _two_events_for("reader@example.org", smtp)
    Subscriber.objects.filter(pk=reader.pk).delete()  # the row, as a bare delete leaves it
    orphan = pending.deliveries.get(subscriber__isnull=True)
    assert orphan.status == DeliveryStatus.PENDING
    services.deliveries_send()
    orphan.refresh_from_db()
    assert orphan.status == DeliveryStatus.SKIPPED
    assert orphan.last_error == "Subscriber deleted."
    assert len(smtp.to("other@example.org")) == 2
