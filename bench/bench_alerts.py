"""Alerts: fan out one stance change to 10,000 and 100,000 subscribers; send 10,000 mails.

Targets (issue 16): fan-out <= 2x a single INSERT ... SELECT of the same delivery rows; mail
>= 70% of a plain smtplib loop sending the same messages, over one connection, to the same
local SMTP server (bench/smtpsink.py, a process of its own).

The subscribers are those of the run's generated databases (bench/generate.py): at 100k and
at 1M statements, 10,000 and 100,000 readers (half of them in Japanese), every one told of the
big lab's changes instantly; the sizes of the run's --sizes. One stance change of the big lab
is made for the run and deleted at the end, with its deliveries, so the database is as
generated afterwards; the sender tasks the fan-outs publish are purged from the broker
(REDIS_URL's queues). Each fan-out is measured REPEATS times, each time rolled back to a
savepoint, alternating with its floor; the best of each is shown. The mail is sent at the
smallest size with MAILS readers. BENCH_PROFILE=1 profiles Aperture's side (bench/profiling.py).
"""

from __future__ import annotations

import datetime
import os
import smtplib
import time
from email.policy import SMTP

from django.db import connection, transaction
from django.test.utils import override_settings

from bench.generate import World, selected_sizes, size_label, sized_database
from bench.profiling import profiled
from bench.smtpsink import mailers, smtp_sink
from bench.table import Table

#: The generated databases holding 10,000 and 100,000 subscribers.
SIZES = (100_000, 1_000_000)
MAILS = int(os.environ.get("BENCH_MAILS", "10000"))
REPEATS = 3


class _Rollback(Exception):
    pass


def _floor(event_id: int, company_id: int) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO alerts_delivery (event_id, subscriber_id, digest, status, attempts, "
            "claim, last_error, created_at) "
            "SELECT %s, s.subscriber_id, false, 'pending', 0, '', '', now() "
            "FROM alerts_subscription s WHERE s.company_id = %s OR s.company_id IS NULL",
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


def _fan_out_row(table: Table, subscribers: int, event_id: int, company_id: int) -> None:
    from apps.alerts import services

    ours: list[float] = []
    floors: list[float] = []

    def fan_out() -> None:
        report = services.event_fan_out(event_id=event_id)
        assert report.created == subscribers, (report.created, subscribers)

    for repeat in range(REPEATS):
        if repeat == 1:  # warm: the first run also imports Celery's producer pool
            with profiled(f"fan-out-{subscribers}"):
                ours.append(_timed_in_savepoint(fan_out))
        else:
            ours.append(_timed_in_savepoint(fan_out))
        floors.append(_timed_in_savepoint(lambda: _floor(event_id, company_id)))
    best, floor = min(ours), min(floors)
    table.add(
        f"fan-out of 1 stance change, {subscribers:,} subscribers (s)",
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
        sent = 0
        with profiled(f"mail-{MAILS}"):
            # A run stops after ALERTS_SEND_BUDGET_SECONDS; a fresh task carries on, as here.
            while sent < MAILS and (more := services.deliveries_send(event_id=event_id).sent):
                sent += more
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


def stance_change_event(company_id: int) -> int:
    """A stance change of the lab, after its history, and its alert event (its id): what the
    alert benchmarks fan out and send (bench_scaleout too)."""
    from apps.alerts.models import Event
    from apps.claims.models import StanceChange

    change = StanceChange.objects.create(
        company_id=company_id,
        date=datetime.date(2025, 7, 14),
        old_stance="open",
        new_stance="leaning_open",
        rating="partial",
        score=1.2,
    )
    event = Event.objects.create(kind="stance_change", company_id=company_id, stance_change=change)
    return event.pk


def _event(world: World) -> tuple[int, int]:
    """The big lab's stance change event: (its id, the lab's)."""
    from apps.catalog.models import Company

    lab_id = Company.objects.values_list("pk", flat=True).get(slug=world.big_lab)
    return stance_change_event(lab_id), lab_id


def _event_delete(event_id: int) -> None:
    """The run's event, its deliveries and its stance change: the database as generated."""
    from apps.alerts.models import Delivery, Event
    from apps.claims.models import StanceChange

    change_id = Event.objects.values_list("stance_change_id", flat=True).get(pk=event_id)
    with connection.cursor() as cursor:  # in SQL: the ORM would fetch 100,000 rows to delete
        cursor.execute(f"DELETE FROM {Delivery._meta.db_table} WHERE event_id = %s", [event_id])  # noqa: S608
    Event.objects.filter(pk=event_id).delete()
    StanceChange.objects.filter(pk=change_id).delete()
    _vacuum()


def run() -> Table:
    from config.celery import app

    table = Table(
        "Alerts: fan-out and sending",
        ["measure", "Aperture", "floor", "floor is", "share"],
    )
    sizes = [size for size in SIZES if size in selected_sizes()]
    mail_size = min((size for size in sizes if size // 10 >= MAILS), default=None)
    for size in sizes:
        with sized_database(size) as world:
            event_id, company_id = _event(world)
            try:
                try:
                    with transaction.atomic():
                        _fan_out_row(table, world.subscribers, event_id, company_id)
                        raise _Rollback
                except _Rollback:
                    pass
                if size == mail_size:
                    _vacuum()
                    # Committed rows, autocommit: each mail marked sent commits, as in a worker.
                    _mail_rows(table, event_id)
            finally:
                _event_delete(event_id)
    app.control.purge()  # the sender tasks each fan-out published: nothing is to run them
    skipped = [size_label(size) for size in SIZES if size not in sizes]
    table.notes = [
        f"Fan-out: best of {REPEATS}, each rolled back; Aperture's is event_fan_out (matching "
        "subscriptions, one INSERT ... SELECT ... ON CONFLICT DO NOTHING per frequency, the "
        "webhook endpoints, marking the event, publishing the sender tasks).",
        "Mail: Aperture's figure is deliveries_send as a worker runs it (autocommit): claiming "
        "rows (conditional UPDATE per batch of 50), the daily limit check, each mail copied from "
        "its variant's (event, language) with the reader's signed links, and one committed "
        "UPDATE per mail marking it sent. Both send to bench/smtpsink.py, an aiosmtpd server in "
        "its own process.",
        "The run's generated databases (bench/generate.py): a tenth of the statements are "
        "subscribers, half reading Japanese. The machine's other load makes single figures noisy.",
    ]
    if skipped:
        table.notes.append(f"Skipped {', '.join(skipped)}: not in this run's --sizes.")
    if mail_size is None:
        table.notes.append(f"Mail skipped: no size of this run has {MAILS:,} subscribers.")
    return table
