"""Ingestion: feeds we poll, articles we read, what they mention and what editors should see.

The database is the source of truth for scheduling and retries: a feed's next poll time and an
article URL's state live here, and workers take work by conditional UPDATE, so a lost broker
message or a killed worker loses nothing (the next dispatch tick picks the row up again).
"""

from __future__ import annotations

from .articles import Article, ArticleBandKey, ArticleState, ArticleURL, SourceFetch
from .feeds import Feed, FeedQuerySet, FetchAttempt, Outcome
from .suggestions import (
    Classifier,
    Mention,
    Suggestion,
    SuggestionQuerySet,
    SuggestionState,
    covering_citations,
)

__all__ = [
    "Article",
    "ArticleBandKey",
    "ArticleState",
    "ArticleURL",
    "Classifier",
    "Feed",
    "FeedQuerySet",
    "FetchAttempt",
    "Mention",
    "Outcome",
    "SourceFetch",
    "Suggestion",
    "SuggestionQuerySet",
    "SuggestionState",
    "covering_citations",
]
