"""Alerts: fan out one stance change to 100,000 subscribers; mail rate into a local SMTP server.

Everything runs inside one transaction that is rolled back at the end, so the benchmark leaves
the database as it found it (and no on_commit hook hands anything to a worker).
"""

from __future__ import annotations

import datetime
import smtplib
import time
from email.policy import SMTP
from typing import Any

from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from bench.table import Table

SUBSCRIBERS = 100_000
MAILS = 2_000


class _Rollback(Exception):
    pass


class _CountingHandler:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run() -> Table:
    from apps.alerts import services
    from apps.alerts.mails import alert_mail
    from apps.alerts.models import Delivery, DeliveryStatus, Event, Subscriber, Subscription
    from apps.catalog.models import Company
    from apps.claims.models import StanceChange

    call_command("migrate", verbosity=0)
    table = Table(
        "Alerts: fan-out and sending",
        ["measure", "Aperture", "baseline", "baseline is"],
    )
    try:
        with transaction.atomic():
            lab = Company.objects.create(name="Bench Lab", slug=f"bench-lab-{time.time_ns()}")
            change = StanceChange.objects.create(
                company=lab,
                date=datetime.date(2025, 7, 14),
                old_stance="open",
                new_stance="leaning_open",
                rating="partial",
                score=1.2,
            )
            now = timezone.now()
            prefix = f"b{time.time_ns()}"
            Subscriber.objects.bulk_create(
                [
                    Subscriber(email=f"{prefix}-{n}@example.org", confirmed_at=now)
                    for n in range(SUBSCRIBERS)
                ],
                batch_size=5000,
            )
            ids = list(
                Subscriber.objects.filter(email__startswith=f"{prefix}-").values_list(
                    "pk", flat=True
                )
            )
            Subscription.objects.bulk_create(
                [Subscription(subscriber_id=pk, company=lab) for pk in ids], batch_size=5000
            )
            event = Event.objects.create(kind="stance_change", company=lab, stance_change=change)

            with transaction.atomic():
                started = time.perf_counter()
                report = services.event_fan_out(event_id=event.pk)
                fan_out = time.perf_counter() - started
                again = time.perf_counter()
                second = services.event_fan_out(event_id=event.pk)
                fan_out_again = time.perf_counter() - again
                assert report.created == SUBSCRIBERS and second.created == 0
                sid = transaction.savepoint()
                Delivery.objects.filter(event=event).delete()
                started = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute(
                        "INSERT INTO alerts_delivery (event_id, subscriber_id, digest, status, "
                        "attempts, claim, last_error, created_at) "
                        "SELECT DISTINCT %s, s.subscriber_id, false, 'pending', 0, '', '', now() "
                        "FROM alerts_subscription s WHERE s.company_id = %s",
                        [event.pk, lab.pk],
                    )
                one_statement = time.perf_counter() - started
                transaction.savepoint_rollback(sid)
            table.add(
                f"fan out 1 stance change to {SUBSCRIBERS:,} subscribers (s)",
                round(fan_out, 2),
                round(one_statement, 2),
                "one INSERT ... SELECT",
            )
            table.add(
                "the same fan-out run again (s, adds nothing)", round(fan_out_again, 2), "", ""
            )

            # Mail rate: only the first MAILS deliveries stay pending.
            Delivery.objects.filter(event=event).exclude(
                pk__in=Delivery.objects.filter(event=event).order_by("id").values("pk")[:MAILS]
            ).update(status=DeliveryStatus.SKIPPED)
            handler = _CountingHandler()
            port = _free_port()
            controller = Controller(handler, hostname="127.0.0.1", port=port)
            controller.start()
            mailers = {
                "default": {
                    "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                    "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 20},
                }
            }
            try:
                with override_settings(MAILERS=mailers):
                    started = time.perf_counter()
                    sent = services.deliveries_send(event_id=event.pk).sent
                    ours = time.perf_counter() - started
                    assert sent == MAILS, sent
                    # The same messages, rendered beforehand, through a bare smtplib loop.
                    texts = services.EventTexts().get([event.pk], "en")
                    subscribers = list(
                        Subscriber.objects.filter(
                            deliveries__event=event, deliveries__status=DeliveryStatus.SENT
                        )
                    )
                    raw = [
                        (s.email, alert_mail(subscriber=s, texts=texts, digest=False))
                        for s in subscribers
                    ]
                    payloads = [(email, m.message(policy=SMTP).as_bytes()) for email, m in raw]
                started = time.perf_counter()
                with smtplib.SMTP("127.0.0.1", port) as smtp:
                    for email, payload in payloads:
                        smtp.sendmail("alerts@localhost", [email], payload)
                plain = time.perf_counter() - started
            finally:
                controller.stop()
            table.add(
                f"mail rate, {MAILS:,} alerts (mails/s)",
                round(MAILS / ours, 1),
                round(MAILS / plain, 1),
                "smtplib loop, pre-rendered",
            )
            raise _Rollback
    except _Rollback:
        pass
    table.notes = [
        "Fan-out: bulk_create(ignore_conflicts) in batches of 5,000 from a streamed subscriber "
        "query, then a count; the baseline is the fastest possible single SQL statement.",
        f"Mail rate: {MAILS:,} messages only (not 100,000) to keep the run short. Aperture's "
        "figure includes claiming rows by conditional UPDATE, rendering text+HTML per reader "
        "(signed links), and one UPDATE per mail marking it sent; the baseline only sends "
        "already-rendered bytes over one connection. Both go to an in-process aiosmtpd server.",
        "All rows are created inside one transaction and rolled back.",
    ]
    return table
