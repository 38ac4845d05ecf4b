"""A worker that stops consuming while its process lives is reported stale; a working one is
reported live (apps/site/liveness.py, `manage.py workerlive`, docker-compose's healthchecks).

Two stalls: SIGSTOP on the worker's whole process group (the process exists, as a stalled
consumer's does, and runs nothing), and a worker whose task consumers are cancelled with
Celery's remote control (``cancel_consumer`` for every queue it reads, its direct queue too)
while its control channel stays up: it still answers ``celery inspect ping``, which is why ping
is no liveness check, and consumes nothing, which workerlive sees.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from celery.utils.nodenames import worker_direct

from apps.site.liveness import worker_liveness
from config.celery import app as celery_app
from tests.support.waiting import wait_until
from tests.support.worker import ROOT, CeleryWorker

MAX_AGE = 4.0


def workerlive(worker: str, max_age: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "workerlive", "--worker", worker,
         "--max-age", f"{max_age:g}"],
        cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def inspect_ping(worker: str) -> subprocess.CompletedProcess[str]:
    """`celery inspect ping`, the check a liveness probe is often built on."""
    return subprocess.run(
        [sys.executable, "-m", "celery", "-A", "config", "inspect", "ping", "-d", worker,
         "--timeout", "5"],
        cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def consumed_from(worker: str) -> set[str]:
    """The queues ``worker`` says it consumes (``celery inspect active_queues``)."""
    replies = celery_app.control.inspect([worker], timeout=5).active_queues()
    assert replies is not None, f"{worker} did not answer"
    return {queue["name"] for queue in replies[worker]}


def live_soon(worker: CeleryWorker, what: str) -> None:
    wait_until(
        lambda: worker_liveness(worker=worker.name, max_age=MAX_AGE).live,
        timeout=30,
        interval=0.5,
        what=what,
        diagnosis=worker.log_tail,
    )


def stale_soon(worker: str, what: str) -> float:
    """Wait until ``worker`` is reported stale; returns the heartbeat's age then."""
    stale = wait_until(
        lambda: (lambda s: s if not s.live else None)(
            worker_liveness(worker=worker, max_age=MAX_AGE)
        ),
        timeout=30,
        interval=0.5,
        what=what,
    )
    assert stale.age is not None and stale.age > MAX_AGE
    return stale.age


@pytest.mark.worker
def test_a_paused_worker_is_reported_stale_and_a_consuming_one_live(
    celery_worker: CeleryWorker,
) -> None:
    name = celery_worker.name
    assert not worker_liveness(worker=name, max_age=MAX_AGE).live, "no probe run yet"
    live_soon(celery_worker, "the worker to run a heartbeat probe")
    done = workerlive(name)
    assert done.returncode == 0, done.stderr
    assert "live" in done.stdout

    assert celery_worker.process is not None
    os.killpg(celery_worker.process.pid, signal.SIGSTOP)
    try:
        # Probes keep being sent (one per check) and none is run: the heartbeat grows old.
        stale_soon(name, "the paused worker to be reported stale")
        assert celery_worker.process.poll() is None, "the process is alive all the while"
    finally:
        os.killpg(celery_worker.process.pid, signal.SIGCONT)
    resumed = time.monotonic()
    live_soon(celery_worker, "the resumed worker to run a probe again")
    print(f"\nrecovery: live again {time.monotonic() - resumed:.2f} s after SIGCONT")


@pytest.mark.worker
def test_a_worker_that_answers_ping_but_consumes_nothing_is_reported_stale(
    celery_worker: CeleryWorker,
) -> None:
    name = celery_worker.name
    live_soon(celery_worker, "the worker to run a heartbeat probe")
    queues = [*celery_worker.queues, worker_direct(name).name]
    assert consumed_from(name) == set(queues), "every queue it reads, its direct queue among them"

    for queue in queues:
        reply = celery_app.control.cancel_consumer(queue, destination=[name], reply=True)
        assert reply and "ok" in reply[0][name], reply
    assert consumed_from(name) == set(), "consuming nothing"

    stale_soon(name, "the worker consuming nothing to be reported stale")
    pinged = inspect_ping(name)
    assert pinged.returncode == 0 and "pong" in pinged.stdout, pinged.stdout + pinged.stderr
    done = workerlive(name, max_age=MAX_AGE)
    assert done.returncode == 1, done.stdout
    assert f"{name}: stale" in done.stderr
    assert celery_worker.process is not None and celery_worker.process.poll() is None

    for queue in queues:
        reply = celery_app.control.add_consumer(queue, destination=[name], reply=True)
        assert reply and "ok" in reply[0][name], reply
    resumed = time.monotonic()
    live_soon(celery_worker, "the worker consuming again to run a probe")
    print(f"\nrecovery: live again {time.monotonic() - resumed:.2f} s after add_consumer")
    done = workerlive(name, max_age=60)
    assert done.returncode == 0, done.stderr
    assert f"{name}: live" in done.stdout


@pytest.mark.process
def test_the_command_exits_1_for_a_worker_that_never_consumed_a_probe() -> None:
    done = workerlive("nobody@nowhere")
    assert done.returncode == 1
    assert "stale, last heartbeat never" in done.stderr
