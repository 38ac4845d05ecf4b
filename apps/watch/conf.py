"""Watch settings with their defaults, typed: ``watch_conf().source_interval_days``.

Any of them can be set in config/settings.py (or the tests' ``settings`` fixture); see
apps/lib/conf.py for the style.
"""

from __future__ import annotations

from dataclasses import dataclass

from apps.lib.conf import setting, settings_read


@dataclass(frozen=True)
class WatchConf:
    # Whether workers contact other people's hosts on their own: archiving a newly cited source
    # and the scheduled checks. True in production and wherever WATCH_SYNC=1; never by default
    # elsewhere, so `make run`, the demo seed and the tests contact no outside host.
    network: bool = setting("WATCH_SYNC", False)
    # How often a cited source is checked for link rot; first checks are spread over this span.
    source_interval_days: float = setting("WATCH_SOURCE_INTERVAL_DAYS", 7.0)
    # The share of words that must differ before a page counts as changed (0.02: 2 in 100).
    change_threshold: float = setting("WATCH_CHANGE_THRESHOLD", 0.02)
    # The largest page read; a bigger one is recorded as such, never read in part.
    max_bytes: int = setting("WATCH_MAX_BYTES", 5 * 1024 * 1024)
    # The longest wait a 429's Retry-After may impose before we look again anyway.
    retry_after_max_seconds: float = setting("WATCH_RETRY_AFTER_MAX_SECONDS", 24 * 3600.0)
    # Without a Retry-After, a 429 or an unreachable host is tried again after this long.
    retry_seconds: float = setting("WATCH_RETRY_SECONDS", 3600.0)
    # One check task works this long, then hands the rest to the next tick.
    budget_seconds: float = setting("WATCH_BUDGET_SECONDS", 120.0)
    batch_size: int = setting("WATCH_BATCH_SIZE", 50)
    # A claim older than this belongs to a worker that died.
    claim_timeout_seconds: float = setting("WATCH_CLAIM_TIMEOUT_SECONDS", 300.0)
    # The default interval of a new watch.
    watch_interval_minutes: int = setting("WATCH_DEFAULT_INTERVAL_MINUTES", 24 * 60)


def watch_conf() -> WatchConf:
    return settings_read(WatchConf)
