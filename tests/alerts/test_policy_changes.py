"""A watched page's change is told to the lab's and the model's readers as "policy changed" only
once an editor accepts it, exactly once, and never straight from a diff.

Each test reads a page from a local HTTP server that changes, through the real watch checks, so
the change waits in the review queue as in production; the editor decides in the admin (a real
logged-in client posting the admin action) or through the watch's own service; mail goes to a
real SMTP server, sent in-process.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings as SettingsWrapper

from apps.alerts import services
from apps.alerts.models import Delivery, Event, EventKind, Subscriber, Subscription
from apps.alerts.render import event_text, events_for_render
from apps.alerts.text_parts import SUBJECT_MAX
from apps.catalog.models import AIModel, Company
from apps.claims import services as claims_services
from apps.watch.models import Review, Watch, WatchSnapshot
from apps.watch.services.review import page_change_accept
from apps.watch.services.watches import watches_check
from tests.factories import company_make, model_make
from tests.support.alerts import subscriber_make
from tests.support.httpserver import LocalHTTPServer
from tests.support.smtpserver import SMTPServer
from tests.watch.pages import PARAGRAPHS, page

pytestmark = pytest.mark.django_db

NEW_TERMS = "The weights are no longer offered for download to anyone outside the developer."


@pytest.fixture
def on_loopback(settings: SettingsWrapper) -> None:
    settings.FETCH_ALLOW_PRIVATE = True
    settings.SITE_URL = "http://testserver"


def check(watch: Watch) -> None:
    Watch.objects.filter(pk=watch.pk).update(next_check_at=timezone.now())
    watches_check(budget_seconds=30)


def licence_changes(
    server: LocalHTTPServer, *, lab: Company, model: AIModel | None = None, title: str = ""
) -> WatchSnapshot:
    """Watch a licence page, read it, change one paragraph: the change waits for an editor."""
    server.route("/licence", body=page())
    watch = Watch.objects.create(
        url=server.url("/licence"), title=title or "Llama licence", company=lab
    )
    if model is not None:
        watch.ai_models.add(model)
    check(watch)
    server.route("/licence", body=page([*PARAGRAPHS[:2], NEW_TERMS, PARAGRAPHS[3]]))
    check(watch)
    return WatchSnapshot.objects.get(watch=watch, review=Review.PENDING)


def policy_events() -> list[Event]:
    return list(Event.objects.filter(kind=EventKind.PAGE_CHANGE).order_by("pk"))


def everything_sent() -> None:
    """What the worker would do for every event there is: fan out, then send and digest."""
    for event_id in Event.objects.values_list("pk", flat=True):
        services.event_fan_out(event_id=event_id)
    services.deliveries_send()
    services.digests_send()


def admin_decides(user: User, snapshot: WatchSnapshot, action: str) -> None:
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("admin:watch_watchsnapshot_changelist"),
        {"action": action, "_selected_action": [snapshot.pk]},
    )
    assert response.status_code == 302, response.content[:500]


@pytest.mark.slow
def test_a_labs_reader_gets_one_policy_changed_mail_after_an_editor_accepts_it(
    http_server: LocalHTTPServer, on_loopback: None, smtp: SMTPServer, editor: User
) -> None:
    meta = company_make(name="Meta", slug="meta")
    llama = model_make(developer=meta, name="Llama 4", slug="llama-4")
    other = company_make(name="OpenAI", slug="openai")
    subscriber_make("lab@example.org", company=meta)
    subscriber_make("model@example.org", ai_model=llama, language="ja")
    subscriber_make("other-lab@example.org", company=other)
    subscriber_make("opted-out@example.org", company=meta, policy_changes=False)
    change = licence_changes(http_server, lab=meta, model=llama)
    everything_sent()
    assert policy_events() == [] and smtp.messages == [], "a diff alone tells nobody"

    admin_decides(editor, change, "accept_selected")

    change.refresh_from_db()
    assert change.review == Review.ACCEPTED and change.statement is not None
    [event] = policy_events()
    assert (event.company, list(event.ai_models.all())) == (meta, [llama])
    assert event.page_change == change and event.statement == change.statement
    first = services.event_fan_out(event_id=event.pk)
    second = services.event_fan_out(event_id=event.pk)
    services.deliveries_send(event_id=event.pk)
    everything_sent()
    assert (first.created, second.created) == (2, 0)
    assert Counter(mail.to for mail in smtp.messages) == {
        "lab@example.org": 1,
        "model@example.org": 1,
    }
    assert Delivery.objects.filter(event=event).count() == 2

    mails = {mail.to: mail for mail in smtp.messages}
    english = mails["lab@example.org"]
    subject = str(english.message["Subject"])
    assert subject == "Aperture: Meta: policy changed: Llama licence"
    text = english.part("text/plain")
    assert "Meta changed its page Llama licence:" in text
    # The third paragraph's 25 words go; NEW_TERMS's 13 come, but for the "the" both keep.
    assert "12 words added, 25 words removed" in text, text
    assert http_server.url("/licence") in text, "the watched page"
    assert f"http://testserver{meta.get_absolute_url()}" in text, "the lab's page"
    assert change.statement.get_absolute_url() not in text, "a draft is not linked"
    assert "no longer offered" in text, "the changed words"
    assert PARAGRAPHS[0] not in text, "never the whole page"
    html = english.part("text/html")
    assert f'href="{http_server.url("/licence")}"' in html
    japanese = mails["model@example.org"]
    assert "ポリシー" in str(japanese.message["Subject"])
    assert "ウォッチ中のページ" in japanese.part("text/plain")
    assert all(len(str(mail.message["Subject"])) <= SUBJECT_MAX for mail in smtp.messages)


def test_a_rejected_or_undecided_change_tells_nobody(
    http_server: LocalHTTPServer, on_loopback: None, smtp: SMTPServer, editor: User
) -> None:
    meta = company_make(name="Meta", slug="meta")
    subscriber_make("lab@example.org", company=meta)
    subscriber_make("everything@example.org")
    change = licence_changes(http_server, lab=meta)
    everything_sent()
    assert policy_events() == [] and smtp.messages == []

    admin_decides(editor, change, "reject_selected")

    change.refresh_from_db()
    assert change.review == Review.REJECTED
    everything_sent()
    services.alerts_sweep()
    assert policy_events() == [] and smtp.messages == []


def test_a_reader_who_opted_out_of_policy_changes_gets_none(
    http_server: LocalHTTPServer, on_loopback: None, smtp: SMTPServer
) -> None:
    meta = company_make(name="Meta", slug="meta")
    opted_out = subscriber_make("lab@example.org", company=meta)
    subscription = Subscription.objects.get(subscriber=opted_out)
    services.subscription_update(
        subscription=subscription, kinds=["stance_changes"], frequency="instant"
    )
    subscriber_make("everything-but@example.org", policy_changes=False)
    change = licence_changes(http_server, lab=meta)

    page_change_accept(snapshot=change, user=None)

    [event] = policy_events()
    assert services.event_fan_out(event_id=event.pk).created == 0
    everything_sent()
    assert smtp.messages == []


def test_a_new_subscription_asks_for_policy_changes_unless_the_reader_unticks_them(
    on_loopback: None,
) -> None:
    meta = company_make(name="Meta", slug="meta")
    page_html = Client().get("/subscribe/").content.decode()
    assert 'value="policy_changes" checked' in page_html

    for email, kinds in (
        ("both@example.org", ["stance_changes", "policy_changes"]),
        ("stance@example.org", ["stance_changes"]),
    ):
        services.subscription_request(
            email=email, company=meta, ai_model=None, kinds=kinds, frequency="instant"
        )
    both = Subscriber.objects.get(email="both@example.org").subscription_requests.get()
    assert both.policy_changes is True
    stance = Subscriber.objects.get(email="stance@example.org").subscription_requests.get()
    assert stance.policy_changes is False


def test_the_alert_links_the_statement_once_readers_may_open_it(
    http_server: LocalHTTPServer, on_loopback: None
) -> None:
    meta = company_make(name="Meta", slug="meta")
    change = licence_changes(http_server, lab=meta)
    statement = page_change_accept(snapshot=change, user=None, stance="leaning_closed")
    [event] = policy_events()
    draft = event_text(events_for_render([event.pk])[0])
    assert draft.url == f"http://testserver{meta.get_absolute_url()}"

    claims_services.statement_publish(statement=statement, user=None)

    published = event_text(events_for_render([event.pk])[0])
    assert published.url == f"http://testserver{statement.get_absolute_url()}"
    assert published.page is not None and published.page.url == http_server.url("/licence")


def test_accepting_twice_or_announcing_again_makes_one_event(
    http_server: LocalHTTPServer, on_loopback: None
) -> None:
    meta = company_make(name="Meta", slug="meta")
    change = licence_changes(http_server, lab=meta)
    statement = page_change_accept(snapshot=change, user=None)
    with pytest.raises(Exception, match="already decided"):
        page_change_accept(snapshot=change, user=None)
    again = services.event_record_page_change(snapshot=change, statement=statement)
    assert again is None
    assert len(policy_events()) == 1


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_subject_fits_with_the_longest_lab_and_page_names(
    http_server: LocalHTTPServer, on_loopback: None, smtp: SMTPServer, language: str
) -> None:
    lab = company_make(name="Meta Superintelligence Labs " * 7, slug="msl")
    subscriber_make("lab@example.org", company=lab, language=language)
    title = "Acceptable use policy for the Llama family of models, version 4 " * 4
    change = licence_changes(http_server, lab=lab, title=title[:300])
    page_change_accept(snapshot=change, user=None)
    everything_sent()

    [mail] = smtp.messages
    subject = str(mail.message["Subject"])
    assert len(subject) <= SUBJECT_MAX, subject
    assert "\n" not in subject and subject.startswith("Aperture: Meta Super")
    assert "…" in subject
