"""Finding statements by their words, in English or Japanese, with an index at any size.

Every text a statement is found by (its summaries in both languages, its quote, the quote's
translation, the speaker's label) sits normalised in one generated column,
``Statement.search_text`` (apps/lib/search_text.py). A query, normalised the same way, matches
when it is a substring of that column: right for Japanese, which does not put spaces between
words, and for English alike. Two GIN indexes on PostgreSQL serve it (migration
claims/0008_search_indexes; the measurements behind the choice are in docs/search.md):

* pg_trgm on the column, for queries of three characters or more. A substring of three
  characters holds a whole trigram, so the index narrows the rows for Japanese as for English
  (it needs a database whose LC_CTYPE knows Unicode letters, e.g. C.UTF-8 or en_US.UTF-8; with
  plain C, pg_trgm ignores every Japanese character). The same index serves trigram word
  similarity, which forgives a typo in an English word, as a second step when the exact
  matches do not fill a page (never ORed into the first: see ``rows_resembling``).
* ``aperture_bigrams(search_text)``: every pair of neighbouring characters within a run of
  non-ASCII text, for queries of two characters. Japanese words are often two characters
  (公開, 閉鎖, 巨獣), and a two-character substring holds no trigram at all, so pg_trgm would
  read every row. English is left out of this index, which keeps it small: English queries of
  two letters are rare, and common enough to be answered by reading the newest rows first.

A query of one character finds no statement: no index can serve it, and it tells nothing.
On SQLite (the first run) the same substring match runs without an index, and no typo is
forgiven.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.catalog.models import Person
from apps.lib.search_text import (
    MIN_QUERY,
    rows_found,
    rows_holding,
    search_bigrams,
    search_normalize,
)

from .models import Statement

__all__ = ["MIN_QUERY", "search_bigrams", "statements_found", "statements_matching"]

#: The order search lists statements in, as a lab's timeline does (index statement_newest).
NEWEST = ("-occurred_on", "-id")


def _speakers(text: str) -> Q | None:
    """Statements by people whose name holds the query: the people are a few rows, read apart
    so that the statement query stays one the indexes serve (an OR over a join would read
    every statement)."""
    people = list(Person.objects.filter(name__icontains=text).values_list("pk", flat=True)[:50])
    return Q(speaker_id__in=people) if people else None


def statements_matching(queryset: QuerySet[Statement], query: str) -> QuerySet[Statement]:
    """The statements of ``queryset`` whose texts, or whose speaker's name, hold ``query``
    (the admin's search; no typo forgiven)."""
    text = search_normalize(query)
    if len(text) < MIN_QUERY:
        return queryset.none()
    return rows_holding(queryset, text, also=_speakers(text))


def statements_found(queryset: QuerySet[Statement], query: str, *, limit: int) -> list[int]:
    """Ids of up to ``limit`` statements of ``queryset`` for the site's search: those holding
    ``query`` newest first, then, if they are fewer, those with a word like it (a typo)."""
    text = search_normalize(query)
    if len(text) < MIN_QUERY:
        return []
    return rows_found(queryset, text, order=NEWEST, limit=limit, also=_speakers(text))
