"""Celery tasks: thin wrappers that take IDs and call one service function each.

Reliability comes from the settings (acks late, reject on worker lost, prefetch 1, time limits)
and from the services: every row is claimed by conditional UPDATE and attempts are counted in the
database, so a task delivered twice changes nothing the second time.
"""

from __future__ import annotations

import random

from celery import Task, shared_task

from . import services


@shared_task(name="ingest.tick", ignore_result=True)
def ingest_tick() -> dict[str, int]:
    """Every minute (beat): dispatch due feeds, lost article URLs and lost source fetches."""
    return services.ingest_dispatch(
        enqueue_feed=feed_poll.delay,
        enqueue_article=article_ingest.delay,
        enqueue_source_fetch=source_fetch.delay,
    )


@shared_task(name="ingest.classifier_retrain", ignore_result=True)
def classifier_retrain() -> bool:
    """Every ten minutes (beat; maintenance queue): retrain when editors decided since."""
    return services.classifier_retrain_if_due()


@shared_task(name="ingest.feed_poll", ignore_result=True)
def feed_poll(feed_id: int) -> str:
    result = services.feed_poll(feed_id=feed_id, enqueue_article=article_ingest.delay)
    return f"{result.outcome}: {len(result.new_article_url_ids)} new"


@shared_task(name="ingest.article_ingest", bind=True, ignore_result=True, max_retries=5)
def article_ingest(self: Task, article_url_id: int) -> str:
    result = services.article_ingest(article_url_id=article_url_id)
    if result.retry_in is not None:
        # Jitter keeps many failed fetches from one site from coming back at the same moment.
        raise self.retry(countdown=result.retry_in + random.uniform(0, 5))
    return result.outcome


@shared_task(name="ingest.source_fetch", ignore_result=True)
def source_fetch(source_fetch_id: int) -> str:
    """An editor's "Add source from URL": fetch the page and make it a source."""
    return services.source_fetch_run(source_fetch_id=source_fetch_id)
