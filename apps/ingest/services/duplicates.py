"""Syndicated copies: find the stored article a new text nearly repeats, and index a stored
article's text so that later copies find it (apps/ingest/near_duplicates.py has the method and
the measured threshold). articles.py calls both inside the transaction that stores an article.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from ..models import Article, ArticleBandKey
from ..near_duplicates import MIN_SHINGLES, THRESHOLD, band_keys, jaccard, shingles

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
    reaches THRESHOLD. Candidates come from the band-key index; each is checked exactly."""
    if not sketch.keys:
        return None
    shared = (
        ArticleBandKey.objects.filter(key__in=sketch.keys)
        .values("article_id")
        .annotate(shared=Count("id"))
        .order_by("-shared", "article_id")[:CANDIDATES]
    )
    ids = [row["article_id"] for row in shared]
    best: NearDuplicate | None = None
    for article in Article.objects.filter(pk__in=ids).only("pk", "text", "title", "url"):
        similarity = jaccard(sketch.hashes, shingles(article.text))
        if similarity >= THRESHOLD and (best is None or similarity > best.similarity):
            best = NearDuplicate(article, similarity)
    return best


def article_band_keys_store(*, article: Article, sketch: TextSketch) -> None:
    ArticleBandKey.objects.bulk_create(
        ArticleBandKey(article=article, key=key) for key in sketch.keys
    )
