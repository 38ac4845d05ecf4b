"""The three real snapshots in ../shared/datasets, served from a loopback HTTP server.

Epoch's (1755 rows) takes seconds to import: those tests are in the slow tier (make test runs
them, make test-fast does not); tests/datasets/test_acts.py re-imports small Epoch files there.
"""

from __future__ import annotations

import collections

import pytest
from django.core.management import call_command

from apps.catalog.models import Company
from apps.datasets.models import ClaimChange, DatasetClaim, DatasetRecord, ImportRun, RecordError
from apps.datasets.services import dataset_import
from tests.datasets.helpers import CSV, ZIP, capture, serve, writes, zip_folders
from tests.support.httpserver import LocalHTTPServer
from tests.support.shared import shared_path

pytestmark = pytest.mark.django_db

EPOCH = ("datasets", "epoch", "all-ml-systems-2024-11.csv")


def claim(dataset: str, key: str, field: str) -> DatasetClaim:
    return DatasetClaim.objects.select_related("record__dataset").get(
        record__dataset__key=dataset, record__key=key, field=field
    )


def errors_by_kind(run: ImportRun) -> dict[str, int]:
    return dict(
        collections.Counter(
            error.message.split(":")[0].split(" at ")[0] for error in run.record_errors.all()
        )
    )


@pytest.mark.slow  # all 1755 rows of Epoch's snapshot, seconds per import
def test_it_imports_every_row_of_the_epoch_snapshot_from_a_local_server(
    http_server: LocalHTTPServer,
) -> None:
    url = serve(http_server, "/epoch.csv", shared_path(*EPOCH).read_bytes(), CSV)

    run = dataset_import(dataset="epoch", source=url)

    assert (run.state, run.error, run.errors) == (ImportRun.State.OK, "", 0)
    assert run.created == run.read == 1755
    assert DatasetRecord.objects.filter(dataset__key="epoch").count() == 1755
    assert DatasetClaim.objects.filter(field="access_level").count() == 1093
    llama = claim("epoch", "Llama 3.1-405B", "access_level")
    assert llama.value == "Open weights (restricted use)"
    assert llama.record.dataset.attribution.startswith("Epoch AI")
    assert claim("epoch", "Llama 3.1-405B", "parameters").value == "405000000000"
    assert "; " in DatasetClaim.objects.filter(field="developer", value__contains=";")[0].value
    assert {request.path for request in http_server.requests} <= {"/robots.txt", "/epoch.csv"}


@pytest.mark.slow  # all 1755 rows of Epoch's snapshot, seconds per import
def test_re_importing_the_unchanged_epoch_snapshot_writes_nothing(
    http_server: LocalHTTPServer,
) -> None:
    url = serve(http_server, "/epoch.csv", shared_path(*EPOCH).read_bytes(), CSV)
    dataset_import(dataset="epoch", source=url)

    with capture() as queries:
        run = dataset_import(dataset="epoch", source=url)

    assert (run.state, run.created, run.changed, run.unchanged) == ("ok", 0, 0, 1755)
    assert [sql for sql in writes(queries) if "datasets_importrun" not in sql] == []
    assert ClaimChange.objects.count() == 0


@pytest.mark.slow
def test_it_imports_the_mot_snapshot_from_a_zip_and_reports_the_files_it_refused(
    http_server: LocalHTTPServer,
) -> None:
    mot = shared_path("datasets", "mot")
    body = zip_folders((mot / "models", "models"), (mot / "schema", "schema"))
    url = serve(http_server, "/mot.zip", body, ZIP)

    run = dataset_import(dataset="mot", source=url)

    print("mot", run.read, run.created, run.errors, errors_by_kind(run))
    assert run.state == ImportRun.State.PARTIAL
    assert run.read == 273 and run.created + run.errors == 273
    assert RecordError.objects.filter(run=run, where="DeepSeek-V3-test").exists()
    assert claim("mot", "Amber", "licence:Datasets").value == "MIT"
    assert claim("mot", "Amber", "developer").value == "LLM360"
    assert claim("mot", "Amber", "licence:Datasets").record.upstream_url.endswith(
        "/models/Amber.yml"
    )


@pytest.mark.slow
def test_it_imports_the_osai_snapshot_with_a_class_per_dimension(
    http_server: LocalHTTPServer,
) -> None:
    projects = shared_path("datasets", "osai", "projects")
    url = serve(http_server, "/osai.zip", zip_folders((projects, "projects")), ZIP)

    run = dataset_import(dataset="osai", source=url)

    print("osai", run.read, run.created, run.errors, errors_by_kind(run))
    assert run.read == 48
    # The template A_sample.yaml and text-generation-webui.yaml have an empty project name.
    assert sorted(run.record_errors.values_list("where", flat=True)) == [
        "A_sample",
        "text-generation-webui",
    ]
    assert run.created == 46
    assert DatasetClaim.objects.filter(field__startswith="class:").count() == 46 * 14
    weights = DatasetClaim.objects.filter(field="class:llmweights")
    assert set(weights.values_list("value", flat=True)) == {"open", "partial", "closed"}


@pytest.mark.slow
def test_the_command_imports_a_local_folder_and_a_dry_run_writes_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    mot = shared_path("datasets", "mot")

    with capture() as queries:
        call_command("importdataset", "mot", "--from", str(mot), "--dry-run")
    assert writes(queries) == []
    assert "dry run: would import mot" in capsys.readouterr().out

    call_command("importdataset", "mot", "--from", str(mot))
    assert ImportRun.objects.get().created == DatasetRecord.objects.count() > 200


@pytest.mark.slow  # all 1755 rows of Epoch's snapshot, seconds per import
def test_on_the_seeded_catalogue_only_organisations_with_many_epoch_models_become_companies(
    http_server: LocalHTTPServer, seeded: None
) -> None:
    url = serve(http_server, "/epoch.csv", shared_path(*EPOCH).read_bytes(), CSV)
    before = set(Company.objects.values_list("name", flat=True))

    run = dataset_import(dataset="epoch", source=url)

    created = set(Company.objects.values_list("name", flat=True)) - before
    print("epoch companies created", run.companies_created, sorted(created))
    # Of the organisations the seed does not know, 22 are named for 20 models or more.
    assert run.companies_created == len(created) == 22
    # The seed names Meta's and Google's research units as aliases of their labs.
    assert not created & {"Facebook AI Research", "Google Brain", "Google Research"}
    assert {"NVIDIA", "Microsoft", "EleutherAI"} <= created  # 30, 47 and 20 models
    assert "Hugging Face" not in created  # 18 models: an editor adds it if it matters
    assert not Company.objects.filter(name__in=created, is_lab=True).exists()
