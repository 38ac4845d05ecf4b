"""Readers who follow a lab's commitments get one mail when a reviewer resolves one and one when
it falls overdue, through the outbox, to a real SMTP server; a reopening tells nobody, and
readers who did not ask, or follow another lab, hear nothing."""

from __future__ import annotations

import datetime
import json
from collections import Counter

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from apps.alerts import services
from apps.alerts.models import Event, EventKind, SubscriptionRequest
from apps.alerts.render import event_text, events_for_render
from apps.alerts.services.webhooks import webhook_body
from apps.alerts.text_parts import SUBJECT_MAX
from apps.claims import commitments
from apps.claims.models import Commitment, OutcomeKind
from tests.factories import company_make, statement_make
from tests.support.alerts import subscriber_make
from tests.support.smtpserver import ReceivedMail, SMTPServer

pytestmark = pytest.mark.django_db

SAID = datetime.date(2025, 7, 14)


def everything_sent() -> None:
    for event_id in Event.objects.values_list("pk", flat=True):
        services.event_fan_out(event_id=event_id)
    services.deliveries_send()
    services.digests_send()


def commitment_mails(smtp: SMTPServer, commitment: Commitment) -> list[ReceivedMail]:
    """The mails about this commitment (a publish in the set-up mails its stance change too)."""
    anchor = f"/labs/meta/#commitment-{commitment.pk}"
    return [mail for mail in smtp.messages if anchor in mail.part("text/plain")]


def commitment_events() -> list[Event]:
    return list(Event.objects.filter(kind=EventKind.COMMITMENT).order_by("pk"))


def promise(lab: object, **fields: object) -> Commitment:
    return commitments.commitment_mark(
        user=None,
        statement=statement_make(company=lab, occurred_on=SAID, publish=True),  # type: ignore[arg-type]
        promise="keep releasing leading open-source models",
        promise_ja="主要なオープンソースモデルの公開を続ける",
        evidence_rule="Kept if the next leading model has downloadable weights.",
        **fields,  # type: ignore[arg-type]
    )


@pytest.mark.slow
def test_followers_get_one_mail_when_a_commitment_is_resolved(
    smtp: SMTPServer, reviewer: User
) -> None:
    meta = company_make(name="Meta", slug="meta")
    other = company_make(name="OpenAI", slug="openai")
    subscriber_make("follows@example.org", company=meta, commitments=True)
    subscriber_make("ja@example.org", company=meta, commitments=True, language="ja")
    subscriber_make("stance-only@example.org", company=meta)
    subscriber_make("other-lab@example.org", company=other, commitments=True)
    commitment = promise(meta, condition="with the next major release")
    release = statement_make(
        company=meta, kind="action", occurred_on=SAID + datetime.timedelta(days=60), publish=True
    )
    everything_sent()

    outcome = commitments.commitment_outcome_record(
        commitment=commitment,
        user=reviewer,
        outcome=OutcomeKind.KEPT,
        rationale="Llama 5 shipped with downloadable weights.",
        deciding_statement=release,
    )
    [event] = commitment_events()
    assert (event.commitment_outcome, event.company) == (outcome, meta)
    first = services.event_fan_out(event_id=event.pk)
    second = services.event_fan_out(event_id=event.pk)
    everything_sent()

    assert (first.created, second.created) == (2, 0)
    told = commitment_mails(smtp, commitment)
    assert Counter(mail.to for mail in told) == {"follows@example.org": 1, "ja@example.org": 1}
    mails = {mail.to: mail for mail in told}
    english = mails["follows@example.org"]
    subject = str(english.message["Subject"])
    assert "commitment kept" in subject and "keep releasing" in subject
    body = english.part("text/plain")
    assert "Llama 5 shipped with downloadable weights." in body
    assert f"http://testserver/labs/meta/#commitment-{commitment.pk}" in body
    assert release.get_absolute_url() in body
    japanese = mails["ja@example.org"]
    assert "主要なオープンソースモデルの公開を続ける" in str(japanese.message["Subject"])
    assert all(len(str(mail.message["Subject"]).strip()) <= SUBJECT_MAX for mail in told)

    # Reopened: no news. The verdict that follows is.
    commitments.commitment_reopen(commitment=commitment, user=reviewer, rationale="Misread.")
    everything_sent()
    assert len(commitment_events()) == 1 and len(commitment_mails(smtp, commitment)) == 2


@pytest.mark.slow
def test_followers_are_told_once_when_a_commitment_becomes_overdue(smtp: SMTPServer) -> None:
    meta = company_make(name="Meta", slug="meta")
    subscriber_make("follows@example.org", company=meta, commitments=True)
    commitment = promise(meta, due_on=datetime.date(2025, 12, 31))
    everything_sent()

    commitments.commitments_overdue_mark(today=datetime.date(2025, 12, 31))
    everything_sent()
    assert commitment_mails(smtp, commitment) == [], "not late on the day it falls due"

    commitments.commitments_overdue_mark(today=datetime.date(2026, 1, 1))
    commitments.commitments_overdue_mark(today=datetime.date(2026, 1, 2))
    everything_sent()

    [mail] = commitment_mails(smtp, commitment)
    assert "overdue" in str(mail.message["Subject"])
    assert "no outcome recorded" in mail.part("text/plain")
    assert len(commitment_events()) == 1


def test_a_webhook_carries_the_commitment_and_its_evidence(reviewer: User) -> None:
    meta = company_make(name="Meta", slug="meta")
    commitment = promise(meta, condition="with the next major release")
    release = statement_make(company=meta, kind="action", occurred_on=SAID, publish=True)
    commitments.commitment_outcome_record(
        commitment=commitment,
        user=reviewer,
        outcome=OutcomeKind.BROKEN,
        rationale="API only.",
        deciding_statement=release,
    )
    [event] = events_for_render([e.pk for e in commitment_events()])
    with translation.override("en"):
        text = event_text(event)
    payload = json.loads(webhook_body(event=event, text=text, timestamp=0))
    assert payload["commitment"] == {
        "id": commitment.pk,
        "promise": "keep releasing leading open-source models",
        "outcome": "broken",
        "rationale": "API only.",
        "deciding_statement_id": release.pk,
        "deciding_act_id": None,
    }


def test_a_reader_asks_for_a_labs_commitments_on_its_page_and_gets_them_once_confirmed(
    client: Client, smtp: SMTPServer
) -> None:
    meta = company_make(name="Meta", slug="meta")
    page = client.get("/labs/meta/").content.decode()
    assert 'name="kinds" value="commitments"' in page
    assert 'value="commitments" checked' not in page, "opt-in: not ticked by default"

    services.subscription_request(email="reader@example.org", company=meta, kinds=["commitments"])
    subscription = services.subscription_confirm(request=SubscriptionRequest.objects.get())

    assert subscription.commitments and not subscription.stance_changes
    assert subscription.company == meta
