"""The model page shows what each dataset says, beside the editor's values, flagged where they
differ, with each dataset's name, upstream record and attribution; a claim is only ever text."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from apps.catalog.models import AccessLevel, AIModel, ModelStatusChange
from tests.datasets.helpers import capture, record_make
from tests.factories import company_make, model_make

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def alpha() -> AIModel:
    model = model_make(
        developer=company_make(name="Lab One"),
        name="Alpha 7B",
        access_level=AccessLevel.API_ONLY,
        parameter_count=7_000_000_000,
    )
    ModelStatusChange.objects.create(
        model=model, status="released", date=datetime.date(2024, 7, 23)
    )
    return model


def page(client: Client, model: AIModel) -> str:
    response = client.get(model.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def section(html: str) -> str:
    return html.split('id="datasets-heading"')[1].split("</section>")[0]


def test_each_dataset_claim_is_shown_beside_the_editors_value_and_differences_are_flagged(
    client: Client, alpha: AIModel
) -> None:
    record_make(
        "epoch",
        alpha,
        {"access_level": "Open weights (unrestricted)", "release_date": "2024-07",
         "parameters": "7000000000"},
        key="Alpha-7B",
        upstream_url="https://epoch.ai/data/ai-models",
    )  # fmt: skip
    record_make("mot", alpha, {"release_date": "2024-08-01", "licence:Datasets": "MIT"})

    html = section(page(client, alpha))

    assert "Epoch AI: Data on AI models" in html and "LF AI &amp; Data: Model Openness Tool" in html
    assert 'href="https://epoch.ai/data/ai-models"' in html and "Alpha-7B" in html
    assert "Epoch AI, &#x27;Parameter, Compute and Data Trends" in html  # the attribution
    rows = {row.split("</th>")[0]: row for row in html.split("<tr")[2:]}
    access = next(row for label, row in rows.items() if "access level" in label)
    assert "Open weights (unrestricted)" in access and "API only" in access
    assert "differs from a dataset" in access
    released = next(row for label, row in rows.items() if "release date" in label)
    assert "datasets disagree" in released  # 2024-07 and 2024-08-01
    parameters = next(row for label, row in rows.items() if "parameters" in label)
    assert "differs" not in parameters and "disagree" not in parameters


def test_a_hostile_claim_is_shown_as_text_and_a_script_url_is_no_link(
    client: Client, alpha: AIModel
) -> None:
    record_make(
        "osai",
        alpha,
        {"class:llmweights": HOSTILE},
        key=HOSTILE,
        upstream_url="javascript:alert(1)",
        evidence="javascript:alert(2)",
    )

    html = page(client, alpha)

    assert HOSTILE not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "javascript:" not in html


def test_a_model_no_dataset_describes_says_so_and_records_of_other_models_stay_off(
    client: Client, alpha: AIModel
) -> None:
    other = model_make(developer=alpha.developer, name="Beta")
    record_make("epoch", other, {"access_level": "Unreleased"}, key="Beta")

    html = section(page(client, alpha))

    assert "No dataset we read describes this model yet." in html and "Beta" not in html


def test_the_section_costs_the_same_queries_for_no_record_or_three(
    client: Client, alpha: AIModel
) -> None:
    bare = model_make(developer=alpha.developer, name="Bare")
    for dataset in ("epoch", "mot", "osai"):
        record_make(dataset, alpha, {"release_date": "2024", "developer": "Lab One"})

    with capture() as without:
        page(client, bare)
    with capture() as with_three:
        assert section(page(client, alpha)).count("Lab One") == 3

    assert len(without.captured_queries) == len(with_three.captured_queries)


def test_the_section_reads_in_japanese(client: Client, alpha: AIModel) -> None:
    record_make("epoch", alpha, {"access_level": "Unreleased"}, key="Alpha-7B")
    response = client.get(f"/ja{alpha.get_absolute_url()}")
    assert response.status_code == 200
    html = response.content.decode()

    assert "データセットの記載" in html and "データセットと食い違い" in html
