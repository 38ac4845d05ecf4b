"""Alerts: fan out one stance change to 10,000 and 100,000 subscribers; send 10,000 mails.

Targets (issue 16): fan-out <= 2x a single INSERT ... SELECT of the same delivery rows; mail
>= 70% of a plain smtplib loop sending the same messages, over one connection, to the same
local SMTP server (bench/smtpsink.py, a process of its own).

The subscribers are generated in SQL (generate_series): one in five reads Japanese. It all runs in
a database of its own, dropped at the end; the sender tasks the fan-outs publish are purged from
the broker (REDIS_URL's queues) at the end. Each fan-out is measured
REPEATS times, each time rolled back to a savepoint, alternating with its floor; the best of
each is shown. BENCH_PROFILE=1 profiles Aperture's side (bench/profiling.py).
"""

from __future__ import annotations

import datetime
import os
import smtplib
import time
from email.policy import SMTP

from django.db import connection, transaction
from django.test.utils import override_settings

from bench.databases import own_database
from bench.profiling import profiled
from bench.smtpsink import mailers, smtp_sink
from bench.table import Table

SIZES = tuple(int(n) for n in os.environ.get("BENCH_ALERT_SIZES", "10000,100000").split(","))
MAILS = int(os.environ.get("BENCH_MAILS", "10000"))
REPEATS = 3


class _Rollback(Exception):
    pass


def _subscribers(prefix: str, count: int, company_ids: dict[int, int]) -> None:
    """``count`` confirmed subscribers; the first n follow each lab of ``company_ids``
    (lab id -> n), instantly, for stance changes. Rows made in SQL, not through Python."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO alerts_subscriber (email, language, confirmed_at, bounce_reason, "
            "link_key, created_at) "
            "SELECT %s || '-' || g || '@example.org', "
            "CASE WHEN g %% 5 = 0 THEN 'ja' ELSE 'en' END, now(), '', md5(%s || g), now() "
            "FROM generate_series(1, %s) g",
            [prefix, prefix, count],
        )
        for company_id, followers in company_ids.items():
            cursor.execute(
                "INSERT INTO alerts_subscription (subscriber_id, company_id, stance_changes, "
                "statements, model_status, dataset_changes, policy_changes, commitments, "
                "frequency, created_at) "
                "SELECT id, %s, true, false, false, false, true, false, 'instant', now() "
                "FROM alerts_subscriber WHERE email LIKE %s ORDER BY id LIMIT %s",
                [company_id, f"{prefix}-%", followers],
            )


def _floor(event_id: int, company_id: int) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO alerts_delivery (event_id, subscriber_id, digest, status, attempts, "
            "claim, last_error, created_at) "
            "SELECT %s, s.subscriber_id, false, 'pending', 0, '', '', now() "
            "FROM alerts_subscription s WHERE s.company_id = %s",
            [event_id, company_id],
        )
    return time.perf_counter() - started


def _timed_in_savepoint(action: object) -> float:
    sid = transaction.savepoint()
    started = time.perf_counter()
    action()  # type: ignore[operator]
    seconds = time.perf_counter() - started
    transaction.savepoint_rollback(sid)
    return seconds


def _fan_out_rows(table: Table, events: dict[int, tuple[int, int]]) -> None:
    from apps.alerts import services

    for size, (event_id, company_id) in events.items():
        ours: list[float] = []
        floors: list[float] = []

        def fan_out(event_id: int = event_id, size: int = size) -> None:
            report = services.event_fan_out(event_id=event_id)
            assert report.created == size, (report.created, size)

        for repeat in range(REPEATS):
            if repeat == 1:  # warm: the first run also imports Celery's producer pool
                with profiled(f"fan-out-{size}"):
                    ours.append(_timed_in_savepoint(fan_out))
            else:
                ours.append(_timed_in_savepoint(fan_out))
            floors.append(_timed_in_savepoint(lambda: _floor(event_id, company_id)))  # noqa: B023
        best, floor = min(ours), min(floors)
        table.add(
            f"fan-out of 1 stance change, {size:,} subscribers (s)",
            round(best, 3),
            round(floor, 3),
            "one INSERT ... SELECT",
            f"{best / floor:.2f}x floor (target <= 2x)",
        )


def _mail_rows(table: Table, event_id: int) -> None:
    from apps.alerts import services
    from apps.alerts.mails import alert_mail
    from apps.alerts.models import Delivery, DeliveryStatus, Subscriber

    services.event_fan_out(event_id=event_id)
    pending = Delivery.objects.filter(event_id=event_id)
    Delivery.objects.filter(pk__in=pending.order_by("id").values("pk")[MAILS:]).update(
        status=DeliveryStatus.SKIPPED
    )
    with smtp_sink() as port, override_settings(MAILERS=mailers(port)):
        started = time.perf_counter()
        with profiled(f"mail-{MAILS}"):
            sent = services.deliveries_send(event_id=event_id).sent
        ours = time.perf_counter() - started
        assert sent == MAILS, sent
        # The floor: the same messages, built once per variant (language), each sent to its
        # reader over one connection by a bare smtplib loop.
        texts = services.EventTexts()
        sample = {}
        for language in ("en", "ja"):
            subscriber = Subscriber.objects.filter(
                deliveries__event_id=event_id, language=language
            ).first()
            assert subscriber is not None
            sample[language] = (
                alert_mail(
                    subscriber=subscriber, texts=texts.get([event_id], language), digest=False
                )
                .message(policy=SMTP)
                .as_bytes()
            )
        readers = list(
            Subscriber.objects.filter(
                deliveries__event_id=event_id, deliveries__status=DeliveryStatus.SENT
            ).values_list("email", "language")
        )
        started = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for address, language in readers:
                smtp.sendmail("alerts@localhost", [address], sample[language])
        plain = time.perf_counter() - started
    rate, floor = MAILS / ours, len(readers) / plain
    table.add(
        f"mail rate, {MAILS:,} alerts (mails/s)",
        round(rate, 1),
        round(floor, 1),
        "smtplib loop, built once per language",
        f"{rate / floor:.0%} of floor (target >= 70%)",
    )


def _vacuum() -> None:
    """Rolled-back fan-outs leave dead index entries that the next claims would wade through
    (a bench artefact: a live table is vacuumed by autovacuum); clear them."""
    with connection.cursor() as cursor:
        for name in ("alerts_delivery", "alerts_subscriber", "alerts_subscription"):
            cursor.execute(f"VACUUM ANALYZE {name}")


def run() -> Table:
    from apps.alerts.models import Event
    from apps.catalog.models import Company
    from apps.claims.models import StanceChange
    from config.celery import app

    table = Table(
        "Alerts: fan-out and sending",
        ["measure", "Aperture", "floor", "floor is", "share"],
    )
    with own_database("alerts"):
        stamp = time.time_ns()
        labs = {
            size: Company.objects.create(name=f"Bench Lab {size}", slug=f"bench-{size}-{stamp}")
            for size in SIZES
        }
        _subscribers(f"b{stamp}", max(SIZES), {lab.pk: size for size, lab in labs.items()})
        events = {}
        for size, lab in labs.items():
            change = StanceChange.objects.create(
                company=lab,
                date=datetime.date(2025, 7, 14),
                old_stance="open",
                new_stance="leaning_open",
                rating="partial",
                score=1.2,
            )
            event = Event.objects.create(kind="stance_change", company=lab, stance_change=change)
            events[size] = (event.pk, lab.pk)
        _vacuum()
        try:
            with transaction.atomic():
                _fan_out_rows(table, events)
                raise _Rollback
        except _Rollback:
            pass
        _vacuum()
        mail_size = min(size for size in SIZES if size >= MAILS)
        # Committed rows, autocommit: each mail marked sent commits, as in a worker.
        _mail_rows(table, events[mail_size][0])
    app.control.purge()  # the sender tasks each fan-out published: nothing is to run them
    table.notes = [
        f"Fan-out: best of {REPEATS}, each rolled back; Aperture's is event_fan_out (matching "
        "subscriptions, one INSERT ... SELECT ... ON CONFLICT DO NOTHING per frequency, the "
        "webhook endpoints, marking the event, publishing the sender tasks).",
        "Mail: Aperture's figure is deliveries_send as a worker runs it (autocommit): claiming "
        "rows (conditional UPDATE per batch of 50), the daily limit check, each mail copied from "
        "its variant's (event, language) with the reader's signed links, and one committed "
        "UPDATE per mail marking it sent. Both send to bench/smtpsink.py, an aiosmtpd server in "
        "its own process.",
        "Runs in a database of its own beside DATABASE_URL's (bench/databases.py), dropped after; "
        "the subscribers are made in SQL. The machine's other load makes single figures noisy.",
    ]
    return table
