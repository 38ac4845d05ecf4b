"""Fixtures for the alert tests: a real SMTP server, a worker that mails it, subscribers."""

from __future__ import annotations

import base64
import datetime
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from apps.alerts import services
from apps.alerts.models import Frequency, Subscriber, Subscription
from apps.catalog.models import AIModel, Company
from config.celery import app as celery_app
from tests.support.smtpserver import SMTPServer
from tests.support.worker import CeleryWorker


@pytest.fixture
def smtp(settings: Any) -> Iterator[SMTPServer]:
    """A running SMTP server; Django's default mailer points at it."""
    server = SMTPServer().start()
    settings.MAILERS = server.mailer_settings()
    settings.SITE_URL = "http://testserver"
    yield server
    server.stop()


@pytest.fixture
def mail_worker(transactional_db: None, settings: Any, smtp: SMTPServer) -> Iterator[CeleryWorker]:
    """A real Celery worker on Redis and the test database, mailing the test SMTP server."""
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.fail("Worker tests need REDIS_URL (make test sets it).")
    celery_app.control.purge()
    worker = CeleryWorker(extra_env={**smtp.env(), "SITE_URL": "http://testserver"}).start()
    yield worker
    worker.stop()


# Every alerts.* task is routed here (settings.CELERY_TASK_ROUTES).
ALERTS_QUEUE = "alerts"


def _queue() -> Any:
    """The Redis client behind Celery's queues (these tests run on Redis)."""
    connection = celery_app.connection_for_write()
    channel: Any = connection.default_channel
    return connection, channel.client


def queued_task_names() -> list[str]:
    """The tasks waiting in the alerts queue, oldest first, read from the broker itself."""
    connection, client = _queue()
    with connection:
        raw = client.lrange(ALERTS_QUEUE, 0, -1)
    return [json.loads(item)["headers"]["task"] for item in reversed(raw)]


def queued_tasks_take(name: str) -> list[list[Any]]:
    """Take the queued ``name`` tasks off the queue, oldest first; return their arguments."""
    connection, client = _queue()
    taken = []
    with connection:
        for item in reversed(client.lrange(ALERTS_QUEUE, 0, -1)):
            message = json.loads(item)
            if message["headers"]["task"] == name and client.lrem(ALERTS_QUEUE, 1, item):
                args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
                taken.append(args)
    return taken


def confirmations_send_queued() -> int:
    """Do in this process what a worker would: send the queued confirmation mails.

    The task is a thin wrapper over services.confirmation_send, so this runs the same code.
    """
    queued = queued_tasks_take("alerts.confirmation_send")
    for (request_id,) in queued:
        services.confirmation_send(request_id=request_id)
    return len(queued)


def subscriber_make(
    email: str,
    *,
    company: Company | None = None,
    ai_model: AIModel | None = None,
    language: str = "en",
    frequency: str = Frequency.INSTANT,
    confirmed: bool = True,
    **kinds: bool,
) -> Subscriber:
    """A subscriber as if it had confirmed (the confirm path has its own tests)."""
    subscriber = Subscriber.objects.create(
        email=email,
        language=language,
        confirmed_at=timezone.now() - datetime.timedelta(days=1) if confirmed else None,
    )
    Subscription.objects.create(
        subscriber=subscriber,
        company=company,
        ai_model=ai_model,
        frequency=frequency,
        stance_changes=kinds.get("stance_changes", True),
        statements=kinds.get("statements", False),
        model_status=kinds.get("model_status", False),
    )
    return subscriber
