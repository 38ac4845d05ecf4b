"""Celery's queues and routes (config/settings.py imports them).

One queue per line of work (DESIGN.md's layers), so a backlog of slow feeds never delays a
stance-change alert. docker-compose.yml runs one worker service per queue; `make run` and the
tests run one worker that consumes them all (TASK_QUEUE_NAMES). Routes go by task name; the
first pattern that matches wins, and an exact name beats every pattern.
"""

from kombu import Exchange, Queue

TASK_QUEUE_NAMES = ("ingest", "alerts", "datasets", "maintenance", "celery")
CELERY_TASK_QUEUES = [Queue(name, Exchange(name), routing_key=name) for name in TASK_QUEUE_NAMES]
CELERY_TASK_ROUTES = {
    # Retraining reads every decision and is CPU-bound; nothing waits for it, so it never holds
    # a slot that a feed poll needs.
    "ingest.classifier_retrain": {"queue": "maintenance"},
    "ingest.*": {"queue": "ingest"},
    # All of alerts, the sweeper and the digests included: the sweeper re-publishes lost events
    # and restarts stalled senders, so it is on the path from a stance change to the inbox.
    "alerts.*": {"queue": "alerts"},
    "datasets.*": {"queue": "datasets"},
    # Source archives, link-rot checks and watched pages: what comes in, with the feeds.
    "watch.*": {"queue": "ingest"},
    # Staff housekeeping: the review mail. Nothing a reader waits for.
    "accounts.*": {"queue": "maintenance"},
    # The record's own housekeeping: commitments falling overdue.
    "claims.*": {"queue": "maintenance"},
    # Bulk exports read the whole record; nothing waits for them.
    "exports.*": {"queue": "maintenance"},
    "maintenance.*": {"queue": "maintenance"},
}
# A task no route names (Celery's own included) lands in maintenance, which always has a worker.
# "celery", the one queue of earlier releases, is only drained (by the maintenance worker).
CELERY_TASK_DEFAULT_QUEUE = "maintenance"
