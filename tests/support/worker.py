"""A real Celery worker process for integration tests, against the test database and Redis.

Tests that use it must see committed data (pytest's ``transactional_db``), because the worker is
another process with its own database connection.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from config.celery import app
from tests.support.broker import queue_size
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]


def database_url_for_tests() -> str:
    """The URL of the database pytest-django created, for processes that must share it."""
    db = connection.settings_dict
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class CeleryWorker:
    """Start, stop, kill and restart `celery worker` as a subprocess."""

    def __init__(
        self,
        *,
        queues: tuple[str, ...] | None = None,
        concurrency: int = 2,
        extra_env: dict[str, str] | None = None,
        log_path: Path | None = None,
    ) -> None:
        # Every queue by default, as `make run`'s one worker does (settings.TASK_QUEUE_NAMES).
        self.queues = queues or tuple(settings.TASK_QUEUE_NAMES)
        self.concurrency = concurrency
        self.extra_env = extra_env or {}
        self.name = f"test-{uuid.uuid4().hex[:8]}@localhost"
        self.log_path = log_path or Path(ROOT, "test-output", "workers", f"{self.name}.log")
        self.process: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": database_url_for_tests(),
            "REDIS_URL": settings.CELERY_BROKER_URL,
            "FETCH_ALLOW_PRIVATE": "1" if settings.FETCH_ALLOW_PRIVATE else "0",
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }

    def start(self, timeout: float = 30.0) -> CeleryWorker:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker",
                "--loglevel", "INFO", "--hostname", self.name,
                "--concurrency", str(self.concurrency), "--queues", ",".join(self.queues),
                "--without-gossip", "--without-mingle",
            ],
            cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            wait_until(self._answers_ping, timeout=timeout, interval=0, what="the worker's pong")
        except AssertionError:
            self.kill()
            raise RuntimeError(
                f"Celery worker did not answer within {timeout}s; see {self.log_path}"
            ) from None
        return self

    def _answers_ping(self) -> bool:
        self._check_running()
        return bool(app.control.ping(destination=[self.name], timeout=0.5))

    def _check_running(self) -> None:
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"Celery worker {self.name} is not running; see {self.log_path}")

    def _observe(self) -> tuple[bool, Any]:
        """(nothing queued, reserved, running or scheduled; the counts of tasks it has started).

        The queues are read before and after asking the worker, so that a message moving from
        the queue into the worker between two questions is seen in one place or the other.
        """
        queued = sum(queue_size(queue) for queue in self.queues)
        inspect = app.control.inspect(destination=[self.name], timeout=2.0)
        held = [inspect.active(), inspect.reserved(), inspect.scheduled()]
        stats = inspect.stats()
        queued += sum(queue_size(queue) for queue in self.queues)
        if stats is None or any(reply is None for reply in held):
            return False, None  # no answer: not known to be idle
        busy = bool(queued) or any(reply[self.name] for reply in held if reply)
        return not busy, stats[self.name].get("total")

    def wait_until_idle(self, timeout: float = 60.0) -> None:
        """Wait until the worker has finished everything there is for it to do.

        The positive sign a test needs before it asserts that something did *not* happen (no
        second mail, no new row): its queues are empty and it holds no task, twice in a row,
        and it started no task in between (a task that ran entirely between the two looks
        shows in its count of started tasks).
        """
        previous: list[Any] = []

        def settled() -> bool:
            self._check_running()
            idle, started = self._observe()
            if not idle:
                previous.clear()
                return False
            if previous and previous[0] == started:
                return True
            previous[:] = [started]
            return False

        wait_until(
            settled,
            timeout=timeout,
            interval=0.1,
            what=f"worker {self.name} to be idle",
            diagnosis=self.log_tail,
        )

    def stop(self, timeout: float = 20.0) -> None:
        """Warm shutdown: finish what is running, then exit."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL the whole process group, as a crash or an OOM kill would."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def restart(self) -> CeleryWorker:
        self.kill()
        self.name = f"test-{uuid.uuid4().hex[:8]}@localhost"
        return self.start()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, chars: int = 3000) -> str:
        """The end of the log, for a failure message."""
        return f"worker log:\n{self.log()[-chars:]}"
