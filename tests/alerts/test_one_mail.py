"""One publish that also moves a lab's stance is one mail, and every subject is short.

In-process against a real SMTP server and PostgreSQL; test_worker.py runs the same publish
through a real Celery worker.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import feedparser
import pytest
from django.test import Client

from apps.alerts import services
from apps.alerts.mails import alert_mail, confirmation_mail
from apps.alerts.models import Delivery, Event, EventKind, Frequency, WebhookEndpoint
from apps.alerts.services.texts import EventTexts
from apps.catalog.services import model_status_add
from apps.claims import commitments
from apps.claims import services as claims
from apps.claims.models import Stance
from tests.factories import company_make, model_make, statement_make
from tests.support.alerts import subscriber_make
from tests.support.httpserver import LocalHTTPServer
from tests.support.smtpserver import SMTPServer

pytestmark = pytest.mark.django_db

SUMMARY = "Meta says it will keep releasing open models"


def publish_that_moves_the_stance() -> tuple[Event, Event]:
    """Meta, closed until now, publishes an open statement: a statement and a stance change."""
    meta = company_make(name="Meta", slug="meta")
    statement_make(
        company=meta, stance="closed", occurred_on=datetime.date(2025, 4, 5), publish=True
    )
    Event.objects.all().delete()  # the first publish's events are not what these tests read
    statement_make(
        company=meta,
        stance="open",
        occurred_on=datetime.date(2025, 7, 15),
        summary=SUMMARY,
        quote="We will keep releasing leading open models.",
        quote_language="en",
        publish=True,
    )
    statement_event = Event.objects.get(kind=EventKind.STATEMENT_PUBLISHED)
    change_event = Event.objects.get(kind=EventKind.STANCE_CHANGE)
    return statement_event, change_event


def fan_out_and_send(events: list[Event]) -> None:
    for event in events:
        services.event_fan_out(event_id=event.pk)
    services.deliveries_send()


def test_the_stance_change_of_a_publish_carries_its_statement() -> None:
    statement_event, change_event = publish_that_moves_the_stance()
    assert change_event.statement_id == statement_event.statement_id
    assert statement_event.created_at <= change_event.created_at


@pytest.mark.parametrize("order", ["statement first", "stance change first"])
def test_a_reader_who_follows_both_gets_one_mail_that_tells_both(
    smtp: SMTPServer, order: str
) -> None:
    statement_event, change_event = publish_that_moves_the_stance()
    subscriber_make("both@example.org", company=change_event.company, statements=True)
    events = [statement_event, change_event]
    fan_out_and_send(events if order == "statement first" else events[::-1])
    # Again, as a sweeper would: nothing more.
    fan_out_and_send(events)

    [mail] = smtp.messages
    text = mail.part("text/plain")
    assert mail.message["Subject"] == "Aperture: Meta: closed -> mixed (partial shift)"
    assert "Meta: closed -> mixed (partial shift) on 2025-07-15, after " + SUMMARY in text
    statement = statement_event.statement
    assert statement is not None
    assert f"New statement (open, confirmed) of 2025-07-15: {SUMMARY}" in text
    assert f"http://testserver/statements/{statement.pk}/" in text
    assert "We will keep releasing leading open models." in text
    html = mail.part("text/html")
    assert f'href="http://testserver/statements/{statement.pk}/"' in html
    assert list(Delivery.objects.values_list("event__kind", flat=True)) == ["stance_change"]


def test_readers_who_follow_one_kind_each_get_their_own_mail(smtp: SMTPServer) -> None:
    statement_event, change_event = publish_that_moves_the_stance()
    lab = change_event.company
    subscriber_make("statements@example.org", company=lab, stance_changes=False, statements=True)
    subscriber_make("stances@example.org", company=lab)
    subscriber_make("both@example.org", statements=True)  # everything, both kinds
    fan_out_and_send([statement_event, change_event])

    assert sorted(m.to for m in smtp.messages) == [
        "both@example.org",
        "stances@example.org",
        "statements@example.org",
    ]
    [only_statements] = smtp.to("statements@example.org")
    assert only_statements.message["Subject"] == "Aperture: Meta: new statement (open, confirmed)"
    [only_stances] = smtp.to("stances@example.org")
    assert only_stances.message["Subject"] == "Aperture: Meta: closed -> mixed (partial shift)"


@pytest.mark.slow
def test_a_reader_who_wants_statements_at_once_is_not_held_to_a_digest_of_stance_changes(
    smtp: SMTPServer,
) -> None:
    statement_event, change_event = publish_that_moves_the_stance()
    model = model_make(developer=change_event.company, name="Llama 4")
    reader = subscriber_make(
        "mixed@example.org", company=change_event.company, frequency=Frequency.DAILY
    )
    # The same reader follows a model of the lab's for statements, instantly (since before).
    reader.subscriptions.create(ai_model=model, stance_changes=False, statements=True)
    reader.subscriptions.update(created_at=reader.confirmed_at)
    claims_statement = statement_event.statement
    assert claims_statement is not None
    claims_statement.ai_models.add(model)
    statement_event.ai_models.add(model)
    fan_out_and_send([statement_event, change_event])

    [instant] = smtp.messages
    assert instant.message["Subject"] == "Aperture: Meta: new statement (open, confirmed)"
    assert services.digests_send().sent == 1
    digest = smtp.messages[-1]
    assert "closed -> mixed" in digest.part("text/plain")


def test_a_digest_reader_gets_the_publish_once_in_the_digest(smtp: SMTPServer) -> None:
    statement_event, change_event = publish_that_moves_the_stance()
    subscriber_make(
        "digest@example.org",
        company=change_event.company,
        frequency=Frequency.DAILY,
        statements=True,
    )
    fan_out_and_send([statement_event, change_event])
    assert services.digests_send().sent == 1
    [digest] = smtp.messages
    text = digest.part("text/plain")
    assert digest.message["Subject"] == "Aperture daily digest: 1 change"
    assert text.count(f"New statement (open, confirmed) of 2025-07-15: {SUMMARY}") == 1


@pytest.mark.slow
def test_webhooks_and_the_atom_feed_keep_both_events(
    http_server: LocalHTTPServer, settings: Any
) -> None:
    settings.FETCH_ALLOW_PRIVATE = True
    settings.SITE_URL = "http://testserver"
    http_server.route("/hook", status=204, body=b"")
    WebhookEndpoint.objects.create(name="Newsroom", url=http_server.url("/hook"), secret="s")
    statement_event, change_event = publish_that_moves_the_stance()
    for event in (statement_event, change_event):
        services.event_fan_out(event_id=event.pk)
    services.webhooks_send()

    payloads = {
        body["kind"]: body
        for body in (json.loads(r.body) for r in http_server.requests if r.path == "/hook")
    }
    assert set(payloads) == {"statement_published", "stance_change"}
    statement = statement_event.statement
    assert statement is not None
    assert payloads["stance_change"]["published_statement"] == {
        "id": statement.pk,
        "url": f"http://testserver/statements/{statement.pk}/",
    }
    assert "published_statement" not in payloads["statement_published"]

    feed = feedparser.parse(Client().get("/feeds/labs/meta.atom").content)
    assert {entry.id for entry in feed.entries} == {
        f"tag:aperture,2025:event/{statement_event.pk}",
        f"tag:aperture,2025:event/{change_event.pk}",
    }


# Subjects ------------------------------------------------------------------------------------

LONG_LAB = "Superintelligence Laboratories of the Very Long Name Holding Company " * 3
LONG_MODEL = "Behemoth Ultra Mixture-of-Experts Preview Instruct Edition " * 3
RTL_LAB = "مختبر الذكاء الاصطناعي المفتوح " * 6


@pytest.mark.slow
@pytest.mark.parametrize("lab_name", [LONG_LAB[:200], RTL_LAB[:200]])
@pytest.mark.parametrize("language", ["en", "ja"])
def test_every_subject_stays_under_80_characters_with_the_longest_names(
    language: str, lab_name: str
) -> None:
    lab = company_make(name=lab_name, slug="long-lab")
    model = model_make(developer=lab, name=LONG_MODEL[:200], slug="long-model")
    # Each kind of event, with the longest labels each can show.
    first = statement_make(
        company=lab, stance=Stance.LEANING_CLOSED, verification="disputed", publish=True
    )
    statement_make(
        company=lab,
        stance=Stance.LEANING_OPEN,
        verification="disputed",
        occurred_on=datetime.date(2025, 8, 1),
        publish=True,
    )
    claims.assessment_pin(
        user=None,
        company=lab,
        effective_from=datetime.date(2025, 9, 1),
        stance=Stance.CLOSED,
        rationale="An editor's reading",
    )
    for status, reported in (("cancelled", True), ("announced", False)):
        model_status_add(
            model=model, status=status, date=datetime.date(2025, 7, 1), is_reported=reported
        )
    # A commitment with the longest promise there is, fallen overdue and then judged.
    promise = commitments.commitment_mark(
        user=None,
        statement=first,
        promise=(LONG_MODEL * 2)[:300],
        evidence_rule="e",
        due_on=datetime.date(2025, 7, 20),
    )
    commitments.commitments_overdue_mark(today=datetime.date(2025, 8, 1))
    commitments.commitment_outcome_record(
        commitment=promise,
        user=None,
        outcome="partly_kept",
        rationale="r",
        deciding_statement=first,
    )
    events = list(Event.objects.order_by("id"))
    # A dataset change needs an import of its own, a page change a watched page and an editor's
    # decision: tests/alerts/test_dataset_changes.py and test_policy_changes.py hold their
    # subjects to SUBJECT_MAX.
    assert {e.kind for e in events} == set(EventKind.values) - {
        EventKind.DATASET_CHANGE,
        EventKind.PAGE_CHANGE,
    }
    assert Event.objects.filter(kind=EventKind.STANCE_CHANGE, statement__isnull=True).exists()

    reader = subscriber_make("reader@example.org", language=language)
    texts = EventTexts().get([e.pk for e in events], language)
    subjects = [alert_mail(subscriber=reader, texts=[text], digest=False).subject for text in texts]
    subjects.append(alert_mail(subscriber=reader, texts=texts, digest=True).subject)
    subjects.append(
        confirmation_mail(
            email="reader@example.org", language=language, confirm_url="http://x/", scope=lab_name
        ).subject
    )
    for subject in subjects:
        assert len(subject) < 80, subject
        assert "\n" not in subject
        assert "Aperture" in subject
    # The names are shortened, not dropped, and the detail is in the body.
    model_subjects = [s for s, t in zip(subjects, texts, strict=False) if t.kind == "model_status"]
    assert len(model_subjects) == 2
    assert all(LONG_MODEL[:10] in s and "…" in s for s in model_subjects), model_subjects
    whole_name = " ".join(lab_name.split())
    assert all(whole_name in t.headline for t in texts), [t.headline for t in texts]
