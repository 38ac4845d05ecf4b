"""PostgreSQL restarted under a real Celery worker, during ingestion and during alert fan-out:
the worker reconnects and the work finishes, with no article, delivery or event lost or doubled.

The cluster is the test's own (tests/support/postgres_cluster.py), stopped with ``pg_ctl -m
fast`` (every session ended, as an operator's restart does) for ``DOWN_FOR`` seconds. Work a
task was holding when its connection died is handed out again the way production does it: the
beat tick's and the sweeper's recovery, run here as beat would once the claims are stale.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from apps.alerts import services as alerts_services
from apps.alerts.models import Delivery, DeliveryStatus, Event
from apps.ingest import services as ingest_services
from apps.ingest import tasks as ingest_tasks
from apps.ingest.models import Article, ArticleState, ArticleURL
from config.celery import app as celery_app
from tests.factories import company_make, statement_make
from tests.support.alerts import subscriber_make
from tests.support.feeds import demo_page, distinct_story, rss
from tests.support.httpserver import LocalHTTPServer
from tests.support.postgres_cluster import PostgresCluster
from tests.support.smtpserver import SMTPServer
from tests.support.waiting import wait_until
from tests.support.worker import CeleryWorker

pytestmark = [pytest.mark.worker]

#: How long the database stays down: long enough for every task in flight to meet it.
DOWN_FOR = 2.0


@pytest.fixture
def worker_on_private_db(private_db: str, settings: Any) -> Iterator[CeleryWorker]:
    """A worker on the private cluster (tests/support/worker.py reads Django's connection)."""
    settings.FETCH_ALLOW_PRIVATE = True
    celery_app.control.purge()
    worker = CeleryWorker(extra_env={"SITE_URL": "http://testserver"})
    yield worker
    worker.stop()


def test_ingestion_survives_a_postgresql_restart_and_stores_every_article_once(
    pg_cluster: PostgresCluster,
    worker_on_private_db: CeleryWorker,
    http_server: LocalHTTPServer,
) -> None:
    worker = worker_on_private_db.start()
    call_command("seed", verbosity=0)
    count = 12
    for n in range(count):
        page = distinct_story(demo_page("meta-open-closed-en.html"), n)
        http_server.route(f"/story/{n}", body=page, delay=0.4)
    paths = [f"/story/{n}" for n in range(count)]
    http_server.route("/feed", body=rss(http_server, *paths), content_type="application/rss+xml")
    ingest_services.feed_add(url=http_server.url("/feed"))
    ingest_services.feeds_dispatch_due(enqueue=ingest_tasks.feed_poll.delay)

    def done() -> int:
        return ArticleURL.objects.filter(state=ArticleState.DONE).count()

    wait_until(
        lambda: done() >= 2, timeout=60, what="ingestion under way", diagnosis=worker.log_tail
    )
    back = pg_cluster.restart(down_for=DOWN_FOR)
    connection.close()  # this process's own session ended with the restart too
    assert done() < count, "the restart must land mid-batch"

    def all_stored() -> bool:
        if done() == count:
            return True
        # What beat's ingest tick does once the dead tasks' claims are stale: hand them out
        # again (only once the worker has finished what it holds, so no claim is live).
        worker.wait_until_idle()
        ingest_services.article_urls_dispatch_stale(
            enqueue=ingest_tasks.article_ingest.delay, stale_after=0
        )
        return False

    wait_until(
        all_stored, timeout=120, interval=0.5, what="every article", diagnosis=worker.log_tail
    )
    print(f"\nrecovery: all {count} articles stored {time.monotonic() - back:.2f} s after restart")
    worker.wait_until_idle()
    assert worker.process is not None and worker.process.poll() is None, "no restart needed"
    assert Article.objects.count() == count
    assert ArticleURL.objects.count() == count
    assert not ArticleURL.objects.values("article").annotate(n=Count("id")).filter(n__gt=1)


def test_alert_fan_out_survives_a_postgresql_restart_with_each_mail_sent_once(
    pg_cluster: PostgresCluster,
    worker_on_private_db: CeleryWorker,
    smtp: SMTPServer,
    settings: Any,
) -> None:
    worker_on_private_db.extra_env.update(smtp.env())
    worker = worker_on_private_db.start()
    lab = company_make(name="Meta", slug="meta")
    emails = [f"reader{n}@example.org" for n in range(40)]
    for email in emails:
        subscriber_make(email, company=lab, stance_changes=False, statements=True)
    smtp.delay = 0.05
    statement_make(company=lab, stance="closed", publish=True)
    smtp.wait_for(5)
    back = pg_cluster.restart(down_for=DOWN_FOR)
    connection.close()  # this process's own session ended with the restart too
    statement_make(company=lab, stance="open", publish=True)  # a second event, after the restart

    # A sender whose task died with the connection left its batch claimed; the sweeper (beat,
    # every minute) hands such claims back once they are older than this.
    settings.ALERTS_CLAIM_TIMEOUT_SECONDS = 10

    def all_sent_after_sweeping() -> bool:
        if Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 80:
            return True
        alerts_services.alerts_sweep()
        return False

    wait_until(
        all_sent_after_sweeping,
        timeout=90,
        interval=1,
        what="all 80 deliveries sent",
        diagnosis=lambda: (
            list(Delivery.objects.values_list("status").annotate(n=Count("id"))),
            worker.log_tail(),
        ),
    )
    print(f"\nrecovery: all 80 mails sent {time.monotonic() - back:.2f} s after the restart")
    worker.wait_until_idle()  # every sender has finished: a duplicate would show now
    assert Counter(m.to for m in smtp.messages) == Counter(emails * 2)
    assert Event.objects.count() == 4  # per publish: the statement and the stance change
    assert not Event.objects.filter(fanned_out_at__isnull=True).exists()
    assert Delivery.objects.count() == 80
    assert worker.process is not None and worker.process.poll() is None, "no restart needed"
