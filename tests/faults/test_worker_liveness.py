"""A worker that stops consuming while its process lives is reported stale; a working one is
reported live (apps/site/liveness.py, `manage.py workerlive`, docker-compose's healthchecks).

The stall is made with SIGSTOP on the worker's whole process group: the process exists, as a
stalled consumer's does, and runs nothing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from apps.site.liveness import worker_liveness
from tests.support.waiting import wait_until
from tests.support.worker import ROOT, CeleryWorker

MAX_AGE = 4.0


def workerlive(worker: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "workerlive", "--worker", worker, "--max-age", "60"],
        cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.mark.worker
def test_a_paused_worker_is_reported_stale_and_a_consuming_one_live(
    celery_worker: CeleryWorker,
) -> None:
    name = celery_worker.name
    assert not worker_liveness(worker=name, max_age=MAX_AGE).live, "no probe run yet"
    wait_until(
        lambda: worker_liveness(worker=name, max_age=MAX_AGE).live,
        timeout=30,
        interval=0.5,
        what="the worker to run a heartbeat probe",
        diagnosis=celery_worker.log_tail,
    )
    done = workerlive(name)
    assert done.returncode == 0, done.stderr
    assert "live" in done.stdout

    assert celery_worker.process is not None
    os.killpg(celery_worker.process.pid, signal.SIGSTOP)
    try:
        # Probes keep being sent (one per check) and none is run: the heartbeat grows old.
        stale = wait_until(
            lambda: (lambda s: s if not s.live else None)(
                worker_liveness(worker=name, max_age=MAX_AGE)
            ),
            timeout=30,
            interval=0.5,
            what="the paused worker to be reported stale",
        )
        assert stale.age is not None and stale.age > MAX_AGE
        assert celery_worker.process.poll() is None, "the process is alive all the while"
    finally:
        os.killpg(celery_worker.process.pid, signal.SIGCONT)
    resumed = time.monotonic()
    wait_until(
        lambda: worker_liveness(worker=name, max_age=MAX_AGE).live,
        timeout=30,
        interval=0.5,
        what="the resumed worker to run a probe again",
        diagnosis=celery_worker.log_tail,
    )
    print(f"\nrecovery: live again {time.monotonic() - resumed:.2f} s after SIGCONT")


@pytest.mark.process
def test_the_command_exits_1_for_a_worker_that_never_consumed_a_probe() -> None:
    done = workerlive("nobody@nowhere")
    assert done.returncode == 1
    assert "stale, last heartbeat never" in done.stderr
