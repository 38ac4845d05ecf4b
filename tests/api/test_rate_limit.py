"""The per-client rate limit on a real Redis: counted per address, shared between processes,
answered with a clear 429, and failing open to per-process counts when Redis is away."""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client

from apps.api.ratelimit import rate_key
from tests.api.helpers import API

pytestmark = pytest.mark.django_db

LIMIT = 5
_addresses = itertools.count(1)


def _address() -> str:
    """A client address of the documentation range, new for every client (and every run, as
    far as Redis's window goes): only a string here, nothing is sent to it."""
    return f"192.0.2.{next(_addresses) % 250 + 1}"


@pytest.fixture
def small_limit(settings: Any) -> Iterator[None]:
    if not str(django_settings.CACHES["default"]["BACKEND"]).endswith("RedisCache"):
        pytest.fail("Rate-limit tests need REDIS_URL (make test sets it).")
    settings.API_RATE_LIMIT = LIMIT
    settings.API_RATE_WINDOW_SECONDS = 3600
    yield


def _clear(address: str) -> None:
    import time

    window = int(time.time() // 3600)
    cache.delete_many([rate_key(address, window), rate_key(address, window + 1)])


def test_each_client_has_its_own_count_and_the_one_over_it_gets_a_clear_429(
    small_limit: None,
) -> None:
    first, second = _address(), _address()
    _clear(first)
    _clear(second)
    reader, other = Client(REMOTE_ADDR=first), Client(REMOTE_ADDR=second)
    remaining = []
    for _ in range(LIMIT):
        response = reader.get(f"{API}/")
        assert response.status_code == 200
        assert response["RateLimit-Limit"] == str(LIMIT)
        remaining.append(int(response["RateLimit-Remaining"]))
    assert remaining == [4, 3, 2, 1, 0]

    refused = reader.get(f"{API}/labs")
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "rate_limited"
    assert "5 per 3600 seconds" in body["message"]
    retry_after = int(refused["Retry-After"])
    assert 0 < retry_after <= 3600
    assert refused["RateLimit-Remaining"] == "0"
    assert int(refused["RateLimit-Reset"]) == retry_after
    assert refused["Access-Control-Allow-Origin"] == "*"  # a browser script can read why

    # The other client is untouched by the first one's count.
    assert other.get(f"{API}/").status_code == 200
    assert other.get(f"{API}/")["RateLimit-Remaining"] == str(LIMIT - 2)
    # Preflights are not counted; the site outside /api/ is not limited.
    assert reader.options(f"{API}/labs").status_code == 204
    assert reader.get("/healthz").status_code == 200


@pytest.mark.process
def test_the_count_is_shared_with_another_process(small_limit: None) -> None:
    """Another Python process, with its own connection to the same Redis, spends most of this
    client's allowance; this process sees it at once."""
    address = _address()
    _clear(address)
    script = (
        "import django; django.setup()\n"
        "from apps.api.ratelimit import rate_limit_hit\n"
        f"states = [rate_limit_hit(client={address!r}) for _ in range({LIMIT - 1})]\n"
        "assert all(s.shared for s in states), states\n"
        "print(states[-1].remaining)\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "API_RATE_LIMIT": str(LIMIT),
        "API_RATE_WINDOW_SECONDS": "3600",
        "LOG_LEVEL": "WARNING",
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "1"

    client = Client(REMOTE_ADDR=address)
    last = client.get(f"{API}/")
    assert last.status_code == 200
    assert last["RateLimit-Remaining"] == "0"
    assert client.get(f"{API}/").status_code == 429


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the block ends


def test_without_redis_it_fails_open_to_a_per_process_limit(
    small_limit: None,
    settings: Any,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("apps.api.ratelimit._last_warning", [0.0])  # warn in this test too
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    }
    client = Client(REMOTE_ADDR=_address())
    answers = [client.get(f"{API}/") for _ in range(LIMIT + 1)]
    assert [a.status_code for a in answers] == [200] * LIMIT + [429]
    # No cache: no Last-Modified (never a guessed one), but the ETag still works.
    assert "Last-Modified" not in answers[0]
    assert answers[0]["ETag"]
    assert "Redis is unreachable" in caplog.text
