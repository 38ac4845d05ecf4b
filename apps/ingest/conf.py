"""Ingestion settings with their defaults; any of them can be set in config/settings.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # trafilatura: below this many characters of main text, it tries a fallback extractor.
    "INGEST_MIN_EXTRACTED_SIZE": 250,
    # The same for pages in Japanese, Chinese or Korean, whose characters carry more each.
    "INGEST_MIN_EXTRACTED_SIZE_CJK": 25,
    # trafilatura discards a page with less main text than this.
    "INGEST_MIN_OUTPUT_SIZE": 10,
    "INGEST_FEED_MAX_BYTES": 5 * 1024 * 1024,
    "INGEST_ARTICLE_MAX_BYTES": 5 * 1024 * 1024,
    # A feed that fails this many polls in a row is paused (temporary failures back off first).
    "INGEST_PAUSE_AFTER_FAILURES": 10,
    # ... or this many permanent failures in a row (404, not a feed, refused address).
    "INGEST_PAUSE_AFTER_PERMANENT_FAILURES": 3,
    "INGEST_BACKOFF_MAX_MINUTES": 24 * 60,
    # An article URL claimed this many times without finishing is given up (a poison page).
    "INGEST_MAX_ATTEMPTS": 5,
    # A claim older than this belongs to a worker that died (above the hard task time limit).
    "INGEST_STALE_SECONDS": 300,
    # The classifier replaces the keyword rules once editors have decided this many suggestions.
    "INGEST_CLASSIFIER_MIN_EXAMPLES": 10,
    # The most article URLs the "ingest URLs now" admin form fetches in one request.
    "INGEST_URLS_AT_ONCE": 20,
}


def conf(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
