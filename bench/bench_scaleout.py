"""Beyond one process: the ingestion and the alert-mail queues run by real Celery workers, with
1 and 2 worker processes (concurrency 1 each) and with one worker whose concurrency is the core
count, and the speed-up of each over one process.

Each run has work of its own: pages no earlier run served (ingestion), an event whose
subscribers no earlier run had (mail). Ingestion is timed from queueing the URLs until none
waits; mail from the fan-out (which publishes the sender tasks) until every delivery is sent,
into bench/smtpsink.py. Workers are started before the clock. In a database of its own; it
empties the broker's queues (REDIS_URL's) before and after, so point it at a broker of its own.
"""

from __future__ import annotations

import os
import time

from django.core.management import call_command
from django.db import connection

from bench.databases import own_database
from bench.smtpsink import smtp_sink
from bench.table import Table
from bench.workers import cores, wait_for, workers

PAGES = int(os.environ.get("BENCH_SCALE_PAGES", "300"))
MAILS = int(os.environ.get("BENCH_SCALE_MAILS", "3000"))


def _runs() -> list[tuple[str, int, int]]:
    return [
        ("1 worker process, concurrency 1", 1, 1),
        ("2 worker processes, concurrency 1", 2, 1),
        (f"1 worker process, concurrency {cores()} (= cores)", 1, cores()),
    ]


def _subscribers(prefix: str, count: int, company_id: int) -> None:
    """``count`` confirmed subscribers (one in five reading Japanese) following the lab,
    instantly, for stance changes; made in SQL, not through Python."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO alerts_subscriber (email, language, confirmed_at, bounce_reason, "
            "link_key, created_at) "
            "SELECT %s || '-' || g || '@example.org', "
            "CASE WHEN g %% 5 = 0 THEN 'ja' ELSE 'en' END, now(), '', md5(%s || g), now() "
            "FROM generate_series(1, %s) g",
            [prefix, prefix, count],
        )
        cursor.execute(
            "INSERT INTO alerts_subscription (subscriber_id, company_id, stance_changes, "
            "statements, model_status, dataset_changes, policy_changes, commitments, "
            "frequency, created_at) "
            "SELECT id, %s, true, false, false, false, true, false, 'instant', now() "
            "FROM alerts_subscriber WHERE email LIKE %s",
            [company_id, f"{prefix}-%"],
        )


def _mail_run(processes: int, concurrency: int, port: int, run: int) -> float:
    from apps.alerts import services
    from apps.alerts.models import Delivery, DeliveryStatus
    from apps.catalog.models import Company
    from bench.bench_alerts import stance_change_event

    stamp = f"s{run}-{time.time_ns()}"
    lab = Company.objects.create(name=f"Scale Lab {stamp}", slug=f"scale-{stamp}")
    _subscribers(stamp, MAILS, lab.pk)
    event_id = stance_change_event(lab.pk)
    env = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}
    sent = Delivery.objects.filter(event_id=event_id, status=DeliveryStatus.SENT)
    with workers(processes=processes, concurrency=concurrency, queues=("alerts",), env=env):
        started = time.perf_counter()
        services.event_fan_out(event_id=event_id)
        wait_for(lambda: sent.count() >= MAILS, timeout=900, what="the mails to be sent")
        return time.perf_counter() - started


def run() -> Table:
    from bench.bench_ingest import _pages, ingest_by_workers
    from config.celery import app

    table = Table(
        f"Scaling out on this machine ({cores()} cores): {PAGES:,} pages ingested, "
        f"{MAILS:,} mails sent, per run",
        ["workers", "ingestion (pages/s)", "speed-up", "mail (mails/s)", "speed-up"],
    )
    app.control.purge()
    with own_database("scale"), smtp_sink() as port:
        call_command("seed", verbosity=0)
        base_pages = base_mails = 0.0
        for n, (label, processes, concurrency) in enumerate(_runs()):
            pages = _pages(PAGES, f"scale run {n} copy")
            seconds, _stored, _memory = ingest_by_workers(
                pages, processes=processes, concurrency=concurrency, path=f"s{n}"
            )
            page_rate = PAGES / seconds
            mail_rate = MAILS / _mail_run(processes, concurrency, port, n)
            base_pages, base_mails = base_pages or page_rate, base_mails or mail_rate
            table.add(
                label,
                page_rate,
                f"{page_rate / base_pages:.2f}x",
                mail_rate,
                f"{mail_rate / base_mails:.2f}x",
            )
    app.control.purge()
    table.notes = [
        f"The machine has {cores()} cores, shared here with PostgreSQL, Redis, the local HTTP "
        "and SMTP servers and this process: a second worker process can add at most what a "
        "core left idle gives, so a speed-up well under 2x on 2 cores says the machine, not the "
        "queue, is the limit. The same queues on separate machines (docker compose --scale "
        "worker-ingest=N, docs/scaling.md) add whole cores each.",
    ]
    return table
