"""The one read the API makes its own: a page of statements as plain rows.

The statements list is the API's busiest answer and must stay within a few times the cost of
answering a constant body, at a million statements. Filters and the keyset are the site's
(apps/site/timeline.py); what is read is what statements_for_display reads (lab, speaker,
citations with their sources and publishers, models), but as ``values()`` rows: building model
instances for every joined row cost three times as much as the database did. On PostgreSQL the
citations and models come in the same query, as JSON arrays from correlated subqueries (each an
index lookup per row of the page), which halves the time again; elsewhere (the SQLite first
run) they are two more queries. Either way the count does not depend on the page size. The
statement page (apps/api/endpoints/statements.py) still reads one statement through
apps.site.selectors.statement_detail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import OuterRef, QuerySet
from django.db.models.functions import JSONObject

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


@dataclass(frozen=True)
class StatementRows:
    rows: list[dict[str, Any]]
    next_cursor: Cursor | None


def _citations() -> QuerySet[Citation]:
    return Citation.objects.order_by("id")


def _model_links() -> QuerySet[Any]:
    return Statement.ai_models.through.objects.order_by("aimodel__slug")


CITATION_VALUES = ("statement_id", "excerpt", *(f"source__{name}" for name in SOURCE_FIELDS))
MODEL_VALUES = ("statement_id", "aimodel__slug", "aimodel__name")


def statement_rows(
    queryset: QuerySet[Statement],
    cursor: Cursor | None,
    size: int,
    *,
    one_query: bool | None = None,
) -> StatementRows:
    """One page in timeline order, each row with ``citations`` and ``models`` (one extra row
    tells whether another page follows). One query on PostgreSQL, three elsewhere
    (``one_query`` chooses, for the tests)."""
    if one_query is None:
        one_query = connection.vendor == "postgresql"
    ordered = keyset_after(queryset, cursor).order_by("-occurred_on", "-id")
    if one_query:
        from django.contrib.postgres.expressions import ArraySubquery

        def as_json(rows: QuerySet[Any], names: tuple[str, ...]) -> ArraySubquery:
            one = rows.filter(statement_id=OuterRef("id"))
            return ArraySubquery(one.values(json=JSONObject(**{name: name for name in names})))

        rows = list(
            ordered.annotate(
                api_citations=as_json(_citations(), CITATION_VALUES),
                api_models=as_json(_model_links(), MODEL_VALUES),
            ).values(*STATEMENT_FIELDS, "api_citations", "api_models")[: size + 1]
        )
        for row in rows:
            row["citations"] = row.pop("api_citations")
            row["models"] = row.pop("api_models")
    else:
        rows = list(ordered.values(*STATEMENT_FIELDS)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if not one_query and rows:
        by_id = {row["id"]: row for row in rows}
        for row in rows:
            row["citations"] = []
            row["models"] = []
        for citation in _citations().filter(statement_id__in=by_id).values(*CITATION_VALUES):
            by_id[citation["statement_id"]]["citations"].append(citation)
        for link in _model_links().filter(statement_id__in=by_id).values(*MODEL_VALUES):
            by_id[link["statement_id"]]["models"].append(link)
    last = rows[-1] if rows else None
    return StatementRows(
        rows, Cursor(last["occurred_on"], last["id"]) if more and last is not None else None
    )
