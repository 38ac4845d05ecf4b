"""Pages cost the same whatever the size of the record: query counts, keyset paging to the end."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from apps.claims.models import Statement
from apps.site.services import GeneratedTimeline, timeline_generate
from apps.site.timeline import Cursor, timeline_page

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
AssertQueries = Callable[[int], AbstractContextManager[Any]]

# Counted once here; the point of the tests is that the count never grows with the record.
# Lab page: company, models (+ status history, openness), statements (+ citations, models),
# labs and stance changes, the stance engine's inputs (statements, links, pins, imported acts),
# the imported acts listed, subsidiaries, what the stance rests on (statements, imported acts),
# what caused each change (statements, imported acts; the pins too, when there are any), its
# commitments (+ their models and histories, when there are any) and their kept ratio. Lab
# fragment: company, models, statements (+ citations, models).
LAB_PAGE_QUERIES = 21
LAB_FRAGMENT_QUERIES = 5


def _deep_cursor(timeline: GeneratedTimeline, position: int) -> Cursor:
    row = (
        Statement.objects.filter(company=timeline.company)
        .order_by("-occurred_on", "-id")
        .values_list("occurred_on", "id")[position - 1]
    )
    return Cursor(*row)


def _model_cursor(timeline: GeneratedTimeline) -> Cursor:
    """The last row of the model page's first page (or of all, if there is only one)."""
    rows = list(
        Statement.objects.filter(ai_models=timeline.models[0])
        .order_by("-occurred_on", "-id")
        .values_list("occurred_on", "id")[:20]
    )
    return Cursor(*rows[max(0, len(rows) // 2 - 1)])


def _linked_statement(timeline: GeneratedTimeline) -> Statement:
    """A generated statement with citations and links both ways (see timeline_generate)."""
    statement = Statement.objects.get(pk=timeline.statement_ids[1])
    assert statement.citations.exists()
    assert statement.links_out.exists() and statement.links_in.exists()
    return statement


@dataclass(frozen=True)
class PublicPage:
    """A public page: how to reach it in a generated record, what it costs, what it must show."""

    url: Callable[[GeneratedTimeline], str]
    queries: int
    shows: Callable[[GeneratedTimeline, bytes], bool]
    htmx: bool = False
    #: True where ``queries`` is a bound, not the count: search adds its typo step (English
    #: only) when fewer than a page of rows match exactly, which depends on the words, not on
    #: the size of the record (apps/lib/search_text.py).
    at_most: bool = False


def _articles(content: bytes) -> int:
    return content.count(b'<article class="statement')


PAGES = {
    # Labs with their stance changes, what each stance rests on (statements, imported acts), the
    # newest statements (+ citations, models).
    "home": PublicPage(
        url=lambda t: "/",
        queries=7,
        shows=lambda t, html: html.count(b'<svg class="spark"') == 2 and _articles(html) > 0,
    ),
    "lab": PublicPage(
        url=lambda t: t.company.get_absolute_url(),
        queries=LAB_PAGE_QUERIES,
        shows=lambda t, html: _articles(html) == min(len(t.statement_ids), 20),
    ),
    "lab fragment (filter)": PublicPage(
        url=lambda t: f"{t.company.get_absolute_url()}?language=ja",
        queries=LAB_FRAGMENT_QUERIES,
        shows=lambda t, html: b"<html" not in html and _articles(html) > 0,
        htmx=True,
    ),
    "lab fragment (load more)": PublicPage(
        url=lambda t: (
            f"{t.company.get_absolute_url()}?after="
            f"{_deep_cursor(t, min(len(t.statement_ids), 20) // 2).encode()}"
        ),
        queries=LAB_FRAGMENT_QUERIES,
        shows=lambda t, html: b"<html" not in html and _articles(html) > 0,
        htmx=True,
    ),
    # Model (+ developer), status history, openness, statements (+ citations, models), what the
    # datasets say (claims + records + datasets), and what they list closed (the open-washing
    # flag; its statements only when a dataset lists the model closed).
    "model": PublicPage(
        url=lambda t: t.models[0].get_absolute_url(),
        queries=8,
        shows=lambda t, html: 0 < _articles(html) <= 20,
    ),
    "model fragment (load more)": PublicPage(
        url=lambda t: f"{t.models[0].get_absolute_url()}?after={_model_cursor(t).encode()}",
        queries=4,
        shows=lambda t, html: b"<html" not in html and _articles(html) > 0,
        htmx=True,
    ),
    # Company, the stance engine's inputs (statements, links, pins, imported acts), the
    # statements shown (imported ones too, when there are any), the change that day, what the
    # stance rests on (statements, imported acts).
    "why this stance": PublicPage(
        url=lambda t: f"{t.company.get_absolute_url()}why/",
        queries=9,
        shows=lambda t, html: html.count(b'<tr id="item-') == min(len(t.statement_ids), 12),
    ),
    # Statement, citations (+ sources), what those cite and are cited by, models, links, history,
    # the newest public revision (which the cite block names), whether it is a commitment (and
    # the datasets' claims about its models, when it calls one open source).
    "statement": PublicPage(
        url=lambda t: _linked_statement(t).get_absolute_url(),
        queries=9,
        shows=lambda t, html: b"responds to" in html and b"contradicts" in html,
    ),
    # All labs, the chosen labs, their stance changes, what each stance rests on (statements,
    # imported acts), what caused each change (statements, imported acts).
    "compare": PublicPage(
        url=lambda t: f"/compare/?labs={t.company.slug},other",
        queries=8,  # the kept ratios beside the stances: one query for every lab shown
        shows=lambda t, html: html.count(b'class="band"') >= 2,
    ),
    # Speakers by name, statements (+ citations, models), sources (publishers first), labs,
    # models: 10; with the typo step for statements and sources (each: the planner's settings,
    # the candidates, the settings back, their rows), 24.
    "search": PublicPage(
        url=lambda t: f"/search/?q={t.company.name.replace(' ', '+')}",
        queries=24,
        at_most=True,
        shows=lambda t, html: _articles(html) > 0 and b"story" in html,
    ),
}


@pytest.mark.parametrize("size", [10, pytest.param(1000, marks=pytest.mark.slow)])
@pytest.mark.parametrize("name", list(PAGES))
def test_every_public_page_makes_the_same_number_of_queries_at_10_and_1000_statements(
    client: Client,
    django_assert_num_queries: AssertQueries,
    django_assert_max_num_queries: AssertQueries,
    name: str,
    size: int,
) -> None:
    timeline = timeline_generate(count=size, slug=f"lab-{size}", name=f"Lab {size}")
    timeline_generate(count=3, slug="other", name="Other lab")
    page = PAGES[name]
    url = page.url(timeline)
    assert_queries = django_assert_max_num_queries if page.at_most else django_assert_num_queries
    with assert_queries(page.queries):
        response = client.get(url, headers=HX if page.htmx else {})
    assert response.status_code == 200
    assert page.shows(timeline, response.content), name


@pytest.mark.slow
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
