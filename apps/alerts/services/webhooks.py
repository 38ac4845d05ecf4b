"""Signed webhooks: a JSON POST per event and endpoint, through the SSRF-safe client.

Webhook deliveries are a work queue (:data:`.queue.WEBHOOK_DELIVERIES`) sent by the same
sender loop as mail. An endpoint that fails too often in a row is disabled.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any

from django.db.models import F
from django.utils import timezone

from apps.lib.fetch import FetchError, post
from apps.lib.outage import database_retry
from apps.lib.workqueue import Budget, Claim, Flow

from ..conf import AlertsConf, alerts_conf
from ..models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint
from ..render import EventText
from .queue import (
    WEBHOOK_DELIVERIES,
    AlertTask,
    SendOutcome,
    SendReport,
    SendResult,
    claims_of,
    senders_run,
)
from .texts import EventTexts

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Aperture-Signature"
TIMESTAMP_HEADER = "X-Aperture-Timestamp"
EVENT_HEADER = "X-Aperture-Event"
#: The delivery's stable id, the same on every retry of one post: a receiver that has seen it
#: already can drop the repeat. Sent under both names (the second is the IETF draft's).
DELIVERY_HEADER = "X-Aperture-Delivery"
IDEMPOTENCY_HEADER = "Idempotency-Key"
#: Webhook deliveries claimed at a time: each post may take the fetch timeout.
WEBHOOK_BATCH = 20


def webhook_signature(*, secret: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of the raw body (which carries its own timestamp)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_delivery_key(delivery: WebhookDelivery) -> str:
    """``{id}.{hash}``: the delivery's id and a hash of what it is (event, endpoint, creation
    time), stable across retries and processes and never repeated by another database."""
    facts = (
        f"{delivery.pk}:{delivery.event_id}:{delivery.endpoint_id}:"
        f"{delivery.created_at.isoformat()}"
    )
    return f"{delivery.pk}.{hashlib.sha256(facts.encode()).hexdigest()[:16]}"


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
    if text.dataset is not None:
        note = text.dataset
        payload["dataset_change"] = {
            "dataset": note.dataset_key,
            "dataset_name": note.name,
            "licence": note.licence,
            "attribution": note.attribution,
            "record": note.record_key,
            "record_url": note.record_url,
            "evidence_url": note.evidence_url,
            "field": note.field,
            "old": note.old_value,
            "new": note.new_value,
        }
    if text.page is not None:
        page = text.page
        payload["page_change"] = {
            "id": event.page_change_id,
            "title": page.title,
            "url": page.url,
            "retrieved_at": page.retrieved_at.isoformat() if page.retrieved_at else None,
            "words_added": page.words_added,
            "words_removed": page.words_removed,
            # The changed words alone ("- old / + new", cut short), as the mail quotes them.
            "changes": page.excerpt,
        }
    if text.commitment is not None:
        outcome = event.commitment_outcome
        assert outcome is not None, "a commitment event points at its outcome"
        payload["commitment"] = {
            "id": outcome.commitment_id,
            "promise": text.commitment.promise,
            "outcome": outcome.outcome,
            "rationale": text.commitment.rationale,
            "deciding_statement_id": outcome.deciding_statement_id,
            "deciding_act_id": outcome.deciding_act_id,
        }
    if change is not None and text.new_statement is not None:
        # The publish that made this change; its own statement_published event is posted too.
        payload["published_statement"] = {"id": event.statement_id, "url": text.new_statement.url}
    if text.quote is not None:
        payload["quote"] = {
            "text": text.quote.text,
            "language": text.quote.language,
            "source": text.quote.source_title,
            "source_url": text.quote.source_url,
        }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()


def webhooks_send(*, max_batches: int | None = None) -> SendReport:
    """Claim and post due webhook deliveries, within ALERTS_SEND_BUDGET_SECONDS like the mail
    senders. A post can take long, so the budget is checked before each one: a slow endpoint
    makes a fresh task carry on, never a killed one."""
    conf = alerts_conf()
    report = SendReport()
    texts = EventTexts()

    def handle(claim: Claim[WebhookDelivery], budget: Budget) -> Flow:
        rows = claim.rows().select_related("endpoint", "event__company").order_by("id")
        for delivery in rows:
            if budget.spent():
                return Flow.OUT_OF_TIME
            report.count(_webhook_deliver(delivery, claim, texts, conf))
        return Flow.CONTINUE

    senders_run(
        task=AlertTask.WEBHOOKS_SEND,
        claim=claims_of(WEBHOOK_DELIVERIES, WebhookDelivery.objects.all(), WEBHOOK_BATCH),
        handle=handle,
        report=report,
        max_batches=max_batches,
    )
    return report


def _webhook_deliver(
    delivery: WebhookDelivery,
    claim: Claim[WebhookDelivery],
    texts: EventTexts,
    conf: AlertsConf,
) -> SendResult:
    endpoint = delivery.endpoint
    # Read again: an earlier post of this same batch may have disabled the endpoint.
    if not WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).exists():
        claim.settle(
            [delivery.pk], status=DeliveryStatus.SKIPPED, error="The endpoint is disabled."
        )
        return SendResult(SendOutcome.SKIPPED)
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
                DELIVERY_HEADER: webhook_delivery_key(delivery),
                IDEMPOTENCY_HEADER: webhook_delivery_key(delivery),
            },
        )
    except FetchError as error:
        message = str(error)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(response_status=error.status)
        if not error.permanent:
            retry = claim.retry_later(
                [delivery.pk],
                attempts=delivery.attempts,
                max_attempts=conf.webhook_max_attempts,
                backoff=conf.backoff,
                error=message,
            )
            if not retry.gave_up:
                return SendResult(SendOutcome.RETRY, retry_in=retry.retry_in)
        else:
            claim.settle([delivery.pk], status=DeliveryStatus.FAILED, error=message)
        _webhook_failure(endpoint, message, conf)
        return SendResult(SendOutcome.FAILED)
    sent_at = timezone.now()
    database_retry(  # the endpoint has it: wait a database restart out (see sending.py)
        lambda: claim.settle(
            [delivery.pk],
            status=DeliveryStatus.SENT,
            error="",
            sent_at=sent_at,
            response_status=result.status,
        ),
        what="marking a sent webhook sent",
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
    return SendResult(SendOutcome.SENT)


def _webhook_failure(endpoint: WebhookEndpoint, message: str, conf: AlertsConf) -> None:
    """Count a delivery that will not be retried; too many in a row disable the endpoint."""
    limit = conf.webhook_max_consecutive_failures
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
