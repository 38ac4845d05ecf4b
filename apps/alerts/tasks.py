"""Celery tasks: thin wrappers that take IDs and call one service function each."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="alerts.event_fan_out")
def event_fan_out(event_id: int) -> int:
    return services.event_fan_out(event_id=event_id).created


@shared_task(name="alerts.deliveries_send")
def deliveries_send(event_id: int | None = None) -> int:
    return services.deliveries_send(event_id=event_id).sent


@shared_task(name="alerts.digests_send")
def digests_send() -> int:
    return services.digests_send().sent


@shared_task(name="alerts.webhooks_send")
def webhooks_send() -> int:
    return services.webhooks_send().sent


@shared_task(name="alerts.confirmation_send")
def confirmation_send(request_id: int) -> bool:
    return services.confirmation_send(request_id=request_id)


@shared_task(name="alerts.sweep")
def sweep() -> int:
    report = services.alerts_sweep()
    return report.reclaimed + report.republished_events


@shared_task(name="alerts.unconfirmed_expire")
def unconfirmed_expire() -> int:
    report = services.unconfirmed_expire()
    return report.requests + report.subscribers
