"""Labs, models, sources and disagreements as the API gives them: the same stance, series,
openness and claims as the site's selectors, provenance on every dataset value, and only
what the public record stands on."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from apps.catalog.models import AccessLevel, AIModel, Company, Source
from apps.claims import services
from apps.claims.selectors import says_and_does
from apps.datasets.compare import disagreeing_claim_ids
from apps.site.selectors import labs_with_changes
from tests.api.helpers import API, get, walk
from tests.datasets.helpers import record_make
from tests.factories import company_make, model_make, source_make, statement_make

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_labs_carry_the_stance_now_that_the_site_shows(client: Client, seeded: None) -> None:
    labs = {lab["slug"]: lab for lab in walk(client, "/labs", limit=3)}
    expected = {row.company.slug: row for row in labs_with_changes()}
    assert set(labs) == set(expected)
    for slug, row in expected.items():
        now = labs[slug]["stance_now"]
        if row.latest_change is None:
            assert now is None
        else:
            assert now["stance"] == row.latest_change.new_stance
            assert now["since"] == row.latest_change.date.isoformat()
    meta = labs["meta"]
    assert meta["name_ja"] == "メタ"
    assert {"name": "メタ", "language": "ja"} in meta["aliases"]
    assert set(meta["stance_now"]["label"]) == {"en", "ja"}


def test_a_lab_has_says_and_does_as_the_engine_derives_them(client: Client, seeded: None) -> None:
    meta = Company.objects.get(slug="meta")
    series = says_and_does(company=meta)
    body = get(client, "/labs/meta")
    assert body["says_now"]["stance"] == series.says[-1].new_stance
    assert body["does_now"]["stance"] == series.does[-1].new_stance
    assert len(body["divergences"]) == len(series.divergences)
    assert "llama-4-behemoth" in [m["slug"] for m in body["models"]]
    assert "meta-superintelligence-labs" in [s["slug"] for s in body["subsidiaries"]]

    history = get(client, "/labs/meta/stance-history")
    assert [p["stance"] for p in history["says"]] == [c.new_stance for c in series.says]
    assert [p["stance"] for p in history["does"]] == [c.new_stance for c in series.does]
    combined = [c for row in labs_with_changes(["meta"]) for c in row.changes]
    assert [p["date"] for p in history["combined"]] == [c.date.isoformat() for c in combined]


@pytest.mark.slow
def test_stance_changes_are_paged_and_superseded_ones_come_only_when_asked(
    client: Client,
) -> None:
    lab = company_make(slug="turning-lab")
    first = statement_make(
        company=lab, publish=True, stance="open", occurred_on=datetime.date(2024, 1, 1)
    )
    statement_make(
        company=lab,
        publish=True,
        stance="closed",
        kind="action",
        occurred_on=datetime.date(2025, 1, 1),
    )
    # A backdated statement redraws the history: earlier changes are superseded, not deleted.
    statement_make(
        company=lab,
        publish=True,
        stance="closed",
        kind="action",
        occurred_on=datetime.date(2023, 6, 1),
    )
    current = walk(client, "/labs/turning-lab/stance-changes", limit=1)
    everything = walk(
        client, "/labs/turning-lab/stance-changes", limit=1, include_superseded="true"
    )
    assert all(c["superseded_at"] is None for c in current)
    assert len(everything) > len(current)
    assert any(c["superseded_at"] for c in everything)
    dates = [c["date"] for c in current]
    assert dates == sorted(dates, reverse=True)
    assert any(first.pk in c["statement_ids"] for c in everything)


def test_a_model_has_its_components_status_and_each_datasets_claims_with_provenance(
    client: Client, seeded: None
) -> None:
    behemoth = AIModel.objects.get(slug="llama-4-behemoth")
    record_make(
        "epoch",
        behemoth,
        {"access_level": "Open weights (unrestricted)"},
        key="Llama 4 Behemoth",
        upstream_url="https://epoch.example/behemoth",
        evidence="https://epoch.example/evidence",
    )
    body = get(client, "/models/llama-4-behemoth")
    assert [c["component"] for c in body["components"]] == [
        "weights",
        "inference_code",
        "training_code",
        "training_data",
        "data_card",
        "model_card",
        "paper",
        "licence",
    ]
    assert body["status_history"], "the seed records Behemoth's status"
    assert body["status_now"] == body["status_history"][-1]
    access = next(row for row in body["dataset_claims"] if row["field"] == "access_level")
    assert access["editor_value"] is not None
    assert access["editor_disagrees"] is True  # the seed has Behemoth unreleased
    (claim,) = access["claims"]
    assert claim["value"] == "Open weights (unrestricted)"
    assert claim["record"]["url"] == "https://epoch.example/behemoth"
    assert claim["record"]["key"] == "Llama 4 Behemoth"
    assert claim["evidence_url"] == "https://epoch.example/evidence"
    assert claim["dataset"]["key"] == "epoch"
    assert claim["dataset"]["licence"] and claim["dataset"]["attribution"]
    assert set(access["label"]) == {"en", "ja"}
    assert body["access_level_label"]["ja"]

    listed = {m["slug"]: m for m in walk(client, "/models", limit=4)}
    assert listed["llama-4-behemoth"] == body
    assert [m["slug"] for m in walk(client, "/models", lab="meta")] == sorted(
        AIModel.objects.filter(developer__slug="meta").values_list("slug", flat=True)
    )
    unreleased = walk(client, "/models", access_level=AccessLevel.UNRELEASED)
    assert "llama-4-behemoth" in [m["slug"] for m in unreleased]


def test_sources_are_those_published_statements_cite_with_chain_and_archive(
    client: Client,
) -> None:
    lab = company_make(slug="source-lab")
    upstream = source_make(title="Upstream report")
    report = source_make(title="Report on the report", language="ja")
    report.cites.add(upstream)
    Source.objects.filter(pk=report.pk).update(
        snapshot_text="archived",
        snapshot_hash="a" * 64,
        snapshot_retrieved_at=datetime.datetime(2025, 7, 15, tzinfo=datetime.UTC),
    )
    published = statement_make(company=lab, cited=False)
    published.citations.create(source=report)
    published.citations.create(source=upstream)
    services.statement_publish(statement=published, user=None)
    draft_only = source_make(title="Only a draft cites this")
    draft = statement_make(company=lab, cited=False)
    draft.citations.create(source=draft_only)

    listed = walk(client, "/sources", lab="source-lab")
    assert {s["title"] for s in listed} == {"Upstream report", "Report on the report"}
    shown = {s["title"]: s for s in listed}["Report on the report"]
    assert [s["title"] for s in shown["cites"]] == ["Upstream report"]
    assert shown["statement_ids"] == [published.pk]
    assert shown["archive"] == {
        "archived_at": "2025-07-15T00:00:00Z",
        "sha256": "a" * 64,
        "has_text": True,
    }
    assert walk(client, "/sources", language="ja") == [shown]
    assert client.get(f"{API}/sources/{draft_only.pk}").status_code == 404
    assert all(s["title"] != "Only a draft cites this" for s in walk(client, "/sources"))


def test_disagreements_list_the_claims_the_model_page_flags(client: Client) -> None:
    lab = company_make(name="Lab One")
    alpha = model_make(developer=lab, name="Alpha", access_level=AccessLevel.API_ONLY)
    beta = model_make(developer=lab, name="Beta")
    record_make("epoch", alpha, {"access_level": "Unreleased"}, key="A")
    record_make("epoch", beta, {"release_date": "2024-05"}, key="B")
    record_make("mot", beta, {"release_date": "2023-01-02"}, key="B-mot")
    record_make("osai", beta, {"class:llmweights": "open"}, key="B-osai")

    listed = walk(client, "/disagreements", limit=1)
    assert sorted(item["id"] for item in listed) == sorted(disagreeing_claim_ids())
    assert {(item["model"]["slug"], item["field"]) for item in listed} == {
        (alpha.slug, "access_level"),
        (beta.slug, "release_date"),
    }
    assert all(item["dataset"]["attribution"] for item in listed)
    only_mot = walk(client, "/disagreements", dataset="mot")
    assert [item["record"]["key"] for item in only_mot] == ["B-mot"]
    assert [i["model"]["slug"] for i in walk(client, "/disagreements", model=alpha.slug)] == [
        alpha.slug
    ]
    unknown = client.get(f"{API}/disagreements", {"dataset": "nope"})
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["parameter"] == "dataset"
