"""Keeping the files in step with the record: marked out of date with the change, rebuilt once
the record has been quiet, never twice at once, a failure recorded and the old files kept."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from apps.claims import services as claims
from apps.exports import selectors
from apps.exports.conf import exports_conf
from apps.exports.models import STATE_ID, ExportState
from apps.exports.services import Outcome, exports_rebuild, exports_tick, state_get
from config.celery import app as celery_app
from tests.factories import company_make, statement_make
from tests.support.exports import csv_dicts, jsonl_objects, sha256

pytestmark = pytest.mark.django_db

DEBOUNCE = 300.0


@pytest.fixture
def debounce(settings: Any) -> float:
    settings.EXPORTS_DEBOUNCE_SECONDS = DEBOUNCE
    return DEBOUNCE


def later(seconds: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=seconds)


def statement_ids(directory: Path) -> set[int]:
    return {int(row["id"]) for row in csv_dicts(directory / "statements.csv")}


def built_clean(directory: Path) -> ExportState:
    """A first build (due at once: nothing was ever built), leaving the files current."""
    assert exports_rebuild() is Outcome.BUILT
    assert (directory / "manifest.json").exists()
    return state_get()


def test_a_publish_marks_the_files_out_of_date_in_its_own_transaction(debounce: float) -> None:
    lab = company_make()
    draft = statement_make(company=lab)
    assert not ExportState.objects.exists()

    with pytest.raises(RuntimeError), transaction.atomic():
        claims.statement_publish(statement=draft, user=None)
        assert state_get().dirty_at is not None
        raise RuntimeError("the publish rolls back")
    assert not ExportState.objects.filter(dirty_at__isnull=False).exists()

    claims.statement_publish(statement=draft, user=None)
    first_mark = state_get().dirty_at
    assert first_mark is not None
    statement_make(company=lab, publish=True)
    assert state_get().dirty_at == first_mark  # the first change the files lack is kept


@pytest.mark.slow
def test_two_publishes_in_a_row_make_one_rebuild_once_the_debounce_has_passed(
    exports_dir: Path, debounce: float
) -> None:
    lab = company_make()
    state = built_clean(exports_dir)
    assert state.builds == 1 and state.dirty_at is None
    one = statement_make(company=lab, publish=True)
    two = statement_make(company=lab, publish=True)

    assert exports_rebuild(now=later(debounce / 2)) is Outcome.WAITING
    assert statement_ids(exports_dir) == set()
    assert exports_rebuild(now=later(debounce + 1)) is Outcome.BUILT
    assert statement_ids(exports_dir) == {one.pk, two.pk}
    assert exports_rebuild(now=later(2 * debounce + 2)) is Outcome.CLEAN
    assert state_get().builds == 2


@pytest.mark.slow
def test_rebuilds_start_at_least_the_debounce_apart(exports_dir: Path, debounce: float) -> None:
    lab = company_make()
    built_clean(exports_dir)
    # A change the files lack from long ago is due, but the last build began just now.
    ExportState.objects.filter(pk=STATE_ID).update(dirty_at=later(-10 * debounce))
    assert exports_rebuild() is Outcome.WAITING
    statement_make(company=lab, publish=True)
    assert exports_rebuild(now=later(debounce - 5)) is Outcome.WAITING
    assert exports_rebuild(now=later(debounce + 5)) is Outcome.BUILT


def test_a_build_that_is_running_is_not_started_again(exports_dir: Path, settings: Any) -> None:
    settings.EXPORTS_DEBOUNCE_SECONDS = 0
    settings.EXPORTS_CLAIM_TIMEOUT_SECONDS = 600
    built_clean(exports_dir)
    statement_make(company=company_make(), publish=True)
    # Another worker holds the claim: it began a minute ago.
    ExportState.objects.filter(pk=STATE_ID).update(claim="another", claimed_at=later(-60))
    before = sha256(exports_dir / "statements.csv")

    assert exports_rebuild(now=later(1)) is Outcome.BUSY
    assert exports_tick(enqueue_rebuild=pytest.fail, now=later(1)) is Outcome.BUSY
    assert sha256(exports_dir / "statements.csv") == before
    assert state_get().builds == 1

    # Past the claim timeout its worker is taken for dead, and the build is taken over.
    assert exports_rebuild(now=later(601)) is Outcome.BUILT
    assert sha256(exports_dir / "statements.csv") != before
    assert state_get().claim == ""


@pytest.mark.slow
def test_the_tick_finds_a_retraction_that_no_event_announced(
    exports_dir: Path, debounce: float
) -> None:
    lab = company_make()
    kept = statement_make(company=lab, publish=True)
    withdrawn = statement_make(company=lab, publish=True)
    built_clean(exports_dir)
    assert statement_ids(exports_dir) == {kept.pk, withdrawn.pk}

    claims.statement_retract(statement=withdrawn, user=None, reason="The report was wrong.")
    # Whatever the stance recompute announced, the tick alone must find the retraction.
    ExportState.objects.filter(pk=STATE_ID).update(dirty_at=None)
    queued: list[bool] = []
    assert exports_tick(enqueue_rebuild=lambda: queued.append(True)) is Outcome.WAITING
    assert state_get().dirty_at is not None and not queued
    assert exports_tick(enqueue_rebuild=lambda: queued.append(True), now=later(debounce + 1)) == (
        Outcome.QUEUED
    )
    assert queued == [True]

    assert exports_rebuild(now=later(debounce + 1)) is Outcome.BUILT
    assert statement_ids(exports_dir) == {kept.pk}
    assert [item["statement_id"] for item in jsonl_objects(exports_dir / "retractions.jsonl")] == [
        withdrawn.pk
    ]
    # Built from that change on, the next tick has nothing new to report.
    assert exports_tick(enqueue_rebuild=pytest.fail, now=later(3 * debounce)) is Outcome.CLEAN


def test_the_first_tick_on_a_new_site_queues_a_build_at_once(exports_dir: Path) -> None:
    queued: list[bool] = []
    assert exports_tick(enqueue_rebuild=lambda: queued.append(True)) is Outcome.QUEUED
    assert queued == [True]
    assert state_get().checked_at is not None


@pytest.mark.slow
def test_a_failed_build_keeps_the_old_files_says_why_and_is_tried_again(
    exports_dir: Path, debounce: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab = company_make()
    built_clean(exports_dir)
    before = {path.name: sha256(path) for path in exports_dir.iterdir()}
    statement_make(company=lab, publish=True)

    def broken(*, chunk_size: int) -> selectors.Rows:
        raise OSError("No space left on device")
        yield {}

    monkeypatch.setitem(selectors.ROWS, "stance_history", broken)
    assert exports_rebuild(now=later(debounce + 1)) is Outcome.FAILED
    state = state_get()
    assert state.last_error == "OSError: No space left on device"
    assert state.last_failed_at is not None and state.claim == "" and state.builds == 1
    assert state.dirty_at is not None  # still out of date: the next try will come
    assert {path.name: sha256(path) for path in exports_dir.iterdir()} == before

    monkeypatch.undo()
    assert exports_rebuild(now=later(debounce + 2)) is Outcome.WAITING  # not back to back
    assert exports_rebuild(now=later(2 * debounce + 2)) is Outcome.BUILT
    assert len(statement_ids(exports_dir)) == 1


def test_the_tasks_run_on_the_maintenance_queue_and_beat_ticks_every_minute(
    settings: Any,
) -> None:
    router = celery_app.amqp.router
    for name in ("exports.tick", "exports.rebuild"):
        assert router.route({}, name)["queue"].name == "maintenance"
    schedule = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["exports.tick"]["schedule"] == 60.0
    celery_app.loader.import_default_modules()
    rebuild = celery_app.tasks["exports.rebuild"]
    # A build at a million statements runs minutes: far past the project's default limits,
    # and the claim outlives the task's hard limit.
    assert rebuild.time_limit is not None
    assert rebuild.time_limit > settings.CELERY_TASK_TIME_LIMIT
    assert exports_conf().claim_timeout_seconds > rebuild.time_limit
