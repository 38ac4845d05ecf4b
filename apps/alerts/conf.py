"""Alert settings with their defaults, typed: ``alerts_conf().send_batch``.

Any of them can be set in config/settings.py (or the tests' ``settings`` fixture); see
apps/lib/conf.py for the style.
"""

from __future__ import annotations

from dataclasses import dataclass

from apps.lib.conf import setting, settings_read
from apps.lib.workqueue import Backoff


@dataclass(frozen=True)
class AlertsConf:
    # A claim older than this is presumed dead (worker killed) and the row goes back to pending.
    # The sweeper setting of every work queue is named <APP>_CLAIM_TIMEOUT_SECONDS.
    claim_timeout_seconds: float = setting("ALERTS_CLAIM_TIMEOUT_SECONDS", 600.0)
    # An event not fanned out this long after it was written or last published is published
    # again by the sweeper.
    republish_after_seconds: float = setting("ALERTS_REPUBLISH_AFTER_SECONDS", 60.0)
    send_batch: int = setting("ALERTS_SEND_BATCH", 50)
    # A sender stops claiming after this long and re-enqueues itself: well inside Celery's
    # soft time limit (CELERY_TASK_SOFT_TIME_LIMIT, 120 s), so it is never cut off mid-batch.
    send_budget_seconds: float = setting("ALERTS_SEND_BUDGET_SECONDS", 75.0)
    max_attempts: int = setting("ALERTS_MAX_ATTEMPTS", 8)
    # Backoff after a failed mail or webhook (apps/lib/workqueue.py): about this long after the
    # first failure, doubling with each, never more than the maximum.
    retry_base_seconds: float = setting("ALERTS_RETRY_BASE_SECONDS", 30.0)
    retry_max_seconds: float = setting("ALERTS_RETRY_MAX_SECONDS", 6 * 3600.0)
    # A confirm link works once, and for this long after it was asked for.
    confirm_max_age_seconds: float = setting("ALERTS_CONFIRM_MAX_AGE_SECONDS", 3 * 24 * 3600.0)
    # An address never confirmed, and not asked for again in this long, is deleted.
    unconfirmed_max_age_seconds: float = setting(
        "ALERTS_UNCONFIRMED_MAX_AGE_SECONDS", 7 * 24 * 3600.0
    )
    link_max_age_seconds: float = setting("ALERTS_LINK_MAX_AGE_SECONDS", 400 * 24 * 3600.0)
    subscribe_per_ip_per_hour: int = setting("ALERTS_SUBSCRIBE_PER_IP_PER_HOUR", 20)
    # Confirmation mails to one address: at least this far apart, and at most so many in any
    # 24 hours. A stranger who types someone's address only delays its owner by the interval;
    # the daily cap is what keeps the form from being used to flood a mailbox.
    confirmation_interval_seconds: float = setting(
        "ALERTS_CONFIRMATION_INTERVAL_SECONDS", 15 * 60.0
    )
    confirmations_per_day: int = setting("ALERTS_CONFIRMATIONS_PER_DAY", 3)
    # Instant alert mails to one address in 24 hours; beyond this they wait for the digest.
    max_instant_mails_per_day: int = setting("ALERTS_MAX_INSTANT_MAILS_PER_DAY", 10)
    webhook_max_consecutive_failures: int = setting("WEBHOOK_MAX_CONSECUTIVE_FAILURES", 5)
    webhook_max_attempts: int = setting("WEBHOOK_MAX_ATTEMPTS", 6)

    @property
    def backoff(self) -> Backoff:
        """The backoff of mail and webhook deliveries."""
        return Backoff(base=self.retry_base_seconds, cap=self.retry_max_seconds)


def alerts_conf() -> AlertsConf:
    return settings_read(AlertsConf)
