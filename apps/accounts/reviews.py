"""Telling reviewers that statements wait for review: a count on every admin page, and a mail.

The count is shown to whoever may publish (the Reviewer group, superusers) at the top of each
admin page, linked to the statements in review. The mail is opt-in, per reviewer (Admin ->
Review mail): beat's hourly ``accounts.review_mails_send`` (the maintenance queue) mails each
reviewer who asked for it, while statements wait, at most once per REVIEW_MAIL_INTERVAL_HOURS,
in the language they chose. A reviewer who lost the permission, or has no address, gets none.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.mail import EmailMultiAlternatives
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from apps.claims.models import EditorialState, Statement
from apps.lib.conf import setting, settings_read

from .models import ReviewMail

logger = logging.getLogger(__name__)

PUBLISH_PERMISSION = "claims.publish_statement"
#: The most statements one mail lists; the link to the admin's list shows them all.
MAIL_LIST_MAX = 20


@dataclass(frozen=True)
class ReviewConf:
    # A reviewer who asked for the mail gets at most one in this many hours, and only while
    # statements wait.
    mail_interval_hours: float = setting("REVIEW_MAIL_INTERVAL_HOURS", 24.0)


def review_conf() -> ReviewConf:
    return settings_read(ReviewConf)


def statements_in_review() -> QuerySet[Statement]:
    """Statements submitted for review and not yet published, longest waiting first."""
    return (
        Statement.objects.filter(state=EditorialState.IN_REVIEW)
        .select_related("company")
        .order_by("updated_at", "pk")
    )


def in_review_url() -> str:
    """The admin's list of the statements in review (path only)."""
    return f"{reverse('admin:claims_statement_changelist')}?state__exact={EditorialState.IN_REVIEW}"


def is_reviewer(user: User | AnonymousUser) -> bool:
    return bool(user.is_active and user.has_perm(PUBLISH_PERMISSION))


def review_mail_set(*, user: User, wanted: bool, language: str) -> ReviewMail | None:
    """Turn the reviewer's mail on (in ``language``) or off; only a reviewer may have it."""
    if not wanted:
        ReviewMail.objects.filter(user=user).delete()
        return None
    if not is_reviewer(user):
        raise PermissionError("Only a reviewer can be mailed about statements waiting for review.")
    review_mail, _ = ReviewMail.objects.update_or_create(user=user, defaults={"language": language})
    return review_mail


@dataclass
class ReviewMailReport:
    sent: int = 0
    failed: int = 0


def review_mails_send(*, now: datetime.datetime | None = None) -> ReviewMailReport:
    """Mail each reviewer who asked for it, if statements wait and their interval has passed.

    Each row is claimed by moving ``last_sent_at`` from what was read to now (a conditional
    UPDATE): of two senders at once, one mails. A failed send puts the old value back, so the
    next run tries again, and records why.
    """
    now = now or timezone.now()
    report = ReviewMailReport()
    waiting = list(statements_in_review()[: MAIL_LIST_MAX + 1])
    if not waiting:
        return report
    total = statements_in_review().count()
    due_before = now - datetime.timedelta(hours=review_conf().mail_interval_hours)
    rows = ReviewMail.objects.select_related("user").filter(
        user__is_active=True, user__is_staff=True
    )
    for row in rows:
        if row.last_sent_at is not None and row.last_sent_at > due_before:
            continue
        if not row.user.email or not is_reviewer(row.user):
            continue
        claimed = ReviewMail.objects.filter(pk=row.pk, last_sent_at=row.last_sent_at).update(
            last_sent_at=now
        )
        if not claimed:
            continue  # another sender has it
        try:
            review_mail_message(row=row, statements=waiting[:MAIL_LIST_MAX], total=total).send()
        except (smtplib.SMTPException, OSError, ValueError) as error:
            ReviewMail.objects.filter(pk=row.pk, last_sent_at=now).update(
                last_sent_at=row.last_sent_at, last_error=str(error)[:2000]
            )
            logger.warning("review mail to user %s failed: %s", row.user_id, error)
            report.failed += 1
            continue
        ReviewMail.objects.filter(pk=row.pk).update(last_error="")
        report.sent += 1
    return report


def review_mail_message(
    *, row: ReviewMail, statements: list[Statement], total: int
) -> EmailMultiAlternatives:
    base = settings.SITE_URL
    with translation.override(row.language):
        subject = ngettext(
            "Aperture: %(count)d statement waits for review",
            "Aperture: %(count)d statements wait for review",
            total,
        ) % {"count": total}
        context = {
            "total": total,
            "statements": [
                (
                    statement,
                    base + reverse("admin:claims_statement_change", args=[statement.pk]),
                )
                for statement in statements
            ],
            "more": total - len(statements),
            "list_url": base + in_review_url(),
            "settings_url": base + reverse("accounts:review_mail"),
        }
        text = render_to_string("accounts/email/review_waiting.txt", context)
    return EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[row.user.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
