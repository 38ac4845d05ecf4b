"""A conditional request for an unchanged list is answered 304 from the digest of the rows it
read, without building the page (apps/api/conditional.unchanged_answer); whatever the page shows
that changes must change the answer, and a 304 looks the same either way."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.test import Client

from apps.api.conditional import Served, _key, _served
from apps.catalog.models import AIModel, Publisher, Source
from apps.claims.models import Citation, Statement
from tests.api.helpers import API
from tests.factories import company_make, model_make, statement_make

pytestmark = pytest.mark.django_db

URL = f"{API}/statements?lab=conditional-lab&limit=2"


@pytest.fixture
def page() -> list[Statement]:
    lab = company_make(slug="conditional-lab")
    model = model_make(developer=lab, slug="conditional-model")
    made = []
    for n in range(3):
        item = statement_make(company=lab, publish=True, occurred_on=datetime.date(2025, 1, n + 1))
        item.ai_models.add(model)
        made.append(item)
    return made


def _served_now() -> Served | None:
    return _served(cache.get(_key(URL)))


def _warm(client: Client) -> str:
    """The page's ETag, after a conditional request has stored what the page is built from."""
    etag = client.get(URL)["ETag"]
    assert client.get(URL, headers={"If-None-Match": etag}).status_code == 304
    served = _served_now()
    assert served is not None and served.etag == etag and served.source is not None
    return etag


@pytest.mark.slow
def test_the_fast_304_has_the_headers_of_the_built_one(client: Client, page: list) -> None:
    etag = client.get(URL)["ETag"]
    cache.delete(_key(URL))
    client.get(URL)
    built = client.get(URL, headers={"If-None-Match": etag})  # no digest stored yet
    fast = client.get(URL, headers={"If-None-Match": etag})  # the digest is known now
    assert built.status_code == fast.status_code == 304
    assert fast.content == b""
    skip = {"Date", "X-Request-ID", "RateLimit-Remaining", "RateLimit-Reset"}  # they tick
    assert {k: v for k, v in built.items() if k not in skip} == {
        k: v for k, v in fast.items() if k not in skip
    }
    modified = built["Last-Modified"]
    assert client.get(URL, headers={"If-Modified-Since": modified}).status_code == 304
    other = client.get(URL, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other["ETag"] == etag


def _retitle_source(items: list[Statement]) -> None:
    Source.objects.filter(citations__statement=items[-1]).update(title="Retitled")


def _rename_publisher(items: list[Statement]) -> None:
    source = Source.objects.filter(citations__statement=items[-1]).get()
    publisher = Publisher.objects.create(slug="renamed-pub", name="Before")
    Source.objects.filter(pk=source.pk).update(publisher=publisher)


def _edit_excerpt(items: list[Statement]) -> None:
    Citation.objects.filter(statement=items[-1]).update(excerpt="A new excerpt")


def _rename_model(items: list[Statement]) -> None:
    AIModel.objects.filter(slug="conditional-model").update(name="Renamed")


def _edit_statement(items: list[Statement]) -> None:
    # A queryset update: updated_at does not move, the summary does.
    Statement.objects.filter(pk=items[-1].pk).update(summary="Edited")


def _rename_lab(items: list[Statement]) -> None:
    type(items[0].company).objects.filter(pk=items[0].company_id).update(name="Renamed lab")


@pytest.mark.slow
@pytest.mark.parametrize(
    "change",
    [_edit_statement, _retitle_source, _rename_publisher, _edit_excerpt, _rename_model,
     _rename_lab],
)  # fmt: skip
def test_anything_the_page_shows_changes_its_answer(
    client: Client, page: list[Statement], change: Callable[[list[Statement]], None]
) -> None:
    etag = _warm(client)
    change(page)
    answer = client.get(URL, headers={"If-None-Match": etag})
    assert answer.status_code == 200
    assert answer["ETag"] != etag
    # And the new answer is remembered in its turn.
    assert client.get(URL, headers={"If-None-Match": answer["ETag"]}).status_code == 304


def test_a_statement_outside_the_page_leaves_it_alone(client: Client, page: list) -> None:
    etag = _warm(client)
    # Older than the page's two: on the next page, not this one.
    statement_make(company=page[0].company, publish=True, occurred_on=datetime.date(2024, 1, 1))
    assert client.get(URL, headers={"If-None-Match": etag}).status_code == 304
