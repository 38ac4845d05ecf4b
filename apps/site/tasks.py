"""The site's Celery task: the workers' heartbeat (apps/site/liveness.py)."""

from __future__ import annotations

from celery import Task, shared_task

from .liveness import HEARTBEAT_TASK, heartbeat_record


@shared_task(name=HEARTBEAT_TASK, bind=True, ignore_result=True)
def worker_heartbeat(self: Task) -> None:
    """Record that this worker (by its hostname) consumed a probe just now."""
    heartbeat_record(worker=str(self.request.hostname))
