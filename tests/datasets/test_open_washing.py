"""The open-washing flag: a statement that calls a model open source while a dataset lists the
model's weights, code or data as closed or restricted (apps/datasets/openwashing.py), and the
statement and model pages that show it with the evidence, in English and Japanese."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from apps.catalog.models import AIModel, Company
from apps.claims.models import Statement
from apps.datasets.openwashing import (
    claim_reading,
    mentions_open_source,
    model_open_washing,
    statement_open_washing,
)
from tests.datasets.helpers import capture, record_make
from tests.factories import company_make, model_make, statement_make

# --- The words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Open Source AI Is the Path Forward",
        "Meta releases Llama 3.1, its open-source model",
        "Llama is open-sourced under a community licence",
        "We are open sourcing the weights",
        "オープンソースAIこそ進むべき道",
        "Llama 3.1をｵｰﾌﾟﾝｿｰｽとして公開",  # half-width katakana
        "The model is open\u2011source",  # a non-breaking hyphen
    ],
)
def test_these_words_call_a_model_open_source(text: str) -> None:
    assert mentions_open_source(text)


@pytest.mark.parametrize(
    "text",
    [
        "Meta releases Llama 3.1 with open weights",
        "Llama is not open source",
        "a non-open-source model",
        "Meta discussed moving away from open-source AI",
        "The model isn't open source",
        "Llamaはオープンソースではない",
        "非オープンソースのモデル",
        "オープンウェイトで公開",
    ],
)
def test_these_words_do_not(text: str) -> None:
    assert not mentions_open_source(text)


# --- The datasets' values -------------------------------------------------------------------

WEIGHTS = "licence:Model parameters (Final)"  # a component of the Model Openness Framework
RESTRICTED_WEIGHTS = ("weights", "restricted")


@pytest.mark.parametrize(
    ("field", "value", "reading"),
    [
        ("access_level", "Open weights (restricted use)", ("weights", "restricted")),
        ("access_level", "Open weights (non-commercial)", ("weights", "restricted")),
        ("access_level", "API access", ("weights", "closed")),
        ("access_level", "Hosted access (no API)", ("weights", "closed")),
        ("access_level", "Unreleased", ("weights", "closed")),
        ("access_level", "Open weights (unrestricted)", ("weights", "open")),
        ("training_code", "Unreleased", ("code", "closed")),
        ("training_data", "Open (non-commercial)", ("data", "restricted")),
        ("training_data", "Open source", ("data", "open")),
        (
            "licence:Model parameters (Final)",
            "Llama 2 Community License",
            ("weights", "restricted"),
        ),
        (
            "licence:distribution",
            "Llama 3.1 Community License Agreement",
            ("weights", "restricted"),
        ),
        ("licence:Model parameters (Final)", "Gemma Terms of Use", ("weights", "restricted")),
        (
            "licence:Model parameters (Final)",
            "bigscience-bloom-rail-1.0",
            ("weights", "restricted"),
        ),
        ("licence:Model parameters (Final)", "CC-BY-NC-4.0", ("weights", "restricted")),
        ("licence:Model parameters (Final)", "ChatGLM2-6B License", ("weights", "restricted")),
        ("licence:Training code", "unlicensed", ("code", "closed")),
        ("licence:Inference code", "Pending evaluation", ("code", "closed")),
        ("licence:Datasets", "Component not included", ("data", "closed")),
        ("licence:Datasets", "Proprietary", ("data", "closed")),
        ("licence:Model parameters (Final)", "Apache 2.0", ("weights", "open")),
        ("licence:Training code", "MIT license", ("code", "open")),
        ("licence:Datasets", "CC BY-SA 4.0", ("data", "open")),
        ("licence:Datasets", "The Unlicense", ("data", "open")),
        ("class:llmweights", "partial", ("weights", "restricted")),
        ("class:opencode", "closed", ("code", "closed")),
        ("class:llmdata", "open", ("data", "open")),
    ],
)
def test_each_datasets_value_is_read_as_open_restricted_or_closed(
    field: str, value: str, reading: tuple[str, str]
) -> None:
    assert claim_reading(field, value) == reading


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("licence:Model parameters (Final)", "Other License"),  # no telling what it allows
        ("licence:Research paper", "unlicensed"),  # not weights, code or data
        ("class:paper", "closed"),
        ("release_date", "2024"),
        ("access_level", "something new"),
    ],
)
def test_a_value_the_rule_cannot_read_or_that_is_not_about_weights_code_or_data_says_nothing(
    field: str, value: str
) -> None:
    assert claim_reading(field, value) is None


# --- Statements, models and datasets together -----------------------------------------------

#: Per dataset: claims that list the model as closed or restricted, and claims that list it open.
CLAIMS = {
    "epoch": (
        {"access_level": "Open weights (restricted use)", "training_code": "Open source"},
        {
            "access_level": "Open weights (unrestricted)",
            "training_code": "Open source",
            "training_data": "Open source",
        },
    ),
    "mot": (
        {"licence:Model parameters (Final)": "Llama 3.1 Community License", "licence:Datasets": ""},
        {"licence:Model parameters (Final)": "Apache-2.0", "licence:Training code": "MIT"},
    ),
    "osai": (
        {"class:llmweights": "open", "class:llmdata": "closed", "class:paper": "open"},
        {"class:llmweights": "open", "class:opencode": "open", "class:llmdata": "open"},
    ),
}
WORDS = {
    "en": {"summary": "Lab One releases Llama 9 as an open-source model.", "quote": ""},
    "ja": {
        "summary": "ラボ・ワンがLlama 9を公開。",
        "quote": "Llama 9はオープンソースです。",
        "quote_language": "ja",
    },
}


@pytest.fixture
def lab() -> Company:
    return company_make(name="Lab One", slug="lab-one")


@pytest.fixture
def llama(lab: Company) -> AIModel:
    return model_make(developer=lab, name="Llama 9", slug="llama-9")


def open_source_statement(lab: Company, model: AIModel, language: str, **fields: Any) -> Statement:
    fields = {"stance": "open", "kind": "official", **WORDS[language], **fields}
    return statement_make(company=lab, publish=True, ai_models=[model], **fields)


def flags(statement: Statement) -> list[tuple[str, str, str]]:
    statement = Statement.objects.prefetch_related("ai_models").get(pk=statement.pk)
    return [
        (flag.model.name, item.claim.field, item.reading)
        for flag in statement_open_washing(statement)
        for item in flag.evidence
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("dataset", ["epoch", "mot", "osai"])
def test_a_statement_calling_a_model_open_source_is_flagged_by_each_dataset_that_lists_it_closed(
    lab: Company, llama: AIModel, dataset: str, language: str
) -> None:
    record_make(dataset, llama, CLAIMS[dataset][0], key=f"{dataset}-llama-9")
    statement = open_source_statement(lab, llama, language)

    found = flags(statement)

    expected = {
        "epoch": [("Llama 9", "access_level", "restricted")],
        "mot": [("Llama 9", "licence:Model parameters (Final)", "restricted")],
        "osai": [("Llama 9", "class:llmdata", "closed")],
    }
    assert found == expected[dataset]
    page = model_open_washing(llama)
    assert page and page.statements == [statement]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("dataset", ["epoch", "mot", "osai"])
def test_no_flag_where_the_dataset_lists_the_weights_code_and_data_as_open(
    lab: Company, llama: AIModel, dataset: str, language: str
) -> None:
    record_make(dataset, llama, CLAIMS[dataset][1], key=f"{dataset}-llama-9")
    statement = open_source_statement(lab, llama, language)

    assert flags(statement) == []
    assert not model_open_washing(llama)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"stance": "leaning_closed", "summary": "Lab One moves away from open source."},
        {"kind": "unnamed_report", "summary": "People say Llama 9 will be open source."},
        {"kind": "analysis", "summary": "A critic calls Llama 9 open source."},
        {"summary": "Lab One releases Llama 9 with open weights."},
        {"summary": "Lab One: Llama 9 is not open source."},
        {"summary": "ラボ・ワンがLlama 9を公開。", "quote": "オープンソースではない。"},
    ],
)
def test_no_flag_where_the_statement_does_not_call_the_model_open_source(
    lab: Company, llama: AIModel, fields: dict[str, str]
) -> None:
    record_make("epoch", llama, {"access_level": "Unreleased"}, key="Llama-9")
    statement = open_source_statement(lab, llama, "ja" if "quote" in fields else "en", **fields)

    assert flags(statement) == []
    assert not model_open_washing(llama)


@pytest.mark.django_db
def test_only_the_models_a_dataset_lists_closed_are_flagged_and_a_statement_naming_none_is_not(
    lab: Company, llama: AIModel
) -> None:
    other = model_make(developer=lab, name="Open One")
    record_make("epoch", llama, {"access_level": "API access"}, key="Llama-9")
    record_make("epoch", other, {"access_level": "Open weights (unrestricted)"}, key="Open-One")
    both = statement_make(
        company=lab, publish=True, ai_models=[llama, other], summary="Both are open source."
    )
    neither = statement_make(company=lab, publish=True, summary="Open source is the path forward.")

    assert flags(both) == [("Llama 9", "access_level", "closed")]
    assert flags(neither) == []


# --- The pages ------------------------------------------------------------------------------


def html(client: Client, url: str, language: str = "en") -> str:
    response = client.get(url if language == "en" else f"/{language}{url}")
    assert response.status_code == 200
    return response.content.decode()


def flag_section(page: str) -> str:
    assert 'id="open-washing-heading"' in page, "no open-washing flag on the page"
    return page.split('id="open-washing-heading"')[1].split("</section>")[0]


@pytest.mark.django_db
def test_the_statement_page_shows_the_flag_with_the_dataset_field_value_record_and_attribution(
    client: Client, lab: Company, llama: AIModel
) -> None:
    record_make(
        "epoch",
        llama,
        {"access_level": "Open weights (non-commercial)"},
        key="Llama-9",
        upstream_url="https://epoch.ai/data/ai-models",
        evidence="https://lab-one.example/llama-9",
    )
    statement = open_source_statement(lab, llama, "en")

    section = flag_section(html(client, statement.get_absolute_url()))

    assert "Open-washing flag" in section
    assert "Epoch AI: Data on AI models" in section  # which dataset
    assert "access level" in section and "Open weights (non-commercial)" in section  # field, value
    assert "weights: <strong" in section and "restricted" in section  # what it means
    assert 'href="https://epoch.ai/data/ai-models"' in section and "Llama-9" in section
    assert 'href="https://lab-one.example/llama-9"' in section  # the claim's own evidence
    assert "CC BY 4.0" in section and "Epoch AI, &#x27;Parameter, Compute" in section
    assert f'href="{llama.get_absolute_url()}"' in section


@pytest.mark.django_db
def test_the_statement_page_reads_the_flag_in_japanese(
    client: Client, lab: Company, llama: AIModel
) -> None:
    record_make("osai", llama, {"class:llmweights": "partial"}, key="llama-9")
    statement = open_source_statement(lab, llama, "ja")

    section = flag_section(html(client, statement.get_absolute_url(), "ja"))

    assert "オープンウォッシングの指摘" in section
    assert "重み" in section and "制限付き" in section and "データセット" in section


@pytest.mark.django_db
def test_a_statement_page_without_the_flag_shows_none(
    client: Client, lab: Company, llama: AIModel
) -> None:
    record_make("mot", llama, {"licence:Model parameters (Final)": "Apache-2.0"}, key="llama-9")
    statement = open_source_statement(lab, llama, "en")

    assert 'id="open-washing-heading"' not in html(client, statement.get_absolute_url())


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_model_page_lists_the_statements_that_call_it_open_source_with_the_evidence(
    client: Client, lab: Company, llama: AIModel, language: str
) -> None:
    record_make(
        "mot",
        llama,
        {"licence:Model parameters (Final)": "Llama 3.1 Community License"},
        key="llama-9",
        upstream_url="https://github.com/lfai/model_openness_tool/blob/main/models/llama-9.yml",
    )
    flagged = open_source_statement(lab, llama, "en")
    open_source_statement(lab, llama, "en", stance="mixed", summary="Open source, mostly.")

    section = flag_section(html(client, llama.get_absolute_url(), language))

    prefix = "" if language == "en" else f"/{language}"
    assert f'href="{prefix}{flagged.get_absolute_url()}"' in section
    assert "Open source, mostly." not in section  # a mixed stance claims no openness
    assert "Llama 3.1 Community License" in section and "LF AI &amp; Data" in section
    assert "/models/llama-9.yml" in section
    assert ("A statement calls" if language == "en" else "オープンソースと呼んで") in section


@pytest.mark.django_db
def test_the_model_page_has_no_flag_when_no_statement_calls_it_open_source(
    client: Client, lab: Company, llama: AIModel
) -> None:
    record_make("epoch", llama, {"access_level": "Unreleased"}, key="Llama-9")
    statement_make(company=lab, publish=True, ai_models=[llama], summary="Lab One keeps it.")

    assert 'id="open-washing-heading"' not in html(client, llama.get_absolute_url())


@pytest.mark.slow
@pytest.mark.django_db
def test_the_flag_costs_the_same_queries_for_one_statement_and_record_or_three(
    client: Client, lab: Company, llama: AIModel
) -> None:
    other = model_make(developer=lab, name="Llama 10", slug="llama-10")
    record_make("epoch", llama, {"access_level": "API access"}, key="Llama-9")
    one = open_source_statement(lab, llama, "en")
    for dataset in ("epoch", "mot", "osai"):
        record_make(dataset, other, CLAIMS[dataset][0], key=f"{dataset}-llama-10")
    three = [open_source_statement(lab, other, "en") for _ in range(3)]

    counts = []
    for model, statement in ((llama, one), (other, three[0])):
        with capture() as model_page:
            flag_section(html(client, model.get_absolute_url()))
        with capture() as statement_page:
            flag_section(html(client, statement.get_absolute_url()))
        counts.append((len(model_page.captured_queries), len(statement_page.captured_queries)))

    assert counts[0] == counts[1]
