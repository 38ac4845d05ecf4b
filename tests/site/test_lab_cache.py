"""The lab page's caches (apps/site/lab_charts.py, apps/site/cards.py) never show a stale record.

Each test warms the caches, changes the record the way editors do (through the services), and
checks that the page shows the change and is byte for byte the page drawn with an empty cache.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.catalog.models import AIModel, Company, Person, Publisher, Source
from apps.claims import services
from apps.claims.models import Statement
from tests.factories import company_make, model_make, publisher_make, statement_make

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
# What differs between two requests whatever the cache: the CSP nonce and the masked CSRF token.
PER_REQUEST = re.compile(rb'( nonce="[^"]*"|name="csrfmiddlewaretoken" value="[^"]*")')


def _get(client: Client, url: str, **headers: str) -> bytes:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return PER_REQUEST.sub(b"", response.content)


def pages(client: Client, company: Company) -> dict[tuple[str, bool], bytes]:
    """The full page and the fragment, in English and Japanese."""
    paths = {"en": company.get_absolute_url(), "ja": f"/ja{company.get_absolute_url()}"}
    return {
        (language, fragment): _get(client, path, **(HX if fragment else {}))
        for language, path in paths.items()
        for fragment in (False, True)
    }


def assert_fresh(client: Client, company: Company) -> dict[tuple[str, bool], bytes]:
    """The pages as served (caches warm from before the change) equal the pages drawn anew."""
    served = pages(client, company)
    cache.clear()
    assert pages(client, company) == served
    return served


def both(served: dict[tuple[str, bool], bytes], text: str) -> bool:
    return all(text.encode() in body for body in served.values())


def none(served: dict[tuple[str, bool], bytes], text: str) -> bool:
    return all(text.encode() not in body for body in served.values())


@pytest.fixture
def lab() -> Company:
    company = company_make()
    statement_make(company=company, summary="First word", stance="open", publish=True)
    return company


@pytest.mark.slow
def test_a_statement_published_after_the_page_was_cached_is_shown_with_its_chart(
    client: Client, lab: Company
) -> None:
    pages(client, lab)  # warm
    statement_make(company=lab, summary="Second word", stance="closed", kind="action", publish=True)
    served = assert_fresh(client, lab)
    assert both(served, "Second word")


@pytest.mark.slow
def test_a_retracted_statement_leaves_the_list_and_the_chart(client: Client, lab: Company) -> None:
    later = statement_make(company=lab, summary="Said then taken back", publish=True)
    assert both(pages(client, lab), "Said then taken back")
    services.statement_retract(statement=later, user=None, reason="Misattributed")
    served = assert_fresh(client, lab)
    assert none(served, "Said then taken back")


@pytest.mark.slow
def test_an_edited_published_statement_is_shown_as_edited_in_both_languages(
    client: Client, lab: Company
) -> None:
    statement = Statement.objects.get(company=lab)
    pages(client, lab)
    statement.summary = "Edited word"
    statement.summary_ja = "編集された言葉"
    statement.stance = "closed"
    services.statement_save(statement=statement, user=None)
    services.statement_published_changed(
        statement=statement, user=None, previous_occurred_on=statement.occurred_on
    )
    served = assert_fresh(client, lab)
    assert b"Edited word" in served[("en", True)]
    assert "編集された言葉".encode() in served[("ja", True)]
    assert none(served, "First word")


@pytest.mark.slow
def test_a_card_shows_a_renamed_model_source_publisher_and_speaker(
    client: Client, lab: Company
) -> None:
    """None of these edits recomputes the stance: the cards are keyed by the rows themselves."""
    statement = Statement.objects.get(company=lab)
    statement.ai_models.add(model_make(developer=lab, name="Old Model"))
    source = statement.citations.get().source
    source.publisher = publisher_make(name="Old Press")
    source.save()
    speaker = Person.objects.create(name="Old Speaker", slug="old-speaker", company=lab)
    Statement.objects.filter(pk=statement.pk).update(speaker=speaker)
    assert both(pages(client, lab), "Old Press")
    # One at a time, each against cards cached just before it.
    renames = [
        (AIModel.objects.filter(name="Old Model"), "name", "New Model"),
        (Source.objects.filter(pk=source.pk), "title", "A retitled story"),
        (Publisher.objects.filter(name="Old Press"), "name", "New Press"),
        (Person.objects.filter(pk=speaker.pk), "name", "New Speaker"),
    ]
    for rows, column, text in renames:
        rows.update(**{column: text})
        assert both(assert_fresh(client, lab), text)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


@pytest.mark.slow
def test_the_query_count_does_not_grow_with_the_record_cached_or_not(client: Client) -> None:
    small, large = company_make(), company_make()
    statement_make(company=small, publish=True)
    for day in range(1, 8):
        statement_make(
            company=large,
            stance="closed" if day % 2 else "open",
            occurred_on=datetime.date(2024, 1, day),
            publish=True,
        )
    counts = {}
    for company in (small, large):
        url = company.get_absolute_url()
        client.get(url)  # whatever a first request of the process or the test does once
        cache.clear()
        cold = _queries(client, url)
        counts[company.slug] = (cold, _queries(client, url), _queries(client, url))
    assert counts[small.slug] == counts[large.slug]
    cold, warm, again = counts[small.slug]
    assert warm == again < cold  # the charts' queries are not sent once cached
