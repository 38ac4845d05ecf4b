"""The one read the API makes its own: a page of statements as plain rows.

The statements list is the API's busiest answer and must stay within a few times the cost of
answering a constant body, at a million statements. Filters and the keyset are the site's
(apps/site/timeline.py); what is read is what statements_for_display reads (lab, speaker,
citations with their sources and publishers, models), but as ``values()`` rows in the same
three queries: building and presenting model instances for every joined row made a page of 20
take 1.6 times as long (median 9.6 ms against 6.1, 300 rounds timed in turns). Folding the
citations and models into the first query as JSON arrays, on PostgreSQL, measured no faster:
the three round trips on one connection are not the cost.
The statement page (apps/api/endpoints/statements.py) still reads one statement through
apps.site.selectors.statement_detail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class StatementRows:
    rows: list[dict[str, Any]]
    next_cursor: Cursor | None


def statement_rows(
    queryset: QuerySet[Statement], cursor: Cursor | None, size: int
) -> StatementRows:
    """One page in timeline order, each row with ``citations`` and ``models``: three queries
    whatever the page size (one extra row tells whether another page follows)."""
    rows = list(
        keyset_after(queryset, cursor)
        .order_by("-occurred_on", "-id")
        .values(*STATEMENT_FIELDS)[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    by_id = {row["id"]: row for row in rows}
    for row in rows:
        row["citations"] = []
        row["models"] = []
    if rows:
        for citation in (
            Citation.objects.filter(statement_id__in=by_id)
            # Not by id alone: at a million citations PostgreSQL then walks the primary key
            # for the order and filters a million rows (70 ms); this order uses the statement
            # index and sorts the page's few rows.
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
            by_id[link["statement_id"]]["models"].append(link)
    last = rows[-1] if rows else None
    return StatementRows(
        rows, Cursor(last["occurred_on"], last["id"]) if more and last is not None else None
    )
