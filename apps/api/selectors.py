"""The one read the API makes its own: a page of statements as plain rows.

The statements list is the API's busiest answer and must stay within a few times the cost of
answering a constant body, at a million statements. Filters and the keyset are the site's
(apps/site/timeline.py); what is read is what statements_for_display reads (lab, speaker,
citations with their sources and publishers, models), but as ``values()`` rows in two round
trips: building and presenting model instances for every joined row made a page of 20 take 1.6
times as long (median 9.6 ms against 6.1, 300 rounds timed in turns). The citations and the
models go together in the second (two statements in one execute): on a loaded machine each
round trip is a wait for the database process to be scheduled. Folding them into the first
query as JSON arrays would make it one, but their dates would come back as text to parse.
The statement page (apps/api/endpoints/statements.py) still reads one statement through
apps.site.selectors.statement_detail.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from apps.claims.models import Citation, Statement
from apps.site.timeline import Cursor, keyset_after

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
class StatementRows:
    rows: list[dict[str, Any]]
    next_cursor: Cursor | None


def statement_rows(
    queryset: QuerySet[Statement], cursor: Cursor | None, size: int
) -> StatementRows:
    """One page in timeline order, each row with ``citations`` and ``models``: one query on
    PostgreSQL (three on SQLite) whatever the page size (one extra row tells whether another
    page follows)."""
    # The page's ids first, in a subquery of the same query: filtered by what the timeline
    # index holds (lab, stance, kind, verification), that part reads the index alone; the
    # rows are fetched for the page only. Filtering the rows themselves fetched every
    # skipped statement from the table: the big lab's newest 20 'mixed' ones, behind 12,000
    # others, took 48 ms against 1.4 (bench/README.md).
    page = keyset_after(queryset, cursor).order_by("-occurred_on", "-id").values("id")[: size + 1]
    rows = rows_written_out(page) if connection.vendor == "postgresql" else rows_orm(page)
    more = len(rows) > size
    rows = rows[:size]
    last = rows[-1] if rows else None
    return StatementRows(
        rows, Cursor(last["occurred_on"], last["id"]) if more and last is not None else None
    )


def rows_written_out(page: QuerySet[Statement, Any]) -> list[dict[str, Any]]:
    """The rows of the statements ``page`` (a ``values("id")`` query) selects, with their
    citations and models, by STATEMENTS_SQL (PostgreSQL)."""
    sql, params = page.query.sql_with_params()
    with connection.cursor() as database:
        database.execute(STATEMENTS_SQL.replace("{page}", sql), params)
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
