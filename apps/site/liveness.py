"""Worker liveness that proves consumption, not just a live process.

A Celery worker can stay alive and answer ``inspect ping`` (its control channel) while its
task consumer has stopped taking messages, as workers have been seen to do after a broker
connection reset. So the check sends the worker a task and asks when it last ran one:

* every worker also consumes a queue of its own, named after its hostname
  (``CELERY_WORKER_DIRECT``: ``<hostname>.dq2``), through the same consumer as its real queues;
* :func:`heartbeat_probe` puts a ``site.worker_heartbeat`` task on that queue; the worker that
  runs it records the time under its own hostname in the cache (Redis);
* :func:`worker_liveness` says how long ago that was, and sends the next probe. A worker that
  has run none for ``max_age`` seconds is stale (``manage.py workerlive``; docker-compose.yml
  runs it as each worker's healthcheck, README "Production").

A worker busy with long tasks runs the probe when a process is free, so ``max_age`` must exceed
the longest task (CELERY_TASK_TIME_LIMIT) plus the check's interval.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from celery import current_app
from celery.utils.nodenames import worker_direct
from django.core.cache import cache

__all__ = [
    "HEARTBEAT_TASK",
    "Liveness",
    "heartbeat_probe",
    "heartbeat_record",
    "worker_liveness",
]

HEARTBEAT_TASK = "site.worker_heartbeat"


def _key(worker: str) -> str:
    return f"worker-heartbeat:{worker}"


def heartbeat_record(*, worker: str, now: float | None = None) -> None:
    """The probe ran on ``worker`` (the body of the heartbeat task)."""
    cache.set(_key(worker), time.time() if now is None else now, timeout=None)


def heartbeat_probe(*, worker: str, expires: float) -> None:
    """Queue a heartbeat for ``worker`` alone; one it has not run within ``expires`` s is
    dropped, so a stalled worker's backlog of probes stays short."""
    # Celery takes a Queue here as well as a name (its stubs say only a name).
    queue: Any = worker_direct(worker)
    current_app.send_task(HEARTBEAT_TASK, queue=queue, expires=expires)


@dataclass(frozen=True)
class Liveness:
    live: bool
    #: Seconds since the worker last ran a probe; None if it never has.
    age: float | None


def worker_liveness(*, worker: str, max_age: float, now: float | None = None) -> Liveness:
    """Whether ``worker`` ran a probe within ``max_age`` seconds; sends the next probe."""
    now = time.time() if now is None else now
    last = cache.get(_key(worker))
    age = None if last is None else max(0.0, now - float(last))
    heartbeat_probe(worker=worker, expires=max_age)
    return Liveness(live=age is not None and age <= max_age, age=age)
