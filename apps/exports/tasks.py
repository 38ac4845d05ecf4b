"""Thin Celery wrappers: the work is in services.py. Routed to the ``maintenance`` queue."""

from __future__ import annotations

from celery import shared_task

from . import services

# A full rebuild reads the whole record: far longer than the project's default limits (120 s
# soft, 180 s hard) at a million statements. EXPORTS_CLAIM_TIMEOUT_SECONDS stays above the hard
# limit, so a build still running is never taken for a dead one.
REBUILD_SOFT_TIME_LIMIT = 55 * 60
REBUILD_TIME_LIMIT = 60 * 60


@shared_task(name="exports.tick", ignore_result=True)
def exports_tick() -> str:
    """Every minute (beat): mark the files out of date if the record moved; queue a rebuild
    when one is due."""
    return services.exports_tick(enqueue_rebuild=exports_rebuild.delay)


@shared_task(
    name="exports.rebuild",
    ignore_result=True,
    soft_time_limit=REBUILD_SOFT_TIME_LIMIT,
    time_limit=REBUILD_TIME_LIMIT,
)
def exports_rebuild() -> str:
    return services.exports_rebuild()
