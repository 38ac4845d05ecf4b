"""Celery tasks: thin wrappers that take IDs and call one service function each.

Each is registered under its name in :class:`apps.alerts.services.AlertTask`; the services
publish tasks by those names and never import this module.
"""

from __future__ import annotations

from celery import shared_task

from . import services
from .services import AlertTask


@shared_task(name=AlertTask.EVENT_FAN_OUT.value)
def event_fan_out(event_id: int) -> int:
    return services.event_fan_out(event_id=event_id).created


@shared_task(name=AlertTask.DELIVERIES_SEND.value)
def deliveries_send(event_id: int | None = None) -> int:
    return services.deliveries_send(event_id=event_id).sent


@shared_task(name=AlertTask.DIGESTS_SEND.value)
def digests_send() -> int:
    return services.digests_send().sent


@shared_task(name=AlertTask.WEBHOOKS_SEND.value)
def webhooks_send() -> int:
    return services.webhooks_send().sent


@shared_task(name=AlertTask.CONFIRMATION_SEND.value)
def confirmation_send(request_id: int) -> bool:
    return services.confirmation_send(request_id=request_id)


@shared_task(name=AlertTask.SWEEP.value)
def sweep() -> int:
    report = services.alerts_sweep()
    return report.reclaimed + report.republished_events


@shared_task(name=AlertTask.UNCONFIRMED_EXPIRE.value)
def unconfirmed_expire() -> int:
    report = services.unconfirmed_expire()
    return report.requests + report.subscribers
