"""Fan-out: one Delivery per (event, subscriber) and one WebhookDelivery per (event, endpoint),
each kind made by one INSERT ... SELECT ... ON CONFLICT DO NOTHING under unique constraints (the
rows never pass through Python), so running it twice, or twice at once, adds nothing.

One publish that also moves a lab's stance makes two events: the statement's, and the stance
change's, which carries the statement (it names it: :func:`.outbox.event_record_stance_changes`).
A reader who follows both gets the stance change alone, whose mail tells both. So the
statement's fan-out first makes sure every delivery of its carrier exists (fanning the carrier
out itself if need be; that is idempotent), then leaves out the readers who have one that
arrives as soon as theirs would: an instant one, or any one when theirs would be a digest. A
reader is therefore told once, never not at all, however the two fan-outs interleave. Webhooks
and Atom feeds keep both events: each is its own fact for a machine to read.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

from ..models import (
    Delivery,
    DeliveryStatus,
    Event,
    EventKind,
    Frequency,
    Subscription,
    WebhookDelivery,
    WebhookEndpoint,
)
from .queue import senders_start

#: The flag on a Subscription (and a WebhookEndpoint) that asks for each kind of event.
KIND_FLAG = {
    EventKind.STANCE_CHANGE: "stance_changes",
    EventKind.STATEMENT_PUBLISHED: "statements",
    EventKind.MODEL_STATUS: "model_status",
    EventKind.DATASET_CHANGE: "dataset_changes",
    EventKind.PAGE_CHANGE: "policy_changes",
    EventKind.COMMITMENT: "commitments",
}


def _scope_q(event: Event, prefix: str = "") -> Q:
    model_ids = list(event.ai_models.values_list("pk", flat=True))
    scope = Q(**{f"{prefix}company__isnull": True, f"{prefix}ai_model__isnull": True}) | Q(
        **{f"{prefix}company": event.company_id}
    )
    if model_ids:
        scope |= Q(**{f"{prefix}ai_model__in": model_ids})
    return scope & Q(**{f"{prefix}{KIND_FLAG[EventKind(event.kind)]}": True})


def subscriptions_matching(event: Event) -> models.QuerySet[Subscription]:
    """The subscriptions that ask for ``event``: in scope, of a mailable reader, and made
    before the event was recorded. A reader who subscribes later is not told of it, however
    late fan-out runs (a worker down for an hour): what they asked for starts from then."""
    return Subscription.objects.filter(_scope_q(event)).filter(
        created_at__lte=event.created_at,
        subscriber__confirmed_at__isnull=False,
        subscriber__unsubscribed_at__isnull=True,
        subscriber__bounced_at__isnull=True,
    )


def _deliveries_insert(event: Event, queryset: models.QuerySet[Subscription], digest: bool) -> int:
    """One INSERT ... SELECT of a delivery per distinct subscriber of ``queryset``, skipping
    the (event, subscriber) pairs that exist: rows a previous run (or a concurrent one) made stay
    as they are. The rows never pass through Python. Returns how many were added."""
    subscribers, params = (
        queryset.order_by().values("subscriber_id").distinct().query.sql_with_params()
    )
    quote = connection.ops.quote_name
    fields = {field.name: str(field.column) for field in Delivery._meta.concrete_fields}
    names = ("event", "subscriber", "digest", "status", "attempts", "claim", "last_error")
    columns = ", ".join(quote(fields[name]) for name in (*names, "created_at"))
    # "WHERE true" keeps SQLite's parser from reading ON CONFLICT as a join's ON.
    sql = (
        # Quoted identifiers and Django's own compiled query; the values are parameters.
        f"INSERT INTO {quote(Delivery._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT %s, chosen.subscriber_id, %s, %s, 0, '', '', %s FROM ({subscribers}) chosen "
        "WHERE true ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [event.pk, digest, DeliveryStatus.PENDING, timezone.now(), *params])
        return max(cursor.rowcount, 0)


@dataclass
class FanOutReport:
    #: Delivery rows this run added (0 when the event had been fanned out already).
    created: int = 0
    webhooks: int = 0


def event_carrier(event: Event) -> Event | None:
    """The stance-change event that carries this statement event, if its publish made one."""
    if event.kind != EventKind.STATEMENT_PUBLISHED or event.statement_id is None:
        return None
    return (
        Event.objects.filter(kind=EventKind.STANCE_CHANGE, statement_id=event.statement_id)
        .order_by("pk")
        .first()
    )


def event_fan_out(*, event_id: int) -> FanOutReport:
    """Create every delivery for one event (idempotent), then start the senders."""
    event = Event.objects.select_related("company").get(pk=event_id)
    matching = subscriptions_matching(event)
    instant = matching.filter(frequency=Frequency.INSTANT)
    daily = matching.filter(frequency=Frequency.DAILY)
    carrier = event_carrier(event)
    if carrier is not None:
        if carrier.fanned_out_at is None:
            event_fan_out(event_id=carrier.pk)
        told = Delivery.objects.filter(event_id=carrier.pk)
        instant = instant.exclude(
            subscriber_id__in=told.filter(digest=False).values("subscriber_id")
        )
        daily = daily.exclude(subscriber_id__in=told.values("subscriber_id"))
    report = FanOutReport()
    # Instant first: a reader who follows the event both instantly and by digest gets it once,
    # instantly, because the digest row then conflicts with the instant one and is skipped.
    instant_created = _deliveries_insert(event, instant, False)
    report.created = instant_created + _deliveries_insert(event, daily, True)
    endpoints = WebhookEndpoint.objects.filter(
        is_active=True, created_at__lte=event.created_at
    ).filter(_scope_q(event))
    endpoint_ids = list(endpoints.values_list("pk", flat=True))
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(event_id=event.pk, endpoint_id=pk) for pk in endpoint_ids],
        ignore_conflicts=True,
    )
    report.webhooks = len(endpoint_ids)
    Event.objects.filter(pk=event.pk, fanned_out_at__isnull=True).update(
        fanned_out_at=timezone.now(), last_error=""
    )
    senders_start(event_id=event.pk, due=instant_created)
    return report
