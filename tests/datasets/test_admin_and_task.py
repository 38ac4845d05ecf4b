"""The admin's "Import now" only queues the task (on the datasets queue); the task imports."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import Settings as SettingsWrapper

from apps.datasets.models import Dataset, DatasetClaim, ImportRun
from apps.datasets.tasks import dataset_import_task
from config.celery import app as celery_app
from tests.datasets.helpers import HEADER, serve
from tests.support.broker import queue_size, queued_tasks_take
from tests.support.httpserver import LocalHTTPServer
from tests.test_settings import clean_env, run

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/datasets/dataset/"


@pytest.fixture
def broker() -> Iterator[None]:
    celery_app.control.purge()
    yield
    celery_app.control.purge()


def test_import_now_queues_one_task_per_dataset_on_the_datasets_queue_and_fetches_nothing(
    reviewer: User,
    broker: None,
    http_server: LocalHTTPServer,
    settings: SettingsWrapper,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    settings.DATASETS_EPOCH_URL = http_server.url("/epoch.csv")
    client = Client()
    client.force_login(reviewer)
    epoch, mot = Dataset.objects.get(key="epoch"), Dataset.objects.get(key="mot")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST, {"action": "import_now", "_selected_action": [epoch.pk, mot.pk]}
        )

    assert response.status_code == 302
    assert queue_size("datasets") == 2
    assert sorted(queued_tasks_take("datasets.import")) == [["epoch"], ["mot"]]
    assert http_server.requests == [] and ImportRun.objects.count() == 0


def test_an_editor_may_read_the_datasets_but_not_start_an_import(
    editor: User, broker: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    client = Client()
    client.force_login(editor)
    epoch = Dataset.objects.get(key="epoch")

    assert client.get(CHANGELIST).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST, {"action": "import_now", "_selected_action": [epoch.pk]})

    assert queued_tasks_take("datasets.import") == []


def test_the_task_imports_from_the_url_setting(
    http_server: LocalHTTPServer, settings: SettingsWrapper
) -> None:
    body = HEADER + "Alpha-7B,Lab One,2024-07-23,,API access,,,\n"
    settings.DATASETS_EPOCH_URL = serve(http_server, "/epoch.csv", body.encode())

    assert dataset_import_task("epoch") == "ok"
    claim = DatasetClaim.objects.select_related("record__dataset").get(field="access_level")
    assert (claim.record.key, claim.value, claim.record.dataset.licence) == (
        "Alpha-7B", "API access", "CC BY 4.0",
    )  # fmt: skip


@pytest.mark.process
@pytest.mark.parametrize(("switch", "scheduled"), [("", "None"), ("1", "datasets.sync")])
def test_the_weekly_sync_is_scheduled_only_when_switched_on(
    tmp_path: Path, switch: str, scheduled: str
) -> None:
    env = clean_env(tmp_path, DATASETS_SYNC=switch)
    code = (
        "from config import settings as s; "
        "print(s.CELERY_BEAT_SCHEDULE.get('datasets-sync', {}).get('task'))"
    )

    result = run([sys.executable, "-c", code], env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == scheduled
