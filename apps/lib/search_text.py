"""Text made comparable for search: NFKC, lower-cased, in the database and in Python alike.

NFKC folds the spellings a reader and a page may not share: full-width Latin letters are
ASCII, half-width katakana are full-width, ligatures fall apart. Lower-casing makes
"Meta" find "meta". A column holds its text normalised once, when it is written
(:func:`search_text_expression`, a generated column), and a query is normalised the same way
here (:func:`search_normalize`), so the comparison itself is a plain substring match that an
index can serve (docs/search.md).

SQLite (the first run) has no Unicode normalisation: there the column is only lower-cased, so
full-width letters in a stored text are not found by their ASCII spelling. Japanese is found
all the same: it has no case.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import connection, transaction
from django.db.models import F, Func, Model, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat, Lower

#: Between the texts of one row: a query never holds a line break (search_normalize folds
#: whitespace), so no match can run from one text into the next.
SEPARATOR = "\n"


def search_normalize(text: str) -> str:
    """NFKC, lower-cased, each run of whitespace one space, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


class Nfkc(Func):
    """NFKC in PostgreSQL (``normalize(text, NFKC)``, immutable, so fit for a generated column);
    elsewhere the text as it is."""

    output_field = TextField()
    template = "%(expressions)s"

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="NORMALIZE(%(expressions)s, NFKC)", **extra_context
        )


def search_text_expression(*fields: str) -> Func:
    """The fields joined by line breaks, NFKC (on PostgreSQL), lower-cased."""
    if len(fields) == 1:
        return Lower(Nfkc(F(fields[0])))
    parts: list[Any] = []
    for name in fields:
        if parts:
            parts.append(Value(SEPARATOR))
        parts.append(F(name))
    return Lower(Nfkc(Concat(*parts, output_field=TextField())))


# -- Finding rows by their search text (statements, sources) ----------------------------------

#: The shortest query that finds anything by its text: a single character says little, and no
#: index serves it.
MIN_QUERY = 2
#: At most this many rows a misspelt query takes from the trigram index: a misspelling of a
#: common word resembles a great many rows, and checking each one's similarity is what costs
#: (some 80 µs a row). Past it, the rows shown are a sample.
RESEMBLING_MAX = 200
#: What the bigram index keeps apart: ASCII, which is where its pairs stop.
_ASCII_RUN = re.compile(r"[\x01-\x7f]+")


class Bigrams(Func):
    """``aperture_bigrams(text)``, the SQL function the bigram indexes are built on
    (claims/0008_search_indexes)."""

    function = "aperture_bigrams"
    output_field = ArrayField(TextField())


def search_bigrams(text: str) -> list[str]:
    """The pairs ``aperture_bigrams`` makes of a normalised text, in Python (for a query)."""
    pairs = []
    for run in _ASCII_RUN.split(text):
        pairs += [run[i : i + 2] for i in range(len(run) - 1)]
    return pairs


def rows_holding[M: Model](
    queryset: QuerySet[M], text: str, *, also: Q | None = None
) -> QuerySet[M]:
    """The rows whose ``search_text`` holds ``text`` (normalised), or that ``also`` selects: a
    condition only a few rows meet that an index serves (a foreign key among a few ids).

    On PostgreSQL a GIN index serves the match: pg_trgm's for three characters or more, the
    bigram index for two non-ASCII ones; two ASCII letters are answered by the order the caller
    reads in (newest first, for the few it shows). Elsewhere (SQLite) a plain substring match.
    """
    if len(text) < MIN_QUERY:
        return queryset.none()
    holding = Q(search_text__contains=text)
    pairs = search_bigrams(text) if len(text) == 2 else []
    if connection.vendor != "postgresql" or not pairs:
        return queryset.filter(holding | also if also is not None else holding)
    # The bigram says where to look, the substring match decides.
    indexed = holding & Q(search_bigrams__contains=pairs)
    with_pairs: QuerySet[M] = queryset.alias(search_bigrams=Bigrams("search_text"))  # type: ignore[assignment]
    return with_pairs.filter(indexed | also if also is not None else indexed)


def rows_resembling[M: Model](
    queryset: QuerySet[M], text: str, *, order: Sequence[str], limit: int
) -> list[int]:
    """Up to ``limit`` ids of rows whose ``search_text`` holds a word like ``text``, in
    ``order``: typo tolerance for English words ("spokesprson"), PostgreSQL only.

    pg_trgm's word similarity (``search_text %> text``) costs some 80 µs a row to check, and
    the planner's guess of how many rows resemble a word is poor: left to choose, it may read
    the newest rows first and check each, or read all of one lab's. So the resembling rows are
    read in a query of their own that only the trigram index can serve (other plans are turned
    off for it), at most RESEMBLING_MAX of them; the caller's conditions and order are applied
    to those ids by a second, ordinary query. When a misspelling resembles more rows than that
    (a common word's), the ones shown come from the first RESEMBLING_MAX the index hands over,
    not from all. Japanese is not tried: a near miss in it is mostly noise.
    """
    if connection.vendor != "postgresql" or len(text) < 3 or not text.isascii() or limit <= 0:
        return []
    table, key = queryset.model._meta.db_table, queryset.model._meta.pk.column
    with transaction.atomic(), connection.cursor() as cursor:
        # Settings for this transaction only, put back afterwards: the caller's transaction
        # (a test's, a benchmark's) may go on with other queries.
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan')"
        )
        before = cursor.fetchone()
        _plan_settings(cursor, ("off", "off"))
        try:
            cursor.execute(
                # The names come from the model, not from input.
                f'SELECT "{key}" FROM "{table}" WHERE search_text %%> %s LIMIT %s',  # noqa: S608
                [text, RESEMBLING_MAX],
            )
            resembling = [row[0] for row in cursor.fetchall()]
        finally:
            _plan_settings(cursor, before)
    if not resembling:
        return []
    rows = queryset.filter(pk__in=resembling).order_by(*order)
    return list(rows.values_list("pk", flat=True)[:limit])


def _plan_settings(cursor: Any, values: Sequence[str]) -> None:
    cursor.execute(
        "SELECT set_config('enable_seqscan', %s, true), set_config('enable_indexscan', %s, true)",
        list(values),
    )


def rows_found[M: Model](
    queryset: QuerySet[M], text: str, *, order: Sequence[str], limit: int, also: Q | None = None
) -> list[int]:
    """Up to ``limit`` ids: the rows holding ``text`` in ``order``, then, if they are fewer,
    those holding a word like it (a typo forgiven), also in ``order``. An exact match is never
    ranked below a near one; each step is one query an index serves."""
    text = search_normalize(text)
    exact = list(
        rows_holding(queryset, text, also=also)
        .order_by(*order)
        .values_list("pk", flat=True)[:limit]
    )
    if len(exact) < limit:
        near = queryset.exclude(pk__in=exact)
        exact += rows_resembling(near, text, order=order, limit=limit - len(exact))
    return exact
