"""Lists are written directly, not checked by django-ninja on the way out (apps/api/endpoints/
common.py page_answer): each list's answer must therefore be exactly what its schema makes of it.

Read back through the operation's own response model and written again with the same renderer,
an answer must come out unchanged: a field the schema does not have, a missing one, a value of
the wrong type or shape would all change it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from apps.api.api import api
from apps.api.rendering import renderer
from apps.catalog.models import AccessLevel
from apps.site.services import timeline_generate
from tests.api.helpers import API
from tests.datasets.helpers import record_make
from tests.factories import company_make, model_make

pytestmark = pytest.mark.django_db

#: Every list the API answers with a page, and a path that lists something for each.
LISTS = {
    "labs_list": "/labs",
    "lab_stance_changes": "/labs/meta/stance-changes",
    "models_list": "/models",
    "statements_list": "/statements",
    "sources_list": "/sources",
    "disagreements_list": "/disagreements",
    "commitments_list": "/commitments",
}


def _response_model(url_name: str) -> Any:
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                if operation.url_name == url_name:
                    return operation.response_models[200]
    raise AssertionError(f"no operation {url_name}")


def test_every_page_list_is_covered() -> None:
    pages = {
        operation.url_name
        for _prefix, router in api._routers
        for path_view in router.path_operations.values()
        for operation in path_view.operations
        if "Page[" in str(operation.response_models[200].model_fields["response"].annotation)
    }
    assert pages == set(LISTS)


@pytest.mark.slow
@pytest.mark.parametrize("url_name", sorted(LISTS))
def test_a_list_answer_is_what_its_schema_makes_of_it(
    client: Client, seeded: None, url_name: str
) -> None:
    timeline_generate(count=30, slug="generated", name="Generated Lab")
    lab = company_make(name="Lab One")
    alpha = model_make(developer=lab, name="Alpha", access_level=AccessLevel.API_ONLY)
    record_make("epoch", alpha, {"access_level": "Unreleased", "release_date": "2019"}, key="A")
    response = client.get(f"{API}{LISTS[url_name]}", {"limit": 100})
    assert response.status_code == 200, response.content[:300]
    answer = response.json()
    assert answer["items"], "nothing listed: the comparison would prove little"
    model = _response_model(url_name)
    dumped = model.model_validate({"response": answer}).model_dump()["response"]
    assert json.loads(renderer.render(None, dumped, response_status=200)) == answer
