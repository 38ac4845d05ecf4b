"""Celery tasks (the ingest queue: what comes in): thin wrappers around one service each.

``watch.tick`` is scheduled by beat only where WATCH_SYNC=1 or in production
(config/settings.py); without it, nothing here contacts another host on its own.
"""

from __future__ import annotations

from celery import shared_task

from .conf import watch_conf
from .services.sources import sources_check as sources_check_run
from .services.watches import watches_check


@shared_task(name="watch.tick", ignore_result=True)
def tick() -> dict[str, int]:
    """Every few minutes (beat): the sources and watched pages that are due, to a time budget."""
    if not watch_conf().network:
        return {}
    outcomes = sources_check_run() + watches_check()
    return dict(outcomes)


@shared_task(name="watch.sources_check", ignore_result=True)
def sources_check() -> dict[str, int]:
    """Sources just cited (and any other due ones): archived and checked now."""
    if not watch_conf().network:
        return {}
    return dict(sources_check_run())
