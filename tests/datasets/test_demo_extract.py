"""The first run's dataset extract (apps/datasets/demo/): facts only, under its licences, imported
by `make run` through the normal import path, once.

Making the extract from the full snapshots and importing all of it take seconds a test: those
tests are in the slow tier (make test runs them, make test-fast does not).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

from apps.catalog.models import AIModel, Company
from apps.claims.models import RecordedAct
from apps.datasets.extract import DEMO_DIR
from apps.datasets.models import DatasetRecord, ImportRun
from apps.datasets.services import dataset_import
from tests.datasets.helpers import HEADER, capture, writes
from tests.support.shared import shared_path

# Written out here rather than imported from apps/datasets/extract.py, so that widening the
# extract's whitelist is a decision this test must be told about.
EPOCH_HEADERS = {
    "System", "Model", "Organization", "Publication date", "Parameters", "Model accessibility",
    "Training code accessibility", "Dataset accessibility", "Link",
}  # fmt: skip
MOT_PATHS = {
    "framework", "framework.name", "framework.version", "framework.date", "release",
    "release.name", "release.version", "release.date", "release.type", "release.architecture",
    "release.origin", "release.producer", "release.repository", "release.huggingface",
    "release.license", "release.components", "release.components[].name",
    "release.components[].license", "release.components[].license_path",
    *(f"release.license.{kind}{part}" for kind in ("distribution", "code", "data", "document")
      for part in ("", ".name", ".path")),
}  # fmt: skip
OSAI_DIMENSIONS = (
    "opencode", "llmdata", "llmweights", "rldata", "rlweights", "license", "code",
    "architecture", "preprint", "paper", "modelcard", "datasheet", "package", "api",
)  # fmt: skip
OSAI_PATHS = {
    "project", "project.name", "project.link", "project.license", "org", "org.name", "org.link",
    *(f"{name}{part}" for name in OSAI_DIMENSIONS for part in ("", ".class", ".link")),
}  # fmt: skip
PROSE_KEYS = {"notes", "description", "abstract", "contact", "llmbase", "rlbase"}


def key_paths(document: object, prefix: str = "") -> Iterator[str]:
    """Every key path in a YAML document: ``release.components[].license``."""
    if isinstance(document, dict):
        for key, value in document.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            yield path
            yield from key_paths(value, path)
    elif isinstance(document, list):
        for item in document:
            yield from key_paths(item, f"{prefix}[]")


def yaml_paths(folder: Path) -> set[str]:
    return {
        path
        for file in sorted(folder.iterdir())
        for path in key_paths(yaml.safe_load(file.read_text(encoding="utf-8")))
    }


def epoch_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((DEMO_DIR / "epoch.csv").read_text("utf-8"))))


@pytest.mark.slow
def test_the_extract_holds_only_whitelisted_facts_and_stays_small() -> None:
    header = next(csv.reader(io.StringIO((DEMO_DIR / "epoch.csv").read_text("utf-8"))))
    mot = yaml_paths(DEMO_DIR / "mot" / "models")
    osai = yaml_paths(DEMO_DIR / "osai" / "projects")

    assert set(header) <= EPOCH_HEADERS
    assert mot <= MOT_PATHS, mot - MOT_PATHS
    assert osai <= OSAI_PATHS, osai - OSAI_PATHS
    assert not {path.rsplit(".", 1)[-1] for path in mot | osai} & PROSE_KEYS
    assert 0 < len(epoch_rows()) <= 500
    size = sum(path.stat().st_size for path in DEMO_DIR.rglob("*") if path.is_file())
    assert size < 500_000


def test_the_extract_says_where_it_comes_from_under_which_licence_and_what_was_removed() -> None:
    readme = (DEMO_DIR / "README.md").read_text("utf-8")

    for needed in (
        "CC BY 4.0",
        "MIT",
        "Liesenfeld",
        "epoch.ai",
        "commit a72b3e9 (2024-11-05)",
        "commit 8b5d30e",
        "commit 801f687",
        "Left out",
    ):
        assert needed in readme
    assert "Permission is hereby granted" in (DEMO_DIR / "mot" / "LICENSE").read_text("utf-8")


@pytest.mark.slow  # reads all three full snapshots in ../shared
def test_the_committed_extract_is_what_the_command_makes_from_the_snapshots(
    tmp_path: Path,
) -> None:
    snapshots = shared_path("datasets")

    call_command("extract_demo_datasets", "--from", str(snapshots), "--to", str(tmp_path))

    def tree(root: Path) -> dict[str, bytes]:
        return {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*"))
            if path.is_file()
        }

    made, committed = tree(tmp_path), tree(DEMO_DIR)
    assert sorted(made) == sorted(committed)
    assert [name for name in made if made[name] != committed[name]] == []


@pytest.mark.slow  # imports the whole extract (some 600 records), seconds each time
@pytest.mark.django_db
def test_the_first_run_imports_the_extract_and_the_pages_show_labs_acts_and_claims(
    seeded: None, client: Client
) -> None:
    out = io.StringIO()
    call_command("seed_demo_datasets", stdout=out)

    runs = {run.dataset.key: run for run in ImportRun.objects.select_related("dataset")}
    assert {key: (run.state, run.errors) for key, run in runs.items()} == {
        "epoch": ("ok", 0),
        "mot": ("ok", 0),
        "osai": ("ok", 0),
    }
    assert runs["epoch"].created == len(epoch_rows())
    assert runs["mot"].created == len(list((DEMO_DIR / "mot" / "models").iterdir()))
    assert runs["osai"].created == len(list((DEMO_DIR / "osai" / "projects").iterdir()))
    assert all(str(DEMO_DIR) in run.source for run in runs.values())
    # Labs: organisations the extract names for five models or more become companies.
    alibaba = Company.objects.get(name="Alibaba")
    acts = RecordedAct.objects.filter(company=alibaba)
    assert acts.count() >= 5
    # Models: records matched to the catalogue's models.
    gemma = AIModel.objects.get(name="Gemma 7B")
    assert set(
        DatasetRecord.objects.filter(model=gemma).values_list("dataset__key", flat=True)
    ) == {"epoch", "mot"}

    lab = client.get(alibaba.get_absolute_url()).content.decode()
    assert acts.first().subject in lab  # type: ignore[union-attr]
    assert "Epoch AI, &#x27;Parameter, Compute and Data Trends in Machine Learning" in lab
    model = client.get(gemma.get_absolute_url()).content.decode()
    assert "Model Openness Tool, LF AI &amp; Data Foundation (MIT licence)." in model


@pytest.mark.slow  # imports the whole extract (some 600 records), seconds each time
@pytest.mark.django_db
def test_a_second_first_run_writes_nothing(seeded: None) -> None:
    call_command("seed_demo_datasets", stdout=io.StringIO())
    out = io.StringIO()

    with capture() as queries:
        call_command("seed_demo_datasets", stdout=out)

    assert writes(queries) == []
    assert out.getvalue().splitlines() == [
        "epoch: already imported",
        "mot: already imported",
        "osai: already imported",
    ]


@pytest.mark.slow  # imports the whole extract (some 600 records), seconds each time
@pytest.mark.django_db
def test_it_never_overwrites_a_dataset_imported_from_elsewhere_and_follows_a_new_extract(
    seeded: None, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "epoch.csv"
    elsewhere.write_text(HEADER + "Solo-1,Solo Lab,2024-01-02,1000,API access,,,\n")
    dataset_import(dataset="epoch", source=str(elsewhere))
    call_command("seed_demo_datasets", stdout=io.StringIO())
    # The extract was regenerated since the last first run: its version changed.
    ImportRun.objects.filter(dataset__key="mot").update(version="sha256:older")
    out = io.StringIO()

    call_command("seed_demo_datasets", stdout=out)

    assert list(DatasetRecord.objects.filter(dataset__key="epoch").values_list("key")) == [
        ("Solo-1",)
    ]
    assert out.getvalue().splitlines()[0] == f"epoch: left alone: last imported from {elsewhere}"
    assert out.getvalue().splitlines()[2] == "osai: already imported"
    latest_mot = ImportRun.objects.filter(dataset__key="mot").first()
    assert latest_mot is not None and latest_mot.unchanged == latest_mot.read > 200
