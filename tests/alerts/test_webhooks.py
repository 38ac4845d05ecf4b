"""Signed webhooks to a real local HTTP receiver, through the SSRF-safe client."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest
from django.utils import timezone

from apps.alerts import services
from apps.alerts.models import DeliveryStatus, Event, EventKind, WebhookDelivery, WebhookEndpoint
from apps.watch.services.review import page_change_accept
from tests.factories import company_make, model_make, statement_make
from tests.support.httpserver import LocalHTTPServer
from tests.support.watches import page_change_make

pytestmark = pytest.mark.django_db

LICENCE_URL = "https://lab.example/licence"
BEFORE = "Anyone may download the weights and use them for any purpose, commercial or not."
AFTER = "Only approved researchers may download the weights, for research and nothing else."


@pytest.fixture
def allow_loopback(settings: Any) -> None:
    settings.FETCH_ALLOW_PRIVATE = True
    settings.SITE_URL = "http://testserver"


def stance_event() -> Event:
    lab = company_make(name="Meta", slug="meta")
    statement_make(company=lab, stance="closed", publish=True)
    return Event.objects.get(kind=EventKind.STANCE_CHANGE)


def endpoint_make(url: str, **fields: Any) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        name="Newsroom", url=url, secret="s3cret-for-tests", **fields
    )


def test_a_webhook_carries_the_event_signed_with_hmac_sha256_over_the_raw_body(
    http_server: LocalHTTPServer, allow_loopback: None
) -> None:
    http_server.route("/hook", status=204, body=b"")
    endpoint = endpoint_make(http_server.url("/hook"))
    event = stance_event()
    services.event_fan_out(event_id=event.pk)
    services.webhooks_send()

    [request] = [r for r in http_server.requests if r.path == "/hook"]
    assert request.method == "POST"
    expected = hmac.new(b"s3cret-for-tests", request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-aperture-signature"] == f"sha256={expected}"
    payload = json.loads(request.body)
    assert payload["id"] == event.pk and payload["kind"] == "stance_change"
    assert payload["stance_change"]["new"] == "closed"
    assert str(payload["timestamp"]) == request.headers["x-aperture-timestamp"]
    assert payload["headline"].startswith("Meta: no stance -> closed")
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT and delivery.response_status == 204
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).consecutive_failures == 0


def test_a_webhook_that_fails_for_now_is_retried_with_backoff(
    http_server: LocalHTTPServer, allow_loopback: None
) -> None:
    http_server.route("/hook", status=503, body=b"busy")
    endpoint_make(http_server.url("/hook"))
    services.event_fan_out(event_id=stance_event().pk)
    services.webhooks_send()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.next_attempt_at is not None and delivery.next_attempt_at > timezone.now()
    assert delivery.response_status == 503

    http_server.route("/hook", status=200, body=b"ok")
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    services.webhooks_send()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    # Both posts carry the delivery's one stable id, so the receiver can drop a repeat.
    first, second = [r for r in http_server.requests if r.path == "/hook"]
    key = services.webhook_delivery_key(delivery)
    assert key.startswith(f"{delivery.pk}.")
    for request in (first, second):
        assert request.headers["x-aperture-delivery"] == key
        assert request.headers["idempotency-key"] == key


@pytest.mark.slow
def test_an_endpoint_is_disabled_after_repeated_permanent_failures(
    http_server: LocalHTTPServer, allow_loopback: None, settings: Any
) -> None:
    settings.WEBHOOK_MAX_CONSECUTIVE_FAILURES = 3
    http_server.route("/gone", status=410, body=b"gone")
    endpoint = endpoint_make(http_server.url("/gone"))
    lab = company_make(name="Meta", slug="meta")
    for n in range(4):
        statement_make(company=lab, stance="open" if n % 2 else "closed", publish=True)
    for event in Event.objects.order_by("id"):
        services.event_fan_out(event_id=event.pk)
        services.webhooks_send()
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_at is not None
    assert "410" in endpoint.last_error
    assert len([r for r in http_server.requests if r.path == "/gone"]) == 3
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.FAILED).count() == 3


def test_a_webhook_to_a_refused_address_is_not_sent(
    http_server: LocalHTTPServer, settings: Any
) -> None:
    settings.FETCH_ALLOW_PRIVATE = False  # production policy: loopback is refused
    http_server.route("/hook", status=200, body=b"ok")
    endpoint_make(http_server.url("/hook"))
    services.event_fan_out(event_id=stance_event().pk)
    services.webhooks_send()
    assert http_server.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "may not be fetched" in delivery.last_error


def test_a_webhook_sender_out_of_time_hands_back_what_it_did_not_post(
    http_server: LocalHTTPServer, allow_loopback: None, settings: Any
) -> None:
    http_server.route("/hook", status=204, body=b"")
    endpoints = [endpoint_make(http_server.url("/hook")) for _ in range(3)]
    services.event_fan_out(event_id=stance_event().pk)
    settings.ALERTS_SEND_BUDGET_SECONDS = 0  # spent before the first post

    report = services.webhooks_send()
    assert report.sent == 0
    assert [r for r in http_server.requests if r.path == "/hook"] == []
    pending = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, claim="")
    assert pending.count() == len(endpoints)
    assert set(pending.values_list("attempts", flat=True)) == {0}, "no attempt was used up"

    settings.ALERTS_SEND_BUDGET_SECONDS = 60
    assert services.webhooks_send().sent == len(endpoints)


def policy_change_event() -> Event:
    """A watched licence page's change an editor accepted: the "policy changed" event."""
    lab = company_make(name="Meta", slug="meta")
    llama = model_make(developer=lab, name="Llama 4", slug="llama-4")
    change = page_change_make(
        url=LICENCE_URL,
        title="Llama licence",
        before=BEFORE,
        after=AFTER,
        lab=lab,
        ai_models=[llama],
    )
    page_change_accept(snapshot=change, user=None, stance="leaning_closed")
    return Event.objects.get(kind=EventKind.PAGE_CHANGE)


def test_a_policy_changed_webhook_names_the_page_the_changed_words_and_never_the_draft(
    http_server: LocalHTTPServer, allow_loopback: None
) -> None:
    http_server.route("/hook", status=204, body=b"")
    endpoint_make(http_server.url("/hook"))
    event = policy_change_event()
    services.event_fan_out(event_id=event.pk)
    services.webhooks_send()

    [request] = [r for r in http_server.requests if r.path == "/hook"]
    expected = hmac.new(b"s3cret-for-tests", request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-aperture-signature"] == f"sha256={expected}"
    assert request.headers["x-aperture-event"] == "page_change"
    payload = json.loads(request.body)
    change = event.page_change
    assert change is not None
    assert payload["kind"] == "page_change" and payload["id"] == event.pk
    assert payload["lab"] == {"slug": "meta", "name": "Meta"}
    assert payload["models"] == ["llama-4"]
    assert payload["headline"] == (
        "Meta changed its page Llama licence: 8 words added, 10 words removed "
        f"(as of {change.retrieved_at:%Y-%m-%d})"
    )
    # The accepted act is a draft: the lab's page is linked until readers may open it.
    assert payload["url"] == "http://testserver/labs/meta/"
    assert payload["statements"] == [] and "published_statement" not in payload
    assert payload["page_change"] == {
        "id": change.pk,
        "title": "Llama licence",
        "url": LICENCE_URL,
        "retrieved_at": change.retrieved_at.isoformat(),
        "words_added": 8,
        "words_removed": 10,
        "changes": "- Anyone / + Only approved researchers / - weights / + weights, for research "
        "/ - use them for any purpose, commercial or not. / + nothing else.",
    }
    assert "stance_change" not in payload and "dataset_change" not in payload
    assert BEFORE not in request.body.decode(), "never the whole page"


def test_an_endpoint_that_does_not_take_policy_changes_gets_none(
    http_server: LocalHTTPServer, allow_loopback: None
) -> None:
    http_server.route("/hook", status=204, body=b"")
    endpoint_make(http_server.url("/hook"), policy_changes=False)
    services.event_fan_out(event_id=policy_change_event().pk)
    services.webhooks_send()
    assert WebhookDelivery.objects.count() == 0
    assert [r for r in http_server.requests if r.path == "/hook"] == []
