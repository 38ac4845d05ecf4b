"""A redis-server of the test's own on a free loopback port, so stopping it disturbs nobody.

No persistence: what its lists held dies with it, as in the worst Redis outage (a restart on a
host without its data). :func:`celery_point_at` makes this process publish to it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from kombu import pools

from config.celery import app as celery_app
from tests.support.smtpserver import free_port
from tests.support.waiting import wait_until

__all__ = ["PrivateRedis", "celery_point_at"]


class PrivateRedis:
    """Start and stop one redis-server (``directory`` is its working directory)."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(self._answers_ping, timeout=10, what="the private redis-server to start")

    def _answers_ping(self) -> bool:
        probe = subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, check=False
        )
        return probe.stdout.strip() == b"PONG"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def celery_point_at(url: str) -> None:
    """Make this process publish to ``url``: Celery caches its broker pools after first use."""
    app: Any = celery_app
    app.conf.broker_url = url
    # kombu keeps pools in a registry keyed by connection: closing one without resetting the
    # registry leaves a closed pool that the next user of the original URL would be handed.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
