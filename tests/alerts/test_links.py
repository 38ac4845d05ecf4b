"""The links in mail: opaque, never cached, a confirmation good once, and limits a stranger
cannot turn against an address's owner."""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime
import json
import re
import zlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import pytest
from django.core import signing
from django.core.cache import cache
from django.db.models import F
from django.test import Client, TestCase
from django.utils import timezone

from apps.alerts import services, tasks
from apps.alerts.models import Bounce, Event, Subscriber, Subscription, SubscriptionRequest
from apps.alerts.tokens import subscriber_token_make
from config.celery import app as celery_app
from tests.factories import company_make, statement_make
from tests.support.alerts import confirmations_send_queued, subscriber_make
from tests.support.smtpserver import SMTPServer

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/alerts/(?:confirm|manage|unsubscribe)/[^/\s>]+/)")
NOT_VALID = "This link is not valid"


@pytest.fixture(autouse=True)
def _empty_queue(settings: Any) -> Iterator[None]:
    settings.ALERTS_SUBSCRIBE_PER_IP_PER_HOUR = 1000
    celery_app.control.purge()
    yield
    cache.clear()  # the many posts here must not count against other tests' per-address limit


def subscribe(client: Client, email: str, **fields: Any) -> Any:
    """Post the form, commit, and send what it queued, as a worker would."""
    data = {"email": email, "kinds": ["stance_changes"], "frequency": "instant", "language": "en"}
    data.update(fields)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/subscribe/", data)
    confirmations_send_queued()
    return response


def links_in(mail_text: str) -> list[str]:
    return LINK.findall(mail_text)


def requests_backdate(email: str, **delta: float) -> None:
    """Move every confirmation request for ``email`` into the past, as if time had passed."""
    SubscriptionRequest.objects.filter(subscriber__email=email).update(
        created_at=F("created_at") - datetime.timedelta(**delta)
    )


def readings(url: str) -> list[bytes]:
    """Every way someone reading a log could decode a URL: as is, percent-decoded, and each
    piece as base64 or urlsafe base64, each of those also inflated (signed objects are zlib)."""
    pieces = {url, unquote(url), *re.split(r"[/:.?=&]", unquote(url))}
    found: list[bytes] = []
    for piece in pieces:
        if not piece:
            continue
        found.append(piece.encode())
        padded = piece + "=" * (-len(piece) % 4)
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                raw = decode(padded)
            except (binascii.Error, ValueError):
                continue
            found.append(raw)
            with contextlib.suppress(zlib.error):
                found.append(zlib.decompress(raw))
    return found


def is_json_object(raw: bytes) -> bool:
    try:
        return isinstance(json.loads(raw), dict | list)
    except ValueError:
        return False


def assert_opaque(url: str, email: str) -> None:
    for raw in readings(url):
        assert email.encode() not in raw, f"{url} carries the address"
        assert not is_json_object(raw), f"{url} carries readable JSON: {raw!r}"


def test_no_link_in_the_mails_carries_the_address_or_readable_json(
    client: Client, smtp: SMTPServer
) -> None:
    email = "reader@example.org"
    lab = company_make(name="Meta", slug="meta")
    subscribe(client, email, lab="meta")
    [confirm_link] = links_in(smtp.messages[0].part("text/plain"))
    assert_opaque(f"http://testserver{confirm_link}", email)

    confirmed = client.post(confirm_link)
    assert confirmed.status_code == 302
    assert_opaque(confirmed["Location"], email)

    statement_make(company=lab, stance="closed", publish=True)
    for event_id in Event.objects.values_list("pk", flat=True):
        services.event_fan_out(event_id=event_id)
    services.deliveries_send()
    alert = smtp.messages[1]
    assert alert.to == email
    mailed = links_in(alert.part("text/plain")) + links_in(alert.part("text/html"))
    assert {link.split("/")[2] for link in mailed} == {"manage", "unsubscribe"}
    for link in [*mailed, alert.message["List-Unsubscribe"]]:
        assert_opaque(link, email)


def test_the_check_would_catch_the_old_signed_json_tokens() -> None:
    """The decoding above is strict enough: the old manage token is caught by it."""
    old = signing.TimestampSigner(salt="alerts.subscriber").sign_object(
        {"s": 1, "e": "reader@example.org"}
    )
    with pytest.raises(AssertionError):
        assert_opaque(f"http://testserver/alerts/manage/{old}/", "reader@example.org")
    compressed = signing.TimestampSigner(salt="alerts.confirm").sign_object(
        {"e": "reader@example.org", "c": None, "m": None, "k": [], "f": "instant", "l": "en"},
        compress=True,
    )
    with pytest.raises(AssertionError):
        assert_opaque(f"http://testserver/alerts/confirm/{compressed}/", "reader@example.org")


def test_links_in_the_old_signed_json_format_get_the_link_invalid_page(
    smtp: SMTPServer,
) -> None:
    subscriber = subscriber_make("reader@example.org")
    old_subscriber = signing.TimestampSigner(salt="alerts.subscriber").sign_object(
        {"s": subscriber.pk, "e": subscriber.email}
    )
    old_confirm = signing.TimestampSigner(salt="alerts.confirm").sign_object(
        {"e": subscriber.email, "c": None, "m": None, "k": ["statements"], "f": "daily", "l": "en"},
        compress=True,
    )
    client = Client()
    for path in (
        f"/alerts/manage/{old_subscriber}/",
        f"/alerts/unsubscribe/{old_subscriber}/",
        f"/alerts/confirm/{old_confirm}/",
        f"/alerts/manage/{'9' * 40}:x/",  # beyond any database integer
        f"/alerts/confirm/{subscriber.pk}:forged/",
    ):
        for response in (client.get(path), client.post(path)):
            assert response.status_code == 400, path
            assert NOT_VALID in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is None
    assert Subscription.objects.get().statements is False, "the old confirm link changed nothing"


def test_confirm_manage_and_unsubscribe_answers_are_never_stored(
    client: Client, smtp: SMTPServer
) -> None:
    subscribe(client, "reader@example.org")
    [confirm] = links_in(smtp.messages[0].part("text/plain"))
    answers = [client.get(confirm), client.post(confirm), client.post(confirm)]
    manage = answers[1]["Location"]
    unsubscribe = manage.replace("/manage/", "/unsubscribe/")
    answers += [client.get(manage), client.post(manage, {"language": "ja"})]
    answers += [client.get(unsubscribe), client.post(unsubscribe)]
    answers += [client.get("/alerts/manage/1:nothing/")]
    assert [a.status_code for a in answers] == [200, 302, 400, 200, 302, 200, 200, 400]
    for answer in answers:
        assert "no-store" in answer["Cache-Control"], answer.request["PATH_INFO"]


@pytest.mark.slow
def test_a_confirm_link_replayed_after_unsubscribing_does_not_subscribe_again(
    client: Client, smtp: SMTPServer
) -> None:
    lab = company_make(name="Meta", slug="meta")
    subscribe(client, "reader@example.org", lab="meta")
    [confirm] = links_in(smtp.messages[0].part("text/plain"))
    manage = client.post(confirm)["Location"]
    assert Subscription.objects.get().company == lab
    unsubscribed = client.post(manage.replace("/manage/", "/unsubscribe/"))
    assert unsubscribed.status_code == 200
    assert not Subscription.objects.exists()

    for replay in (client.get(confirm), client.post(confirm)):
        assert replay.status_code == 400
        assert "used already" in replay.content.decode()
    assert not Subscription.objects.exists()
    assert Subscriber.objects.get().unsubscribed_at is not None


def test_unsubscribing_spends_confirm_links_not_used_yet(client: Client, smtp: SMTPServer) -> None:
    company_make(name="Meta", slug="meta")
    subscribe(client, "reader@example.org")
    requests_backdate("reader@example.org", minutes=16)
    subscribe(client, "reader@example.org", lab="meta")
    [everything], [meta] = (links_in(m.part("text/plain")) for m in smtp.messages)
    manage = client.post(everything)["Location"]
    client.post(manage.replace("/manage/", "/unsubscribe/"))

    assert client.post(meta).status_code == 400, "an older mail cannot subscribe it again"
    assert not Subscription.objects.exists()


def test_revoking_a_subscribers_links_turns_the_old_ones_away(smtp: SMTPServer) -> None:
    subscriber = subscriber_make("reader@example.org")
    old = f"/alerts/manage/{subscriber_token_make(subscriber)}/"
    assert Client().get(old).status_code == 200
    services.subscriber_links_revoke(subscriber=subscriber)
    subscriber.refresh_from_db()
    assert Client().get(old).status_code == 400
    assert Client().get(f"/alerts/manage/{subscriber_token_make(subscriber)}/").status_code == 200


def test_a_strangers_request_delays_the_owner_by_minutes_not_a_day(
    smtp: SMTPServer, settings: Any
) -> None:
    settings.ALERTS_CONFIRMATION_INTERVAL_SECONDS = 15 * 60
    company_make(name="Meta", slug="meta")
    stranger, owner = Client(REMOTE_ADDR="127.0.0.2"), Client(REMOTE_ADDR="127.0.0.3")
    subscribe(stranger, "owner@example.org")
    right_away = subscribe(owner, "owner@example.org", lab="meta")
    assert right_away.status_code == 200
    assert len(smtp.to("owner@example.org")) == 1, "not twice within the short interval"

    requests_backdate("owner@example.org", minutes=16)
    subscribe(owner, "owner@example.org", lab="meta")
    mails = smtp.to("owner@example.org")
    assert len(mails) == 2, "the owner gets a confirmation of their own after the interval"
    [link] = links_in(mails[1].part("text/plain"))
    assert owner.post(link).status_code == 302
    assert Subscription.objects.get().company is not None


@pytest.mark.slow
def test_the_daily_cap_still_limits_confirmation_mail_to_one_address(
    smtp: SMTPServer, settings: Any
) -> None:
    settings.ALERTS_CONFIRMATION_INTERVAL_SECONDS = 15 * 60
    settings.ALERTS_CONFIRMATIONS_PER_DAY = 3
    strip = re.compile(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]+"')
    answers = set()
    for n in range(8):
        response = subscribe(Client(REMOTE_ADDR=f"127.0.0.{n + 2}"), "victim@example.org")
        answers.add((response.status_code, strip.sub("", response.content.decode())))
        requests_backdate("victim@example.org", minutes=16)
    assert len(smtp.to("victim@example.org")) == 3
    assert len(answers) == 1, "sent or not, the form answers the same"

    requests_backdate("victim@example.org", hours=24)
    subscribe(Client(), "victim@example.org")
    assert len(smtp.to("victim@example.org")) == 4, "a new day, a new allowance"


def test_expired_requests_and_addresses_never_confirmed_are_deleted(
    client: Client, smtp: SMTPServer, settings: Any
) -> None:
    settings.ALERTS_UNCONFIRMED_MAX_AGE_SECONDS = 7 * 24 * 3600
    for email in ("old@example.org", "recent@example.org", "bounced@example.org"):
        subscribe(client, email)
    confirmed = subscriber_make("confirmed@example.org")
    old_links = [links_in(m.part("text/plain"))[0] for m in smtp.to("old@example.org")]
    services.bounce_record(email="bounced@example.org", code=550, message="No such user")

    eight_days = timezone.now() - datetime.timedelta(days=8)
    for email in ("old@example.org", "bounced@example.org", "confirmed@example.org"):
        Subscriber.objects.filter(email=email).update(created_at=eight_days)
        SubscriptionRequest.objects.filter(subscriber__email=email).update(
            created_at=eight_days, expires_at=eight_days + datetime.timedelta(days=3)
        )
    report = services.unconfirmed_expire()

    assert (report.requests, report.subscribers) == (2, 2)
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "confirmed@example.org",
        "recent@example.org",
    ]
    assert SubscriptionRequest.objects.get().subscriber.email == "recent@example.org"
    assert Subscriber.objects.get(pk=confirmed.pk).subscriptions.exists()
    assert Bounce.objects.get().email == "bounced@example.org", "the bounce record stays"
    assert client.post(old_links[0]).status_code == 400
    assert services.unconfirmed_expire() == services.ExpiryReport(0, 0)


def test_a_request_expires_while_its_address_is_still_kept(
    client: Client, smtp: SMTPServer
) -> None:
    subscribe(client, "reader@example.org")
    [link] = links_in(smtp.messages[0].part("text/plain"))
    SubscriptionRequest.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert client.get(link).status_code == 400
    assert services.unconfirmed_expire().requests == 0, "kept a day: the daily cap counts it"
    requests_backdate("reader@example.org", days=1, minutes=1)
    assert services.unconfirmed_expire() == services.ExpiryReport(requests=1, subscribers=0)
    assert Subscriber.objects.filter(email="reader@example.org").exists()


def test_beat_runs_the_expiry_task(settings: Any) -> None:
    scheduled = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert tasks.unconfirmed_expire.name in scheduled


def test_staff_see_pending_requests_and_can_revoke_a_subscribers_links(
    client: Client, smtp: SMTPServer
) -> None:
    from django.contrib.auth.models import User

    subscribe(client, "reader@example.org")
    subscriber = Subscriber.objects.get()
    old = f"/alerts/manage/{subscriber_token_make(subscriber)}/"
    staff = Client()
    staff.force_login(User.objects.create_superuser("desk", password="correct horse"))
    page = staff.get(f"/admin/alerts/subscriber/{subscriber.pk}/change/")
    assert page.status_code == 200 and "subscription requests" in page.content.decode().lower()
    done = staff.post(
        "/admin/alerts/subscriber/",
        {"action": "revoke_links", "_selected_action": [subscriber.pk]},
        follow=True,
    )
    assert "Links revoked for 1 subscriber." in done.content.decode()
    assert client.get(old).status_code == 400


def test_every_link_in_a_mail_leads_to_the_pages_in_the_subscribers_language(
    client: Client, smtp: SMTPServer
) -> None:
    lab = company_make(name="Meta", slug="meta")
    subscribe(client, "yamada@example.org", lab="meta", language="ja")
    [confirm] = re.findall(
        r"http://testserver(\S+/alerts/confirm/\S+/)", smtp.messages[0].part("text/plain")
    )
    assert confirm.startswith("/ja/alerts/confirm/")
    assert '<html lang="ja">' in client.get(confirm).content.decode()

    subscriber_make("smith@example.org", company=lab, language="en", statements=True)
    subscriber_make("sato@example.org", company=lab, language="ja", statements=True)
    statement_make(company=lab, stance="closed", publish=True)
    for event_id in Event.objects.values_list("pk", flat=True):
        services.event_fan_out(event_id=event_id)
    services.deliveries_send()
    mails = {mail.to: mail for mail in smtp.messages[1:]}
    for email, prefix in [("smith@example.org", ""), ("sato@example.org", "/ja")]:
        mail = mails[email]
        links = re.findall(
            r"http://testserver(/[^\s\"<>]*)", mail.part("text/plain") + mail.part("text/html")
        )
        links.append(mail.message["List-Unsubscribe"].strip("<>").removeprefix("http://testserver"))
        assert all(link.startswith(f"{prefix}/") for link in links), (email, links)
        pages = {link.removeprefix(prefix).split("/")[1] for link in links}
        assert {"alerts", "statements"} <= pages <= {"alerts", "labs", "statements"}, links
