"""A match decision is recorded in the request and applied by a worker: the admin answers at once
and queues ``datasets.match_apply``; the task matches every dataset again and records the acts."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from apps.catalog.models import AIModel, Company
from apps.claims.models import RecordedAct
from apps.datasets.matching import match_decide
from apps.datasets.models import DatasetRecord, MatchDecision
from apps.datasets.services import dataset_import
from apps.datasets.tasks import match_decision_apply_task
from config.celery import app as celery_app
from tests.datasets.helpers import HEADER, capture, record_make, serve, writes
from tests.factories import company_make, model_make
from tests.support.broker import queue_size, queued_tasks_take
from tests.support.httpserver import LocalHTTPServer
from tests.support.waiting import wait_until
from tests.support.worker import CeleryWorker

# "llama-3.1" only resembles the catalogue's "Llama 3.1 8B": it waits in the review queue.
EPOCH = HEADER + "llama-3.1,Meta,2024-07-23,,Open weights (restricted use),,,\n"


@pytest.fixture
def broker() -> Iterator[None]:
    celery_app.control.purge()
    yield
    celery_app.control.purge()


def queued_decision(http_server: LocalHTTPServer) -> tuple[MatchDecision, AIModel]:
    meta = company_make(name="Meta", slug="meta")
    llama = model_make(developer=meta, name="Llama 3.1 8B")
    dataset_import(dataset="epoch", source=serve(http_server, "/e.csv", EPOCH.encode()))
    return MatchDecision.objects.get(kind="model", name_key="llama 3 1"), llama


def matched_model(key: str) -> AIModel | None:
    return DatasetRecord.objects.select_related("model").get(key=key).model


def act(subject: str) -> RecordedAct:
    return RecordedAct.objects.select_related("ai_model").get(subject=subject)


@pytest.mark.django_db
def test_deciding_in_the_admin_records_the_decision_and_queues_the_work_without_doing_it(
    http_server: LocalHTTPServer,
    editor: User,
    broker: None,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    decision, llama = queued_decision(http_server)
    client = Client()
    client.force_login(editor)
    url = f"/admin/datasets/matchdecision/{decision.pk}/change/"

    with capture() as queries, django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"company": "", "model": str(llama.pk), "kept_apart": ""})

    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.model, decision.decided_by, decision.applied_at) == (llama, editor, None)
    # Nothing re-matched, no act touched: that is the worker's.
    assert [sql for sql in writes(queries) if "datasetrecord" in sql or "recordedact" in sql] == []
    assert matched_model("llama-3.1") is None and act("llama-3.1").ai_model is None
    assert queue_size("datasets") == 1
    assert queued_tasks_take("datasets.match_apply") == [[decision.pk]]
    queue = client.get("/admin/datasets/matchdecision/").content.decode()
    assert "waiting for a worker" in queue


@pytest.mark.django_db
def test_the_task_applies_the_decision_to_every_dataset_and_to_the_acts(
    http_server: LocalHTTPServer, reviewer: User
) -> None:
    decision, llama = queued_decision(http_server)
    record_make("osai", None, {"class:llmweights": "partial"}, key="Llama-3.1")
    match_decide(
        decision=decision, user=reviewer, enqueue=match_decision_apply_task.delay, model_id=llama.pk
    )

    assert match_decision_apply_task(decision.pk) is True

    decision.refresh_from_db()
    assert matched_model("llama-3.1") == llama and matched_model("Llama-3.1") == llama
    assert act("llama-3.1").ai_model == llama
    assert decision.applied_at is not None and decision.decided_at is not None
    assert decision.applied_at >= decision.decided_at


@pytest.mark.django_db
def test_a_decision_made_again_after_its_worker_started_waits_for_its_own_task(
    http_server: LocalHTTPServer, reviewer: User
) -> None:
    decision, llama = queued_decision(http_server)
    match_decide(
        decision=decision, user=reviewer, enqueue=match_decision_apply_task.delay, model_id=llama.pk
    )
    # As if an editor had decided again while the worker matched.
    later = timezone.now() + datetime.timedelta(minutes=1)
    MatchDecision.objects.filter(pk=decision.pk).update(decided_at=later)

    match_decision_apply_task(decision.pk)

    assert MatchDecision.objects.get(pk=decision.pk).applied_at is None


@pytest.mark.django_db
def test_a_decision_deleted_before_the_worker_came_is_nothing_to_apply(
    http_server: LocalHTTPServer,
) -> None:
    decision, _llama = queued_decision(http_server)
    decision_id = decision.pk
    decision.delete()

    with capture() as queries:
        assert match_decision_apply_task(decision_id) is False

    assert writes(queries) == []


@pytest.mark.django_db
def test_apply_again_queues_only_decided_decisions(
    http_server: LocalHTTPServer,
    editor: User,
    broker: None,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    decision, llama = queued_decision(http_server)
    waiting = MatchDecision.objects.create(kind="org", name_key="meta ai", name="Meta AI")
    MatchDecision.objects.filter(pk=decision.pk).update(model=llama, decided_at=timezone.now())
    client = Client()
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/datasets/matchdecision/",
            {"action": "apply_again", "_selected_action": [decision.pk, waiting.pk]},
        )

    assert response.status_code == 302
    assert queued_tasks_take("datasets.match_apply") == [[decision.pk]]


@pytest.fixture
def superuser(transactional_db: None) -> User:
    """The flush after a transactional test empties the groups migrations made: a superuser."""
    return User.objects.create_superuser("chief", password="correct horse")


@pytest.mark.worker
def test_a_real_worker_applies_the_decision_saved_in_the_admin(
    celery_worker: CeleryWorker, http_server: LocalHTTPServer, superuser: User
) -> None:
    meta = Company.objects.create(name="Meta", slug="meta")
    llama = AIModel.objects.create(developer=meta, name="Llama 3.1 8B", slug="llama-3-1-8b")
    dataset_import(dataset="epoch", source=serve(http_server, "/e.csv", EPOCH.encode()))
    decision = MatchDecision.objects.get(kind="model", name_key="llama 3 1")
    client = Client()
    client.force_login(superuser)

    response = client.post(
        f"/admin/datasets/matchdecision/{decision.pk}/change/",
        {"company": "", "model": str(llama.pk), "kept_apart": ""},
    )

    assert response.status_code == 302
    wait_until(
        lambda: MatchDecision.objects.get(pk=decision.pk).applied_at,
        timeout=60,
        what="the worker to apply the decision",
        diagnosis=celery_worker.log_tail,
    )
    assert matched_model("llama-3.1") == llama and act("llama-3.1").ai_model == llama
