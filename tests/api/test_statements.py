"""GET /api/v1/statements and /api/v1/statements/{id}: published statements only, every filter,
pages that hold still while the record grows, and both languages."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.claims import services
from apps.claims.models import EditorialState, Statement
from apps.site.services import timeline_generate
from tests.api.helpers import API, get, ids, walk
from tests.factories import company_make, model_make, statement_make

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_only_published_statements_are_listed_newest_first_never_drafts(client: Client) -> None:
    lab = company_make()
    old = statement_make(company=lab, publish=True, occurred_on=datetime.date(2024, 1, 1))
    new = statement_make(company=lab, publish=True, occurred_on=datetime.date(2025, 1, 1))
    draft = statement_make(company=lab, occurred_on=datetime.date(2025, 6, 1))
    in_review = statement_make(company=lab, occurred_on=datetime.date(2025, 6, 2))
    services.statement_submit(statement=in_review, user=None)
    retracted = statement_make(company=lab, publish=True, occurred_on=datetime.date(2025, 3, 1))
    services.statement_retract(statement=retracted, user=None, reason="Wrong lab.")

    assert ids(get(client, "/statements")) == [new.pk, old.pk]
    with_retracted = get(client, "/statements", include_retracted="true")
    assert ids(with_retracted) == [retracted.pk, new.pk, old.pk]
    shown = {item["id"]: item for item in with_retracted["items"]}
    assert shown[retracted.pk]["state"] == "retracted"
    assert shown[retracted.pk]["retraction_reason"] == "Wrong lab."
    for hidden in (draft, in_review):
        response = client.get(f"{API}/statements/{hidden.pk}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert hidden.summary not in response.content.decode()


@pytest.mark.slow
def test_each_filter_narrows_the_list(client: Client) -> None:
    meta, openai = company_make(slug="meta"), company_make(slug="openai")
    llama = model_make(developer=meta, slug="llama")
    day = datetime.date(2025, 7, 14)
    a = statement_make(
        company=meta,
        publish=True,
        stance="closed",
        kind="unnamed_report",
        verification="reported",
        occurred_on=day,
        quote="閉じる",
        quote_language="ja",
    )
    a.ai_models.add(llama)
    b = statement_make(
        company=meta,
        publish=True,
        stance="open",
        kind="official",
        occurred_on=day - datetime.timedelta(days=30),
        quote="Open.",
        quote_language="en",
    )
    c = statement_make(
        company=openai,
        publish=True,
        stance="open",
        kind="action",
        occurred_on=day + datetime.timedelta(days=30),
    )
    Statement.objects.filter(pk=c.pk).update(
        updated_at=timezone.now() + datetime.timedelta(hours=1)
    )
    later = (timezone.now() + datetime.timedelta(minutes=30)).isoformat()

    cases = {
        "lab=meta": [a.pk, b.pk],
        "lab=openai": [c.pk],
        "model=llama": [a.pk],
        "stance=open": [c.pk, b.pk],
        "kind=unnamed_report": [a.pk],
        "verification=reported": [a.pk],
        "language=ja": [a.pk],
        "language=en": [b.pk],
        f"since={day}": [c.pk, a.pk],
        f"until={day}": [a.pk, b.pk],
        f"since={day}&until={day}": [a.pk],
        "lab=meta&stance=open": [b.pk],
    }
    for query, expected in cases.items():
        assert ids(client.get(f"{API}/statements?{query}").json()) == expected, query
    assert ids(get(client, "/statements", updated_since=later)) == [c.pk]


def test_an_unknown_lab_or_model_is_a_400_that_names_it(client: Client) -> None:
    for parameter in ("lab", "model"):
        response = client.get(f"{API}/statements", {parameter: "no-such-thing"})
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "invalid_parameter"
        assert body["errors"][0]["parameter"] == parameter
        assert "no-such-thing" in body["errors"][0]["message"]
    # A known slug that nothing matches is an empty page, not an error.
    lab = company_make()
    empty = client.get(f"{API}/statements", {"lab": lab.slug, "stance": "closed"})
    assert empty.status_code == 200 and empty.json()["items"] == []


@pytest.mark.slow
def test_pages_hold_still_while_statements_are_published(client: Client) -> None:
    """Walking the list while new statements land on the same dates (and newer) neither
    repeats nor skips any statement that was there when the walk began."""
    timeline = timeline_generate(count=40, slug="paged-lab", distinct_days=6)
    before = set(timeline.statement_ids)
    seen: list[int] = []
    cursor = None
    dates = sorted({s.occurred_on for s in Statement.objects.filter(pk__in=before)})
    for turn in range(100):
        body = get(client, "/statements", limit=7, **({"cursor": cursor} if cursor else {}))
        seen.extend(ids(body))
        # Published between two pages: one on a date already walked past, one the newest.
        for day in (dates[turn % len(dates)], datetime.date(2030, 1, 1)):
            statement_make(company=timeline.company, publish=True, occurred_on=day)
        cursor = body["next_cursor"]
        if cursor is None:
            break
    from_before = [pk for pk in seen if pk in before]
    assert len(from_before) == len(set(from_before)) == len(before)
    assert len(seen) == len(set(seen))


def test_a_tampered_cursor_or_one_from_another_list_is_a_400(client: Client) -> None:
    lab = company_make()
    for n in range(3):
        statement_make(company=lab, publish=True, occurred_on=datetime.date(2025, 1, n + 1))
    labs_cursor = get(client, "/labs", limit=1)["next_cursor"] or "WyJsYWJzIiwiYSJd"
    bad = [
        labs_cursor,  # another list's
        "not!base64",
        "AAAA",
        "WyJzdGF0ZW1lbnRzIiwiMjAyNS0xMy0wMSIsMV0",  # ["statements","2025-13-01",1]
        "WyJzdGF0ZW1lbnRzIiwiMjAyNS0wMS0wMSIsLTFd",  # an id below 1
        "WyJzdGF0ZW1lbnRzIiwiMjAyNS0wMS0wMSIsOTk5OTk5OTk5OTk5OTk5OTk5OTk5XQ",  # beyond bigint
    ]
    for cursor in bad:
        response = client.get(f"{API}/statements", {"cursor": cursor})
        assert response.status_code == 400, cursor
        assert response.json()["code"] in {"invalid_cursor", "invalid_parameter"}, cursor
        assert response.json()["errors"][0]["parameter"] == "cursor"


def test_a_page_costs_the_same_queries_at_5_and_at_50(client: Client) -> None:
    timeline_generate(count=120, slug="query-lab")
    counts = {}
    for limit in (5, 50):
        for query in ("", "&lab=query-lab&model=query-lab-model-1"):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"{API}/statements?limit={limit}{query}")
            assert response.status_code == 200
            assert len(response.json()["items"]) == limit or query
            counts[(limit, query)] = len(queries)
    assert counts[(5, "")] == counts[(50, "")]
    assert (
        counts[(5, "&lab=query-lab&model=query-lab-model-1")]
        == counts[(50, "&lab=query-lab&model=query-lab-model-1")]
    )
    # The slugs are part of the page's own query: filtering costs no extra round trip.
    assert counts[(5, "&lab=query-lab&model=query-lab-model-1")] == counts[(5, "")] <= 3, counts


def test_japanese_and_english_text_and_labels(client: Client) -> None:
    lab = company_make()
    item = statement_make(
        company=lab,
        publish=True,
        stance="leaning_closed",
        quote="一部はクローズドにします。",
        quote_language="ja",
        translation="Some will be closed.",
        translation_language="en",
    )
    body = get(client, f"/statements/{item.pk}")
    assert body["text_ja"] == "一部はクローズドにします。"
    assert body["text_en"] == "Some will be closed."
    assert body["stance_label"] == {"en": "leaning closed", "ja": "ややクローズド"}
    assert body["quote_language"] == "ja"
    # The Japanese goes out as UTF-8 text, not as \u escapes.
    raw = client.get(f"{API}/statements/{item.pk}").content
    assert "一部はクローズドにします。".encode() in raw
    assert json.loads(raw)["text_ja"] == body["text_ja"]


def test_one_statement_has_its_links_and_the_citation_chain_of_its_sources(
    client: Client, seeded: None
) -> None:
    gigazine = (
        Statement.objects.published()
        .filter(citations__source__url__contains="gigazine")
        .order_by("id")
        .first()
    )
    assert gigazine is not None
    body = get(client, f"/statements/{gigazine.pk}")
    giga = next(s for s in body["sources"] if "gigazine" in s["url"])
    cited = " ".join(s["url"] for s in giga["cites"])
    assert "nytimes.com" in cited and "techcrunch.com" in cited
    denial = Statement.objects.published().filter(links_out__kind="denies").first()
    if denial is not None:
        links = get(client, f"/statements/{denial.pk}")["links_out"]
        assert {link["kind"] for link in links} >= {"denies"}
    assert body["state"] == EditorialState.PUBLISHED


def test_walking_every_page_gives_every_published_statement_once(client: Client) -> None:
    timeline = timeline_generate(count=55, slug="walk-lab", distinct_days=4)
    walked = [item["id"] for item in walk(client, "/statements", limit=10)]
    assert sorted(walked) == sorted(timeline.statement_ids)
    assert len(walked) == len(set(walked))


def _query_grid() -> list[Any]:
    """Every filter of the list alone and a few together, on the seed and a generated lab."""
    from apps.api.selectors import StatementQuery

    published = (EditorialState.PUBLISHED,)
    both = (EditorialState.PUBLISHED, EditorialState.RETRACTED)
    first = Statement.objects.filter(state=EditorialState.PUBLISHED).order_by("occurred_on")[0]
    return [
        StatementQuery(states=published),
        StatementQuery(states=both),
        StatementQuery(states=published, lab="generated"),
        StatementQuery(states=published, lab="meta"),
        StatementQuery(states=published, lab="no-such-lab"),
        StatementQuery(states=published, model="generated-model-1"),
        StatementQuery(states=published, lab="generated", model="generated-model-2"),
        StatementQuery(states=published, stance="open"),
        StatementQuery(states=published, lab="generated", stance="mixed"),
        StatementQuery(states=published, kind=first.kind, verification=first.verification),
        StatementQuery(states=published, language="ja"),
        StatementQuery(states=published, since=datetime.date(2023, 1, 1)),
        StatementQuery(
            states=both, since=datetime.date(2022, 6, 1), until=datetime.date(2023, 6, 1)
        ),
        StatementQuery(states=published, updated_since=first.updated_at),
    ]


def test_the_written_out_page_reads_the_statements_and_rows_the_orm_would(seeded: None) -> None:
    """page_ids_sql and STATEMENTS_SQL (PostgreSQL) against the ORM's query (SQLite's): every
    filter, with and without a cursor inside a day shared by many statements, gives the same
    statements in the same order, and the same rows with their citations and models."""
    from apps.api.selectors import STATEMENT_FIELDS, page_ids_sql, rows_orm, rows_written_out
    from apps.site.timeline import Cursor, keyset_after

    timeline_generate(count=60, slug="generated", name="Generated Lab", distinct_days=9)
    services.statement_retract(
        statement=Statement.objects.filter(company__slug="generated")[0],
        user=None,
        reason="wrong",
    )
    compared = 0
    for query in _query_grid():
        everything = keyset_after(query.queryset(), None).order_by("-occurred_on", "-id")
        all_ids = list(everything.values_list("id", flat=True))
        middle = everything[len(all_ids) // 2] if all_ids else None
        cursors = [None] + ([Cursor(middle.occurred_on, middle.id)] if middle else [])
        for cursor in cursors:
            page = keyset_after(query.queryset(), cursor).order_by("-occurred_on", "-id")
            orm = rows_orm(page.values("id")[:25])
            written_out = rows_written_out(*page_ids_sql(query, cursor, 25))
            assert written_out == orm, (query, cursor)
            compared += len(orm)
            if orm:
                assert list(written_out[0]) == [*STATEMENT_FIELDS, "citations", "models"]
    assert compared > 200
    # What the comparison must have met: citations with dated sources, models, speakers.
    rows = rows_written_out(*page_ids_sql(_query_grid()[0], None, 200))
    assert any(c["source__published_at"] for row in rows for c in row["citations"])
    assert any(row["models"] for row in rows) and any(row["speaker__name"] for row in rows)
