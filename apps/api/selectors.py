"""The one read the API makes its own: a page of statements as plain rows.

The statements list is the API's busiest answer and must stay within a few times the cost of
answering a constant body, at a million statements. Filters and the keyset are the site's
(apps/site/timeline.py); what is read is what statements_for_display reads (lab, speaker,
citations with their sources and publishers, models), but as plain rows in one query:
building and presenting model instances for every joined row made a page of 20 take 1.6 times
as long (median 9.6 ms against 6.1, 300 rounds timed in turns). On PostgreSQL the query is
written out, the page's ids as well as its rows: what the database spends is mostly parsing
and planning (an EXPLAIN of the page: 0.7 ms planning, 0.4 ms executing), so it is one query,
the citations and models folded in as JSON arrays (two round trips cost the cursor and
filtered pages 0.5 to 0.7 ms more, timed in turns), and compiling the ORM's query of ids cost
another 0.8 ms. Prepared statements were tried and refused: PostgreSQL's generic plan for the
big lab's filtered page took 425 ms. The embedded SQLite of `make run` reads through the ORM;
tests/api/test_statements.py holds the two to the same rows for every filter. The statement
page (apps/api/endpoints/statements.py) still reads one statement through
apps.site.selectors.statement_detail.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet, Subquery

from apps.catalog.models import AIModel, Company
from apps.claims.models import Citation, Statement
from apps.site.timeline import Cursor, keyset_after, timeline_filter

STATEMENT_FIELDS = (
    "id",
    "state",
    "company__slug",
    "company__name",
    "speaker_id",
    "speaker__name",
    "speaker__role",
    "speaker__company__slug",
    "speaker_label",
    "kind",
    "stance",
    "verification",
    "quote",
    "quote_language",
    "translation",
    "translation_language",
    "summary",
    "occurred_on",
    "date_precision",
    "published_at",
    "updated_at",
    "retracted_at",
    "retraction_reason",
)
#: A source as a citation shows it (apps.api.present.source_ref), under "source__".
SOURCE_FIELDS = (
    "id",
    "url",
    "title",
    "language",
    "kind",
    "published_at",
    "publisher_id",
    "publisher__slug",
    "publisher__name",
    "publisher__website",
)


#: The page's statements as ``values(*STATEMENT_FIELDS)`` reads them, for ``{page}`` a query of
#: their ids (the filters and the keyset, compiled by the ORM), each with its citations and its
#: models as JSON arrays (CITATION_KEYS; slug and name): the whole page in one query. Written
#: out, not built: compiling the ORM's version, joins and all, was the largest Python cost of
#: a page; tests/api/test_statements.py checks it gives the ORM's rows. The citations are
#: ordered by id, the models by slug, as the ORM reads them.
STATEMENTS_SQL = """
SELECT s.id AS id, s.state AS state, c.slug AS company__slug, c.name AS company__name,
       s.speaker_id AS speaker_id, p.name AS speaker__name, p.role AS speaker__role,
       pc.slug AS speaker__company__slug, s.speaker_label AS speaker_label, s.kind AS kind,
       s.stance AS stance, s.verification AS verification, s.quote AS quote,
       s.quote_language AS quote_language, s.translation AS translation,
       s.translation_language AS translation_language, s.summary AS summary,
       s.occurred_on AS occurred_on, s.date_precision AS date_precision,
       s.published_at AS published_at, s.updated_at AS updated_at,
       s.retracted_at AS retracted_at, s.retraction_reason AS retraction_reason,
       (SELECT COALESCE(json_agg(json_build_array(
                   ci.excerpt, so.id, so.url, so.title, so.language, so.kind, so.published_at,
                   so.publisher_id, pu.slug, pu.name, pu.website) ORDER BY ci.id), '[]')
          FROM claims_citation ci
          JOIN claims_source so ON so.id = ci.source_id
          LEFT JOIN catalog_publisher pu ON pu.id = so.publisher_id
         WHERE ci.statement_id = s.id) AS citations,
       (SELECT COALESCE(json_agg(json_build_array(m.slug, m.name) ORDER BY m.slug), '[]')
          FROM claims_statement_ai_models t
          JOIN catalog_aimodel m ON m.id = t.aimodel_id
         WHERE t.statement_id = s.id) AS models
FROM claims_statement s
JOIN catalog_company c ON c.id = s.company_id
LEFT JOIN catalog_person p ON p.id = s.speaker_id
LEFT JOIN catalog_company pc ON pc.id = p.company_id
WHERE s.id IN ({page})
ORDER BY s.occurred_on DESC, s.id DESC
"""
#: A citation's keys, in STATEMENTS_SQL's JSON array order: with the statement's id, what
#: ``Citation.objects.values("statement_id", "excerpt", "source__…")`` gives (SOURCE_FIELDS).
CITATION_KEYS = ("excerpt", *(f"source__{name}" for name in SOURCE_FIELDS))


@dataclass(frozen=True)
class StatementQuery:
    """The statements list's filters, as values. Read two ways that tests/api/test_statements.py
    holds to the same statements: by the ORM (:meth:`queryset`, with the site's
    timeline_filter and keyset_after) and written out as SQL for PostgreSQL (:func:`page_ids_sql`):
    building and compiling the ORM's query took about 0.8 ms of a 9 ms filtered page."""

    states: tuple[str, ...]
    lab: str | None = None
    model: str | None = None
    kind: str | None = None
    stance: str | None = None
    verification: str | None = None
    language: str | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    updated_since: datetime.datetime | None = None

    def queryset(self) -> QuerySet[Statement]:
        queryset = Statement.objects.filter(state__in=self.states)
        if self.lab:
            queryset = queryset.filter(company_id=_id_of(Company.objects.all(), self.lab))
        if self.model:
            queryset = queryset.filter(ai_models__id=_id_of(AIModel.objects.all(), self.model))
        if self.updated_since:
            queryset = queryset.filter(updated_at__gte=self.updated_since)
        # The site's own filters (the lab page's), for the rest.
        data = {
            "kind": self.kind,
            "stance": self.stance,
            "verification": self.verification,
            "language": self.language,
            "since": self.since,
            "until": self.until,
        }
        return timeline_filter(queryset, data)


def _id_of(queryset: QuerySet[Any], slug: str) -> Subquery:
    # A subquery for the id, not a join on the slug: compared with an id, the planner walks
    # the lab's own timeline index; joined on the slug it misjudged the lab's size and sorted
    # all 100,000 of the big lab's statements (2.4 s at 1M).
    return Subquery(queryset.filter(slug=slug).order_by().values("pk")[:1])


#: Each filter of StatementQuery as page_ids_sql writes it: what the ORM's lookups compile to.
_CONDITIONS = {
    "lab": "s.company_id = (SELECT id FROM catalog_company WHERE slug = %s LIMIT 1)",
    "kind": "s.kind = %s",
    "stance": "s.stance = %s",
    "verification": "s.verification = %s",
    "language": "s.quote_language = %s",
    "since": "s.occurred_on >= %s",
    "until": "s.occurred_on <= %s",
    "updated_since": "s.updated_at >= %s",
}
_MODEL_JOIN = (
    " JOIN claims_statement_ai_models t ON t.statement_id = s.id"
    " AND t.aimodel_id = (SELECT id FROM catalog_aimodel WHERE slug = %s LIMIT 1)"
)
_KEYSET = "s.occurred_on <= %s AND (s.occurred_on < %s OR (s.occurred_on = %s AND s.id < %s))"


def page_ids_sql(query: StatementQuery, cursor: Cursor | None, limit: int) -> tuple[str, list[Any]]:
    """The ids of a page of ``query`` after ``cursor``, newest first, as SQL and parameters:
    what ``keyset_after(query.queryset(), cursor).order_by("-occurred_on", "-id")
    .values("id")[:limit]`` compiles to, the same conditions on the same indexes."""
    join = ""
    params: list[Any] = []
    if query.model:
        join = _MODEL_JOIN
        params.append(query.model)
    conditions = ["s.state = ANY(%s)"]
    params.append(list(query.states))
    for name, condition in _CONDITIONS.items():
        value = getattr(query, name)
        if value:
            conditions.append(condition)
            params.append(value)
    if cursor is not None:
        conditions.append(_KEYSET)
        params += [cursor.occurred_on, cursor.occurred_on, cursor.occurred_on, cursor.id]
    where = " AND ".join(conditions)
    sql = (
        f"SELECT s.id FROM claims_statement s{join} WHERE {where}"  # noqa: S608 (constant text)
        f" ORDER BY s.occurred_on DESC, s.id DESC LIMIT {int(limit)}"
    )
    return sql, params


@dataclass(frozen=True)
class StatementRows:
    rows: list[dict[str, Any]]
    next_cursor: Cursor | None


def statement_rows(query: StatementQuery, cursor: Cursor | None, size: int) -> StatementRows:
    """One page in timeline order, each row with ``citations`` and ``models``: one query on
    PostgreSQL (three on SQLite) whatever the page size (one extra row tells whether another
    page follows)."""
    # The page's ids first, in a subquery of the same query: filtered by what the timeline
    # index holds (lab, stance, kind, verification), that part reads the index alone; the
    # rows are fetched for the page only. Filtering the rows themselves fetched every
    # skipped statement from the table: the big lab's newest 20 'mixed' ones, behind 12,000
    # others, took 48 ms against 1.4 (bench/README.md).
    if connection.vendor == "postgresql":
        rows = rows_written_out(*page_ids_sql(query, cursor, size + 1))
    else:
        page = keyset_after(query.queryset(), cursor).order_by("-occurred_on", "-id")
        rows = rows_orm(page.values("id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    last = rows[-1] if rows else None
    return StatementRows(
        rows, Cursor(last["occurred_on"], last["id"]) if more and last is not None else None
    )


def rows_written_out(page_sql: str, params: list[Any]) -> list[dict[str, Any]]:
    """The rows of the statements that ``page_sql`` (a query of ids) selects, with their
    citations and models, by STATEMENTS_SQL (PostgreSQL)."""
    with connection.cursor() as database:
        database.execute(STATEMENTS_SQL.replace("{page}", page_sql), params)
        columns = [column.name for column in database.description or ()]
        rows = [dict(zip(columns, values, strict=True)) for values in database.fetchall()]
    for row in rows:
        row["citations"] = [_citation(row["id"], values) for values in row["citations"]]
        row["models"] = [
            {"aimodel__slug": slug, "aimodel__name": name} for slug, name in row["models"]
        ]
    return rows


def _citation(statement_id: int, values: list[Any]) -> dict[str, Any]:
    citation = {"statement_id": statement_id, **dict(zip(CITATION_KEYS, values, strict=True))}
    # JSON has no timestamps: PostgreSQL writes them as ISO 8601 text with their offset.
    published = citation["source__published_at"]
    if published is not None:
        citation["source__published_at"] = datetime.datetime.fromisoformat(published)
    return citation


def rows_orm(page: QuerySet[Statement, Any]) -> list[dict[str, Any]]:
    """The same through the ORM, in three queries (the embedded SQLite of `make run`)."""
    rows = list(
        Statement.objects.filter(id__in=page)
        .order_by("-occurred_on", "-id")
        .values(*STATEMENT_FIELDS)
    )
    for row in rows:
        row["citations"] = []
        row["models"] = []
    if rows:
        links_attach_orm({row["id"]: row for row in rows})
    return rows


def links_attach_orm(by_id: dict[int, dict[str, Any]]) -> None:
    """The same through the ORM, for the embedded SQLite of `make run` (whose driver gives
    dates as text, which the ORM converts); tests/api/test_statements.py checks both agree."""
    for citation in (
        Citation.objects.filter(statement_id__in=by_id)
        .order_by("statement_id", "id")
        .values("statement_id", "excerpt", *(f"source__{name}" for name in SOURCE_FIELDS))
    ):
        by_id[citation["statement_id"]]["citations"].append(citation)
    through = Statement.ai_models.through
    for link in (
        through.objects.filter(statement_id__in=by_id)
        .order_by("aimodel__slug")
        .values("statement_id", "aimodel__slug", "aimodel__name")
    ):
        by_id[link["statement_id"]]["models"].append(
            {"aimodel__slug": link["aimodel__slug"], "aimodel__name": link["aimodel__name"]}
        )
