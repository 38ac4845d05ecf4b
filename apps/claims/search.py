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
  similarity, which forgives a typo in an English word.
* ``aperture_bigrams(search_text)``: every pair of neighbouring characters within a run of
  non-ASCII text, for queries of two characters. Japanese words are often two characters
  (公開, 閉鎖, 巨獣), and a two-character substring holds no trigram at all, so pg_trgm would
  read every row. English is left out of this index, which keeps it small: English queries of
  two letters are rare, and common enough to be answered by reading the newest rows first.

A query of one character finds no statement: no index can serve it, and it tells nothing.
On SQLite (the first run) the same substring match runs without an index.
"""

from __future__ import annotations

import re

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import Func, Q, QuerySet, TextField

from apps.catalog.models import Person
from apps.lib.search_text import search_normalize

from .models import Statement

#: The shortest query that finds statements.
MIN_QUERY = 2
#: What the bigram index keeps apart: ASCII, which is where its pairs stop.
_ASCII_RUN = re.compile(r"[\x01-\x7f]+")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


class Bigrams(Func):
    """``aperture_bigrams(text)``, the SQL function the bigram index is built on."""

    function = "aperture_bigrams"
    output_field = ArrayField(TextField())


def search_bigrams(text: str) -> list[str]:
    """The pairs ``aperture_bigrams`` makes of a normalised text, in Python (for a query)."""
    pairs = []
    for run in _ASCII_RUN.split(text):
        pairs += [run[i : i + 2] for i in range(len(run) - 1)]
    return pairs


def _speakers_named(query: str) -> list[int]:
    """People whose name holds the query: a few rows, read apart so that the statement query
    stays one the indexes serve (an OR over a join would read every statement)."""
    return list(Person.objects.filter(name__icontains=query).values_list("pk", flat=True)[:50])


def statements_matching(queryset: QuerySet[Statement], query: str) -> QuerySet[Statement]:
    """The statements of ``queryset`` whose texts, or whose speaker's name, hold ``query``."""
    text = search_normalize(query)
    if len(text) < MIN_QUERY:
        return queryset.none()
    condition = Q(search_text__contains=text)
    speakers = _speakers_named(text)
    if speakers:
        condition |= Q(speaker_id__in=speakers)
    if connection.vendor != "postgresql":
        return queryset.filter(condition)
    if len(text) >= 3:
        if not _NOT_ASCII.search(text):
            # Forgives a typo in a word ("spokesprson"); fuzzy Japanese would mostly be noise.
            condition |= Q(search_text__trigram_word_similar=text)
        return queryset.filter(condition)
    pairs = search_bigrams(text)
    if not pairs:  # two ASCII characters: no index serves them (see the module's doc)
        return queryset.filter(condition)
    # The bigram says where to look, the substring match decides.
    indexed = Q(search_bigrams__contains=pairs, search_text__contains=text)
    return queryset.alias(search_bigrams=Bigrams("search_text")).filter(
        indexed | Q(speaker_id__in=speakers) if speakers else indexed
    )
