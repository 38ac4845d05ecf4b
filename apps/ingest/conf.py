"""Ingestion settings with their defaults, typed: ``ingest_conf().max_attempts``.

Any of them can be set in config/settings.py (or the tests' ``settings`` fixture); see
apps/lib/conf.py for the style.
"""

from __future__ import annotations

from dataclasses import dataclass

from apps.lib.conf import setting, settings_read


@dataclass(frozen=True)
class IngestConf:
    # trafilatura: below this many characters of main text, it tries a fallback extractor.
    min_extracted_size: int = setting("INGEST_MIN_EXTRACTED_SIZE", 250)
    # The same for pages in Japanese, Chinese or Korean, whose characters carry more each.
    min_extracted_size_cjk: int = setting("INGEST_MIN_EXTRACTED_SIZE_CJK", 25)
    # trafilatura discards a page with less main text than this.
    min_output_size: int = setting("INGEST_MIN_OUTPUT_SIZE", 10)
    feed_max_bytes: int = setting("INGEST_FEED_MAX_BYTES", 5 * 1024 * 1024)
    article_max_bytes: int = setting("INGEST_ARTICLE_MAX_BYTES", 5 * 1024 * 1024)
    # A feed that fails this many polls in a row is paused (temporary failures back off first).
    pause_after_failures: int = setting("INGEST_PAUSE_AFTER_FAILURES", 10)
    # ... or this many permanent failures in a row (404, not a feed, refused address).
    pause_after_permanent_failures: int = setting("INGEST_PAUSE_AFTER_PERMANENT_FAILURES", 3)
    backoff_max_minutes: float = setting("INGEST_BACKOFF_MAX_MINUTES", 24 * 60.0)
    # An article URL claimed this many times without finishing is given up (a poison page).
    max_attempts: int = setting("INGEST_MAX_ATTEMPTS", 5)
    # A claim older than this belongs to a worker that died (above the hard task time limit);
    # a pending URL whose task was queued this long ago is queued again. Named like the alerts'
    # ALERTS_CLAIM_TIMEOUT_SECONDS; INGEST_STALE_SECONDS, its old name, is still read.
    claim_timeout_seconds: float = setting(
        "INGEST_CLAIM_TIMEOUT_SECONDS", 300.0, legacy=("INGEST_STALE_SECONDS",)
    )
    # The classifier replaces the keyword rules once editors have decided this many suggestions.
    classifier_min_examples: int = setting("INGEST_CLASSIFIER_MIN_EXAMPLES", 10)
    # The most article URLs the "ingest URLs now" admin form fetches in one request.
    urls_at_once: int = setting("INGEST_URLS_AT_ONCE", 20)


def ingest_conf() -> IngestConf:
    return settings_read(IngestConf)
