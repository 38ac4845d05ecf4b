"""The beat tick: hand out due feeds, and the article URLs and source fetches whose message was
lost. Each step claims its rows by conditional UPDATE, so a tick run twice hands nothing out
twice."""

from __future__ import annotations

from .articles import article_urls_dispatch_stale
from .common import Enqueue
from .feeds import feeds_dispatch_due
from .sources import source_fetches_dispatch_stale


def ingest_dispatch(
    *, enqueue_feed: Enqueue, enqueue_article: Enqueue, enqueue_source_fetch: Enqueue
) -> dict[str, int]:
    """The beat tick: due feeds, lost article URLs and lost source fetches (retraining has its
    own beat task)."""
    feeds = feeds_dispatch_due(enqueue=enqueue_feed)
    articles = article_urls_dispatch_stale(enqueue=enqueue_article)
    sources = source_fetches_dispatch_stale(enqueue=enqueue_source_fetch)
    return {"feeds": len(feeds), "articles": len(articles), "sources": len(sources)}
