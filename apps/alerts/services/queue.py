"""The alerts' work queues and their Celery side: what is queued, how it is handed to the
broker, and the one sender loop that mail, digests and webhooks share.

Services hand work to Celery by task *name* (:class:`AlertTask`), never by importing
apps/alerts/tasks.py: tasks.py registers its tasks under these names and calls the services,
so the dependency runs one way only (tasks -> services).
"""

from __future__ import annotations

import enum
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from celery import current_app
from django.db.models import QuerySet

from apps.lib.outage import database_retry
from apps.lib.workqueue import Budget, Claim, Drained, Flow, Stopped, WorkQueue, drain

from ..conf import alerts_conf
from ..models import Delivery, DeliveryStatus, WebhookDelivery

logger = logging.getLogger(__name__)

#: Mail deliveries (instant alerts and digests), claimed by token.
DELIVERIES = WorkQueue(
    Delivery,
    pending=DeliveryStatus.PENDING,
    claimed=DeliveryStatus.SENDING,
    failed=DeliveryStatus.FAILED,
)
#: Webhook deliveries, the same way.
WEBHOOK_DELIVERIES = WorkQueue(
    WebhookDelivery,
    pending=DeliveryStatus.PENDING,
    claimed=DeliveryStatus.SENDING,
    failed=DeliveryStatus.FAILED,
)


class AlertTask(enum.StrEnum):
    """The alerts' Celery task names (apps/alerts/tasks.py registers a task under each)."""

    EVENT_FAN_OUT = "alerts.event_fan_out"
    DELIVERIES_SEND = "alerts.deliveries_send"
    DIGESTS_SEND = "alerts.digests_send"
    WEBHOOKS_SEND = "alerts.webhooks_send"
    CONFIRMATION_SEND = "alerts.confirmation_send"
    SWEEP = "alerts.sweep"
    UNCONFIRMED_EXPIRE = "alerts.unconfirmed_expire"


MAX_COUNTDOWN_SECONDS = 600.0


def task_publish(task: AlertTask, *args: object, countdown: float | None = None) -> bool:
    """Hand a task to the broker; False (logged) when the broker is unreachable.

    Publishing happens after commit, so a failure here must not raise into the request that
    made the change: the database already holds what is needed, and the sweeper retries.
    """
    if countdown is not None:
        # Long waits are the sweeper's job (it starts senders for every due row each minute);
        # a broker countdown stays far below Redis's visibility timeout, so it is never
        # delivered twice for having waited too long.
        countdown = min(countdown, MAX_COUNTDOWN_SECONDS)
    try:
        current_app.send_task(
            task.value,
            args=args,
            countdown=countdown,
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
        )
    except Exception as exc:
        logger.warning("could not publish %s%r: %s", task.value, args, exc)
        return False
    return True


def senders_start(*, event_id: int | None = None, due: int | None = None) -> None:
    """Enqueue enough sender tasks for what is due (each drains until nothing is left).

    ``due``: how many instant deliveries the caller knows to be due (a fan-out that just made
    them), which spares counting them; when 0 or None they are counted."""
    count = due or 0
    if not count:
        pending = DELIVERIES.due(Delivery.objects.filter(digest=False))
        if event_id is not None:
            pending = pending.filter(event_id=event_id)
        count = pending.count()
    if count:
        senders = min(4, math.ceil(count / (alerts_conf().send_batch * 4)))
        for _ in range(max(senders, 1)):
            task_publish(AlertTask.DELIVERIES_SEND, event_id)
    if WEBHOOK_DELIVERIES.due().exists():
        task_publish(AlertTask.WEBHOOKS_SEND)


class SendOutcome(enum.StrEnum):
    """What became of one mail or one webhook post."""

    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class SendResult:
    outcome: SendOutcome
    #: For RETRY: seconds until the delivery is due again.
    retry_in: float | None = None


@dataclass
class SendReport:
    sent: int = 0
    retry: int = 0
    failed: int = 0
    skipped: int = 0
    retry_in: list[float] = field(default_factory=list)

    def count(self, result: SendResult) -> None:
        match result.outcome:
            case SendOutcome.SENT:
                self.sent += 1
            case SendOutcome.RETRY:
                self.retry += 1
            case SendOutcome.FAILED:
                self.failed += 1
            case SendOutcome.SKIPPED:
                self.skipped += 1
        if result.retry_in is not None:
            self.retry_in.append(result.retry_in)


def senders_run[M: (Delivery, WebhookDelivery)](
    *,
    task: AlertTask,
    args: tuple[object, ...] = (),
    claim: Callable[[], Claim[M]],
    handle: Callable[[Claim[M], Budget], Flow],
    report: SendReport,
    max_batches: int | None = None,
    retry_soon: bool = True,
) -> Drained:
    """The one sender loop: :func:`apps.lib.workqueue.drain` within ALERTS_SEND_BUDGET_SECONDS,
    then carry on in a fresh ``task``: at once when out of time, or (``retry_soon``) when the
    first retry is due, so a temporary failure is tried again without waiting for the sweeper.
    """
    drained = drain(
        claim=claim,
        handle=handle,
        budget_seconds=alerts_conf().send_budget_seconds,
        max_batches=max_batches,
    )
    if drained.stopped is Stopped.OUT_OF_TIME:
        task_publish(task, *args)
    elif retry_soon and report.retry:
        task_publish(task, *args, countdown=min(report.retry_in or [30]))
    return drained


def claims_of[M: (Delivery, WebhookDelivery)](
    queue: WorkQueue[M], queryset: QuerySet[M], size: int
) -> Callable[[], Claim[M]]:
    """The claim function of a sender that takes ``size`` due rows of ``queryset`` at a time."""
    # A claim is one short transaction, safe to try again: a database restart between two
    # batches is waited out, so the sender carries on instead of leaving its work to the sweeper.
    return lambda: database_retry(
        lambda: queue.claim(queryset=queryset, size=size), what="claiming deliveries"
    )
