"""What the test run changes in its own settings: a fast password hasher, and under pytest-xdist
one Redis database per worker.

tests/conftest.py applies both when pytest starts (in each xdist worker too), after
config/settings.py has been read; config/settings.py itself knows nothing of tests, so none of
this can reach a server. tests/test_settings.py checks that the settings a server loads still
hash with Django's default.

Redis: every worker shares one Redis server, and the tests both read Celery's queues and empty
the cache (``cache.clear()`` is FLUSHDB, which empties Celery's queues as well). So worker
``gwN`` uses the database ``N`` places after REDIS_URL's: a run with ``-n 2`` on
``redis://127.0.0.1:6379/1`` uses databases 1 and 2. PostgreSQL needs nothing of the kind:
pytest-django gives each worker a test database of its own (``test_<name>_gw0``, ...).
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.test import override_settings

from config.celery import app as celery_app

__all__ = [
    "FAST_PASSWORD_HASHERS",
    "password_hashing_fast",
    "redis_url_for_worker",
    "run_settings_apply",
    "xdist_worker_index",
]

#: PBKDF2 spends a third of a second on each password on purpose; a login test makes a dozen
#: attempts. MD5 proves the same things (a right password logs in, a wrong one does not).
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def xdist_worker_index() -> int:
    """0 for ``gw0`` (and for a run without xdist), 1 for ``gw1``, and so on."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker.removeprefix("gw")) if worker.startswith("gw") else 0


def redis_url_for_worker(url: str, index: int) -> str:
    """``url`` with its database number moved ``index`` places on (none in the URL is 0)."""
    parts = urlsplit(url)
    path = parts.path.strip("/")
    database = int(path) if path else 0
    return urlunsplit(parts._replace(path=f"/{database + index}"))


def password_hashing_fast() -> override_settings:
    """Hash with :data:`FAST_PASSWORD_HASHERS` in this process from now on; returns the override.

    Also for a subprocess that a test starts and that must check the same passwords.
    """
    override = override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS)
    override.enable()  # sends setting_changed, which empties Django's cache of hashers
    return override


def _redis_settings(url: str) -> dict[str, object]:
    caches = {name: dict(cache) for name, cache in settings.CACHES.items()}
    caches["default"]["LOCATION"] = url
    return {"REDIS_URL": url, "CACHES": caches, "CELERY_BROKER_URL": url}


def run_settings_apply() -> list[override_settings]:
    """The test run's settings, applied; conftest disables the returned overrides at the end."""
    overrides = [password_hashing_fast()]
    index = xdist_worker_index()
    if not settings.REDIS_URL or index == 0:
        return overrides
    url = redis_url_for_worker(settings.REDIS_URL, index)
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as error:
        raise pytest.UsageError(
            f"xdist worker gw{index} needs the Redis database {url} and cannot use it ({error}). "
            "Run fewer workers (-n), or set REDIS_URL to a lower database number."
        ) from error
    override = override_settings(**_redis_settings(url))
    override.enable()  # setting_changed for CACHES drops Django's cache connections
    overrides.append(override)
    # Celery read the broker from the settings, or will on first use: tell it either way.
    app: Any = celery_app
    app.conf.broker_url = url
    # Processes the tests start (a Celery worker, a second login client) inherit this.
    os.environ["REDIS_URL"] = url
    return overrides
