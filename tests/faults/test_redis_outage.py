"""Redis down for a while (a private redis-server, stopped and started by the test): pages and
the admin keep answering, an editor's save and a reviewer's publish succeed, the rate limits
fall back to per-process counts (apps/lib/failsafe_cache.py), and the work the outage kept from
the queue is done afterwards, once.

The outage lasts ``FAULT_REDIS_OUTAGE_SECONDS`` (default 30, the outage the project promises to
ride out; shorter for a quick local run): throughout it the test keeps reading pages, so it
waits on requests that must succeed, never on an idle sleep.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from apps.alerts import services as alerts_services
from apps.alerts.models import Event, EventKind
from apps.claims.models import EditorialState, Statement
from tests.claims.test_admin import statement_form
from tests.factories import company_make, source_make
from tests.support.alerts import subscriber_make
from tests.support.redis_server import PrivateRedis, celery_point_at
from tests.support.smtpserver import SMTPServer
from tests.support.waiting import wait_until
from tests.support.webserver import WebServer
from tests.support.worker import CeleryWorker, database_url_for_tests

pytestmark = [pytest.mark.worker, pytest.mark.process, pytest.mark.django_db(transaction=True)]

OUTAGE_SECONDS = float(os.environ.get("FAULT_REDIS_OUTAGE_SECONDS", "30"))
PAGES = ("/", "/labs/meta/", "/ja/labs/meta/", "/about/")
API_LIMIT = 8


@pytest.fixture
def private_redis(tmp_path: Path, settings: Any) -> Iterator[PrivateRedis]:
    """The private Redis as this process's cache and broker too (the admin runs in-process)."""
    redis = PrivateRedis(tmp_path)
    redis.start()
    original = settings.CELERY_BROKER_URL
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": redis.url}}
    settings.CELERY_BROKER_URL = redis.url
    celery_point_at(redis.url)
    try:
        yield redis
    finally:
        celery_point_at(original)
        redis.stop()


def log_in(username: str) -> Client:
    client = Client()
    answer = client.post(
        reverse("admin:login"), {"username": username, "password": "correct horse"}
    )
    assert answer.status_code == 302, answer.content.decode()[:1000]
    return client


def test_a_redis_outage_keeps_pages_admin_and_saves_working_and_the_queued_work_resumes(
    private_redis: PrivateRedis, smtp: SMTPServer, editor: User, reviewer: User, settings: Any
) -> None:
    lab = company_make(name="Meta", slug="meta", is_lab=True)
    source = source_make()
    subscriber_make("reader@example.org", company=lab, stance_changes=False, statements=True)
    env = {"REDIS_URL": private_redis.url, "DATABASE_URL": database_url_for_tests()}
    limits = {"API_RATE_LIMIT": str(API_LIMIT), "API_RATE_WINDOW_SECONDS": "3600"}
    web = WebServer(env={**env, **limits}).start()
    worker = CeleryWorker(extra_env={**env, **smtp.env(), "SITE_URL": "http://testserver"})
    worker.start()
    try:
        for path in PAGES:
            assert web.get(path).status == 200, path

        private_redis.stop()
        down = time.monotonic()
        for path in PAGES:
            assert web.get(path).status == 200, path
        # The API's limit falls back to this server process's own count: still enforced.
        statuses = [web.get("/api/v1/labs").status for _ in range(API_LIMIT + 1)]
        assert statuses == [200] * API_LIMIT + [429], statuses

        # The admin: logging in (its throttle counts in the cache), an editor's save, a
        # reviewer's publish (which records an outbox event and cannot hand it to the broker).
        editor_client = log_in("edith")
        assert editor_client.get(reverse("admin:index")).status_code == 200
        added = editor_client.post(
            reverse("admin:claims_statement_add"), statement_form(lab.pk, source.pk)
        )
        assert added.status_code == 302, added.content.decode()[:2000]
        statement = Statement.objects.get()
        published = log_in("rita").post(
            reverse("admin:claims_statement_change", args=[statement.pk]),
            {"CHANGE_FORM-action": "publish_selected", "_selected_action": statement.pk,
             "confirm": "yes"},
        )  # fmt: skip
        assert published.status_code == 302, published.content.decode()[:2000]
        statement.refresh_from_db()
        assert statement.state == EditorialState.PUBLISHED
        event = Event.objects.get(kind=EventKind.STATEMENT_PUBLISHED)
        assert event.published_at is None, "the broker was down: the sweeper publishes it later"

        def pages_answered_through_the_outage() -> bool:
            for path in PAGES:
                assert web.get(path).status == 200, path
            return time.monotonic() - down >= OUTAGE_SECONDS

        wait_until(pages_answered_through_the_outage, timeout=OUTAGE_SECONDS + 30, interval=0.5)
        private_redis.start()
        back = time.monotonic()

        settings.ALERTS_REPUBLISH_AFTER_SECONDS = 0

        def alert_sent_after_sweeping() -> bool:
            if any(m.to == "reader@example.org" for m in smtp.messages):
                return True
            if worker.process is not None and worker.process.poll() is not None:
                worker.restart()  # what compose's restart policy does for a worker that exited
            alerts_services.alerts_sweep()  # what beat does every minute
            return False

        wait_until(
            alert_sent_after_sweeping,
            timeout=90,
            interval=1,
            what="the alert the outage held back",
            diagnosis=worker.log_tail,
        )
        print(f"\nrecovery: alert sent {time.monotonic() - back:.2f} s after Redis was back")
        worker.wait_until_idle()
        assert Counter(m.to for m in smtp.messages) == Counter(["reader@example.org"])
        assert web.get("/api/v1/labs").status == 200  # Redis counts afresh
        assert web.process is not None and web.process.poll() is None
    finally:
        worker.stop()
        web.stop()
