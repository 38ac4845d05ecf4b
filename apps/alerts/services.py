"""Alerts: the outbox, fan-out, exactly-once sending, subscriptions, digests and webhooks.

Each function is keyword-only and named <noun>_<verb>. The rules that make delivery exactly once:

* An Event is written in the transaction of the change it reports (:func:`event_record`), and
  handed to Celery only after commit. Losing that Celery message loses nothing: the sweeper
  re-publishes every event not yet fanned out.
* Fan-out inserts one Delivery per (event, subscriber) under a unique constraint, with
  ``ignore_conflicts``: running it twice, or concurrently, adds nothing.
* A sender claims rows by conditional UPDATE (pending -> sending, with its own claim token),
  marks each one sent right after the SMTP server accepted it, and only then moves on. A killed
  sender leaves its unsent rows "sending"; the sweeper hands them back after the claim timeout.
  The one window that remains is a kill between the server's 250 and our UPDATE, a few
  milliseconds per message, where a mail can go out twice; nothing is ever lost.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import math
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from email.policy import SMTP
from itertools import batched
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.db import models, transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation

from apps.catalog.models import AIModel, Company, ModelStatusChange
from apps.claims.models import StanceChange, Statement
from apps.lib.fetch import FetchError, post

from .conf import backoff_seconds, setting
from .mail import MailError, MailSession
from .models import (
    Bounce,
    Delivery,
    DeliveryStatus,
    Event,
    EventKind,
    Frequency,
    Language,
    Subscriber,
    Subscription,
    SubscriptionRequest,
    SubscriptionScope,
    WebhookDelivery,
    WebhookEndpoint,
    link_key_new,
)
from .render import (
    EventText,
    absolute,
    alert_mail,
    confirmation_mail,
    event_text,
    events_for_render,
)
from .tokens import subscription_request_token_make

logger = logging.getLogger(__name__)

KIND_FLAG = {
    EventKind.STANCE_CHANGE: "stance_changes",
    EventKind.STATEMENT_PUBLISHED: "statements",
    EventKind.MODEL_STATUS: "model_status",
}

# --------------------------------------------------------------------------------------------
# Outbox
# --------------------------------------------------------------------------------------------


def event_record(
    *,
    kind: str,
    company: Company,
    stance_change: StanceChange | None = None,
    statement: Statement | None = None,
    model_status_change: ModelStatusChange | None = None,
    ai_models: Iterable[AIModel | int] = (),
) -> Event:
    """Write an Event in the caller's transaction; it is handed to Celery after commit."""
    event = Event.objects.create(
        kind=kind,
        company=company,
        stance_change=stance_change,
        statement=statement,
        model_status_change=model_status_change,
    )
    models_list = list(ai_models)
    if models_list:
        event.ai_models.set(models_list)
    event_id = event.pk
    transaction.on_commit(lambda: event_publish(event_id=event_id))
    return event


def stance_changes_newsworthy(
    *, changes: Sequence[StanceChange], previous: Sequence[StanceChange]
) -> list[StanceChange]:
    """The new changes readers should hear of: none older than what they were last told.

    ``previous`` are the lab's changes that were current before the recompute. A backdated
    statement can redraw years of history into "new" rows; those are not news and get no event
    (the lab page shows the redrawn history; nobody is mailed about a move from 2021). A change
    on the date of the latest known one is news only if it moves the lab somewhere else: the
    same move restated (its old stance redrawn) is not.
    """
    if not previous:
        return list(changes)
    latest = max(previous, key=lambda c: (c.date, c.pk))
    return [
        change
        for change in changes
        if change.date > latest.date
        or (change.date == latest.date and change.new_stance != latest.new_stance)
    ]


def event_record_stance_changes(
    *, changes: Sequence[StanceChange], previous: Sequence[StanceChange] = ()
) -> list[Event]:
    """One event per new, newsworthy stance change (see :func:`stance_changes_newsworthy`),
    with the models its statements concern."""
    events = []
    news = stance_changes_newsworthy(changes=changes, previous=previous)
    if len(news) < len(changes):
        logger.info(
            "%d redrawn historical stance change(s) of %s recorded without an alert",
            len(changes) - len(news),
            changes[0].company,
        )
    for change in news:
        model_ids = set(
            Statement.ai_models.through.objects.filter(
                statement__in=change.statements.all()
            ).values_list("aimodel_id", flat=True)
        )
        events.append(
            event_record(
                kind=EventKind.STANCE_CHANGE,
                company=change.company,
                stance_change=change,
                ai_models=sorted(model_ids),
            )
        )
    return events


def event_record_statement_published(*, statement: Statement) -> Event:
    return event_record(
        kind=EventKind.STATEMENT_PUBLISHED,
        company=statement.company,
        statement=statement,
        ai_models=list(statement.ai_models.values_list("pk", flat=True)),
    )


def event_record_model_status(*, status_change: ModelStatusChange) -> Event:
    return event_record(
        kind=EventKind.MODEL_STATUS,
        company=status_change.model.developer,
        model_status_change=status_change,
        ai_models=[status_change.model_id],
    )


MAX_COUNTDOWN_SECONDS = 600.0


def _task_publish(task: Any, *args: Any, countdown: float | None = None) -> bool:
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
        task.apply_async(
            args=args,
            countdown=countdown,
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
        )
    except Exception as exc:
        logger.warning("could not publish %s%r: %s", task.name, args, exc)
        return False
    return True


def event_publish(*, event_id: int) -> bool:
    from . import tasks

    if _task_publish(tasks.event_fan_out, event_id):
        Event.objects.filter(pk=event_id).update(published_at=timezone.now())
        return True
    Event.objects.filter(pk=event_id).update(
        last_error="The queue was unreachable; the sweeper will publish it again."
    )
    return False


# --------------------------------------------------------------------------------------------
# Fan-out
# --------------------------------------------------------------------------------------------


def _scope_q(event: Event, prefix: str = "") -> Q:
    model_ids = list(event.ai_models.values_list("pk", flat=True))
    scope = Q(**{f"{prefix}company__isnull": True, f"{prefix}ai_model__isnull": True}) | Q(
        **{f"{prefix}company": event.company_id}
    )
    if model_ids:
        scope |= Q(**{f"{prefix}ai_model__in": model_ids})
    return scope & Q(**{f"{prefix}{KIND_FLAG[EventKind(event.kind)]}": True})


def subscriptions_matching(event: Event) -> models.QuerySet[Subscription]:
    return Subscription.objects.filter(_scope_q(event)).filter(
        subscriber__confirmed_at__isnull=False,
        subscriber__unsubscribed_at__isnull=True,
        subscriber__bounced_at__isnull=True,
    )


def _subscriber_ids(queryset: models.QuerySet[Subscription], chunk: int) -> Iterator[int]:
    yield from (
        queryset.order_by("subscriber_id")
        .values_list("subscriber_id", flat=True)
        .distinct()
        .iterator(chunk_size=chunk)
    )


@dataclass
class FanOutReport:
    #: Delivery rows this run added (0 when the event had been fanned out already).
    created: int = 0
    webhooks: int = 0


def event_fan_out(*, event_id: int) -> FanOutReport:
    """Create every delivery for one event (idempotent), then start the senders."""
    event = Event.objects.select_related("company").get(pk=event_id)
    batch = int(setting("ALERTS_FANOUT_BATCH"))
    matching = subscriptions_matching(event)
    report = FanOutReport()
    # Instant first: a reader who follows the event both instantly and by digest gets it once,
    # instantly, because the digest row then conflicts with the instant one and is skipped.
    existing = Delivery.objects.filter(event_id=event.pk).count()
    for digest, queryset in (
        (False, matching.filter(frequency=Frequency.INSTANT)),
        (True, matching.filter(frequency=Frequency.DAILY)),
    ):
        for ids in batched(_subscriber_ids(queryset, batch), batch):
            # ignore_conflicts: rows a previous run (or a concurrent one) made stay as they are.
            Delivery.objects.bulk_create(
                [Delivery(event_id=event.pk, subscriber_id=sid, digest=digest) for sid in ids],
                ignore_conflicts=True,
                batch_size=batch,
            )
    report.created = Delivery.objects.filter(event_id=event.pk).count() - existing
    endpoints = WebhookEndpoint.objects.filter(is_active=True).filter(_scope_q(event))
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(event_id=event.pk, endpoint_id=pk)
            for pk in endpoints.values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )
    report.webhooks = endpoints.count()
    Event.objects.filter(pk=event.pk, fanned_out_at__isnull=True).update(
        fanned_out_at=timezone.now(), last_error=""
    )
    senders_start(event_id=event.pk)
    return report


def senders_start(*, event_id: int | None = None) -> None:
    """Enqueue enough sender tasks for what is pending (each drains until nothing is left)."""
    from . import tasks

    now = timezone.now()
    pending = Delivery.objects.filter(status=DeliveryStatus.PENDING, digest=False).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    if event_id is not None:
        pending = pending.filter(event_id=event_id)
    count = pending.count()
    if count:
        senders = min(4, math.ceil(count / (setting("ALERTS_SEND_BATCH") * 4)))
        for _ in range(max(senders, 1)):
            _task_publish(tasks.deliveries_send, event_id)
    if (
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .exists()
    ):
        _task_publish(tasks.webhooks_send)


# --------------------------------------------------------------------------------------------
# Claiming
# --------------------------------------------------------------------------------------------


def _claim[M: (Delivery, WebhookDelivery)](
    model: type[M], queryset: models.QuerySet[M], size: int
) -> tuple[str, list[int]]:
    """Claim up to ``size`` due pending rows by conditional UPDATE; return the token and ids."""
    token = uuid.uuid4().hex
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            queryset.filter(status=DeliveryStatus.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("id")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[:size]
        )
        if not ids:
            return token, []
        model.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SENDING, claimed_at=now, claim=token, attempts=F("attempts") + 1
        )
    claimed = list(
        model.objects.filter(claim=token, status=DeliveryStatus.SENDING)
        .order_by("id")
        .values_list("id", flat=True)
    )
    return token, claimed


def _release(
    model: type[Delivery] | type[WebhookDelivery],
    pk: int,
    token: str,
    *,
    error: str,
    attempts: int,
    max_attempts: int,
) -> bool:
    """Back to pending with backoff, or failed when out of attempts. True when it gave up."""
    gave_up = attempts >= max_attempts
    model.objects.filter(pk=pk, claim=token).update(
        status=DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING,
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=backoff_seconds(attempts)),
        last_error=error[:2000],
        claim="",
    )
    return gave_up


# --------------------------------------------------------------------------------------------
# Sending mail
# --------------------------------------------------------------------------------------------


@dataclass
class SendReport:
    sent: int = 0
    retry: int = 0
    failed: int = 0
    skipped: int = 0
    retry_in: list[float] = field(default_factory=list)


class _TextCache:
    """Event texts per language: one event sent to 100,000 readers is rendered twice, not
    100,000 times."""

    def __init__(self) -> None:
        self._texts: dict[tuple[int, str], EventText] = {}

    def get(self, event_ids: Sequence[int], language: str) -> list[EventText]:
        missing = [pk for pk in event_ids if (pk, language) not in self._texts]
        if missing:
            with translation.override(language):
                for event in events_for_render(missing):
                    self._texts[(event.pk, language)] = event_text(event)
        return [self._texts[(pk, language)] for pk in event_ids]


def _release_unsent(token: str, model: type[Delivery] | type[WebhookDelivery] = Delivery) -> int:
    """Hand this claim's rows that were not sent back to pending, at no cost of an attempt.

    For a sender stopped by Celery's soft time limit or its own budget: the one mail it was
    writing may have reached the server, the same few-milliseconds window as a killed worker;
    nothing is lost.
    """
    if not token:
        return 0
    return model.objects.filter(claim=token, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.PENDING, claim="", attempts=F("attempts") - 1
    )


def deliveries_send(*, event_id: int | None = None, max_batches: int | None = None) -> SendReport:
    """Claim and send pending instant deliveries until none is left, ``max_batches`` are done,
    or ALERTS_SEND_BUDGET_SECONDS have passed; then a fresh task carries on with the rest.

    The budget keeps a sender well inside Celery's soft time limit: stopping between batches is
    clean, being stopped mid-batch is not.
    """
    report = SendReport()
    texts = _TextCache()
    size = int(setting("ALERTS_SEND_BATCH"))
    max_attempts = int(setting("ALERTS_MAX_ATTEMPTS"))
    deadline = time.monotonic() + setting("ALERTS_SEND_BUDGET_SECONDS")
    queryset = Delivery.objects.filter(digest=False)
    if event_id is not None:
        queryset = queryset.filter(event_id=event_id)
    batches = 0
    out_of_time = False
    token = ""
    with MailSession() as session:
        try:
            while max_batches is None or batches < max_batches:
                if batches and time.monotonic() >= deadline:
                    out_of_time = True
                    break
                token, ids = _claim(Delivery, queryset, size)
                if not ids:
                    break
                batches += 1
                if _deliveries_send_batch(session, token, ids, texts, max_attempts, report):
                    break  # the mail server is unreachable: the retry below tries again later
        except SoftTimeLimitExceeded:
            _release_unsent(token)
            raise
    from . import tasks

    if out_of_time:
        _task_publish(tasks.deliveries_send, event_id)
    elif report.retry:
        _task_publish(tasks.deliveries_send, event_id, countdown=min(report.retry_in or [30]))
    return report


def _deliveries_send_batch(
    session: MailSession,
    token: str,
    ids: Sequence[int],
    texts: _TextCache,
    max_attempts: int,
    report: SendReport,
) -> bool:
    """Send one claimed batch; True when the server became unreachable (the rest is handed
    back untried)."""
    deliveries_defer_over_limit(token=token, ids=ids)
    rows = (
        Delivery.objects.filter(pk__in=ids, claim=token).select_related("subscriber").order_by("id")
    )
    unreachable = False
    for delivery in rows:
        if unreachable:
            # Not tried: the server is down, so this costs the row no attempt.
            Delivery.objects.filter(pk=delivery.pk, claim=token).update(
                status=DeliveryStatus.PENDING, claim="", attempts=F("attempts") - 1
            )
            continue
        outcome = _deliver(session, [delivery], token, texts, max_attempts)
        _count(report, outcome, delivery.attempts)
        error = session.last_error
        unreachable = (
            outcome == "retry" and error is not None and error.reason in ("connection", "timeout")
        )
    return unreachable


def deliveries_defer_over_limit(*, token: str, ids: Sequence[int]) -> int:
    """The rate limit on mail to one address: an instant alert to an address that already got
    ALERTS_MAX_INSTANT_MAILS_PER_DAY in the last day joins its next daily digest instead.

    Nothing is dropped: the row stays pending, as a digest row. Returns how many were deferred.
    """
    limit = int(setting("ALERTS_MAX_INSTANT_MAILS_PER_DAY"))
    since = timezone.now() - datetime.timedelta(days=1)
    claimed = list(
        Delivery.objects.filter(pk__in=ids, claim=token)
        .order_by("id")
        .values_list("id", "subscriber_id")
    )
    sent_today: dict[int, int] = dict(
        Delivery.objects.filter(
            subscriber_id__in={sid for _, sid in claimed},
            digest=False,
            status=DeliveryStatus.SENT,
            sent_at__gte=since,
        )
        .values("subscriber_id")
        .annotate(n=Count("id"))
        .values_list("subscriber_id", "n")
    )
    deferred: list[int] = []
    for pk, subscriber_id in claimed:
        if sent_today.get(subscriber_id, 0) >= limit:
            deferred.append(pk)
        else:
            sent_today[subscriber_id] = sent_today.get(subscriber_id, 0) + 1
    if not deferred:
        return 0
    return Delivery.objects.filter(pk__in=deferred, claim=token).update(
        digest=True,
        status=DeliveryStatus.PENDING,
        claim="",
        attempts=F("attempts") - 1,
        last_error="Daily limit of instant mails reached: moved to the digest.",
    )


def _count(report: SendReport, outcome: str, attempts: int) -> None:
    setattr(report, outcome, getattr(report, outcome) + 1)
    if outcome == "retry":
        report.retry_in.append(backoff_seconds(attempts))


def _deliver(
    session: MailSession,
    deliveries: Sequence[Delivery],
    token: str,
    texts: _TextCache,
    max_attempts: int,
) -> str:
    """Send one mail carrying ``deliveries`` (one instant alert, or a subscriber's digest)."""
    subscriber = deliveries[0].subscriber
    ids = [d.pk for d in deliveries]
    if not subscriber.is_mailable:
        Delivery.objects.filter(pk__in=ids, claim=token).update(
            status=DeliveryStatus.SKIPPED, claim="", last_error="Unsubscribed or bouncing."
        )
        return "skipped"
    digest = deliveries[0].digest
    try:
        message = alert_mail(
            subscriber=subscriber,
            texts=texts.get([d.event_id for d in deliveries], subscriber.language),
            digest=digest,
        )
        # Built here, as the mailer would build it, so that a header or address Python's email
        # package refuses is our message's fault and never taken for the address bouncing.
        message.message(policy=SMTP)
    except ValueError as exc:
        Delivery.objects.filter(pk__in=ids, claim=token).update(
            status=DeliveryStatus.FAILED,
            claim="",
            last_error=f"The mail could not be built: {exc}"[:2000],
        )
        logger.warning("alert mail for deliveries %s could not be built: %s", ids, exc)
        return "failed"
    try:
        session.send(message)
    except MailError as error:
        if error.permanent:
            Delivery.objects.filter(pk__in=ids, claim=token).update(
                status=DeliveryStatus.FAILED, claim="", last_error=str(error)[:2000]
            )
            if error.bounces:
                bounce_record(email=subscriber.email, code=error.code, message=str(error))
            return "failed"
        gave_up = False
        for delivery in deliveries:
            gave_up = _release(
                Delivery,
                delivery.pk,
                token,
                error=str(error),
                attempts=delivery.attempts,
                max_attempts=max_attempts,
            )
        return "failed" if gave_up else "retry"
    # Marked right away, one UPDATE per mail: a kill after this line never resends it.
    Delivery.objects.filter(pk__in=ids, claim=token).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), claim="", last_error=""
    )
    return "sent"


def digests_send() -> SendReport:
    """The daily digest: each subscriber's pending digest deliveries, in one mail.

    Like :func:`deliveries_send`, it stops after ALERTS_SEND_BUDGET_SECONDS and hands the rest
    to a fresh task.
    """
    report = SendReport()
    texts = _TextCache()
    max_attempts = int(setting("ALERTS_MAX_ATTEMPTS"))
    deadline = time.monotonic() + setting("ALERTS_SEND_BUDGET_SECONDS")
    now = timezone.now()
    subscriber_ids = list(
        Delivery.objects.filter(digest=True, status=DeliveryStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("subscriber_id")
        .values_list("subscriber_id", flat=True)
        .distinct()
    )
    out_of_time = False
    token = ""
    with MailSession() as session:
        try:
            for subscriber_id in subscriber_ids:
                if report.sent + report.failed + report.retry and time.monotonic() >= deadline:
                    out_of_time = True
                    break
                token, ids = _claim(
                    Delivery, Delivery.objects.filter(digest=True, subscriber_id=subscriber_id), 500
                )
                if not ids:
                    continue  # another sender has it
                rows = list(
                    Delivery.objects.filter(pk__in=ids)
                    .select_related("subscriber")
                    .order_by("event__created_at", "id")
                )
                outcome = _deliver(session, rows, token, texts, max_attempts)
                _count(report, outcome, max(d.attempts for d in rows))
        except SoftTimeLimitExceeded:
            _release_unsent(token)
            raise
    if out_of_time:
        from . import tasks

        _task_publish(tasks.digests_send)
    return report


def bounce_record(*, email: str, code: int | None = None, message: str = "") -> Bounce:
    """A permanent failure for an address: record it, and stop mail to it."""
    email = email.strip().lower()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
        if subscriber is not None and subscriber.bounced_at is None:
            subscriber.bounced_at = timezone.now()
            subscriber.bounce_reason = message[:500]
            subscriber.save(update_fields=["bounced_at", "bounce_reason"])
        bounce = Bounce.objects.create(
            subscriber=subscriber, email=email, code=code, message=message[:2000]
        )
        if subscriber is not None:
            Delivery.objects.filter(subscriber=subscriber, status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.SKIPPED, last_error="The address bounces."
            )
    return bounce


# --------------------------------------------------------------------------------------------
# Sweeper
# --------------------------------------------------------------------------------------------


@dataclass
class SweepReport:
    reclaimed: int = 0
    republished_events: int = 0


def alerts_sweep() -> SweepReport:
    """Beat, every minute: hand back dead claims, re-publish what waits too long."""
    now = timezone.now()
    report = SweepReport()
    stale = now - datetime.timedelta(seconds=setting("ALERTS_CLAIM_TIMEOUT_SECONDS"))
    for model in (Delivery, WebhookDelivery):
        report.reclaimed += model.objects.filter(
            status=DeliveryStatus.SENDING, claimed_at__lt=stale
        ).update(status=DeliveryStatus.PENDING, claim="", next_attempt_at=None)
    waited = now - datetime.timedelta(seconds=setting("ALERTS_REPUBLISH_AFTER_SECONDS"))
    waiting = Event.objects.filter(fanned_out_at__isnull=True).filter(
        Q(published_at__isnull=True, created_at__lte=waited) | Q(published_at__lte=waited)
    )
    for event_id in waiting.order_by("created_at").values_list("pk", flat=True)[:1000]:
        report.republished_events += int(event_publish(event_id=event_id))
    senders_start()
    return report


# --------------------------------------------------------------------------------------------
# Subscribing
# --------------------------------------------------------------------------------------------


def email_normalize(email: str) -> str:
    return email.strip().lower()


def subscription_request(
    *,
    email: str,
    company: Company | None = None,
    ai_model: AIModel | None = None,
    kinds: Iterable[str] = ("stance_changes",),
    frequency: str = Frequency.INSTANT,
    language: str = Language.EN,
) -> bool:
    """Record the subscription asked for and queue its confirmation mail, within the limits.

    Nothing is subscribed yet: the wanted subscription waits in a SubscriptionRequest that its
    confirm link stands for. Returns whether a mail was queued, which the caller must NOT show
    the reader (the answer has to be the same for every address). The limits
    (:func:`_confirmation_allowed`) are checked with the address's row locked, so they hold
    across web processes and whatever the cache holds. The mail itself goes out from a worker
    (:func:`confirmation_send`) after commit: a slow or absent mail server must not hold up, or
    show through, the reader's request.
    """
    email = email_normalize(email)
    now = timezone.now()
    wanted = set(kinds)
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
            email=email, defaults={"language": language}
        )
        if subscriber.bounced_at is not None and subscriber.confirmed_at is None:
            return False
        if not _confirmation_allowed(subscriber=subscriber, now=now):
            logger.info("confirmation to subscriber %s not sent: over its limits", subscriber.pk)
            return False
        scope = SubscriptionScope.LAB if company else SubscriptionScope.EVERYTHING
        request = SubscriptionRequest.objects.create(
            subscriber=subscriber,
            scope=SubscriptionScope.MODEL if ai_model else scope,
            company=None if ai_model else company,
            ai_model=ai_model,
            stance_changes="stance_changes" in wanted,
            statements="statements" in wanted,
            model_status="model_status" in wanted,
            frequency=frequency if frequency in Frequency.values else Frequency.INSTANT,
            language=language if language in Language.values else Language.EN,
            expires_at=now + datetime.timedelta(seconds=setting("ALERTS_CONFIRM_MAX_AGE_SECONDS")),
        )
    request_id = request.pk
    transaction.on_commit(lambda: confirmation_publish(request_id=request_id))
    return True


def _confirmation_allowed(*, subscriber: Subscriber, now: datetime.datetime) -> bool:
    """At most ALERTS_CONFIRMATIONS_PER_DAY requests in 24 hours, at least
    ALERTS_CONFIRMATION_INTERVAL_SECONDS apart. A request whose mail did not go out was deleted
    (:func:`_confirmation_give_back`), so it does not count."""
    recent = SubscriptionRequest.objects.filter(
        subscriber=subscriber, created_at__gt=now - datetime.timedelta(days=1)
    ).aggregate(count=Count("pk"), last=Max("created_at"))
    if recent["count"] >= setting("ALERTS_CONFIRMATIONS_PER_DAY"):
        return False
    interval = datetime.timedelta(seconds=setting("ALERTS_CONFIRMATION_INTERVAL_SECONDS"))
    return recent["last"] is None or recent["last"] <= now - interval


def _confirmation_give_back(request_id: int) -> None:
    """The confirmation did not go out: forget the request, so the reader can ask again."""
    SubscriptionRequest.objects.filter(pk=request_id, used_at__isnull=True).delete()


def confirmation_publish(*, request_id: int) -> bool:
    from . import tasks

    if _task_publish(tasks.confirmation_send, request_id):
        return True
    _confirmation_give_back(request_id)
    return False


def confirmation_send(*, request_id: int) -> bool:
    """Mail the confirm link for one SubscriptionRequest (the body of the Celery task)."""
    request = (
        SubscriptionRequest.objects.select_related("subscriber", "company", "ai_model")
        .filter(pk=request_id, used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if request is None:
        logger.warning("confirmation request %s dropped: expired, used or gone", request_id)
        return False
    if _request_scope_gone(request):
        logger.warning("confirmation request %s dropped: its lab or model is gone", request_id)
        _confirmation_give_back(request_id)
        return False
    subscriber = request.subscriber
    token = subscription_request_token_make(request)
    confirm_url = absolute(reverse("alerts:confirm", kwargs={"token": token}))
    try:
        with MailSession() as session:
            session.send(
                confirmation_mail(
                    email=subscriber.email,
                    language=request.language,
                    confirm_url=confirm_url,
                    scope=str(request.ai_model or request.company or ""),
                )
            )
    except MailError as error:
        # Give the attempt back so the reader can try again; the failure is logged for editors.
        _confirmation_give_back(request_id)
        logger.warning("confirmation mail to subscriber %s failed: %r", subscriber.pk, error)
        if error.bounces:
            bounce_record(email=subscriber.email, code=error.code, message=str(error))
        return False
    now = timezone.now()
    SubscriptionRequest.objects.filter(pk=request_id).update(sent_at=now)
    Subscriber.objects.filter(pk=subscriber.pk).update(confirmation_sent_at=now)
    return True


class SubscriptionScopeGone(Exception):
    """The lab or model a confirm link names was deleted since the link was mailed."""


class SubscriptionRequestUsed(Exception):
    """The confirm link was used already, or its address unsubscribed since it was mailed."""


class SubscriptionRequestExpired(Exception):
    """The confirm link is older than ALERTS_CONFIRM_MAX_AGE_SECONDS."""


def _request_scope_gone(request: SubscriptionRequest) -> bool:
    """Whether the lab or model asked for was deleted: confirming must not quietly subscribe
    the reader to every lab instead."""
    return (request.scope == SubscriptionScope.LAB and request.company_id is None) or (
        request.scope == SubscriptionScope.MODEL and request.ai_model_id is None
    )


def subscription_request_check(*, request: SubscriptionRequest) -> None:
    """Raise when the confirm link for ``request`` cannot confirm anything (any more)."""
    if request.used_at is not None:
        raise SubscriptionRequestUsed(f"subscription request {request.pk} was used")
    if request.expires_at <= timezone.now():
        raise SubscriptionRequestExpired(f"subscription request {request.pk} expired")
    if _request_scope_gone(request):
        raise SubscriptionScopeGone(f"subscription request {request.pk} names a deleted row")


def subscription_confirm(*, request: SubscriptionRequest) -> Subscription:
    """The reader came back with a valid link: confirm the address and store what it asked.

    The link is good once: the request is marked used by a conditional UPDATE in the same
    transaction, so a replay (or two concurrent posts) confirms nothing more.
    """
    now = timezone.now()
    with transaction.atomic():
        subscription_request_check(request=request)
        spent = SubscriptionRequest.objects.filter(
            pk=request.pk, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if not spent:  # a concurrent post used it between the check and here
            raise SubscriptionRequestUsed(f"subscription request {request.pk} was used")
        subscriber = Subscriber.objects.select_for_update().get(pk=request.subscriber_id)
        subscriber.confirmed_at = subscriber.confirmed_at or now
        subscriber.unsubscribed_at = None
        subscriber.bounced_at = None  # they read our mail, so the address works
        subscriber.bounce_reason = ""
        subscriber.language = request.language
        subscriber.save()
        scope: dict[str, Any] = {
            "company_id": request.company_id if request.ai_model_id is None else None,
            "ai_model_id": request.ai_model_id,
        }
        subscription, _ = Subscription.objects.update_or_create(
            subscriber=subscriber,
            **scope,
            defaults={
                "stance_changes": request.stance_changes,
                "statements": request.statements,
                "model_status": request.model_status,
                "frequency": request.frequency,
            },
        )
    return subscription


def subscriber_unsubscribe(*, subscriber: Subscriber) -> None:
    """Stop everything for this address; what was pending is skipped, not sent, and confirm
    links still unused are spent, so an old mail cannot subscribe the address again."""
    now = timezone.now()
    with transaction.atomic():
        Subscriber.objects.filter(pk=subscriber.pk).update(unsubscribed_at=now)
        Subscription.objects.filter(subscriber=subscriber).delete()
        SubscriptionRequest.objects.filter(subscriber=subscriber, used_at__isnull=True).update(
            used_at=now
        )
        Delivery.objects.filter(subscriber=subscriber, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SKIPPED, last_error="Unsubscribed."
        )


def subscriber_links_revoke(*, subscriber: Subscriber) -> None:
    """A new link key: every manage and unsubscribe link mailed so far stops working."""
    Subscriber.objects.filter(pk=subscriber.pk).update(link_key=link_key_new())


@dataclass
class ExpiryReport:
    requests: int = 0
    subscribers: int = 0


def unconfirmed_expire() -> ExpiryReport:
    """Beat, hourly: forget expired confirm requests and addresses that never confirmed.

    A request is kept a day past its creation even when expired, because the daily cap on
    confirmation mails counts it. An unconfirmed address goes once nobody has asked for it for
    ALERTS_UNCONFIRMED_MAX_AGE_SECONDS; rows locked by a subscribe request in flight are left for
    the next run.
    """
    now = timezone.now()
    report = ExpiryReport()
    report.requests, _ = SubscriptionRequest.objects.filter(
        expires_at__lt=now, created_at__lt=now - datetime.timedelta(days=1)
    ).delete()
    cutoff = now - datetime.timedelta(seconds=setting("ALERTS_UNCONFIRMED_MAX_AGE_SECONDS"))
    expired = Subscriber.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff).exclude(
        Exists(
            SubscriptionRequest.objects.filter(subscriber=OuterRef("pk"), created_at__gte=cutoff)
        )
    )
    with transaction.atomic():
        ids = list(expired.select_for_update(skip_locked=True).values_list("pk", flat=True)[:5000])
        # Bounces keep their address; the subscriber they pointed at is set to null.
        _deleted, by_model = Subscriber.objects.filter(pk__in=ids).delete()
    report.subscribers = by_model.get(Subscriber._meta.label, 0)
    return report


def subscription_update(
    *, subscription: Subscription, kinds: Iterable[str], frequency: str
) -> Subscription:
    kinds = set(kinds)
    if not kinds & set(KIND_FLAG.values()):
        subscription.delete()
        return subscription
    subscription.stance_changes = "stance_changes" in kinds
    subscription.statements = "statements" in kinds
    subscription.model_status = "model_status" in kinds
    subscription.frequency = frequency if frequency in Frequency.values else Frequency.INSTANT
    subscription.save()
    return subscription


def subscriber_language_set(*, subscriber: Subscriber, language: str) -> None:
    if language in Language.values:
        Subscriber.objects.filter(pk=subscriber.pk).update(language=language)


# --------------------------------------------------------------------------------------------
# Webhooks
# --------------------------------------------------------------------------------------------

SIGNATURE_HEADER = "X-Aperture-Signature"
TIMESTAMP_HEADER = "X-Aperture-Timestamp"
EVENT_HEADER = "X-Aperture-Event"


def webhook_signature(*, secret: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of the raw body (which carries its own timestamp)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_body(*, event: Event, text: EventText, timestamp: int) -> bytes:
    change = event.stance_change
    payload: dict[str, Any] = {
        "id": event.pk,
        "kind": event.kind,
        "timestamp": timestamp,
        "created_at": event.created_at.isoformat(),
        "lab": {"slug": event.company.slug, "name": event.company.name},
        "models": [m.slug for m in event.ai_models.all()],
        "headline": text.headline,
        "url": text.url,
        "statements": [{"summary": s.summary, "url": s.url} for s in text.statements],
    }
    if change is not None:
        payload["stance_change"] = {
            "date": change.date.isoformat(),
            "old": change.old_stance,
            "new": change.new_stance,
            "rating": change.rating,
        }
    if text.quote is not None:
        payload["quote"] = {
            "text": text.quote.text,
            "language": text.quote.language,
            "source": text.quote.source_title,
            "source_url": text.quote.source_url,
        }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()


def webhooks_send(*, max_batches: int | None = None) -> SendReport:
    """Claim and post pending webhook deliveries, within ALERTS_SEND_BUDGET_SECONDS like the
    mail senders: a slow endpoint makes a fresh task carry on, never a killed one."""
    report = SendReport()
    texts = _TextCache()
    max_attempts = int(setting("WEBHOOK_MAX_ATTEMPTS"))
    deadline = time.monotonic() + setting("ALERTS_SEND_BUDGET_SECONDS")
    batches = 0
    out_of_time = False
    token = ""
    try:
        while not out_of_time and (max_batches is None or batches < max_batches):
            token, ids = _claim(WebhookDelivery, WebhookDelivery.objects.all(), 20)
            if not ids:
                break
            batches += 1
            for delivery in WebhookDelivery.objects.filter(pk__in=ids).select_related(
                "endpoint", "event__company"
            ):
                if time.monotonic() >= deadline:
                    out_of_time = True
                    _release_unsent(token, WebhookDelivery)
                    break
                outcome = _webhook_deliver(delivery, token, texts, max_attempts)
                _count(report, outcome, delivery.attempts)
    except SoftTimeLimitExceeded:
        _release_unsent(token, WebhookDelivery)
        raise
    from . import tasks

    if out_of_time:
        _task_publish(tasks.webhooks_send)
    elif report.retry:
        _task_publish(tasks.webhooks_send, countdown=min(report.retry_in or [30]))
    return report


def _webhook_deliver(
    delivery: WebhookDelivery, token: str, texts: _TextCache, max_attempts: int
) -> str:
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk, claim=token).update(
            status=DeliveryStatus.SKIPPED, claim="", last_error="The endpoint is disabled."
        )
        return "skipped"
    timestamp = int(timezone.now().timestamp())
    body = webhook_body(
        event=delivery.event, text=texts.get([delivery.event_id], "en")[0], timestamp=timestamp
    )
    try:
        result = post(
            endpoint.url,
            body=body,
            content_type="application/json",
            headers={
                SIGNATURE_HEADER: webhook_signature(secret=endpoint.secret, body=body),
                TIMESTAMP_HEADER: str(timestamp),
                EVENT_HEADER: delivery.event.kind,
            },
        )
    except FetchError as error:
        message = str(error)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(response_status=error.status)
        if not error.permanent:
            gave_up = _release(
                WebhookDelivery,
                delivery.pk,
                token,
                error=message,
                attempts=delivery.attempts,
                max_attempts=max_attempts,
            )
            if not gave_up:
                return "retry"
        else:
            WebhookDelivery.objects.filter(pk=delivery.pk, claim=token).update(
                status=DeliveryStatus.FAILED, claim="", last_error=message[:2000]
            )
        _webhook_failure(endpoint, message)
        return "failed"
    WebhookDelivery.objects.filter(pk=delivery.pk, claim=token).update(
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
        claim="",
        response_status=result.status,
        last_error="",
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
    return "sent"


def _webhook_failure(endpoint: WebhookEndpoint, message: str) -> None:
    """Count a delivery that will not be retried; too many in a row disable the endpoint."""
    limit = int(setting("WEBHOOK_MAX_CONSECUTIVE_FAILURES"))
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=F("consecutive_failures") + 1, last_error=message[:2000]
    )
    disabled = WebhookEndpoint.objects.filter(
        pk=endpoint.pk, is_active=True, consecutive_failures__gte=limit
    ).update(is_active=False, disabled_at=timezone.now())
    if disabled:
        logger.warning("webhook endpoint %s disabled after %d failures", endpoint.pk, limit)
        WebhookDelivery.objects.filter(
            endpoint_id=endpoint.pk, status=DeliveryStatus.PENDING
        ).update(status=DeliveryStatus.SKIPPED, last_error="The endpoint was disabled.")
