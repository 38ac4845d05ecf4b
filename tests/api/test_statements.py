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


def test_the_written_out_citation_query_reads_the_columns_the_orm_would() -> None:
    from apps.api.selectors import CITATIONS_SQL, SOURCE_FIELDS

    with connection.cursor() as database:
        database.execute(CITATIONS_SQL, [[0]])
        columns = [column.name for column in database.description or ()]
    assert columns == ["statement_id", "excerpt", *(f"source__{name}" for name in SOURCE_FIELDS)]


def test_the_written_out_queries_attach_what_the_orm_would(seeded: None) -> None:
    from apps.api.selectors import links_attach_orm, links_attach_written_out

    timeline_generate(count=40, slug="generated", name="Generated Lab")
    ids_ = list(Statement.objects.values_list("id", flat=True))

    def attached(attach: Any) -> dict[int, dict[str, Any]]:
        by_id: dict[int, dict[str, Any]] = {pk: {"citations": [], "models": []} for pk in ids_}
        attach(by_id)
        return by_id

    written_out, orm = attached(links_attach_written_out), attached(links_attach_orm)
    assert written_out == orm
    assert sum(len(row["citations"]) for row in orm.values()) > 40
    assert sum(len(row["models"]) for row in orm.values()) > 0


def test_the_written_out_page_query_reads_the_rows_the_orm_would(seeded: None) -> None:
    from apps.api.selectors import STATEMENT_FIELDS, rows_orm, rows_written_out

    timeline_generate(count=40, slug="generated", name="Generated Lab")
    published = Statement.objects.filter(state=EditorialState.PUBLISHED)
    with_speaker = published.filter(speaker__isnull=False).values("company_id")[:1]
    for queryset in (published, published.filter(company_id=with_speaker)):
        page = queryset.order_by("-occurred_on", "-id").values("id")[:30]
        written_out, orm = rows_written_out(page), rows_orm(page)
        assert written_out == orm and len(orm) > 1
        assert list(written_out[0]) == list(STATEMENT_FIELDS)
    assert Statement.objects.filter(state="published", speaker__isnull=False).exists()
