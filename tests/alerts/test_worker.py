"""Exactly once, end to end: a real Celery worker on Redis, PostgreSQL, and a real SMTP server."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Count
from django.test import Client

from apps.alerts import services, tasks
from apps.alerts.models import Delivery, DeliveryStatus, Event, EventKind, Subscription
from config.celery import app as celery_app
from tests.factories import company_make, statement_make
from tests.support.alerts import subscriber_make
from tests.support.redis_server import PrivateRedis, celery_point_at
from tests.support.smtpserver import SMTPServer
from tests.support.waiting import wait_until
from tests.support.worker import CeleryWorker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def all_sent(count: int) -> Callable[[], bool]:
    return lambda: Delivery.objects.filter(status=DeliveryStatus.SENT).count() >= count


def test_the_whole_path_subscribe_confirm_alert_and_one_click_unsubscribe(
    mail_worker: CeleryWorker, smtp: SMTPServer
) -> None:
    meta = company_make(name="Meta", slug="meta")
    client = Client()
    client.post(
        "/subscribe/",
        {"email": "reader@example.org", "lab": "meta", "kinds": ["stance_changes"],
         "frequency": "instant", "language": "en"},
    )  # fmt: skip
    [confirmation] = smtp.wait_for(1)
    link = re.search(
        r"http://testserver(/alerts/confirm/[^/\s]+/)", confirmation.part("text/plain")
    )
    assert link is not None

    statement_make(company=meta, stance="open", occurred_on=datetime.date(2025, 4, 5), publish=True)
    # The worker has dealt with the new stance's event (fanned out, senders done) before we look.
    assert Event.objects.filter(kind=EventKind.STANCE_CHANGE).exists()
    mail_worker.wait_until_idle()
    assert not Event.objects.filter(fanned_out_at__isnull=True).exists()
    assert not Delivery.objects.exists()
    assert len(smtp.messages) == 1, "nothing but the confirmation before the reader confirms"

    assert client.post(link.group(1)).status_code == 302
    statement_make(
        company=meta,
        stance="closed",
        kind="action",
        summary="Meta stops releasing weights",
        publish=True,
    )
    _, alert = smtp.wait_for(2)
    assert alert.to == "reader@example.org"
    assert "Meta: open -> " in alert.part("text/plain")
    assert "Meta stops releasing weights" in alert.part("text/html")

    header = alert.message["List-Unsubscribe"]
    assert alert.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_path = header.strip("<>").removeprefix("http://testserver")
    one_click = Client(enforce_csrf_checks=True).post(
        unsubscribe_path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    assert not Subscription.objects.exists()

    statement_make(
        company=meta,
        stance="open",
        kind="action",
        occurred_on=datetime.date(2025, 9, 1),
        publish=True,
    )
    wait_until(
        lambda: Event.objects.filter(fanned_out_at__isnull=True).count() == 0,
        timeout=40,
        what="the last events to be fanned out",
    )
    mail_worker.wait_until_idle()
    assert len(smtp.messages) == 2, "no mail after unsubscribing"


def test_running_the_fan_out_task_twice_sends_each_subscriber_one_mail(
    mail_worker: CeleryWorker, smtp: SMTPServer
) -> None:
    lab = company_make(name="Meta", slug="meta")
    emails = [f"reader{n}@example.org" for n in range(40)]
    for email in emails:
        subscriber_make(email, company=lab)
    statement_make(company=lab, stance="closed", publish=True)
    event = Event.objects.get(kind=EventKind.STANCE_CHANGE)
    tasks.event_fan_out.delay(event.pk)
    tasks.event_fan_out.delay(event.pk)
    tasks.deliveries_send.delay(event.pk)
    wait_until(all_sent(40), timeout=40, what="40 deliveries sent")
    mail_worker.wait_until_idle()  # both fan-outs and every sender have finished: count now
    assert Counter(m.to for m in smtp.messages) == Counter(emails)
    assert Delivery.objects.count() == 40


def test_a_publish_that_moves_the_stance_reaches_a_reader_of_both_in_one_mail(
    mail_worker: CeleryWorker, smtp: SMTPServer
) -> None:
    lab = company_make(name="Meta", slug="meta")
    subscriber_make("both@example.org", company=lab, statements=True)
    subscriber_make("statements@example.org", company=lab, stance_changes=False, statements=True)
    statement_make(company=lab, stance="closed", summary="Meta closes its weights", publish=True)
    assert Event.objects.count() == 2  # the statement, and the stance change it caused
    smtp.wait_for(2)
    wait_until(
        lambda: not Event.objects.filter(fanned_out_at__isnull=True).exists(),
        timeout=40,
        what="both events fanned out",
    )
    mail_worker.wait_until_idle()
    [both] = smtp.to("both@example.org")
    assert both.message["Subject"] == "Aperture: Meta: no stance -> closed (no shift)"
    assert "New statement (closed, confirmed) of 2025-07-14: Meta closes its weights" in (
        both.part("text/plain")
    )
    [statement_only] = smtp.to("statements@example.org")
    assert statement_only.message["Subject"] == "Aperture: Meta: new statement (closed, confirmed)"
    assert len(smtp.messages) == 2


def test_a_worker_killed_mid_send_does_not_resend_what_it_marked_sent_and_sends_the_rest(
    mail_worker: CeleryWorker, smtp: SMTPServer, settings: Any
) -> None:
    lab = company_make(name="Meta", slug="meta")
    emails = [f"reader{n}@example.org" for n in range(30)]
    for email in emails:
        subscriber_make(email, company=lab)
    killed: list[int] = []

    def kill_on_the_tenth(envelope: Any) -> str | None:
        if len(smtp.received) == 9 and not killed:
            killed.append(1)
            mail_worker.kill()  # the sender dies before the server says 250
            return "451 4.3.0 Connection lost"
        return None

    smtp.before_accept = kill_on_the_tenth
    statement_make(company=lab, stance="closed", publish=True)
    wait_until(
        lambda: killed and mail_worker.process and mail_worker.process.poll() is not None,
        timeout=40,
        what="the worker to be killed",
    )

    def sent_before() -> set[str]:
        return set(
            Delivery.objects.filter(status=DeliveryStatus.SENT).values_list(
                "subscriber__email", flat=True
            )
        )

    # A mail is accepted before its row is marked sent, so the rows can only catch up with the
    # server: a commit the dead worker had already sent may land just after the kill.
    received = {m.to for m in smtp.messages}
    wait_until(
        lambda: sent_before() == received,
        timeout=10,
        what="the rows marked sent to match the mails the server accepted",
        diagnosis=lambda: f"rows {sorted(sent_before())}, mails {sorted(received)}",
    )
    assert len(received) == 9
    assert Delivery.objects.filter(status=DeliveryStatus.SENDING).exists()

    mail_worker.restart()
    settings.ALERTS_CLAIM_TIMEOUT_SECONDS = 0  # the beat sweeper, run now: the claim is dead
    assert services.alerts_sweep().reclaimed > 0
    wait_until(all_sent(30), timeout=40, what="the rest to be sent by the new worker")
    mail_worker.wait_until_idle()
    assert Counter(m.to for m in smtp.messages) == Counter(emails)


@pytest.fixture
def private_redis(tmp_path: Path, settings: Any) -> Iterator[PrivateRedis]:
    redis = PrivateRedis(tmp_path)
    redis.start()
    original = celery_app.conf.broker_url
    settings.CELERY_BROKER_URL = redis.url
    celery_point_at(redis.url)
    try:
        yield redis
    finally:
        celery_point_at(original)
        redis.stop()


def test_nothing_is_lost_when_redis_stops_and_starts_during_a_fan_out(
    transactional_db: None, private_redis: PrivateRedis, smtp: SMTPServer, settings: Any
) -> None:
    worker = CeleryWorker(
        extra_env={**smtp.env(), "REDIS_URL": private_redis.url, "SITE_URL": "http://testserver"}
    ).start()
    try:
        lab = company_make(name="Meta", slug="meta")
        emails = [f"reader{n}@example.org" for n in range(40)]
        for email in emails:
            subscriber_make(email, company=lab, stance_changes=False, statements=True)
        smtp.delay = 0.05
        statement_make(company=lab, stance="closed", publish=True)
        smtp.wait_for(5)

        log_before = len(worker.log())
        private_redis.stop()  # mid-send; the queue's contents die with it (no persistence)
        statement_make(company=lab, stance="open", publish=True)  # publishing fails: logged
        second = Event.objects.latest("id")
        assert second.published_at is None and "unreachable" in second.last_error
        # Redis comes back only once the worker has felt it go: it lost the connection (and
        # tries to re-establish it) or it exited.
        wait_until(
            lambda: (
                worker.process is None
                or worker.process.poll() is not None
                or "Connection to broker lost" in worker.log()[log_before:]
            ),
            timeout=30,
            what="the worker to notice that Redis has gone",
            diagnosis=worker.log_tail,
        )
        private_redis.start()

        settings.ALERTS_REPUBLISH_AFTER_SECONDS = 0
        # A sender that died with its claim is handed back after this (a live one finishes a
        # 50-row batch in about 2.5 s here, well inside it).
        settings.ALERTS_CLAIM_TIMEOUT_SECONDS = 10

        def diagnosis() -> object:
            return (
                list(
                    Event.objects.values(
                        "id", "kind", "fanned_out_at", "published_at", "last_error"
                    )
                ),
                list(Delivery.objects.values_list("status").annotate(n=Count("id"))),
                worker.log()[-3000:],
            )

        def all_sent_after_sweeping() -> bool:
            if worker.process is not None and worker.process.poll() is not None:
                # Celery 5.7/kombu exits ("Unrecoverable error") when the broker goes away while
                # a late-acked task is in flight; in production the supervisor restarts it.
                worker.restart()
            services.alerts_sweep()  # what beat does every minute
            return Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 80

        wait_until(
            all_sent_after_sweeping,
            timeout=90,
            interval=2,
            what="all 80 deliveries to be sent",
            diagnosis=diagnosis,
        )
        worker.wait_until_idle()  # every sender has finished: a duplicate would show now
        assert Counter(m.to for m in smtp.messages) == Counter(emails * 2), diagnosis()
        assert not Event.objects.filter(fanned_out_at__isnull=True).exists()
    finally:
        worker.stop()
