"""Syndicated copies: find the stored article a new text nearly repeats, and index a stored
article's text so that later copies find it (apps/ingest/near_duplicates.py has the method and
the measured threshold). articles.py calls both inside the transaction that stores an article.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from ..models import Article, ArticleBandKey
from ..near_duplicates import (
    ESTIMATE_MARGIN,
    MIN_SHINGLES,
    THRESHOLD,
    Sketch,
    estimated_jaccard,
    jaccard,
    shingles,
    sketch,
)

#: The candidates sharing the most band keys that are considered.
CANDIDATES = 20


@dataclass(frozen=True)
class TextSketch:
    """A text's shingles and sketch, computed once for the lookup and the index."""

    hashes: frozenset[int]
    sketch: Sketch | None

    @classmethod
    def of(cls, text: str) -> TextSketch:
        hashes = shingles(text)
        # Too short to judge: only an exact match of the text counts (content_hash).
        return cls(frozenset(hashes), sketch(hashes) if len(hashes) >= MIN_SHINGLES else None)

    @property
    def signature(self) -> bytes:
        return self.sketch.signature if self.sketch else b""


@dataclass(frozen=True)
class NearDuplicate:
    article: Article
    similarity: float


def article_near_duplicate_find(*, text: TextSketch) -> NearDuplicate | None:
    """The stored article whose text is most similar to the sketched one, if its Jaccard index
    reaches THRESHOLD. Candidates come from the band-key index, are screened by their stored
    signature, and what passes is checked exactly against its stored text."""
    if text.sketch is None:
        return None
    keys = text.sketch.keys
    with connection.cursor() as cursor:
        cursor.execute(
            _CANDIDATES_SQL.format(keys=_placeholders(1, len(keys))), [*keys, CANDIDATES]
        )
        screened = [
            article_id
            for article_id, signature in cursor.fetchall()
            if estimated_jaccard(text.sketch.signature, bytes(signature))
            >= THRESHOLD - ESTIMATE_MARGIN
        ]
    best: NearDuplicate | None = None
    for article in Article.objects.filter(pk__in=screened).only("pk", "text", "title", "url"):
        similarity = jaccard(set(text.hashes), shingles(article.text))
        if similarity >= THRESHOLD and (best is None or similarity > best.similarity):
            best = NearDuplicate(article, similarity)
    return best


def article_near_duplicate_lock(*, text: TextSketch) -> None:
    """Hold a lock per band key of ``text`` until the transaction ends (PostgreSQL).

    A near copy shares at least one band key with the article it copies: that is how it is
    found. So two workers storing two copies of one story at once take one lock in common, the
    second waits until the first has stored its article and then finds it, instead of both
    finding nothing and both storing. Keys are locked in order, so two workers never wait on
    each other. SQLite (the first run) lets one writer at a time anyway."""
    if text.sketch is None or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL, [sorted(text.sketch.keys)])


def article_band_keys_store(*, article: Article, text: TextSketch) -> None:
    """Index a stored article (whose ``text_signature`` was saved with it) by its band keys."""
    if text.sketch is None:
        return
    keys = text.sketch.keys
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_SQL.format(rows=_placeholders(2, len(keys))),
            [value for key in keys for value in (article.pk, key)],
        )


# Plain SQL: these two run for every article, and through the ORM (building the query, model
# instances for bulk_create) they took 3.3 ms per article against 0.8 ms in plain SQL, measured
# on bench_ingest's pages. Both are portable (PostgreSQL and SQLite). Only quoted
# names and placeholders are formatted in; every value is a parameter.
_KEYS, _ARTICLES, _ARTICLE, _KEY, _ID, _SIGNATURE = map(
    connection.ops.quote_name,
    (ArticleBandKey._meta.db_table, Article._meta.db_table, "article_id", "key", "id",
     "text_signature"),
)  # fmt: skip
_CANDIDATES_SQL = (
    f"SELECT a.{_ID}, a.{_SIGNATURE} FROM {_ARTICLES} a JOIN ("  # noqa: S608
    f"SELECT {_ARTICLE}, COUNT(*) AS shared FROM {_KEYS} WHERE {_KEY} IN ({{keys}}) "
    f"GROUP BY {_ARTICLE} ORDER BY COUNT(*) DESC, {_ARTICLE} LIMIT %s"
    f") c ON c.{_ARTICLE} = a.{_ID} ORDER BY c.shared DESC, a.{_ID}"
)
#: The subquery's order is the order the locks are taken in.
_LOCK_SQL = (
    "SELECT pg_advisory_xact_lock(k) FROM (SELECT k FROM unnest(%s::bigint[]) AS k ORDER BY k) s"
)
_INSERT_SQL = f"INSERT INTO {_KEYS} ({_ARTICLE}, {_KEY}) VALUES {{rows}}"  # noqa: S608


def _placeholders(width: int, count: int) -> str:
    one = "%s" if width == 1 else "(" + ", ".join(["%s"] * width) + ")"
    return ", ".join([one] * count)
