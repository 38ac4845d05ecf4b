"""A mail server that misbehaves: refusing (4xx), rejecting (5xx), unreachable, or dropping the
connection mid-message. In-process against the real SMTP server of tests/support/smtpserver.py
and PostgreSQL; test_exactly_once.py runs a drop and a kill through a real Celery worker.

What must hold in every case: nothing is lost (a delivery ends sent, or failed with the reason
in the admin), retries back off (one attempt per run against a server that fails everyone, and
the next run only after the backoff: no loop), no reader is marked bouncing for the server's
own trouble, and a drop repeats at most the one message in flight, with the same Message-ID.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from apps.alerts import services
from apps.alerts.models import Delivery, DeliveryStatus, Event, EventKind, Frequency, Subscriber
from tests.factories import company_make, statement_make
from tests.support.alerts import subscriber_make
from tests.support.broker import queued_task_etas, queued_tasks_take
from tests.support.smtpserver import Drop, SMTPServer

pytestmark = pytest.mark.django_db

SEND = "alerts.deliveries_send"


def stance_event(readers: int, **kinds: Any) -> Event:
    lab = company_make(name="Meta", slug="meta")
    for n in range(readers):
        subscriber_make(f"reader{n}@example.org", company=lab, **kinds)
    statement_make(company=lab, stance="closed", publish=True)
    event = Event.objects.get(kind=EventKind.STANCE_CHANGE)
    services.event_fan_out(event_id=event.pk)
    queued_tasks_take(SEND)  # the senders fan-out started: these tests run them in-process
    return event


def all_due_now() -> None:
    """Time passes: every retry is due (the backoff itself is checked where it is made)."""
    Delivery.objects.filter(status=DeliveryStatus.PENDING).update(next_attempt_at=timezone.now())


def admin_deliveries_page() -> str:
    staff = Client()
    staff.force_login(User.objects.create_superuser("desk", password="correct horse"))
    page = staff.get("/admin/alerts/delivery/")
    assert page.status_code == 200
    return page.content.decode()


def server_refuses_everyone(smtp: SMTPServer, how: str) -> None:
    if how == "unreachable":
        smtp.stop()  # nothing listens on its port
    elif how == "refusing 421":
        smtp.mail_reply = "421 4.3.2 Service shutting down, try later"
    elif how == "rejecting 530":
        smtp.mail_reply = "530 5.7.0 Authentication required"


SERVER_WIDE = {
    "unreachable": "Could not talk to the mail server",
    "refusing 421": "421",
    "rejecting 530": "530",
}


@pytest.mark.slow
@pytest.mark.parametrize("how", list(SERVER_WIDE))
def test_a_server_that_fails_everyone_costs_one_attempt_per_run_backs_off_and_bounces_nobody(
    smtp: SMTPServer, settings: Any, how: str
) -> None:
    settings.ALERTS_RETRY_BASE_SECONDS = 30.0
    settings.ALERTS_MAX_ATTEMPTS = 3
    stance_event(readers=5)
    server_refuses_everyone(smtp, how)

    before = timezone.now()
    report = services.deliveries_send()
    # One delivery tried; the other four handed back untried: the server would fail them alike.
    assert (report.sent, report.retry, report.failed) == (0, 1, 0)
    tried = Delivery.objects.get(attempts=1)
    assert tried.status == DeliveryStatus.PENDING
    assert SERVER_WIDE[how] in tried.last_error
    assert tried.next_attempt_at is not None
    assert tried.next_attempt_at >= before + datetime.timedelta(seconds=15), "base / 2 at least"
    assert Delivery.objects.filter(attempts=0, status=DeliveryStatus.PENDING).count() == 4
    # No loop: the one follow-up task waits for that backoff (no eta would run it at once).
    [eta] = queued_task_etas(SEND)
    assert eta is not None
    assert datetime.datetime.fromisoformat(eta) >= before + datetime.timedelta(seconds=15)
    assert not Subscriber.objects.filter(bounced_at__isnull=False).exists()

    # The trouble lasts: each run costs one attempt, until the deliveries fail, each saying why.
    for _ in range(40):
        all_due_now()
        services.deliveries_send()
        if not Delivery.objects.filter(status=DeliveryStatus.PENDING).exists():
            break
    failed = Delivery.objects.filter(status=DeliveryStatus.FAILED)
    assert failed.count() == 5
    assert set(failed.values_list("attempts", flat=True)) == {3}
    assert all(SERVER_WIDE[how] in error for error in failed.values_list("last_error", flat=True))
    assert not Subscriber.objects.filter(bounced_at__isnull=False).exists()
    page = admin_deliveries_page()
    assert "failed" in page and SERVER_WIDE[how] in page
    assert smtp.messages == []

    # Fixed: the admin's retry action sends each reader one mail.
    smtp.mail_reply = ""
    smtp.start()
    staff = Client()
    staff.force_login(User.objects.get(username="desk"))
    staff.post(
        "/admin/alerts/delivery/",
        {"action": "retry", "_selected_action": list(failed.values_list("pk", flat=True))},
    )
    services.deliveries_send()
    assert Counter(m.to for m in smtp.messages) == Counter(
        f"reader{n}@example.org" for n in range(5)
    )
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 5


def test_a_refused_recipient_bounces_and_the_others_are_sent(smtp: SMTPServer) -> None:
    stance_event(readers=3)
    smtp.refuse("reader1@example.org", "550 5.1.1 No such user here")
    report = services.deliveries_send()
    assert (report.sent, report.failed) == (2, 1)
    assert list(Subscriber.objects.filter(bounced_at__isnull=False).values_list("email")) == [
        ("reader1@example.org",)
    ]
    assert "No such user" in admin_deliveries_page()


def test_a_message_the_server_rejects_fails_with_its_reply_and_bounces_nobody(
    smtp: SMTPServer,
) -> None:
    stance_event(readers=3)
    smtp.data_reply = "554 5.6.0 Message content rejected"
    report = services.deliveries_send()
    # Permanent: not retried, each delivery failed with the server's words; the address is fine.
    assert (report.sent, report.retry, report.failed) == (0, 0, 3)
    assert set(Delivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.FAILED, 1)}
    assert not Subscriber.objects.filter(bounced_at__isnull=False).exists()
    assert "554 5.6.0 Message content rejected" in admin_deliveries_page()


@pytest.mark.slow
def test_a_message_refused_for_now_is_retried_after_the_backoff(smtp: SMTPServer) -> None:
    stance_event(readers=2)
    smtp.data_reply = "452 4.3.1 Insufficient system storage"
    assert services.deliveries_send().retry == 2
    assert smtp.messages == []
    assert "452" in admin_deliveries_page()
    smtp.data_reply = ""
    services.deliveries_send()
    assert smtp.messages == [], "not due before the backoff"
    all_due_now()
    assert services.deliveries_send().sent == 2
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {2}


@pytest.mark.slow
@pytest.mark.parametrize("how", [Drop.LOST, Drop.KEPT])
def test_a_connection_dropped_mid_message_loses_nothing_and_repeats_at_most_that_message(
    smtp: SMTPServer, how: Drop
) -> None:
    stance_event(readers=3)
    smtp.drop(how)  # the first message: after its data, before the final reply
    report = services.deliveries_send()
    assert report.retry == 1 and report.sent == 0, "the sender stops and backs off"
    dropped = Delivery.objects.get(attempts=1)
    assert dropped.status == DeliveryStatus.PENDING and "hung up" in dropped.last_error
    assert "The mail server hung up." in admin_deliveries_page()

    all_due_now()
    assert services.deliveries_send().sent == 3
    received = Counter(m.to for m in smtp.messages)
    assert set(received) == {f"reader{n}@example.org" for n in range(3)}, "nobody missed"
    # A kept message is delivered twice (the server had it, we could not know): that one
    # message, the one in flight, and both copies carry the same Message-ID.
    duplicates = received.total() - len(received)
    assert duplicates == (1 if how is Drop.KEPT else 0)
    ids_by_reader: dict[str, set[str]] = {}
    for mail in smtp.messages:
        ids_by_reader.setdefault(mail.to, set()).add(mail.message["Message-ID"])
    assert all(len(ids) == 1 for ids in ids_by_reader.values()), ids_by_reader
    assert len({next(iter(ids)) for ids in ids_by_reader.values()}) == 3


def test_a_digest_sent_again_after_a_drop_carries_the_same_message_id(smtp: SMTPServer) -> None:
    stance_event(readers=1, frequency=Frequency.DAILY)
    smtp.drop(Drop.KEPT)
    assert services.digests_send().retry == 1
    all_due_now()
    assert services.digests_send().sent == 1
    first, second = smtp.messages
    assert first.message["Message-ID"] == second.message["Message-ID"]
    assert first.message["Message-ID"].startswith("<digest-")
