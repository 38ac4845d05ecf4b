"""Thin Celery wrappers: the work is in commitments.py. Routed to the ``maintenance`` queue."""

from __future__ import annotations

from celery import shared_task

from . import commitments


@shared_task(name="claims.commitments_overdue", ignore_result=True)
def commitments_overdue() -> int:
    """Hourly (beat): mark the pending commitments whose due date has passed as overdue, once
    each; alerts tell their followers in the same transaction."""
    return len(commitments.commitments_overdue_mark())
