"""Fixtures for the alert tests: a worker that mails the SMTP server (tests/conftest.py's
``smtp``).

Helpers that test modules import live in tests/support/ (alerts.py, broker.py), not here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from config.celery import app as celery_app
from tests.support.smtpserver import SMTPServer
from tests.support.worker import CeleryWorker


@pytest.fixture
def mail_worker(transactional_db: None, settings: Any, smtp: SMTPServer) -> Iterator[CeleryWorker]:
    """A real Celery worker on Redis and the test database, mailing the test SMTP server."""
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.fail("Worker tests need REDIS_URL (make test sets it).")
    celery_app.control.purge()
    worker = CeleryWorker(extra_env={**smtp.env(), "SITE_URL": "http://testserver"}).start()
    yield worker
    worker.stop()


@pytest.fixture
def datasets_on_loopback(settings: Any) -> None:
    """Dataset imports may read the loopback test server, and never fall back to an upstream."""
    settings.FETCH_ALLOW_PRIVATE = True
    settings.SITE_URL = "http://testserver"
    settings.DATASETS_EPOCH_URL = ""
    settings.DATASETS_MOT_URL = ""
    settings.DATASETS_OSAI_URL = ""
