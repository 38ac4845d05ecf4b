"""Outbox, fan-out and sending, in-process, against a real SMTP server and PostgreSQL."""

from __future__ import annotations

import datetime
import os
import signal
import threading
import time
from collections import Counter
from typing import Any

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection, transaction
from django.utils import timezone

from apps.alerts import services
from apps.alerts.models import (
    Bounce,
    Delivery,
    DeliveryStatus,
    Event,
    EventKind,
    Frequency,
    Subscriber,
)
from apps.catalog.services import model_status_add
from apps.claims import services as claims
from apps.claims.models import StanceChange
from config.celery import app as celery_app
from tests.factories import company_make, model_make, source_make, statement_make
from tests.support.alerts import subscriber_make
from tests.support.broker import queued_task_names
from tests.support.smtpserver import SMTPServer

pytestmark = pytest.mark.django_db


def meta_moves_to_leaning_open() -> Event:
    """Meta was open; a reported, denied-in-part statement moves it to leaning open."""
    meta = company_make(name="Meta", slug="meta")
    statement_make(company=meta, stance="open", occurred_on=datetime.date(2025, 4, 5), publish=True)
    statement_make(
        company=meta,
        stance="closed",
        kind="unnamed_report",
        verification="reported",
        occurred_on=datetime.date(2025, 7, 14),
        summary="The New York Times reports that Meta discussed moving to closed models",
        quote="We plan to continue releasing leading open source models.",
        quote_language="en",
        translation="今後も主要なオープンソースモデルをリリースしていく予定です。",
        translation_language="ja",
        publish=True,
    )
    return Event.objects.filter(kind=EventKind.STANCE_CHANGE, company=meta).latest("id")


def test_publishing_a_statement_writes_its_events_in_the_same_transaction() -> None:
    lab = company_make()
    statement = statement_make(company=lab, stance="closed")
    assert not Event.objects.exists()
    with pytest.raises(RuntimeError), transaction.atomic():
        claims.statement_publish(statement=statement, user=None)
        assert Event.objects.filter(statement=statement).exists()
        raise RuntimeError("the change is rolled back")
    assert not Event.objects.exists(), "an event must not outlive the change that caused it"

    claims.statement_publish(statement=statement, user=None)
    kinds = sorted(Event.objects.values_list("kind", flat=True))
    assert kinds == ["stance_change", "statement_published"]
    change_event = Event.objects.get(kind="stance_change")
    assert change_event.stance_change is not None
    assert change_event.stance_change.new_stance == "closed"


def test_a_new_model_status_writes_an_event_for_the_model_and_its_lab() -> None:
    lab = company_make()
    model = model_make(developer=lab)
    change = model_status_add(model=model, status="cancelled", date=datetime.date(2025, 7, 14))
    event = Event.objects.get(kind=EventKind.MODEL_STATUS)
    assert event.model_status_change == change
    assert event.company == lab
    assert list(event.ai_models.all()) == [model]


def test_fan_out_run_twice_creates_one_delivery_per_subscriber(smtp: SMTPServer) -> None:
    event = meta_moves_to_leaning_open()
    for n in range(30):
        subscriber_make(f"reader{n}@example.org", company=event.company)
    subscriber_make("everything@example.org")
    subscriber_make("unconfirmed@example.org", confirmed=False)
    subscriber_make("other-lab@example.org", company=company_make())
    first = services.event_fan_out(event_id=event.pk)
    second = services.event_fan_out(event_id=event.pk)
    assert first.created == 31
    assert second.created == 0
    assert Delivery.objects.filter(event=event).count() == 31
    event.refresh_from_db()
    assert event.fanned_out_at is not None


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # the threads must see committed rows
def test_three_senders_at_once_send_each_mail_exactly_once(smtp: SMTPServer, settings: Any) -> None:
    settings.ALERTS_SEND_BATCH = 5  # many small claims, so the senders interleave
    event = meta_moves_to_leaning_open()
    emails = [f"reader{n}@example.org" for n in range(40)]
    for email in emails:
        subscriber_make(email, company=event.company)
    services.event_fan_out(event_id=event.pk)

    start = threading.Barrier(3)
    reports: list[services.SendReport] = []
    failures: list[BaseException] = []

    def sender() -> None:
        try:
            start.wait(timeout=10)
            reports.append(services.deliveries_send(event_id=event.pk))
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()  # each thread has its own; leave none open for teardown

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert len(reports) == 3
    assert sum(report.sent for report in reports) == len(emails)
    assert services.deliveries_send(event_id=event.pk).sent == 0, "nothing was left over"
    assert Counter(m.to for m in smtp.messages) == Counter(emails)
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == len(emails)


def test_an_alert_says_what_changed_with_links_a_quote_and_one_click_unsubscribe(
    smtp: SMTPServer,
) -> None:
    event = meta_moves_to_leaning_open()
    subscriber_make("reader@example.org", company=event.company)
    services.event_fan_out(event_id=event.pk)
    services.deliveries_send(event_id=event.pk)

    [mail] = smtp.messages
    text = mail.part("text/plain")
    html = mail.part("text/html")
    assert (
        "Meta: open -> leaning open (partial shift) on 2025-07-14, after The New York Times" in text
    )
    assert "We plan to continue releasing leading open source models." in text
    statement = event.stance_change.statements.get() if event.stance_change else None
    assert statement is not None
    assert f"http://testserver/statements/{statement.pk}/" in text
    assert f'href="http://testserver/statements/{statement.pk}/"' in html
    assert "/alerts/manage/" in text
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.message["List-Unsubscribe"].startswith("<http://testserver/alerts/unsubscribe/")


def test_a_japanese_reader_gets_the_alert_in_japanese(smtp: SMTPServer) -> None:
    event = meta_moves_to_leaning_open()
    subscriber_make("dokusha@example.jp", company=event.company, language="ja")
    services.event_fan_out(event_id=event.pk)
    services.deliveries_send(event_id=event.pk)

    [mail] = smtp.messages
    text = mail.part("text/plain")
    assert "配信停止" in text, text
    assert "今後も主要なオープンソースモデルをリリースしていく予定です。" in text
    # Dates as the Japanese site shows them, not ISO.
    assert "2025年7月14日" in text and "2025-07-14" not in text
    # The subject is short and in Japanese; the date is in the body.
    assert mail.message["Subject"] == "Aperture: Meta: オープン -> ややオープン（部分的な変化）"  # noqa: RUF001


@pytest.mark.slow
def test_dates_in_mail_follow_the_readers_language_and_precision(smtp: SMTPServer) -> None:
    lab = company_make(name="Meta", slug="meta")
    model = model_make(developer=lab, name="Llama 4 Behemoth")
    for language in ("en", "ja"):
        subscriber_make(
            f"{language}@example.org",
            company=lab,
            language=language,
            stance_changes=False,
            statements=True,
            model_status=True,
        )
    statement_make(
        company=lab,
        stance="open",
        occurred_on=datetime.date(2025, 7, 1),
        date_precision="month",
        summary="Meta says it stays open",
        publish=True,
    )
    model_status_add(model=model, status="delayed", date=datetime.date(2025, 5, 15))
    for event in Event.objects.order_by("id"):
        services.event_fan_out(event_id=event.pk)
    services.deliveries_send()

    english = " ".join(m.part("text/plain") for m in smtp.to("en@example.org"))
    japanese = " ".join(m.part("text/plain") for m in smtp.to("ja@example.org"))
    # English keeps the ISO form of the wording ("on 2025-07-14"), to its precision.
    assert "of 2025-07: Meta says it stays open" in english
    assert "as of 2025-05-15" in english
    assert "2025年7月" in japanese and "2025年7月1日" not in japanese
    assert "2025年5月15日" in japanese
    assert "2025-07" not in japanese and "2025-05-15" not in japanese


def test_a_permanent_smtp_refusal_marks_the_address_and_stops_mail_to_it(
    smtp: SMTPServer,
) -> None:
    event = meta_moves_to_leaning_open()
    gone = subscriber_make("gone@example.org", company=event.company)
    subscriber_make("here@example.org", company=event.company)
    smtp.refuse("gone@example.org", "550 5.1.1 No such user here")
    services.event_fan_out(event_id=event.pk)
    services.deliveries_send(event_id=event.pk)

    gone.refresh_from_db()
    assert gone.bounced_at is not None
    assert "550" in gone.bounce_reason
    assert Bounce.objects.get(email="gone@example.org").code == 550
    failed = Delivery.objects.get(subscriber=gone)
    assert failed.status == DeliveryStatus.FAILED
    assert "No such user" in failed.last_error
    assert [m.to for m in smtp.messages] == ["here@example.org"]

    # The next event reaches only the address that works.
    model_status_add(
        model=model_make(developer=event.company), status="released", date=datetime.date.today()
    )
    services.event_fan_out(event_id=Event.objects.latest("id").pk)
    assert not Delivery.objects.filter(subscriber=gone).exclude(pk=failed.pk).exists()


def test_a_temporary_smtp_refusal_is_retried_with_backoff_and_then_sent(
    smtp: SMTPServer,
) -> None:
    event = meta_moves_to_leaning_open()
    subscriber_make("busy@example.org", company=event.company)
    smtp.refuse("busy@example.org", "451 4.7.1 Try again later")
    services.event_fan_out(event_id=event.pk)
    report = services.deliveries_send(event_id=event.pk)
    assert report.retry == 1
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.next_attempt_at is not None and delivery.next_attempt_at > timezone.now()
    assert "451" in delivery.last_error
    assert Subscriber.objects.get().bounced_at is None

    # Not due yet: a sender now leaves it alone.
    smtp.refusals.clear()
    services.deliveries_send(event_id=event.pk)
    assert smtp.messages == []
    Delivery.objects.update(next_attempt_at=timezone.now())
    services.deliveries_send(event_id=event.pk)
    assert [m.to for m in smtp.messages] == ["busy@example.org"]
    assert Delivery.objects.get().attempts == 2


def test_an_unreachable_mail_server_loses_nothing(smtp: SMTPServer, settings) -> None:
    event = meta_moves_to_leaning_open()
    for n in range(5):
        subscriber_make(f"reader{n}@example.org", company=event.company)
    services.event_fan_out(event_id=event.pk)
    smtp.stop()
    services.deliveries_send(event_id=event.pk)
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING).count() == 5
    assert Delivery.objects.filter(attempts__gt=1).count() == 0


def test_an_unsubscribed_reader_gets_nothing_that_was_still_pending(smtp: SMTPServer) -> None:
    event = meta_moves_to_leaning_open()
    leaving = subscriber_make("leaving@example.org", company=event.company)
    services.event_fan_out(event_id=event.pk)
    services.subscriber_unsubscribe(subscriber=leaving)
    services.deliveries_send(event_id=event.pk)
    assert smtp.messages == []
    assert Delivery.objects.get().status == DeliveryStatus.SKIPPED


@pytest.mark.slow
def test_the_daily_digest_gathers_the_days_events_in_one_mail_in_the_readers_language(
    smtp: SMTPServer,
) -> None:
    event = meta_moves_to_leaning_open()
    model = model_make(developer=event.company, name="Llama 4 Behemoth")
    model_status_add(model=model, status="delayed", date=datetime.date(2025, 5, 15))
    subscriber_make(
        "digest@example.jp",
        company=event.company,
        language="ja",
        frequency=Frequency.DAILY,
        statements=True,
        model_status=True,
    )
    instant = subscriber_make("instant@example.org", company=event.company)
    for pending in Event.objects.order_by("id"):
        services.event_fan_out(event_id=pending.pk)
    services.deliveries_send()
    assert {m.to for m in smtp.messages} == {"instant@example.org"}
    assert Delivery.objects.filter(subscriber=instant, status="sent").count() == 2

    report = services.digests_send()
    assert report.sent == 1
    [digest] = smtp.to("digest@example.jp")
    text = digest.part("text/plain")
    assert "Llama 4 Behemoth" in text
    assert "Meta: " in text
    assert "配信停止" in text
    # Each publish that moved the stance is told once, by its stance change, which carries
    # the new statement: two stance changes and the model's status, not five entries.
    told = Delivery.objects.filter(subscriber__email="digest@example.jp", status="sent")
    assert sorted(told.values_list("event__kind", flat=True)) == [
        "model_status",
        "stance_change",
        "stance_change",
    ]
    assert text.count("新しい発言（") == 2, text  # noqa: RUF001
    assert services.digests_send().sent == 0, "a digest goes out once"


def test_a_sweep_hands_back_a_claim_whose_sender_died(smtp: SMTPServer, settings) -> None:
    event = meta_moves_to_leaning_open()
    subscriber_make("reader@example.org", company=event.company)
    services.event_fan_out(event_id=event.pk)
    Delivery.objects.update(
        status=DeliveryStatus.SENDING,
        claim="dead",
        claimed_at=timezone.now() - datetime.timedelta(hours=1),
    )
    services.deliveries_send()
    assert smtp.messages == []
    assert services.alerts_sweep().reclaimed == 1
    services.deliveries_send()
    assert [m.to for m in smtp.messages] == ["reader@example.org"]


def test_source_quote_falls_back_to_the_citation_excerpt(smtp: SMTPServer) -> None:
    lab = company_make(name="Lab X", slug="lab-x")
    statement = claims.statement_create(
        user=None,
        company=lab,
        kind="official",
        stance="closed",
        occurred_on=datetime.date(2025, 7, 1),
        summary="Lab X closes its weights",
        speaker_label="Lab X",
        citations=[(source_make(title="The report"), "We will no longer publish weights.")],
    )
    subscriber_make("reader@example.org", company=lab, statements=True)
    claims.statement_publish(statement=statement, user=None)
    for event in Event.objects.order_by("id"):
        services.event_fan_out(event_id=event.pk)
    services.deliveries_send()
    # One mail: the stance change, carrying the statement that caused it.
    [mail] = smtp.messages
    assert "We will no longer publish weights." in mail.part("text/plain")


@pytest.mark.slow
def test_instant_mail_to_one_address_is_capped_and_the_rest_waits_for_the_digest(
    smtp: SMTPServer, settings: object
) -> None:
    settings.ALERTS_MAX_INSTANT_MAILS_PER_DAY = 2  # type: ignore[attr-defined]
    lab = company_make(name="Busy Lab", slug="busy-lab")
    subscriber_make("busy@example.org", company=lab, statements=True)
    for day in range(1, 6):
        statement_make(
            company=lab, stance="open", occurred_on=datetime.date(2025, 7, day), publish=True
        )
    for event in Event.objects.order_by("id"):
        services.event_fan_out(event_id=event.pk)
    services.deliveries_send()

    assert len(smtp.to("busy@example.org")) == 2
    waiting = Delivery.objects.filter(subscriber__email="busy@example.org", digest=True)
    assert waiting.count() == Delivery.objects.count() - 2
    assert set(waiting.values_list("status", flat=True)) == {DeliveryStatus.PENDING}

    services.digests_send()
    assert len(smtp.to("busy@example.org")) == 3, "the rest arrive together in one digest"
    assert not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists()


def test_a_summary_with_a_line_break_is_sent_on_one_line_and_never_bounces_the_reader(
    smtp: SMTPServer,
) -> None:
    lab = company_make(name="Meta", slug="meta")
    reader = subscriber_make("reader@example.org", company=lab)
    statement_make(
        company=lab,
        stance="closed",
        summary="Meta discusses\nmoving to   closed\r\nmodels",
        publish=True,
    )
    services.event_fan_out(event_id=Event.objects.get(kind=EventKind.STANCE_CHANGE).pk)
    report = services.deliveries_send()

    assert report.sent == 1
    [mail] = smtp.messages
    assert mail.message["Subject"] == "Aperture: Meta: no stance -> closed (no shift)"
    assert "after Meta discusses moving to closed models" in mail.part("text/plain")
    reader.refresh_from_db()
    assert reader.bounced_at is None
    assert not Bounce.objects.exists()


def test_a_mail_that_cannot_be_built_fails_its_delivery_and_does_not_mark_the_address(
    smtp: SMTPServer,
) -> None:
    event = meta_moves_to_leaning_open()
    # An address no form accepts, written straight into the table: building the mail fails.
    odd = subscriber_make("odd\n@example.org", company=event.company)
    subscriber_make("fine@example.org", company=event.company)
    services.event_fan_out(event_id=event.pk)
    report = services.deliveries_send(event_id=event.pk)

    assert (report.sent, report.failed) == (1, 1)
    failed = Delivery.objects.get(subscriber=odd)
    assert failed.status == DeliveryStatus.FAILED
    assert "could not be built" in failed.last_error
    odd.refresh_from_db()
    assert odd.bounced_at is None
    assert not Bounce.objects.exists()
    assert [m.to for m in smtp.messages] == ["fine@example.org"]


@pytest.mark.slow
def test_a_sender_out_of_time_stops_claiming_and_hands_the_rest_to_a_fresh_task(
    smtp: SMTPServer, settings: Any
) -> None:
    settings.ALERTS_SEND_BATCH = 5
    settings.ALERTS_SEND_BUDGET_SECONDS = 0  # spent once the first batch is done
    event = meta_moves_to_leaning_open()
    for n in range(12):
        subscriber_make(f"reader{n}@example.org", company=event.company)
    services.event_fan_out(event_id=event.pk)
    celery_app.control.purge()

    report = services.deliveries_send(event_id=event.pk)
    assert report.sent == 5
    assert len(smtp.messages) == 5
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING).count() == 7
    assert not Delivery.objects.filter(status=DeliveryStatus.SENDING).exists()
    assert queued_task_names() == ["alerts.deliveries_send"]
    celery_app.control.purge()

    settings.ALERTS_SEND_BUDGET_SECONDS = 60
    assert services.deliveries_send(event_id=event.pk).sent == 7
    assert queued_task_names() == []


def test_a_digest_sender_out_of_time_hands_the_rest_to_a_fresh_task(
    smtp: SMTPServer, settings: Any
) -> None:
    settings.ALERTS_SEND_BUDGET_SECONDS = 0
    event = meta_moves_to_leaning_open()
    for n in range(3):
        subscriber_make(f"reader{n}@example.org", company=event.company, frequency="daily")
    services.event_fan_out(event_id=event.pk)
    celery_app.control.purge()

    assert services.digests_send().sent == 1
    assert queued_task_names() == ["alerts.digests_send"]
    celery_app.control.purge()
    assert services.digests_send().sent == 1


@pytest.mark.slow
def test_a_soft_time_limit_mid_send_hands_back_the_unsent_rows_and_is_not_a_mail_error(
    smtp: SMTPServer,
) -> None:
    event = meta_moves_to_leaning_open()
    emails = [f"reader{n}@example.org" for n in range(6)]
    for email in emails:
        subscriber_make(email, company=event.company)
    services.event_fan_out(event_id=event.pk)
    messages_seen = 0

    def strike_during_the_second(envelope: Any) -> None:
        # The limit strikes while the 2nd mail is being sent, whatever the machine's load: the
        # server signals the sender once the 2nd message is in, and holds its reply a moment so
        # that the sender is still waiting for it when the signal is handled.
        nonlocal messages_seen
        messages_seen += 1
        if messages_seen == 2:
            os.kill(os.getpid(), signal.SIGALRM)
            time.sleep(0.3)  # blocking on purpose: the reply comes after the signal

    def soft_time_limit(signum: int, frame: Any) -> None:
        raise SoftTimeLimitExceeded()  # what Celery's prefork pool raises in the task

    previous = signal.signal(signal.SIGALRM, soft_time_limit)
    smtp.before_accept = strike_during_the_second
    try:
        with pytest.raises(SoftTimeLimitExceeded):
            services.deliveries_send(event_id=event.pk)
    finally:
        smtp.before_accept = None
        signal.signal(signal.SIGALRM, previous)

    assert not Delivery.objects.filter(status=DeliveryStatus.SENDING).exists()
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 1
    unsent = Delivery.objects.exclude(status=DeliveryStatus.SENT)
    assert set(unsent.values_list("status", flat=True)) == {DeliveryStatus.PENDING}
    assert set(unsent.values_list("attempts", flat=True)) == {0}, "no attempt was spent"
    assert set(unsent.values_list("last_error", flat=True)) == {""}, "not a mail error"

    services.deliveries_send(event_id=event.pk)
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 6
    received = Counter(m.to for m in smtp.messages)
    assert set(received) == set(emails)
    # The mail in flight when the limit struck may arrive twice, never more, nothing else.
    assert sum(received.values()) <= len(emails) + 1


@pytest.mark.slow
def test_a_backdated_statement_that_rewrites_old_history_tells_nobody_of_old_moves() -> None:
    lab = company_make(name="Meta", slug="meta")
    for year, stance in ((2021, "open"), (2022, "closed"), (2023, "open"), (2024, "closed")):
        statement_make(
            company=lab, stance=stance, occurred_on=datetime.date(year, 6, 1), publish=True
        )
    told = Event.objects.filter(kind=EventKind.STANCE_CHANGE)
    before = told.count()
    assert before == 4
    changes_before = set(StanceChange.objects.values_list("pk", flat=True))

    # An editor adds what the lab said in 2019 and mid-2021: the early history is redrawn.
    statement_make(
        company=lab, stance="closed", occurred_on=datetime.date(2019, 1, 1), publish=True
    )
    statement_make(
        company=lab, stance="closed", occurred_on=datetime.date(2021, 9, 1), publish=True
    )
    redrawn = StanceChange.objects.exclude(pk__in=changes_before)
    assert redrawn.exists(), "the backdated statements made new (historical) stance changes"
    # The latest move (2024) is restated with a redrawn old stance: still no news.
    assert max(c.date for c in redrawn) == datetime.date(2024, 6, 1)
    assert told.count() == before, "no alert about moves years old"
    assert Event.objects.filter(kind=EventKind.STATEMENT_PUBLISHED).count() == 6

    # A move on or after the lab's latest known one is news again.
    statement_make(company=lab, stance="open", occurred_on=datetime.date(2025, 7, 14), publish=True)
    latest = told.latest("id")
    assert latest.stance_change is not None
    assert latest.stance_change.date == datetime.date(2025, 7, 14)
    assert told.count() == before + 1

    # Another statement the same day that moves the lab further is news too.
    statement_make(
        company=lab, stance="closed", occurred_on=datetime.date(2025, 7, 14), publish=True
    )
    assert told.count() == before + 2
    same_day = told.latest("id").stance_change
    assert same_day is not None and same_day.date == datetime.date(2025, 7, 14)
    assert same_day.new_stance != latest.stance_change.new_stance
