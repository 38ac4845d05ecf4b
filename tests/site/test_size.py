"""Pages cost the same whatever the size of the record: query counts, keyset paging to the end."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import Client

from apps.claims.models import Statement
from apps.site.services import GeneratedTimeline, timeline_generate
from apps.site.timeline import Cursor, timeline_page

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
AssertQueries = Callable[[int], AbstractContextManager[Any]]

# Page: company, models (+ status history, openness), statements (+ citations, models), labs and
# stance changes, subsidiaries. Fragment: company, models, statements (+ citations, models).
# Counted once here; the point of the tests is that the count never grows with the record.
LAB_PAGE_QUERIES = 10
LAB_FRAGMENT_QUERIES = 5
HOME_QUERIES = 5


def _deep_cursor(timeline: GeneratedTimeline, position: int) -> Cursor:
    row = (
        Statement.objects.filter(company=timeline.company)
        .order_by("-occurred_on", "-id")
        .values_list("occurred_on", "id")[position - 1]
    )
    return Cursor(*row)


@pytest.mark.parametrize("size", [10, 1000])
def test_the_lab_page_makes_the_same_number_of_queries_at_10_and_1000_statements(
    client: Client, django_assert_num_queries: AssertQueries, size: int
) -> None:
    timeline = timeline_generate(count=size, slug=f"lab-{size}", name=f"Lab {size}")
    url = timeline.company.get_absolute_url()
    with django_assert_num_queries(LAB_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.count(b'<article class="statement"') == min(size, 20)
    with django_assert_num_queries(LAB_FRAGMENT_QUERIES):
        client.get(f"{url}?language=ja", headers=HX)
    cursor = _deep_cursor(timeline, min(size, 20) // 2)
    with django_assert_num_queries(LAB_FRAGMENT_QUERIES):
        client.get(f"{url}?after={cursor.encode()}", headers=HX)


@pytest.mark.parametrize("size", [10, 1000])
def test_the_home_page_makes_the_same_number_of_queries_at_10_and_1000_statements(
    client: Client, django_assert_num_queries: AssertQueries, size: int
) -> None:
    timeline_generate(count=size, slug=f"lab-{size}", name=f"Lab {size}")
    timeline_generate(count=3, slug="other", name="Other lab")
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get("/")
    assert response.content.count(b'<svg class="spark"') == 2


def test_the_10000th_statement_is_one_cursor_away_and_costs_what_the_first_does(
    client: Client, django_assert_num_queries: AssertQueries
) -> None:
    timeline = timeline_generate(count=10_000)
    url = timeline.company.get_absolute_url()
    ordered = list(
        Statement.objects.filter(company=timeline.company)
        .order_by("-occurred_on", "-id")
        .values_list("id", flat=True)
    )
    cursor = _deep_cursor(timeline, 9_990)
    with django_assert_num_queries(LAB_FRAGMENT_QUERIES):
        response = client.get(f"{url}?after={cursor.encode()}", headers=HX)
    shown = [
        int(n)
        for n in re.findall(rb'<article class="statement" id="statement-(\d+)"', response.content)
    ]
    assert shown == ordered[9_990:]
    assert len(shown) == 10 and b"Load more" not in response.content

    # Walking the whole timeline by cursor sees every statement once, in order.
    seen: list[int] = []
    next_cursor: Cursor | None = None
    while True:
        page = timeline_page(
            Statement.objects.published().for_company(timeline.company), next_cursor, size=1000
        )
        seen += [s.pk for s in page.statements]
        if page.next_cursor is None:
            break
        next_cursor = page.next_cursor
    assert seen == ordered
