"""The admin lists the claims that disagree with another dataset or with the editor's value,
with links to the model and the record; agreeing and unmatched claims stay off the list."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from apps.catalog.models import AccessLevel, AIModel
from apps.datasets.compare import disagreeing_claim_ids
from apps.datasets.models import DatasetClaim
from tests.datasets.helpers import record_make
from tests.factories import company_make, model_make

pytestmark = pytest.mark.django_db

URL = "/admin/datasets/disagreement/"


@pytest.fixture
def models() -> tuple[AIModel, AIModel]:
    lab = company_make(name="Lab One")
    return (
        model_make(developer=lab, name="Alpha", access_level=AccessLevel.API_ONLY),
        model_make(developer=lab, name="Beta", parameter_count=7_000_000_000),
    )


def claim(key: str, field: str) -> int:
    return DatasetClaim.objects.get(record__key=key, field=field).pk


def test_claims_disagreeing_with_the_editor_or_another_dataset_are_listed(
    models: tuple[AIModel, AIModel],
) -> None:
    alpha, beta = models
    record_make("epoch", alpha, {"access_level": "Unreleased", "developer": "Lab One"}, key="A")
    record_make("epoch", beta, {"parameters": "7000000000", "release_date": "2024-05"}, key="B")
    record_make("mot", beta, {"release_date": "2023-01-02"}, key="B-mot")
    record_make("epoch", None, {"access_level": "API access"}, key="Unmatched")

    found = set(disagreeing_claim_ids())

    assert found == {
        claim("A", "access_level"),  # the editor says API only
        claim("B", "release_date"),  # 2024-05 and 2023-01-02
        claim("B-mot", "release_date"),
    }


def test_the_admin_list_links_each_disagreement_to_its_model_and_record(
    models: tuple[AIModel, AIModel], editor: User
) -> None:
    alpha, _beta = models
    record_make("epoch", alpha, {"access_level": "Unreleased", "parameters": "1"}, key="A")
    client = Client()
    client.force_login(editor)

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert alpha.get_absolute_url() in html and f"/admin/catalog/aimodel/{alpha.pk}/" in html
    record_id = DatasetClaim.objects.get(field="access_level").record_id
    assert f"/admin/datasets/datasetrecord/{record_id}/" in html
    assert "Unreleased" in html
    assert "1 disagreement" in html  # the parameters claim has no editor value to differ from
