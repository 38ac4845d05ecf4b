"""Reviewers are told that statements wait: a count in the admin, and an opt-in mail."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from apps.accounts import reviews
from apps.accounts.models import ReviewMail
from apps.claims import services as claims
from config.celery import app as celery_app
from tests.factories import company_make, statement_make
from tests.support.smtpserver import SMTPServer
from tests.support.waiting import wait_until
from tests.support.worker import CeleryWorker

pytestmark = pytest.mark.django_db

IN_REVIEW = "/admin/claims/statement/?state__exact=in_review"


def submitted(count: int, *, summary: str = "Meta closes its weights") -> None:
    """``count`` statements in review, and a draft that is not."""
    lab = company_make(name="Meta", slug="meta")
    for n in range(count):
        statement = statement_make(company=lab, summary=f"{summary} ({n + 1})")
        claims.statement_submit(statement=statement, user=None)
    statement_make(company=lab, summary="A draft nobody submitted yet")


def mail_on(user: User, *, language: str = "en", email: str = "") -> ReviewMail:
    User.objects.filter(pk=user.pk).update(email=email or f"{user.username}@example.org")
    user.refresh_from_db()
    mail = reviews.review_mail_set(user=user, wanted=True, language=language)
    assert mail is not None
    return mail


# The count in the admin ----------------------------------------------------------------------


@pytest.mark.slow
def test_every_admin_page_tells_a_reviewer_how_many_statements_wait(
    client: Client, reviewer: User
) -> None:
    submitted(3)
    client.force_login(reviewer)
    for path in ("/admin/", "/admin/catalog/company/"):
        page = client.get(path).content.decode()
        assert "3 statements wait for review." in page, path
        assert f'href="{IN_REVIEW}"' in page.replace("&amp;", "&")
    japanese = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "3 件の発言がレビュー待ちです。" in japanese


@pytest.mark.slow
def test_an_editor_and_an_empty_queue_show_no_count(
    client: Client, editor: User, reviewer: User
) -> None:
    client.force_login(reviewer)
    assert "wait for review" not in client.get("/admin/").content.decode()
    submitted(1)
    assert "1 statement waits for review." in client.get("/admin/").content.decode()
    client.force_login(editor)
    assert "for review." not in client.get("/admin/").content.decode()


# Turning the mail on and off -----------------------------------------------------------------


def test_a_reviewer_turns_the_mail_on_in_a_language_and_off_again(
    client: Client, reviewer: User
) -> None:
    client.force_login(reviewer)
    admin = client.get("/admin/").content.decode()
    assert 'href="/admin/review-mail/"' in admin
    page = client.get("/admin/review-mail/")
    assert page.status_code == 200
    assert "Mail me while statements wait for review" in page.content.decode()
    client.post("/admin/review-mail/", {"wanted": "on", "language": "ja"})
    assert ReviewMail.objects.get(user=reviewer).language == "ja"
    client.post("/admin/review-mail/", {"language": "ja"})
    assert not ReviewMail.objects.exists()


def test_an_editor_has_no_review_mail(client: Client, editor: User) -> None:
    client.force_login(editor)
    assert 'href="/admin/review-mail/"' not in client.get("/admin/").content.decode()
    assert client.get("/admin/review-mail/").status_code == 403
    assert client.post("/admin/review-mail/", {"wanted": "on"}).status_code == 403
    assert not ReviewMail.objects.exists()
    with pytest.raises(PermissionError):
        reviews.review_mail_set(user=editor, wanted=True, language="en")


# The mail ------------------------------------------------------------------------------------


def test_a_reviewer_who_asked_is_mailed_the_waiting_statements_once_per_interval(
    smtp: SMTPServer, reviewer: User, editor: User, settings: Any
) -> None:
    settings.REVIEW_MAIL_INTERVAL_HOURS = 24
    mail_on(reviewer)
    assert reviews.review_mails_send().sent == 0, "nothing waits: no mail"
    submitted(2)

    assert reviews.review_mails_send().sent == 1
    [mail] = smtp.messages
    assert mail.to == "rita@example.org"
    assert mail.message["Subject"] == "Aperture: 2 statements wait for review"
    text = mail.part("text/plain")
    assert "2 statements wait for review on Aperture:" in text
    assert "- Meta: Meta closes its weights (1)" in text
    assert "A draft nobody submitted yet" not in text
    assert "http://testserver/admin/claims/statement/" in text
    assert f"http://testserver{IN_REVIEW}" in text
    assert "http://testserver/admin/review-mail/" in text

    assert reviews.review_mails_send().sent == 0, "not again within the interval"
    later = timezone.now() + datetime.timedelta(hours=25)
    assert reviews.review_mails_send(now=later).sent == 1, "again once it has passed"
    assert len(smtp.messages) == 2


@pytest.mark.slow
def test_the_mail_is_in_the_reviewers_language_and_lists_at_most_twenty(
    smtp: SMTPServer, reviewer: User
) -> None:
    mail_on(reviewer, language="ja")
    submitted(23)
    reviews.review_mails_send()
    [mail] = smtp.messages
    assert mail.message["Subject"] == "Aperture: 23 件の発言がレビュー待ちです"
    text = mail.part("text/plain")
    assert text.count("\n- Meta: ") == 20
    assert "ほか 3 件" in text


def test_no_mail_to_someone_no_longer_a_reviewer_or_without_an_address(
    smtp: SMTPServer, reviewer: User
) -> None:
    mail_on(reviewer)
    other = User.objects.create(username="ruth", is_staff=True, email="")
    other.groups.set(reviewer.groups.all())
    ReviewMail.objects.create(user=other)
    submitted(1)
    reviewer.groups.clear()
    assert reviews.review_mails_send().sent == 0
    assert smtp.messages == []


def test_a_mail_the_server_refuses_for_now_is_tried_again_on_the_next_run(
    smtp: SMTPServer, reviewer: User
) -> None:
    mail_on(reviewer)
    submitted(1)
    smtp.refuse("rita@example.org", "451 4.3.0 Try again later")
    report = reviews.review_mails_send()
    assert (report.sent, report.failed) == (0, 1)
    row = ReviewMail.objects.get()
    assert row.last_sent_at is None and "451" in row.last_error
    smtp.refusals.clear()
    assert reviews.review_mails_send().sent == 1
    row.refresh_from_db()
    assert row.last_sent_at is not None and row.last_error == ""


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_beat_s_task_mails_the_reviewer_from_a_worker_on_the_maintenance_queue(
    smtp: SMTPServer, reviewer: User, settings: Any
) -> None:
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.fail("Worker tests need REDIS_URL (make test sets it).")
    schedule = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "accounts.review_mails_send" in schedule
    mail_on(reviewer)
    submitted(1)
    celery_app.control.purge()
    worker = CeleryWorker(
        queues=("maintenance",), extra_env={**smtp.env(), "SITE_URL": "http://testserver"}
    ).start()
    try:
        celery_app.send_task("accounts.review_mails_send")
        [mail] = smtp.wait_for(1)
        assert mail.message["Subject"] == "Aperture: 1 statement waits for review"
        wait_until(
            lambda: ReviewMail.objects.get().last_sent_at is not None,
            timeout=30,
            what="the row marked sent",
        )
    finally:
        worker.stop()
