"""Fixtures for the apps.lib tests. Self-contained so they can move to tests/conftest.py as is."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from apps.lib.fetch import robots_cache_clear
from tests.support.httpserver import LocalHTTPServer, ipv6_loopback_available


@pytest.fixture
def http_server() -> Iterator[LocalHTTPServer]:
    """A running :class:`LocalHTTPServer` on 127.0.0.1 and a free port, stopped afterwards."""
    with LocalHTTPServer("127.0.0.1") as server:
        yield server


@pytest.fixture
def http_server_ipv6() -> Iterator[LocalHTTPServer]:
    """The same on ``::1``; skips only when this machine cannot bind an IPv6 loopback socket."""
    if not ipv6_loopback_available():
        pytest.skip("this machine has no IPv6 loopback")
    with LocalHTTPServer("::1") as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh_robots_cache() -> Iterator[None]:
    """robots.txt answers are cached per origin; ports are reused, so start every test clean."""
    robots_cache_clear()
    yield
    robots_cache_clear()
