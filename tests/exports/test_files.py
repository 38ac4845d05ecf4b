"""The files themselves, read back as a consumer reads them: what they hold and in what shape."""

from __future__ import annotations

import datetime
import gzip
from pathlib import Path

import pytest
from django.utils import timezone

from apps.catalog.models import OpennessComponent, Source
from apps.claims import services
from apps.claims.models import StanceChange, Statement
from apps.datasets.models import Dataset, DatasetClaim, DatasetRecord
from apps.datasets.registry import DATASETS
from apps.exports import selectors
from apps.exports.build import exports_build, manifest_read
from apps.exports.dictionary import TABLES, TABLES_BY_NAME
from apps.exports.writer import RowMismatch
from tests.factories import company_make, model_make, source_make, statement_make
from tests.support.exports import build, csv_dicts, csv_rows, jsonl_objects, sha256

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_the_statements_hold_published_statements_only(exports_dir: Path) -> None:
    lab = company_make()
    draft = statement_make(company=lab, summary="Still a draft")
    in_review = statement_make(company=lab, summary="Waiting for a reviewer")
    services.statement_submit(statement=in_review, user=None)
    published = statement_make(company=lab, publish=True, summary="On the record")
    retracted = statement_make(company=lab, publish=True, summary="Withdrawn")
    services.statement_retract(statement=retracted, user=None, reason="Wrong lab.")
    retracted_at = Statement.objects.get(pk=retracted.pk).retracted_at
    assert retracted_at is not None

    build(exports_dir)

    for name in ("statements.csv", "statements.csv.gz"):
        assert [row["id"] for row in csv_dicts(exports_dir / name)] == [str(published.pk)]
    for name in ("statements.jsonl", "statements.jsonl.gz"):
        assert [row["id"] for row in jsonl_objects(exports_dir / name)] == [published.pk]
    sources = csv_dicts(exports_dir / "statement_sources.csv")
    assert {row["statement_id"] for row in sources} == {str(published.pk)}
    everything = b"".join(path.read_bytes() for path in exports_dir.glob("*.csv"))
    for hidden in (draft, in_review):
        assert hidden.summary.encode() not in everything
    # A retraction is listed, with its reason, but nothing of what the statement said.
    assert retracted.summary.encode() not in everything
    assert jsonl_objects(exports_dir / "retractions.jsonl") == [
        {
            "statement_id": retracted.pk,
            "url": f"http://127.0.0.1:8000/statements/{retracted.pk}/",
            "lab": lab.slug,
            "retracted_at": retracted_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "reason": "Wrong lab.",
        }
    ]


def test_every_header_and_every_json_object_has_the_dictionarys_columns_in_order(
    exports_dir: Path, seeded: None
) -> None:
    manifest = build(exports_dir)
    assert {item["name"] for item in manifest["files"]} == {
        f"{table.name}.{ext}" for table in TABLES for ext in ("csv", "csv.gz", "jsonl", "jsonl.gz")
    }
    for table in TABLES:
        for suffix in (".csv", ".csv.gz"):
            assert csv_rows(exports_dir / f"{table.name}{suffix}")[0] == table.header
        objects = jsonl_objects(exports_dir / f"{table.name}.jsonl")
        assert objects == jsonl_objects(exports_dir / f"{table.name}.jsonl.gz")
        for item in objects:
            assert list(item) == table.header
    # The seeded record fills these tables; an empty file would prove nothing above.
    for name in ("statements", "statement_sources", "labs", "models", "stance_history"):
        assert jsonl_objects(exports_dir / f"{name}.jsonl"), name


def test_csv_and_json_lines_hold_the_same_rows_and_json_keeps_the_types(
    exports_dir: Path, seeded: None
) -> None:
    build(exports_dir)
    for table in TABLES:
        rows = csv_dicts(exports_dir / f"{table.name}.csv")
        objects = jsonl_objects(exports_dir / f"{table.name}.jsonl")
        assert len(rows) == len(objects), table.name
        for row, item in zip(rows, objects, strict=True):
            for column in table.columns:
                value = item[column.name]
                cell = row[column.name]
                if value is None:
                    assert cell == ""
                elif column.kind == "integer":
                    assert isinstance(value, int) and cell == str(value)
                elif column.kind == "boolean":
                    assert isinstance(value, bool) and cell == str(value).lower()
                elif column.kind == "list":
                    assert isinstance(value, list) and cell.startswith("[")
                elif column.kind == "number":
                    assert isinstance(value, float) and float(cell) == value
                else:
                    assert isinstance(value, str) and cell == value
    meta = next(
        item for item in jsonl_objects(exports_dir / "labs.jsonl") if item["slug"] == "meta"
    )
    current = StanceChange.objects.current().filter(company__slug="meta").latest("date", "id")
    assert meta["stance"] == current.new_stance
    assert meta["stance_since"] == current.date.isoformat()
    assert (
        meta["published_statements"]
        == Statement.objects.published().filter(company__slug="meta").count()
    )
    assert meta["tracked_as_lab"] is True and "メタ" in meta["aliases"]
    history = jsonl_objects(exports_dir / "stance_history.jsonl")
    assert len(history) == StanceChange.objects.count()
    assert all(isinstance(pk, int) for item in history for pk in item["statement_ids"])


def test_a_statement_lists_its_models_and_sources_and_each_citation_is_a_row(
    exports_dir: Path,
) -> None:
    lab = company_make()
    behemoth = model_make(developer=lab, slug="behemoth")
    scout = model_make(developer=lab, slug="scout")
    nyt = source_make(url="https://www.nytimes.com/2025/07/14/meta.html", title="Meta weighs")
    gigazine = source_make(url="https://gigazine.net/news/20250715-meta/", language="ja")
    statement = statement_make(
        company=lab, ai_models=[scout, behemoth], cited=False, quote="閉じる", quote_language="ja"
    )
    statement.citations.create(source=nyt, excerpt="people familiar with the matter")
    statement.citations.create(source=gigazine, excerpt="")
    services.statement_publish(statement=statement, user=None)

    build(exports_dir)

    [item] = jsonl_objects(exports_dir / "statements.jsonl")
    assert item["models"] == ["behemoth", "scout"]
    assert item["source_urls"] == [nyt.url, gigazine.url]
    assert item["quote"] == "閉じる"
    [row] = csv_dicts(exports_dir / "statements.csv")
    assert row["models"] == '["behemoth","scout"]'
    sources = jsonl_objects(exports_dir / "statement_sources.jsonl")
    assert [(s["statement_id"], s["source_url"], s["excerpt"]) for s in sources] == [
        (statement.pk, nyt.url, "people familiar with the matter"),
        (statement.pk, gigazine.url, ""),
    ]
    assert sources[1]["language"] == "ja"


def test_models_carry_their_components_and_dataset_claims_their_provenance(
    exports_dir: Path,
) -> None:
    lab = company_make(slug="meta")
    llama = model_make(developer=lab, slug="llama-4-maverick", access_level="open_weights")
    evidence = source_make(url="https://ai.meta.com/blog/llama-4/")
    OpennessComponent.objects.create(
        model=llama, component="weights", openness="open", source=evidence
    )
    OpennessComponent.objects.create(model=llama, component="training_data", openness="closed",
                                     source=evidence)  # fmt: skip
    epoch = DATASETS["epoch"]
    dataset = Dataset.objects.update_or_create(
        key="epoch", defaults={"name": epoch.name, "licence": epoch.licence,
                               "attribution": epoch.attribution}
    )[0]  # fmt: skip
    record = DatasetRecord.objects.create(
        dataset=dataset,
        key="Llama 4 Maverick",
        version="etag-1",
        read_at=timezone.now(),
        raw={},
        content_hash="0" * 64,
        upstream_url="https://epoch.ai/data/ai-models?model=Llama+4+Maverick",
        model=llama,
    )
    DatasetClaim.objects.create(record=record, field="access_level", value="API access")
    unmatched = DatasetRecord.objects.create(
        dataset=dataset, key="Somebody's model", read_at=timezone.now(), raw={}, content_hash="1"
    )
    DatasetClaim.objects.create(record=unmatched, field="access_level", value="Unreleased")

    build(exports_dir)

    [model_row] = jsonl_objects(exports_dir / "models.jsonl")
    assert model_row["openness_weights"] == "open"
    assert model_row["openness_training_data"] == "closed"
    assert model_row["openness_paper"] == "unknown"
    components = jsonl_objects(exports_dir / "model_components.jsonl")
    assert [(c["component"], c["evidence_url"]) for c in components] == [
        ("training_data", evidence.url),
        ("weights", evidence.url),
    ]
    assert jsonl_objects(exports_dir / "dataset_claims.jsonl") == [
        {
            "model": "llama-4-maverick",
            "dataset": "epoch",
            "dataset_name": epoch.name,
            "record_key": "Llama 4 Maverick",
            "record_url": "https://epoch.ai/data/ai-models?model=Llama+4+Maverick",
            "field": "access_level",
            "value": "API access",
            "evidence_url": "",
            "dataset_version": "etag-1",
            "read_at": record.read_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "licence": "CC BY 4.0",
            "attribution": epoch.attribution,
        }
    ]


def test_the_manifest_gives_each_file_its_build_time_rows_size_sha256_and_licence(
    exports_dir: Path, seeded: None
) -> None:
    manifest = build(exports_dir)
    assert manifest["licence"] == "CC BY 4.0"
    built_at = datetime.datetime.fromisoformat(manifest["built_at"])
    assert abs(timezone.now() - built_at) < datetime.timedelta(minutes=5)
    for item in manifest["files"]:
        path = exports_dir / item["name"]
        assert item["bytes"] == path.stat().st_size
        assert item["sha256"] == sha256(path)
        assert item["built_at"] == manifest["built_at"]
        assert item["rows"] == len(jsonl_objects(exports_dir / f"{item['table']}.jsonl"))
        assert item["licence"] == str(TABLES_BY_NAME[item["table"]].licence)
        assert item["url"].endswith(f"/data/files/{item['name']}")
    licences = {item["table"]: item["licence"] for item in manifest["files"]}
    assert licences["statements"] == "CC BY 4.0"
    assert "each dataset" in licences["dataset_claims"]


def test_an_unchanged_record_builds_the_same_bytes_gzip_included(
    exports_dir: Path, seeded: None
) -> None:
    first = {item["name"]: item["sha256"] for item in build(exports_dir)["files"]}
    second = {item["name"]: item["sha256"] for item in build(exports_dir)["files"]}
    assert first == second
    assert (
        gzip.decompress((exports_dir / "labs.csv.gz").read_bytes())
        == (exports_dir / "labs.csv").read_bytes()
    )


def test_a_row_the_dictionary_does_not_describe_stops_the_build_and_keeps_the_old_files(
    exports_dir: Path, seeded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = build(exports_dir)
    Source.objects.update(title="Renamed after the first build")
    labs_rows = selectors.ROWS["labs"]

    def with_a_column_too_many(*, chunk_size: int) -> selectors.Rows:
        for row in labs_rows(chunk_size=chunk_size):
            yield {**row, "secret": "not in the dictionary"}

    monkeypatch.setitem(selectors.ROWS, "labs", with_a_column_too_many)
    with pytest.raises(RowMismatch, match="secret"):
        exports_build(directory=exports_dir, chunk_size=100, gzip_level=6)

    assert manifest_read(exports_dir) == before
    for item in before["files"]:
        assert sha256(exports_dir / item["name"]) == item["sha256"]
    assert sorted(path.name for path in exports_dir.iterdir()) == sorted(
        [item["name"] for item in before["files"]] + ["manifest.json"]
    )
