"""The sweeper (beat, every minute): hand back claims of dead senders, publish again what the
broker lost, and start senders for whatever is due."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from ..conf import alerts_conf
from ..models import Event
from .outbox import event_publish
from .queue import DELIVERIES, WEBHOOK_DELIVERIES, senders_start


@dataclass
class SweepReport:
    reclaimed: int = 0
    republished_events: int = 0


def alerts_sweep() -> SweepReport:
    """Reclaim deliveries claimed longer than ALERTS_CLAIM_TIMEOUT_SECONDS ago, publish again
    events not fanned out ALERTS_REPUBLISH_AFTER_SECONDS after they were last handed to the
    broker, and start senders."""
    conf = alerts_conf()
    now = timezone.now()
    report = SweepReport()
    for queue in (DELIVERIES, WEBHOOK_DELIVERIES):
        report.reclaimed += len(queue.reclaim_stale(older_than=conf.claim_timeout_seconds, now=now))
    waited = now - datetime.timedelta(seconds=conf.republish_after_seconds)
    waiting = Event.objects.filter(fanned_out_at__isnull=True).filter(
        Q(published_at__isnull=True, created_at__lte=waited) | Q(published_at__lte=waited)
    )
    for event_id in waiting.order_by("created_at").values_list("pk", flat=True)[:1000]:
        report.republished_events += int(event_publish(event_id=event_id))
    senders_start()
    return report
