"""Bad input, hand-written in each test: a clear error per record or per run, nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django import Settings as SettingsWrapper

from apps.datasets.models import ClaimChange, DatasetClaim, DatasetRecord, ImportRun
from apps.datasets.parsers.osai import DIMENSIONS
from apps.datasets.services import dataset_import
from tests.datasets.helpers import HEADER, capture, serve, writes
from tests.support.httpserver import LocalHTTPServer
from tests.support.shared import shared_path

pytestmark = pytest.mark.django_db

GOOD = HEADER + (
    "Alpha-7B,Lab One,2024-07-23,7000000000,Open weights (unrestricted),https://example.org/a\n"
    "Beta,Lab Two,2023-05,,API access,\n"
)


def values(key: str) -> dict[str, str]:
    return dict(DatasetClaim.objects.filter(record__key=key).values_list("field", "value"))


def imported(http_server: LocalHTTPServer, body: str, path: str = "/e.csv") -> ImportRun:
    return dataset_import(dataset="epoch", source=serve(http_server, path, body.encode()))


def test_a_changed_value_is_kept_as_a_change_with_both_values_and_versions(
    http_server: LocalHTTPServer,
) -> None:
    first = imported(http_server, GOOD)
    second = imported(http_server, GOOD.replace("API access", "Unreleased"), "/e2.csv")

    assert (second.changed, second.unchanged) == (1, 1)
    change = ClaimChange.objects.get()
    assert (change.claim.field, change.old_value, change.new_value) == (
        "access_level", "API access", "Unreleased",
    )  # fmt: skip
    assert (change.old_version, change.new_version) == (first.version, second.version)
    assert first.version != second.version
    assert values("Beta")["access_level"] == "Unreleased"


def test_a_record_changed_outside_its_claims_rewrites_no_claim_and_a_dropped_claim_empties_once(
    http_server: LocalHTTPServer,
) -> None:
    def with_note(note: str, beta_access: str) -> str:
        return HEADER.replace("\n", ",Notes\n") + (
            f"Alpha-7B,Lab One,2024-07-23,7000000000,API access,https://example.org/a,,,{note}\n"
            f"Beta,Lab Two,2023-05,,{beta_access},,,,{note}\n"
        )

    imported(http_server, with_note("first", "API access"), "/n1.csv")
    dropped = imported(http_server, with_note("second", ""), "/n2.csv")
    change = ClaimChange.objects.get()
    with capture() as queries:
        again = imported(http_server, with_note("third", ""), "/n3.csv")

    assert dropped.changed == again.changed == 2
    assert (change.claim.field, change.old_value, change.new_value) == (
        "access_level", "API access", "",
    )  # fmt: skip
    assert ClaimChange.objects.count() == 1
    assert [sql for sql in writes(queries) if "datasets_datasetclaim" in sql] == []
    assert DatasetRecord.objects.get(key="Alpha-7B").raw["Notes"] == "third"


def test_it_reads_a_byte_order_mark_and_the_newer_model_column(
    http_server: LocalHTTPServer,
) -> None:
    body = "\ufeff" + GOOD.replace("System,", "Model,", 1)

    run = imported(http_server, body)

    assert (run.state, run.created) == ("ok", 2)
    assert values("Alpha-7B")["release_date"] == "2024-07-23"
    assert values("Beta")["release_date"] == "2023-05"


def test_a_free_text_date_is_an_error_for_that_record_and_the_rest_carries_on(
    http_server: LocalHTTPServer,
) -> None:
    body = GOOD + "Gamma,Lab Three,sometime in spring 2023,,Unreleased,\nDelta,Lab Four,,,,\n"

    run = imported(http_server, body)

    assert (run.state, run.created, run.errors) == ("partial", 3, 1)
    error = run.record_errors.get()
    assert error.where == "Gamma" and "sometime in spring 2023" in error.message
    assert "release_date" not in values("Delta")  # an empty date is no claim, and no error


def test_a_nul_character_is_an_error_for_that_record_only(http_server: LocalHTTPServer) -> None:
    run = imported(http_server, GOOD + "Nul,Lab\x00Five,2024,,,\nNul\x00Key,Lab,2024,,,\n")

    assert (run.state, run.created) == ("partial", 2)
    assert sorted(run.record_errors.values_list("where", flat=True)) == ["Nul", "Nul\u2400Key"]


def test_a_cell_with_several_organisations_names_each(http_server: LocalHTTPServer) -> None:
    run = imported(http_server, HEADER + 'Joint,"Microsoft, NVIDIA,",2021-10,,,\n')

    assert run.state == "ok"
    assert values("Joint")["developer"] == "Microsoft; NVIDIA"


def test_an_organisation_whose_name_holds_a_comma_is_quoted_within_its_cell_and_kept_whole(
    http_server: LocalHTTPServer,
) -> None:
    # As Epoch writes it: the cell is a CSV list of its own, a name with a comma quoted inside.
    cell = '"UC Berkeley,""NERSC, Lawrence Berkeley National Laboratory"",""Lab\nTwo"""'
    run = imported(http_server, HEADER + f"Joint,{cell},2021-10,,,\n")

    assert run.state == "ok"
    assert values("Joint")["developer"] == (
        "UC Berkeley; NERSC, Lawrence Berkeley National Laboratory; Lab Two"
    )


def test_a_missing_model_column_fails_the_run_and_keeps_the_previous_state(
    http_server: LocalHTTPServer,
) -> None:
    imported(http_server, GOOD)
    before = list(DatasetClaim.objects.values_list("record__key", "field", "value"))

    run = imported(http_server, GOOD.replace("System,", "Name,", 1), "/renamed.csv")

    assert run.state == "failed" and "“Model” or “System”" in run.error
    assert list(DatasetClaim.objects.values_list("record__key", "field", "value")) == before


def test_a_missing_optional_column_is_reported_and_the_rest_imported(
    http_server: LocalHTTPServer,
) -> None:
    body = "System,Organization\nAlpha-7B,Lab One\n"

    run = imported(http_server, body)

    assert (run.state, run.created) == ("partial", 1)
    assert any("publication date" in e.message for e in run.record_errors.all())


@pytest.mark.parametrize(
    ("status", "body", "content_type", "expected"),
    [
        (404, b"not here", "text/plain", "HTTP 404"),
        (500, b"oops", "text/plain", "HTTP 500"),
        (200, b"<!DOCTYPE html><html><body>Error</body></html>", "text/html", "text/html"),
        (200, b"<html><body>Maintenance</body></html>", "text/plain", "HTML page"),
    ],
)
def test_an_upstream_error_fails_the_run_and_keeps_the_previous_state(
    http_server: LocalHTTPServer, status: int, body: bytes, content_type: str, expected: str
) -> None:
    imported(http_server, GOOD)
    http_server.route("/bad.csv", status=status, body=body, content_type=content_type)

    with capture() as queries:
        run = dataset_import(dataset="epoch", source=http_server.url("/bad.csv"))

    assert run.state == "failed" and expected in run.error
    assert [sql for sql in writes(queries) if "datasets_importrun" not in sql] == []
    assert DatasetRecord.objects.count() == 2 and values("Beta")["access_level"] == "API access"


def test_a_file_over_the_size_limit_fails_the_run(
    http_server: LocalHTTPServer, settings: SettingsWrapper
) -> None:
    settings.DATASETS_MAX_BYTES = 100
    url = serve(http_server, "/big.csv", (GOOD * 10).encode())

    run = dataset_import(dataset="epoch", source=url)

    assert run.state == "failed" and DatasetRecord.objects.count() == 0
    assert "100" in run.error or "large" in run.error.lower()


def test_a_run_without_a_source_fails_without_going_online() -> None:
    run = dataset_import(dataset="epoch")

    assert run.state == "failed" and "DATASETS_EPOCH_URL" in run.error


MOT_GOOD = """framework: {name: Model Openness Framework, version: '1.0', date: '2024-12-15'}
release:
  name: Good
  version: 7B
  date: '2024-01-02'
  producer: Lab One
  license: {distribution: {name: Apache-2.0, path: ''}}
  components:
    - {name: 'Training code', description: 'Code', license: MIT}
"""


def test_mot_files_missing_keys_or_not_matching_the_schema_are_errors_per_file(
    tmp_path: Path,
) -> None:
    (tmp_path / "schema").mkdir()
    schema = shared_path("datasets", "mot", "schema", "mof_schema.json")
    (tmp_path / "schema" / "mof_schema.json").write_bytes(schema.read_bytes())
    models = tmp_path / "models"
    models.mkdir()
    (models / "Good.yml").write_text(MOT_GOOD)
    (models / "NoRelease.yml").write_text(MOT_GOOD.split("release:")[0])
    (models / "BadType.yml").write_text(
        MOT_GOOD.replace("version: 7B", "version: 7B\n  type: toaster")
    )
    (models / "Broken.yml").write_text("release: [unclosed")

    run = dataset_import(dataset="mot", source=str(tmp_path))

    assert (run.state, run.created, run.errors) == ("partial", 1, 3)
    messages = dict(run.record_errors.values_list("where", "message"))
    assert "release" in messages["NoRelease"] and "schema" in messages["NoRelease"]
    assert "toaster" in messages["BadType"]
    assert "not valid YAML" in messages["Broken"]
    assert values("Good") == {
        "developer": "Lab One",
        "release_date": "2024-01-02",
        "licence:distribution": "Apache-2.0",
        "licence:Training code": "MIT",
    }


def test_mot_without_its_schema_fails_the_run(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "Good.yml").write_text(MOT_GOOD)

    run = dataset_import(dataset="mot", source=str(tmp_path))

    assert run.state == "failed" and "mof_schema.json" in run.error


def test_an_osai_file_missing_a_dimension_is_an_error_for_that_file(tmp_path: Path) -> None:
    dimensions = "".join(
        f"{name}:\n  class: open\n  link: https://example.org/{name}\n  notes: n\n"
        for name in DIMENSIONS
    )
    projects = tmp_path / "projects"
    projects.mkdir()
    (projects / "Full.yaml").write_text(
        f"project: {{name: Full}}\norg: {{name: Lab}}\n{dimensions}"
    )
    (projects / "Short.yaml").write_text(
        "project: {name: Short}\n" + dimensions.split("rldata:")[0]
    )

    run = dataset_import(dataset="osai", source=str(tmp_path))

    assert (run.created, run.errors) == (1, 1)
    assert "rldata" in run.record_errors.get(where="Short").message
    full = DatasetClaim.objects.get(record__key="Full", field="class:api")
    assert (full.value, full.evidence_url, full.notes) == ("open", "https://example.org/api", "n")
