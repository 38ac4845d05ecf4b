"""Sending alert mail exactly once: instant alerts, and the daily digest.

Both take their deliveries from the work queue (:data:`.queue.DELIVERIES`, the rules are in
apps/lib/workqueue.py) through the one sender loop (:func:`.queue.senders_run`). Each mail is
marked sent right after the SMTP server accepted it, and only then does the sender move on. A
killed sender leaves its unsent rows claimed, and the sweeper hands them back after the claim
timeout. The one window that remains is a kill between the server's 250 and our UPDATE, a few
milliseconds per message, where a mail can go out twice; nothing is ever lost. Both copies
then carry the same Message-ID (:func:`..mails.delivery_message_id`), so a repeat can be told.
Duplicates are bounded by the senders: one message in flight each at the moment of a crash.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from email.policy import SMTP

from django.db.models import Count
from django.utils import timezone

from apps.lib.outage import database_retry
from apps.lib.workqueue import Budget, Claim, Flow

from ..conf import AlertsConf, alerts_conf
from ..mail import MailError, MailSession
from ..mails import AlertVariants, alert_mail, delivery_message_id, mail_address_check
from ..models import Delivery, DeliveryStatus
from .bounces import bounce_record
from .queue import (
    DELIVERIES,
    AlertTask,
    SendOutcome,
    SendReport,
    SendResult,
    claims_of,
    senders_run,
)
from .texts import EventTexts

logger = logging.getLogger(__name__)

#: The most events one digest mail carries; a reader with more gets a second digest.
DIGEST_MAX_EVENTS = 500


def deliveries_send(*, event_id: int | None = None, max_batches: int | None = None) -> SendReport:
    """Claim and send due instant deliveries (of one event, or all) until none is left,
    ``max_batches`` are done, or ALERTS_SEND_BUDGET_SECONDS have passed; a fresh task then
    carries on with the rest. A mail server that cannot be reached, or refuses us whoever the
    mail is for, stops the run: what was not tried is handed back, and a fresh task tries again
    when the first retry is due (the backoff of the one delivery tried).
    """
    conf = alerts_conf()
    report = SendReport()
    texts = EventTexts()
    variants = AlertVariants()
    queryset = Delivery.objects.filter(digest=False)
    if event_id is not None:
        queryset = queryset.filter(event_id=event_id)
    with MailSession() as session:

        def handle(claim: Claim[Delivery], budget: Budget) -> Flow:
            deliveries_defer_over_limit(claim=claim)
            for delivery in claim.rows().select_related("subscriber").order_by("id"):
                result = _mail_send(session, [delivery], claim, texts, conf, variants)
                report.count(result)
                error = session.last_error
                if result.outcome is SendOutcome.RETRY and error is not None and error.server_wide:
                    return Flow.STOP  # the rest of the batch costs no attempt
            return Flow.CONTINUE

        senders_run(
            task=AlertTask.DELIVERIES_SEND,
            args=(event_id,),
            claim=claims_of(DELIVERIES, queryset, conf.send_batch),
            handle=handle,
            report=report,
            max_batches=max_batches,
        )
    return report


def deliveries_defer_over_limit(*, claim: Claim[Delivery]) -> int:
    """The rate limit on mail to one address: an instant alert to an address that already got
    ALERTS_MAX_INSTANT_MAILS_PER_DAY in the last day joins its next daily digest instead.

    Nothing is dropped: the row is handed back pending, as a digest row, at no cost of an
    attempt. Returns how many were deferred.
    """
    limit = alerts_conf().max_instant_mails_per_day
    since = timezone.now() - datetime.timedelta(days=1)
    claimed = list(claim.rows().order_by("id").values_list("id", "subscriber_id"))
    sent_today: dict[int, int] = dict(
        Delivery.objects.filter(
            subscriber_id__in={sid for _, sid in claimed},
            digest=False,
            status=DeliveryStatus.SENT,
            sent_at__gte=since,
        )
        .values("subscriber_id")
        .annotate(n=Count("id"))
        .values_list("subscriber_id", "n")
    )
    deferred: list[int] = []
    for pk, subscriber_id in claimed:
        if sent_today.get(subscriber_id, 0) >= limit:
            deferred.append(pk)
        else:
            sent_today[subscriber_id] = sent_today.get(subscriber_id, 0) + 1
    if not deferred:
        return 0
    return claim.hand_back(
        deferred,
        digest=True,
        last_error="Daily limit of instant mails reached: moved to the digest.",
    )


def digests_send() -> SendReport:
    """The daily digest: each subscriber's due digest deliveries, in one mail.

    Like :func:`deliveries_send`, it stops after ALERTS_SEND_BUDGET_SECONDS and hands the rest
    to a fresh task. Its retries wait for the next digest.
    """
    conf = alerts_conf()
    report = SendReport()
    texts = EventTexts()
    subscriber_ids = iter(
        list(
            DELIVERIES.due(Delivery.objects.filter(digest=True))
            .order_by("subscriber_id")
            .values_list("subscriber_id", flat=True)
            .distinct()
        )
    )

    def claim_next() -> Claim[Delivery]:
        """One subscriber's digest rows; a subscriber another sender has is passed over."""
        for subscriber_id in subscriber_ids:
            claim = DELIVERIES.claim(
                queryset=Delivery.objects.filter(digest=True, subscriber_id=subscriber_id),
                size=DIGEST_MAX_EVENTS,
            )
            if claim.ids:
                return claim
        return DELIVERIES.nothing()

    with MailSession() as session:

        def handle(claim: Claim[Delivery], budget: Budget) -> Flow:
            rows = list(
                claim.rows().select_related("subscriber").order_by("event__created_at", "id")
            )
            if rows:
                report.count(_mail_send(session, rows, claim, texts, conf))
            return Flow.CONTINUE

        senders_run(
            task=AlertTask.DIGESTS_SEND,
            claim=claim_next,
            handle=handle,
            report=report,
            retry_soon=False,
        )
    return report


def _mail_send(
    session: MailSession,
    deliveries: Sequence[Delivery],
    claim: Claim[Delivery],
    texts: EventTexts,
    conf: AlertsConf,
    variants: AlertVariants | None = None,
) -> SendResult:
    """Send one mail carrying ``deliveries`` (one instant alert, or a subscriber's digest)."""
    subscriber = deliveries[0].subscriber
    ids = [d.pk for d in deliveries]
    if subscriber is None:  # deleted after the row was claimed (subscriber_delete)
        claim.settle(ids, status=DeliveryStatus.SKIPPED, error="Subscriber deleted.")
        return SendResult(SendOutcome.SKIPPED)
    if not subscriber.is_mailable:
        claim.settle(ids, status=DeliveryStatus.SKIPPED, error="Unsubscribed or bouncing.")
        return SendResult(SendOutcome.SKIPPED)
    try:
        event_texts = texts.get([d.event_id for d in deliveries], subscriber.language)
        if variants is not None and not deliveries[0].digest:
            message = variants.mail(
                subscriber=subscriber,
                text=event_texts[0],
                message_id=delivery_message_id(deliveries),
            )
        else:
            message = alert_mail(
                subscriber=subscriber,
                texts=event_texts,
                digest=deliveries[0].digest,
                message_id=delivery_message_id(deliveries),
            )
        # Built here, as the mailer would build it, so that a header or address Python's email
        # package refuses is our message's fault and never taken for the address bouncing
        # (a mail copied from its variant's was built once; its reader's address is checked).
        if message.prebuilt is None:
            message.message(policy=SMTP)
        else:
            mail_address_check(subscriber.email)
    except ValueError as exc:
        claim.settle(ids, status=DeliveryStatus.FAILED, error=f"The mail could not be built: {exc}")
        logger.warning("alert mail for deliveries %s could not be built: %s", ids, exc)
        return SendResult(SendOutcome.FAILED)
    try:
        session.send(message)
    except MailError as error:
        if error.permanent:
            claim.settle(ids, status=DeliveryStatus.FAILED, error=str(error))
            if error.bounces:
                bounce_record(email=subscriber.email, code=error.code, message=str(error))
            return SendResult(SendOutcome.FAILED)
        retries = [
            claim.retry_later(
                [delivery.pk],
                attempts=delivery.attempts,
                max_attempts=conf.max_attempts,
                backoff=conf.backoff,
                error=str(error),
            )
            for delivery in deliveries
        ]
        delays = [retry.retry_in for retry in retries if retry.retry_in is not None]
        if retries[-1].gave_up or not delays:
            return SendResult(SendOutcome.FAILED)
        return SendResult(SendOutcome.RETRY, retry_in=min(delays))
    # Marked right away, one UPDATE per mail: a kill after this line never resends it. The
    # server has the mail now, so a database restart in between is waited out, not given up on
    # (given up, the sweeper would reclaim the row and send the mail again).
    sent_at = timezone.now()
    database_retry(
        lambda: claim.settle(ids, status=DeliveryStatus.SENT, error="", sent_at=sent_at),
        what="marking a sent mail sent",
    )
    return SendResult(SendOutcome.SENT)
