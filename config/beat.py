"""Celery beat's schedule (config/settings.py sets CELERY_BEAT_SCHEDULE from it).

Periods come from the environment, read when the settings are; the dataset sync and the
watched pages run only when their switches say so (DATASETS_SYNC, WATCH_SYNC: see settings).
"""

import os

from celery.schedules import crontab


def beat_schedule(*, datasets_sync: bool, watch_sync: bool) -> dict[str, dict[str, object]]:
    schedule: dict[str, dict[str, object]] = {
        # Due times live in the database; this only looks every minute (apps/ingest/tasks.py).
        "ingest-tick": {
            "task": "ingest.tick",
            "schedule": float(os.environ.get("INGEST_TICK_SECONDS", "60")),
        },
        # Editors' accept/reject decisions retrain the suggester here, not in the tick above.
        "ingest-classifier-retrain": {
            "task": "ingest.classifier_retrain",
            "schedule": float(os.environ.get("INGEST_RETRAIN_SECONDS", "600")),
        },
        # Alerts: the sweeper hands back dead claims and re-publishes what the queue lost.
        "alerts-sweep": {"task": "alerts.sweep", "schedule": 60.0},
        "alerts-digests": {
            "task": "alerts.digests_send",
            "schedule": crontab(hour=int(os.environ.get("ALERTS_DIGEST_HOUR", "7")), minute=0),
        },
        # Alerts: forget expired confirm links and addresses that never confirmed.
        "alerts-unconfirmed-expire": {
            "task": "alerts.unconfirmed_expire",
            "schedule": crontab(minute=23),
        },
        # Reviewers who asked for it are mailed while statements wait (apps/accounts/reviews.py);
        # each at most once per REVIEW_MAIL_INTERVAL_HOURS, so looking hourly costs one query.
        "accounts-review-mails": {
            "task": "accounts.review_mails_send",
            "schedule": crontab(minute=41),
        },
        # Commitments whose due date has passed become overdue (recorded and announced once each,
        # apps/claims/commitments.py). Hourly, so a day's change is seen within the hour wherever
        # the server's midnight falls; a pass with nothing due is one indexed query.
        "claims-commitments-overdue": {
            "task": "claims.commitments_overdue",
            "schedule": crontab(minute=7),
        },
    }
    if datasets_sync:
        # DATASETS_SYNC_SECONDS replaces the weekly time with an interval (the soak: bench/soak).
        sync_seconds = os.environ.get("DATASETS_SYNC_SECONDS", "").strip()
        schedule["datasets-sync"] = {
            "task": "datasets.sync",
            "schedule": float(sync_seconds)
            if sync_seconds
            else crontab(
                day_of_week=int(os.environ.get("DATASETS_SYNC_WEEKDAY", "1")), hour=4, minute=17
            ),
        }
    # The bulk exports: marked out of date by the record's changes, rebuilt once quiet.
    schedule["exports-tick"] = {
        "task": "exports.tick",
        "schedule": float(os.environ.get("EXPORTS_TICK_SECONDS", "60")),
    }
    if watch_sync:
        schedule["watch-tick"] = {
            "task": "watch.tick",
            "schedule": float(os.environ.get("WATCH_TICK_SECONDS", "300")),
        }
    return schedule
