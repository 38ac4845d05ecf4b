"""Alert settings, each overridable in settings.py or the test settings fixture."""

from __future__ import annotations

from django.conf import settings

DEFAULTS: dict[str, float] = {
    # A claim older than this is presumed dead (worker killed) and the row goes back to pending.
    "ALERTS_CLAIM_TIMEOUT_SECONDS": 600,
    # An event not fanned out, or a delivery pending this long, is re-published by the sweeper.
    "ALERTS_REPUBLISH_AFTER_SECONDS": 60,
    "ALERTS_SEND_BATCH": 50,
    # A sender stops claiming after this long and re-enqueues itself: well inside Celery's
    # soft time limit (CELERY_TASK_SOFT_TIME_LIMIT, 120 s), so it is never cut off mid-batch.
    "ALERTS_SEND_BUDGET_SECONDS": 75,
    "ALERTS_FANOUT_BATCH": 5000,
    "ALERTS_MAX_ATTEMPTS": 8,
    "ALERTS_RETRY_BASE_SECONDS": 30,
    # A confirm link works once, and for this long after it was asked for.
    "ALERTS_CONFIRM_MAX_AGE_SECONDS": 3 * 24 * 3600,
    # An address never confirmed, and not asked for again in this long, is deleted.
    "ALERTS_UNCONFIRMED_MAX_AGE_SECONDS": 7 * 24 * 3600,
    "ALERTS_LINK_MAX_AGE_SECONDS": 400 * 24 * 3600,
    "ALERTS_SUBSCRIBE_PER_IP_PER_HOUR": 20,
    # Confirmation mails to one address: at least this far apart, and at most so many in any
    # 24 hours. A stranger who types someone's address only delays its owner by the interval;
    # the daily cap is what keeps the form from being used to flood a mailbox.
    "ALERTS_CONFIRMATION_INTERVAL_SECONDS": 15 * 60,
    "ALERTS_CONFIRMATIONS_PER_DAY": 3,
    # Instant alert mails to one address in 24 hours; beyond this they wait for the digest.
    "ALERTS_MAX_INSTANT_MAILS_PER_DAY": 10,
    "WEBHOOK_MAX_CONSECUTIVE_FAILURES": 5,
    "WEBHOOK_MAX_ATTEMPTS": 6,
}


def setting(name: str) -> float:
    return float(getattr(settings, name, DEFAULTS[name]))


def backoff_seconds(attempts: int) -> float:
    """Exponential backoff: base, 2x base, 4x base ... capped at six hours."""
    return float(min(setting("ALERTS_RETRY_BASE_SECONDS") * 2 ** max(attempts - 1, 0), 6 * 3600))
