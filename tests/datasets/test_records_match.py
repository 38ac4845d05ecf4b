"""After an import, records find their catalogue model and company: exact names and aliases at
once, the unsure through the review queue, whose decisions hold for every later import."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import Settings as SettingsWrapper

from apps.catalog.models import Alias, Company
from apps.datasets.matching import match_decide
from apps.datasets.models import DatasetRecord, ImportRun, MatchDecision
from apps.datasets.selectors import name_key
from apps.datasets.services import dataset_import
from apps.datasets.tasks import match_decision_apply_task
from tests.datasets.helpers import HEADER, serve
from tests.factories import company_make, model_make
from tests.support.httpserver import LocalHTTPServer

pytestmark = pytest.mark.django_db

ROWS = (
    "Llama-3.1-8B,Facebook AI Research,2024-07-23,8000000000,Open weights (restricted use),,,\n"
    "llama-3.1,Meta AI,2024-07-23,,Open weights (restricted use),,,\n"
    "Twin,Nobody Known,2024-01-01,,API access,,,\n"
)


@pytest.mark.parametrize(
    ("written", "catalogue"),
    [
        ("Llama 3.1-8B", "Llama-3.1-8B"),
        ("llama_3.1 8b", "LLAMA 3.1 8B"),
        ("\uff2c\uff4c\uff41\uff4d\uff41\uff0d\uff13\uff0e\uff11", "Llama-3.1"),  # full width
        ("Google  DeepMind", "google-deepmind"),
        ("Meta.AI", "meta ai"),
    ],
)
def test_names_are_compared_without_case_width_hyphens_dots_or_spacing(
    written: str, catalogue: str
) -> None:
    assert name_key(written) == name_key(catalogue)


def test_different_names_stay_different() -> None:
    assert name_key("Llama 3.1-8B") != name_key("Llama 3-18B")
    assert name_key("GPT-4o") != name_key("GPT-4")


def imported(http_server: LocalHTTPServer, body: str, path: str = "/e.csv") -> ImportRun:
    return dataset_import(dataset="epoch", source=serve(http_server, path, body.encode()))


@pytest.fixture
def meta() -> Company:
    meta = company_make(name="Meta")
    Alias.objects.create(company=meta, name="Facebook AI Research")  # as an editor enters it
    return meta


def record(key: str) -> DatasetRecord:
    return DatasetRecord.objects.select_related("model", "company").get(key=key)


def test_exact_names_and_aliases_match_at_once_and_the_unsure_go_to_review(
    http_server: LocalHTTPServer, meta: Company
) -> None:
    llama = model_make(developer=meta, name="Llama 3.1 8B")
    twins = [model_make(developer=meta, name="Twin"), model_make(developer=meta, name="twin")]

    run = imported(http_server, HEADER + ROWS)

    assert (run.matched, run.to_review, run.companies_created) == (1, 2, 0)
    assert (record("Llama-3.1-8B").model, record("Llama-3.1-8B").company) == (llama, meta)
    assert record("llama-3.1").model is None  # only resembles "Llama 3.1 8B"
    assert record("Twin").model is None  # two models answer to it
    queue = {d.name_key: d for d in MatchDecision.objects.filter(decided_at__isnull=True)}
    assert set(queue) == {"llama 3 1", "twin", "meta ai"}
    assert f"Llama 3.1 8B ({llama.pk})" in queue["llama 3 1"].candidates
    assert all(str(twin.pk) in queue["twin"].candidates for twin in twins)
    llama.refresh_from_db()  # the dataset says open weights and 8B; the editor's record stands
    assert (llama.access_level, llama.parameter_count) == ("unreleased", None)


def decide(decision: MatchDecision, user: User, **choice: Any) -> None:
    """An editor's decision, and its task as the worker runs it."""
    match_decide(decision=decision, user=user, enqueue=match_decision_apply_task.delay, **choice)
    match_decision_apply_task(decision.pk)


def test_a_decision_is_applied_and_remembered_across_a_re_import(
    http_server: LocalHTTPServer, meta: Company, reviewer: User
) -> None:
    llama = model_make(developer=meta, name="Llama 3.1 8B")
    imported(http_server, HEADER + ROWS)
    merge = MatchDecision.objects.get(kind="model", name_key="llama 3 1")
    apart = MatchDecision.objects.get(kind="org", name_key="meta ai")

    decide(merge, reviewer, model_id=llama.pk)
    decide(apart, reviewer, kept_apart=True)

    assert record("llama-3.1").model == llama and record("llama-3.1").company == meta
    rerun = imported(http_server, HEADER + ROWS.replace("2024-07-23", "2024-07-24"), "/2.csv")
    assert rerun.changed == 2 and rerun.matched == 2
    assert record("llama-3.1").model == llama
    assert MatchDecision.objects.filter(decided_at__isnull=True).count() == 0
    assert MatchDecision.objects.get(pk=merge.pk).decided_by == reviewer


def test_an_editor_decides_in_the_admin_review_queue(
    http_server: LocalHTTPServer, meta: Company, editor: User
) -> None:
    llama = model_make(developer=meta, name="Llama 3.1 8B")
    imported(http_server, HEADER + ROWS)
    decision = MatchDecision.objects.get(kind="model", name_key="llama 3 1")
    client = Client()
    client.force_login(editor)
    url = f"/admin/datasets/matchdecision/{decision.pk}/change/"

    queue = client.get("/admin/datasets/matchdecision/?decided=no")
    neither = client.post(url, {"company": "", "model": "", "kept_apart": ""})
    chosen = client.post(url, {"company": "", "model": str(llama.pk), "kept_apart": ""})

    assert queue.status_code == 200 and "llama-3.1" in queue.content.decode()
    assert neither.status_code == 200 and "keep it apart" in neither.content.decode()
    assert chosen.status_code == 302
    decision.refresh_from_db()
    assert (decision.model, decision.decided_by) == (llama, editor)
    match_decision_apply_task(decision.pk)  # what the queued task does (test_match_apply.py)
    assert record("llama-3.1").model == llama


def test_an_unknown_organisation_becomes_a_company_only_above_the_threshold(
    http_server: LocalHTTPServer, settings: SettingsWrapper
) -> None:
    settings.DATASETS_NEW_COMPANY_MODELS = 3
    rows = [f"Big-{n},Big Lab,2024-01-01,,,,,\n" for n in range(3)]
    rows += [f"Small-{n},Small Lab,2024-01-01,,,,,\n" for n in range(2)]

    run = imported(http_server, HEADER + "".join(rows))
    again = imported(http_server, HEADER + "".join(rows).replace("2024-01-01", "2024"), "/2.csv")

    assert run.companies_created == 1 and again.companies_created == 0
    big = Company.objects.get(name="Big Lab")
    assert not Company.objects.filter(name="Small Lab").exists()
    assert {r.company for r in DatasetRecord.objects.filter(key__startswith="Big")} == {big}
    assert DatasetRecord.objects.filter(key__startswith="Small", company__isnull=True).count() == 2


def test_an_organisation_kept_apart_becomes_its_own_company_once_above_the_threshold(
    http_server: LocalHTTPServer, meta: Company, reviewer: User, settings: SettingsWrapper
) -> None:
    settings.DATASETS_NEW_COMPANY_MODELS = 2
    rows = "".join(f"M-{n},Meta AI,2024-01-01,,,,,\n" for n in range(2))
    imported(http_server, HEADER + rows)  # "meta ai" resembles "meta": queued, nothing created
    decision = MatchDecision.objects.get(kind="org", name_key="meta ai")
    assert Company.objects.count() == 1

    decide(decision, reviewer, kept_apart=True)
    again = imported(http_server, HEADER + rows.replace("2024-01-01", "2024"), "/2.csv")

    meta_ai = Company.objects.get(name="Meta AI")
    assert Company.objects.count() == 2 and again.companies_created == 0
    decision.refresh_from_db()
    assert (decision.company, decision.kept_apart) == (meta_ai, False)
    assert {r.company for r in DatasetRecord.objects.all()} == {meta_ai}
