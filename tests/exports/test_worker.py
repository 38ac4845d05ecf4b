"""Integration: a real Celery worker and beat on Redis and PostgreSQL rebuild the files after
editors publish, once for a burst of changes, after the debounce."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from apps.exports.services import Outcome, exports_rebuild, state_get
from config.celery import app as celery_app
from tests.factories import company_make, statement_make
from tests.support.exports import csv_dicts
from tests.support.waiting import wait_until
from tests.support.worker import ROOT, CeleryWorker

pytestmark = [pytest.mark.worker, pytest.mark.slow]

DEBOUNCE_SECONDS = 3


@pytest.fixture
def exports_worker(
    transactional_db: None, exports_dir: Path, settings: Any, tmp_path: Path
) -> Iterator[CeleryWorker]:
    """A worker and beat that share this test's EXPORTS_DIR and debounce, beat ticking each
    second, started on files built just before (so that their first tick finds them current)."""
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.fail("Worker tests need REDIS_URL (make test sets it).")
    settings.EXPORTS_DEBOUNCE_SECONDS = DEBOUNCE_SECONDS
    assert exports_rebuild() is Outcome.BUILT
    env = {
        "EXPORTS_DIR": str(exports_dir),
        "EXPORTS_DEBOUNCE_SECONDS": str(DEBOUNCE_SECONDS),
        "EXPORTS_TICK_SECONDS": "1",
    }
    celery_app.control.purge()
    worker = CeleryWorker(extra_env=env).start()
    log = (tmp_path / "beat.log").open("wb")
    beat = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO",
            "--schedule", str(tmp_path / "beat-schedule"), "--max-interval", "1",
        ],
        cwd=ROOT, env=worker.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        yield worker
    finally:
        os.killpg(beat.pid, 15)
        beat.wait(timeout=10)
        log.close()
        worker.stop()


def test_two_publishes_in_a_row_make_one_rebuild_after_the_debounce(
    exports_worker: CeleryWorker, exports_dir: Path
) -> None:
    lab = company_make()
    assert csv_dicts(exports_dir / "statements.csv") == []  # built before the worker started
    assert state_get().builds == 1

    first_publish = timezone.now()
    one = statement_make(company=lab, publish=True)
    two = statement_make(company=lab, publish=True)

    wait_until(
        lambda: state_get().builds == 2,
        timeout=60,
        what="the worker to rebuild the files",
        diagnosis=exports_worker.log_tail,
    )
    state = state_get()
    assert {int(row["id"]) for row in csv_dicts(exports_dir / "statements.csv")} == {one.pk, two.pk}
    assert state.last_started_at is not None
    assert state.last_started_at >= first_publish + datetime.timedelta(seconds=DEBOUNCE_SECONDS)
    # Beat goes on ticking (the positive sign): three more ticks, and no second rebuild.
    finished = state.last_finished_at
    assert finished is not None
    wait_until(
        lambda: (
            (checked := state_get().checked_at) is not None
            and checked > finished + datetime.timedelta(seconds=3)
        ),
        timeout=30,
        what="three more ticks",
        diagnosis=exports_worker.log_tail,
    )
    exports_worker.wait_until_idle()
    state = state_get()
    assert state.builds == 2 and state.dirty_at is None and state.last_error == ""
    assert "exports.rebuild" in exports_worker.log()
