"""The reader's side over HTTP: subscribe, confirm, manage, unsubscribe, feeds."""

from __future__ import annotations

import datetime
import re
import time
from typing import Any

import pytest
from django.test import Client, TestCase
from django.utils import timezone

from apps.alerts import services
from apps.alerts.models import Delivery, Event, Subscriber, Subscription, SubscriptionRequest
from apps.alerts.tokens import subscriber_token_make
from apps.catalog.services import model_status_add
from config.celery import app as celery_app
from tests.factories import company_make, model_make, statement_make
from tests.support.alerts import confirmations_send_queued, subscriber_make
from tests.support.broker import queued_task_names
from tests.support.smtpserver import SMTPServer

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"http://testserver((?:/ja)?/alerts/confirm/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _empty_queue() -> None:
    celery_app.control.purge()


def subscribe(client: Client, email: str, **fields: Any) -> Any:
    """Post the form, commit, and send what it queued, as a worker would."""
    data = {"email": email, "kinds": ["stance_changes"], "frequency": "instant", "language": "en"}
    data.update(fields)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/subscribe/", data)
    confirmations_send_queued()
    return response


def test_the_confirmation_mail_leaves_from_the_queue_not_from_the_request(
    client: Client, smtp: SMTPServer
) -> None:
    company_make(name="Meta", slug="meta")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/subscribe/",
            {"email": "reader@example.org", "lab": "meta", "kinds": ["stance_changes"],
             "frequency": "instant", "language": "ja"},
        )  # fmt: skip
    assert response.status_code == 200
    assert smtp.messages == [], "the request itself sends nothing"
    assert queued_task_names() == ["alerts.confirmation_send"]

    assert confirmations_send_queued() == 1
    [mail] = smtp.messages
    assert mail.to == "reader@example.org"
    assert "Meta" in mail.part("text/plain")
    assert CONFIRM_LINK.search(mail.part("text/plain")) is not None
    assert Subscriber.objects.get().confirmation_sent_at is not None


def test_a_confirmation_the_mail_server_refuses_for_now_gives_the_attempt_back(
    client: Client, smtp: SMTPServer
) -> None:
    smtp.refuse("reader@example.org", "451 4.7.1 Try again later")
    subscribe(client, "reader@example.org")
    assert smtp.messages == []
    assert Subscriber.objects.get().confirmation_sent_at is None
    assert not SubscriptionRequest.objects.exists(), "an attempt that sent nothing counts for none"
    assert Subscriber.objects.get().bounced_at is None
    smtp.refusals.clear()
    subscribe(client, "reader@example.org")
    assert [m.to for m in smtp.messages] == ["reader@example.org"]


def test_subscribing_sends_only_a_confirmation_and_nothing_is_followed_until_confirmed(
    client: Client, smtp: SMTPServer
) -> None:
    lab = company_make(name="Meta", slug="meta")
    response = subscribe(client, "Reader@Example.org", lab="meta")
    assert response.status_code == 200
    assert "confirmation link is on its way" in response.content.decode()
    [mail] = smtp.messages
    assert mail.to == "reader@example.org"
    assert mail.message.get_body(("html",)) is not None
    assert not Subscription.objects.exists()

    statement_make(company=lab, stance="closed", publish=True)
    for event in Event.objects.all():
        services.event_fan_out(event_id=event.pk)
    services.deliveries_send()
    assert not Delivery.objects.exists()
    assert len(smtp.messages) == 1, "no alert before the reader confirms"


def test_the_form_answers_the_same_for_known_and_unknown_addresses(
    client: Client, smtp: SMTPServer
) -> None:
    subscriber_make("known@example.org")
    known = subscribe(client, "known@example.org")
    unknown = subscribe(client, "unknown@example.org")
    strip = re.compile(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]+"')
    assert known.status_code == unknown.status_code == 200
    assert strip.sub("", known.content.decode()) == strip.sub("", unknown.content.decode())


def test_one_network_address_cannot_post_the_form_without_limit(
    client: Client, smtp: SMTPServer, settings: Any
) -> None:
    settings.ALERTS_SUBSCRIBE_PER_IP_PER_HOUR = 3
    from django.core.cache import cache

    cache.clear()
    ip = f"127.9.{int(time.time()) % 250}.{int(time.time() * 1000) % 250}"
    statuses = [
        subscribe(Client(REMOTE_ADDR=ip), f"person{n}@example.org").status_code for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    assert len(smtp.messages) == 3


def test_a_get_on_the_confirm_link_changes_nothing_and_a_post_confirms(
    client: Client, smtp: SMTPServer
) -> None:
    model = model_make(developer=company_make(), name="Llama 4 Behemoth")
    subscribe(
        client,
        "reader@example.org",
        model=model.slug,
        kinds=["statements", "model_status"],
        frequency="daily",
        language="ja",
    )
    match = CONFIRM_LINK.search(smtp.messages[0].part("text/plain"))
    assert match is not None
    page = client.get(match.group(1))
    assert page.status_code == 200
    assert b"<button" in page.content
    assert not Subscription.objects.exists()
    assert Subscriber.objects.get().confirmed_at is None

    response = client.post(match.group(1))
    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert subscription.ai_model == model
    assert (subscription.stance_changes, subscription.statements, subscription.model_status) == (
        False,
        True,
        True,
    )
    assert subscription.frequency == "daily"
    subscriber = subscription.subscriber
    assert subscriber.confirmed_at is not None and subscriber.language == "ja"


def test_a_confirmed_reader_lands_on_a_page_that_says_so_in_their_language(
    client: Client, smtp: SMTPServer
) -> None:
    lab = company_make(name="Meta", slug="meta")
    subscribe(client, "reader@example.org", lab=lab.slug)
    match = CONFIRM_LINK.search(smtp.messages[0].part("text/plain"))
    assert match is not None
    landed = client.post(match.group(1), follow=True)
    assert landed.status_code == 200
    [(url, status)] = landed.redirect_chain
    assert status == 302 and url.startswith("/alerts/manage/")
    page = landed.content.decode()
    assert "Confirmed: you are subscribed." in page
    assert "Alerts about Meta will come to reader@example.org." in page
    assert landed["Cache-Control"].startswith("max-age=0") or "no-store" in landed["Cache-Control"]

    # The same page later, from a mail's manage link, says nothing of a confirmation.
    assert "Confirmed" not in client.get(url.split("?")[0]).content.decode()
    japanese = client.get(f"/ja{url}").content.decode()
    assert "確認しました。登録は完了です。" in japanese
    assert "Meta についてのアラートを reader@example.org にお送りします。" in japanese


def test_the_confirmed_note_needs_a_confirmed_reader_and_their_own_subscription(
    client: Client,
) -> None:
    reader = subscriber_make("reader@example.org", company=company_make(name="Meta"))
    other = subscriber_make("other@example.org", company=company_make(name="Mistral"))
    manage = f"/alerts/manage/{subscriber_token_make(reader)}/"
    mine = reader.subscriptions.get().pk
    assert "Confirmed" in client.get(f"{manage}?confirmed={mine}").content.decode()
    theirs = other.subscriptions.get().pk
    for odd in (str(theirs), "x", "²", ""):
        assert "Confirmed" not in client.get(f"{manage}?confirmed={odd}").content.decode()
    Subscriber.objects.filter(pk=reader.pk).update(confirmed_at=None)
    assert "Confirmed" not in client.get(f"{manage}?confirmed={mine}").content.decode()


def test_an_expired_or_tampered_confirm_link_is_refused(client: Client, smtp: SMTPServer) -> None:
    subscribe(client, "reader@example.org")
    link = CONFIRM_LINK.search(smtp.messages[0].part("text/plain"))
    assert link is not None
    assert (
        client.post(link.group(1).replace("/alerts/confirm/", "/alerts/confirm/x")).status_code
        == 400
    )
    SubscriptionRequest.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    expired = client.post(link.group(1))
    assert expired.status_code == 400 and b"may have expired" in expired.content
    assert not Subscription.objects.exists()


def test_one_click_unsubscribe_works_by_post_without_a_csrf_token_and_not_by_get(
    smtp: SMTPServer,
) -> None:
    subscriber = subscriber_make("reader@example.org")
    url = f"/alerts/unsubscribe/{subscriber_token_make(subscriber)}/"
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200 and b"<button" in page.content
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is None
    assert Subscription.objects.filter(subscriber=subscriber).exists()

    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None
    assert not Subscription.objects.filter(subscriber=subscriber).exists()


def test_the_manage_page_changes_language_and_what_a_subscription_follows(
    client: Client,
) -> None:
    subscriber = subscriber_make("reader@example.org", company=company_make(name="Meta"))
    url = f"/alerts/manage/{subscriber_token_make(subscriber)}/"
    page = client.get(url)
    assert page.status_code == 200 and b"Meta" in page.content
    client.post(url, {"language": "ja"})
    subscription = Subscription.objects.get()
    client.post(
        url,
        {"subscription": subscription.pk, "kinds": ["statements"], "frequency": "daily"},
    )
    subscriber.refresh_from_db()
    subscription.refresh_from_db()
    assert subscriber.language == "ja"
    assert (subscription.statements, subscription.stance_changes) == (True, False)
    assert subscription.frequency == "daily"
    client.post(url, {"subscription": subscription.pk, "frequency": "daily"})
    assert not Subscription.objects.exists()


def test_the_htmx_form_gets_its_fragment_back_and_the_plain_form_a_page(
    client: Client, smtp: SMTPServer
) -> None:
    company_make(name="Meta", slug="meta")
    fragment = client.post(
        "/subscribe/",
        {"email": "not an address", "lab": "meta", "kinds": ["stance_changes"],
         "frequency": "instant", "language": "en"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    body = fragment.content.decode()
    assert body.lstrip().startswith("<form")
    assert "<html" not in body
    assert 'value="meta"' in body
    page = client.post(
        "/subscribe/",
        {
            "email": "reader@example.org",
            "kinds": ["stance_changes"],
            "frequency": "instant",
            "language": "en",
        },
    )
    assert b"<html" in page.content and b"confirmation link" in page.content


def test_the_subscribe_partial_renders_for_a_lab_a_model_and_everything() -> None:
    from django.template.loader import render_to_string

    lab = company_make(name="Meta", slug="meta")
    model = model_make(developer=lab, name="Llama 4 Behemoth", slug="llama-4-behemoth")
    for context, expected in (
        ({"company": lab}, 'name="lab" value="meta"'),
        ({"ai_model": model}, 'name="model" value="llama-4-behemoth"'),
        ({}, "every lab"),
    ):
        html = render_to_string("alerts/_subscribe_form.html", context)
        assert expected in html
        assert 'hx-post="/subscribe/"' in html and 'action="/subscribe/"' in html


def test_atom_feeds_list_changes_for_everything_a_lab_and_a_model(client: Client) -> None:
    meta = company_make(name="Meta", slug="meta")
    behemoth = model_make(developer=meta, name="Llama 4 Behemoth", slug="llama-4-behemoth")
    statement_make(company=meta, stance="closed", publish=True)
    model_status_add(model=behemoth, status="delayed", date=datetime.date(2025, 5, 15))
    other = company_make(name="Other", slug="other")
    statement_make(company=other, stance="open", publish=True)

    everything = client.get("/feeds/all.atom")
    assert everything.status_code == 200
    assert everything["Content-Type"].startswith("application/atom+xml")
    assert everything.content.count(b"<entry>") == 5
    lab = client.get("/feeds/labs/meta.atom").content.decode()
    assert lab.count("<entry>") == 3 and "Other" not in lab
    assert "Meta: (no stance) -> closed" not in lab and "-&gt; closed" in lab
    model = client.get("/feeds/models/llama-4-behemoth.atom").content.decode()
    assert model.count("<entry>") == 1 and "delayed" in model
    assert client.get("/feeds/labs/nobody.atom").status_code == 404


def _subscribe_form(html: str) -> str:
    match = re.search(r'<form class="subscribe".*?</form>', html, re.DOTALL)
    assert match is not None, "no subscribe form on the page"
    return match.group(0)


def _checked(form: str, name: str) -> list[str]:
    return re.findall(rf'<input type="\w+" name="{name}" value="(\w+)"[^>]*? checked>', form)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("interface", "quote_filter", "mail_language"), [("en", "ja", "en"), ("ja", "en", "ja")]
)
def test_the_subscribe_form_on_a_lab_page_ignores_the_pages_own_filters(
    client: Client, seeded: None, interface: str, quote_filter: str, mail_language: str
) -> None:
    prefix = "" if interface == "en" else f"/{interface}"
    page = client.get(f"{prefix}/labs/meta/?language={quote_filter}")
    assert page.status_code == 200
    form = _subscribe_form(page.content.decode())
    assert 'name="lab" value="meta"' in form
    assert _checked(form, "kinds") == ["stance_changes", "policy_changes"]
    assert _checked(form, "frequency") == ["instant"]
    assert _checked(form, "language") == [mail_language]


def test_htmx_is_shown_the_rate_limit_message_in_place_and_a_plain_post_gets_429(
    smtp: SMTPServer, settings: Any
) -> None:
    from django.core.cache import cache

    settings.ALERTS_SUBSCRIBE_PER_IP_PER_HOUR = 1
    cache.clear()
    client = Client(REMOTE_ADDR="127.8.0.1")
    assert subscribe(client, "first@example.org").status_code == 200
    data = {"email": "second@example.org", "kinds": ["stance_changes"],
            "frequency": "instant", "language": "en"}  # fmt: skip
    fragment = client.post("/subscribe/", data, headers={"HX-Request": "true"})
    # htmx 2 swaps only 2xx answers: a 429 would leave the reader with no message at all.
    assert fragment.status_code == 200
    assert "Too many requests" in fragment.content.decode()
    assert fragment.content.decode().lstrip().startswith("<form")
    plain = client.post("/subscribe/", data)
    assert plain.status_code == 429 and b"Too many requests" in plain.content
    for response in (fragment, plain, client.get("/subscribe/")):
        assert "HX-Request" in response.get("Vary", "")


@pytest.mark.parametrize("scope", ["lab", "model"])
def test_a_confirm_link_for_a_lab_or_model_since_deleted_is_refused_not_widened(
    client: Client, smtp: SMTPServer, scope: str
) -> None:
    lab = company_make(name="Gone Lab", slug="gone-lab")
    model = model_make(developer=company_make(), name="Gone Model", slug="gone-model")
    subscribe(client, "reader@example.org", **{scope: "gone-lab" if scope == "lab" else model.slug})
    link = CONFIRM_LINK.search(smtp.messages[0].part("text/plain"))
    assert link is not None
    (lab if scope == "lab" else model).delete()

    page = client.get(link.group(1))
    assert page.status_code == 400
    assert "no longer on Aperture" in page.content.decode()
    answer = client.post(link.group(1))
    assert answer.status_code == 400
    assert "no longer on Aperture" in answer.content.decode()
    assert not Subscription.objects.exists(), "never silently a subscription to everything"
    assert Subscriber.objects.get().confirmed_at is None


def _statuses_behind_proxy(forwarded_for: list[str], settings: Any) -> list[int]:
    """Subscribe posts that all arrive from one proxy, each for the reader it names."""
    from django.core.cache import cache

    settings.ALERTS_SUBSCRIBE_PER_IP_PER_HOUR = 1
    cache.clear()
    proxy = Client(REMOTE_ADDR="127.0.0.10")
    statuses = []
    for n, header in enumerate(forwarded_for):
        data = {"email": f"person{n}@example.org", "kinds": ["stance_changes"],
                "frequency": "instant", "language": "en"}  # fmt: skip
        statuses.append(proxy.post("/subscribe/", data, HTTP_X_FORWARDED_FOR=header).status_code)
    return statuses


def test_behind_one_trusted_proxy_each_reader_has_its_own_subscribe_limit(
    settings: Any,
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    # The proxy appends the address it saw; what the client sent before it is not trusted.
    headers = ["127.0.1.1", "127.0.1.2", "10.0.0.9, 127.0.1.3", "10.0.0.9, 127.0.1.1"]
    assert _statuses_behind_proxy(headers, settings) == [200, 200, 200, 429]


def test_behind_two_trusted_proxies_the_second_address_from_the_right_is_the_reader(
    settings: Any,
) -> None:
    settings.TRUSTED_PROXY_COUNT = 2
    headers = ["127.0.1.1, 127.0.0.20", "127.0.1.2, 127.0.0.20", "127.0.1.1, 127.0.0.21"]
    assert _statuses_behind_proxy(headers, settings) == [200, 200, 429]


def test_with_no_trusted_proxy_a_forged_forwarded_for_changes_nothing(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    assert _statuses_behind_proxy(["127.0.1.1", "127.0.1.2"], settings) == [200, 429]


@pytest.mark.parametrize("path", ["/feeds/all.atom", "/feeds/labs/meta.atom"])
def test_a_feed_is_in_the_language_its_address_names_titles_items_and_links_alike(
    client: Client, path: str
) -> None:
    meta = company_make(name="Meta", slug="meta")
    statement_make(company=meta, stance="closed", publish=True)

    # The address decides, not the feed reader's Accept-Language: a subscribed feed stays put.
    english = client.get(path, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert 'xml:lang="en"' in english
    assert "closed" in english and "クローズド" not in english
    assert 'href="http://127.0.0.1:8000/labs/meta/"' in english
    japanese = client.get(f"/ja{path}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'xml:lang="ja"' in japanese
    assert "クローズド" in japanese, "the items follow the feed's language"
    assert "-&gt; closed" not in japanese
    assert 'href="http://127.0.0.1:8000/ja/labs/meta/"' in japanese, "and link to its pages"
    if path == "/feeds/all.atom":
        assert "<title>Aperture: every change</title>" in english
        assert "Aperture: every change" not in japanese, "the title follows it too"
        assert "Stance changes, new statements" not in japanese


def test_the_subscribe_page_loads_htmx_once(client: Client) -> None:
    page = client.get("/subscribe/").content.decode()
    assert len(re.findall(r"<script[^>]+htmx[^>]*>", page)) == 1
