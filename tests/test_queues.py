"""Queues: each task goes to its line of work's queue, and the one worker that tests and
`make run` start consumes every queue, on Redis and on the filesystem broker alike."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from celery.schedules import crontab
from django.conf import settings

from config.celery import app as celery_app
from tests.support.smtpserver import free_port
from tests.support.worker import ROOT, CeleryWorker

ROUTES = {
    "ingest.tick": "ingest",
    "ingest.feed_poll": "ingest",
    "ingest.article_ingest": "ingest",
    "ingest.classifier_retrain": "maintenance",
    "alerts.event_fan_out": "alerts",
    "alerts.deliveries_send": "alerts",
    "alerts.digests_send": "alerts",
    "alerts.webhooks_send": "alerts",
    "alerts.confirmation_send": "alerts",
    "alerts.sweep": "alerts",
    "accounts.review_mails_send": "maintenance",
    "claims.commitments_overdue": "maintenance",
}


def queue_of(task_name: str) -> str:
    return str(celery_app.amqp.router.route({}, task_name)["queue"].name)


def test_each_task_goes_to_the_queue_of_its_line_of_work() -> None:
    assert {name: queue_of(name) for name in ROUTES} == ROUTES
    assert queue_of("datasets.sync") == "datasets"
    assert queue_of("maintenance.anything") == "maintenance"


@pytest.mark.django_db  # Celery's Django fixup runs the system checks, and the check of a
# generated column (Statement.search_text) asks PostgreSQL for its version.
def test_every_task_of_ours_has_a_queue_and_none_goes_to_the_old_single_queue() -> None:
    celery_app.loader.import_default_modules()
    ours = {name for name in celery_app.tasks if not name.startswith("celery.")}
    assert set(ROUTES) <= ours, "a task was renamed or removed: update ROUTES"
    for name in ours:
        assert queue_of(name) in settings.TASK_QUEUE_NAMES, name
        assert queue_of(name) != "celery", name
    assert queue_of("some.task_nobody_routed") == "maintenance"


def test_beat_looks_for_overdue_commitments_every_hour() -> None:
    schedule = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    every = schedule["claims.commitments_overdue"]["schedule"]
    assert isinstance(every, crontab)
    assert (every.hour, every.minute) == (set(range(24)), {7})  # type: ignore[attr-defined]


def test_beat_retrains_the_classifier_in_its_own_entry_on_the_maintenance_queue() -> None:
    schedule = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"ingest.tick", "ingest.classifier_retrain", "alerts.sweep"} <= set(schedule)
    assert schedule["ingest.classifier_retrain"]["schedule"] == 600.0
    assert queue_of("ingest.classifier_retrain") == "maintenance"


def succeeded(task_id: str, log: Callable[[], str]) -> Callable[[], bool]:
    return lambda: f"[{task_id}] succeeded" in log()


def wait_for(condition: Callable[[], bool], *, what: str, log: Callable[[], str]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}; log:\n{log()[-4000:]}")


@pytest.mark.worker
def test_one_worker_consumes_a_task_from_every_queue(celery_worker: CeleryWorker) -> None:
    # Real tasks where a queue has a harmless one (an empty database: nothing to do), Celery's
    # own no-op where it has none yet.
    sent = {
        "ingest": celery_app.send_task("ingest.tick").id,
        "alerts": celery_app.send_task("alerts.sweep").id,
        "maintenance": celery_app.send_task("ingest.classifier_retrain").id,
        "datasets": celery_app.send_task("celery.accumulate", args=(1,), queue="datasets").id,
        "celery": celery_app.send_task("celery.accumulate", args=(2,), queue="celery").id,
    }
    assert set(sent) == set(settings.TASK_QUEUE_NAMES)
    for queue, task_id in sent.items():
        wait_for(
            succeeded(task_id, celery_worker.log),
            what=f"the task sent to {queue}",
            log=celery_worker.log,
        )


PUBLISH_TO_EVERY_QUEUE = """
from django.conf import settings
from config.celery import app
for queue in settings.TASK_QUEUE_NAMES:
    print(app.send_task("celery.accumulate", args=(queue,), queue=queue).id)
"""


@pytest.mark.worker
def test_runlocal_serves_and_its_one_worker_consumes_every_queue_on_the_filesystem_broker(
    tmp_path: Path,
) -> None:
    """`make run`'s stack with no servers: SQLite and kombu's filesystem broker in a fresh var/."""
    var_dir = tmp_path / "var"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(APERTURE_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="config.settings")
    output_path = tmp_path / "runlocal.log"
    port = free_port()

    def output() -> str:
        return output_path.read_text(errors="replace")

    with output_path.open("wb") as out:
        runlocal = subprocess.Popen(
            [sys.executable, "manage.py", "runlocal", "--addr", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(lambda: " ready." in output(), what="the local worker", log=output)
        key_file = var_dir / "secret_key"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

        published = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup()\n{PUBLISH_TO_EVERY_QUEUE}"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        task_ids = published.stdout.split()
        assert len(task_ids) == len(settings.TASK_QUEUE_NAMES)
        for task_id in task_ids:
            wait_for(
                succeeded(task_id, output),
                what=f"task {task_id}",
                log=output,
            )

        def web_answers() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    return bool(r.status == 200 and r.headers["X-Request-ID"])
            except OSError:
                return False

        wait_for(web_answers, what="the local web server", log=output)
    finally:
        if runlocal.poll() is None:
            runlocal.send_signal(signal.SIGTERM)
        try:
            runlocal.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(runlocal.pid, signal.SIGKILL)
            runlocal.wait(timeout=10)
    assert runlocal.returncode == 0, output()[-4000:]
    assert "Stopped." in output()
