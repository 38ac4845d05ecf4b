"""Syndicated copies: find the stored article a new text nearly repeats, and index a stored
article's text so that later copies find it (apps/ingest/near_duplicates.py has the method and
the measured threshold). articles.py calls both inside the transaction that stores an article.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from ..models import Article, ArticleBandKey
from ..near_duplicates import (
    MIN_SHARED_BANDS,
    MIN_SHINGLES,
    THRESHOLD,
    band_keys,
    jaccard,
    shingles,
)

#: The candidates sharing the most band keys that are checked against their stored text.
CANDIDATES = 20


@dataclass
class TextSketch:
    """A text's shingles and band keys, computed once for the lookup and the index."""

    hashes: set[int]
    keys: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, text: str) -> TextSketch:
        hashes = shingles(text)
        # Too short to judge: only an exact match of the text counts (content_hash).
        keys = band_keys(hashes) if len(hashes) >= MIN_SHINGLES else []
        return cls(hashes, keys)


@dataclass(frozen=True)
class NearDuplicate:
    article: Article
    similarity: float


def article_near_duplicate_find(*, sketch: TextSketch) -> NearDuplicate | None:
    """The stored article whose text is most similar to the sketched one, if its Jaccard index
    reaches THRESHOLD. Candidates (MIN_SHARED_BANDS band keys in common) come from the band-key
    index; each is checked exactly against its stored text."""
    if not sketch.keys:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_CANDIDATES_SQL.format(keys=_placeholders(1, len(sketch.keys))), [
            *sketch.keys, MIN_SHARED_BANDS, CANDIDATES,
        ])  # fmt: skip
        ids = [row[0] for row in cursor.fetchall()]
    best: NearDuplicate | None = None
    for article in Article.objects.filter(pk__in=ids).only("pk", "text", "title", "url"):
        similarity = jaccard(sketch.hashes, shingles(article.text))
        if similarity >= THRESHOLD and (best is None or similarity > best.similarity):
            best = NearDuplicate(article, similarity)
    return best


def article_band_keys_store(*, article: Article, sketch: TextSketch) -> None:
    if not sketch.keys:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_SQL.format(rows=_placeholders(2, len(sketch.keys))),
            [value for key in sketch.keys for value in (article.pk, key)],
        )


# Plain SQL: these two run for every article, and the ORM's own work (building the query,
# model instances for bulk_create) was four fifths of their time (3.3 ms of 4.1 per article,
# measured on bench_ingest's pages). Both are portable (PostgreSQL and SQLite). Only quoted
# names and placeholders are formatted in; every value is a parameter.
_TABLE, _ARTICLE, _KEY = map(
    connection.ops.quote_name, (ArticleBandKey._meta.db_table, "article_id", "key")
)
_CANDIDATES_SQL = (
    f"SELECT {_ARTICLE} FROM {_TABLE} WHERE {_KEY} IN ({{keys}}) GROUP BY {_ARTICLE} "  # noqa: S608
    f"HAVING COUNT(*) >= %s ORDER BY COUNT(*) DESC, {_ARTICLE} LIMIT %s"
)
_INSERT_SQL = f"INSERT INTO {_TABLE} ({_ARTICLE}, {_KEY}) VALUES {{rows}}"  # noqa: S608


def _placeholders(width: int, count: int) -> str:
    one = "%s" if width == 1 else "(" + ", ".join(["%s"] * width) + ")"
    return ", ".join([one] * count)
