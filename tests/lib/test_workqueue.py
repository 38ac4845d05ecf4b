"""The work queue (apps/lib/workqueue.py) on real rows: alert deliveries and article URLs, in
PostgreSQL, with real row locks and threads that claim at the same time."""

from __future__ import annotations

import datetime
import random
import threading
from collections import Counter
from typing import Any

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection, transaction
from django.utils import timezone

from apps.alerts.models import Delivery, DeliveryStatus, Event, EventKind, Subscriber
from apps.ingest.models import ArticleState, ArticleURL
from apps.lib.workqueue import (
    Backoff,
    Budget,
    Claim,
    Flow,
    Stopped,
    WorkQueue,
    backoff_seconds,
    drain,
    rows_claim,
)
from tests.factories import company_make, statement_make

QUEUE = WorkQueue(
    Delivery,
    pending=DeliveryStatus.PENDING,
    claimed=DeliveryStatus.SENDING,
    failed=DeliveryStatus.FAILED,
)
# A table without a claim token column: the claim time marks a claim.
ARTICLE_URLS = WorkQueue(
    ArticleURL,
    pending=ArticleState.PENDING,
    claimed=ArticleState.FETCHING,
    failed=ArticleState.FAILED,
    status_field="state",
    claim_field=None,
    next_attempt_at_field=None,
)
BACKOFF = Backoff(base=30, cap=3600)


def deliveries_make(count: int) -> list[int]:
    """``count`` pending deliveries of one event, oldest first (no broker message is sent)."""
    lab = company_make()
    event = Event.objects.create(
        kind=EventKind.STATEMENT_PUBLISHED, company=lab, statement=statement_make(company=lab)
    )
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{n}@example.org") for n in range(count)
    )
    rows = Delivery.objects.bulk_create(Delivery(event=event, subscriber=s) for s in subscribers)
    return [row.pk for row in rows]


def statuses() -> Counter[str]:
    return Counter(Delivery.objects.values_list("status", flat=True))


@pytest.mark.django_db
def test_a_claim_takes_due_rows_in_order_counts_an_attempt_and_marks_them_as_its_own() -> None:
    ids = deliveries_make(5)
    claim = QUEUE.claim(size=3)
    assert claim.ids == ids[:3]
    assert len(claim.token) == 32
    for row in Delivery.objects.filter(pk__in=ids[:3]):
        assert (row.status, row.claim, row.attempts) == ("sending", claim.token, 1)
        assert row.claimed_at == claim.claimed_at
    assert list(claim.rows().values_list("pk", flat=True).order_by("pk")) == ids[:3]
    assert statuses() == {"sending": 3, "pending": 2}


@pytest.mark.django_db
def test_rows_not_due_yet_or_claimed_already_or_outside_the_queryset_are_not_claimed() -> None:
    ids = deliveries_make(4)
    Delivery.objects.filter(pk=ids[0]).update(
        next_attempt_at=timezone.now() + datetime.timedelta(minutes=5)
    )
    first = QUEUE.claim(queryset=Delivery.objects.filter(pk__in=ids[:3]), size=None)
    assert first.ids == ids[1:3]
    second = QUEUE.claim(size=None)
    assert second.ids == [ids[3]]
    assert QUEUE.claim(size=None).ids == []


@pytest.mark.django_db
def test_a_claim_can_take_over_rows_whose_claim_is_stale() -> None:
    ids = deliveries_make(2)
    old = QUEUE.claim(size=None, now=timezone.now() - datetime.timedelta(hours=1))
    assert QUEUE.claim(size=None, stale_after=600).ids == ids
    assert old.rows().count() == 0, "the old claim no longer holds its rows"
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {2}


@pytest.mark.django_db
def test_settling_needs_the_claim_to_still_hold_the_row() -> None:
    ids = deliveries_make(2)
    claim = QUEUE.claim(size=None, now=timezone.now() - datetime.timedelta(hours=1))
    assert claim.settle([ids[0]], status=DeliveryStatus.SENT, error="", sent_at=timezone.now())
    assert QUEUE.reclaim_stale(older_than=60) == [ids[1]]
    assert claim.settle([ids[1]], status=DeliveryStatus.SENT) == 0
    first, second = Delivery.objects.order_by("pk")
    assert (first.status, first.claim, first.sent_at is not None) == ("sent", "", True)
    assert (second.status, second.claim) == ("pending", "")


@pytest.mark.django_db
def test_a_failure_for_now_backs_off_and_the_last_allowed_attempt_fails_for_good() -> None:
    ids = deliveries_make(2)
    claim = QUEUE.claim(size=None)
    before = timezone.now()
    retry = claim.retry_later(
        [ids[0]], attempts=1, max_attempts=3, backoff=BACKOFF, error="451 try later" * 500
    )
    assert not retry.gave_up
    assert retry.retry_in is not None and 15 <= retry.retry_in <= 30
    row = Delivery.objects.get(pk=ids[0])
    assert (row.status, row.claim, row.attempts) == ("pending", "", 1)
    assert row.next_attempt_at is not None and row.next_attempt_at >= before
    assert len(row.last_error) == 2000
    assert QUEUE.claim(size=None).ids == [], "not due again yet"

    last = claim.retry_later([ids[1]], attempts=3, max_attempts=3, backoff=BACKOFF, error="451")
    assert (last.gave_up, last.retry_in) == (True, None)
    assert Delivery.objects.get(pk=ids[1]).status == DeliveryStatus.FAILED


@pytest.mark.django_db
def test_handing_back_returns_untried_rows_at_no_cost_of_an_attempt() -> None:
    ids = deliveries_make(3)
    claim = QUEUE.claim(size=None)
    assert claim.hand_back([ids[0]], digest=True) == 1
    row = Delivery.objects.get(pk=ids[0])
    assert (row.status, row.claim, row.attempts, row.digest) == ("pending", "", 0, True)
    claim.settle([ids[1]], status=DeliveryStatus.SENT)
    assert claim.hand_back() == 1, "only what the claim still holds"
    assert statuses() == {"pending": 2, "sent": 1}
    assert Delivery.objects.get(pk=ids[2]).attempts == 0


@pytest.mark.django_db
def test_reclaiming_takes_back_only_claims_older_than_the_timeout_and_keeps_their_attempt() -> None:
    ids = deliveries_make(3)
    dead = QUEUE.claim(
        queryset=Delivery.objects.filter(pk__in=ids[:2]),
        size=None,
        now=timezone.now() - datetime.timedelta(minutes=20),
    )
    live = QUEUE.claim(size=None)
    assert live.ids == [ids[2]]
    assert QUEUE.reclaim_stale(older_than=600) == dead.ids
    assert QUEUE.reclaim_stale(older_than=600) == []
    for row in Delivery.objects.filter(pk__in=ids[:2]):
        assert (row.status, row.claim, row.attempts) == ("pending", "", 1)
    assert Delivery.objects.get(pk=ids[2]).status == DeliveryStatus.SENDING


def test_backoff_doubles_from_its_base_with_jitter_and_never_passes_the_cap() -> None:
    random.seed(7)
    for attempt, ceiling in ((1, 30), (2, 60), (3, 120), (4, 240), (9, 3600), (60, 3600)):
        waits = [backoff_seconds(attempt=attempt, base=30, cap=3600) for _ in range(200)]
        assert all(ceiling / 2 <= wait <= ceiling for wait in waits), (attempt, waits)
        assert max(waits) - min(waits) > ceiling / 10, "rows that failed together spread out"
    assert BACKOFF.seconds(0) <= 30


@pytest.mark.django_db
def test_a_table_without_a_token_column_marks_its_claim_with_the_claim_time() -> None:
    url = ArticleURL.objects.create(url="https://example.org/story")
    claim = ARTICLE_URLS.claim(queryset=ArticleURL.objects.filter(pk=url.pk), size=1)
    assert claim.ids == [url.pk] and claim.token == ""
    url.refresh_from_db()
    assert (url.state, url.attempts, url.claimed_at) == ("fetching", 1, claim.claimed_at)
    assert ARTICLE_URLS.claim(size=1).ids == []
    assert claim.settle([url.pk], status=ArticleState.DONE, error="") == 1
    assert ArticleURL.objects.get(pk=url.pk).state == ArticleState.DONE


@pytest.mark.django_db
def test_rows_claim_marks_only_rows_that_still_match_and_returns_them() -> None:
    ids = deliveries_make(3)
    moment = timezone.now()
    waiting = Delivery.objects.filter(claimed_at__isnull=True)
    assert rows_claim(waiting, update={"claimed_at": moment}, mark="claimed_at", limit=2) == ids[:2]
    assert rows_claim(waiting, update={"claimed_at": moment}, mark="claimed_at") == ids[2:]
    assert rows_claim(waiting, update={"claimed_at": moment}, mark="claimed_at") == []


@pytest.mark.django_db(transaction=True)
def test_a_claim_skips_a_row_another_transaction_has_locked() -> None:
    ids = deliveries_make(3)
    locked, release = threading.Event(), threading.Event()

    def hold_the_first_row() -> None:
        try:
            with transaction.atomic():
                Delivery.objects.select_for_update().get(pk=ids[0])
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_first_row)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        assert QUEUE.claim(size=None).ids == ids[1:], "no waiting on the lock, no double claim"
    finally:
        release.set()
        holder.join(timeout=30)
    assert QUEUE.claim(size=None).ids == [ids[0]]


@pytest.mark.django_db(transaction=True)
def test_four_workers_claiming_at_once_never_hold_the_same_row() -> None:
    ids = deliveries_make(60)
    start = threading.Barrier(4)
    taken: list[list[int]] = []
    failures: list[BaseException] = []

    def worker() -> None:
        mine: list[int] = []
        try:
            start.wait(timeout=30)
            while claim := QUEUE.claim(size=3).ids:
                mine += claim
        except BaseException as exc:
            failures.append(exc)
        finally:
            taken.append(mine)
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    every = [pk for mine in taken for pk in mine]
    assert sorted(every) == ids, "each row claimed once, none left"
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


# drain ---------------------------------------------------------------------------------------


def send_all(sent: list[int]) -> Any:
    def handle(claim: Claim[Delivery], budget: Budget) -> Flow:
        for pk in claim.ids:
            claim.settle([pk], status=DeliveryStatus.SENT)
            sent.append(pk)
        return Flow.CONTINUE

    return handle


def claims(size: int) -> Any:
    return lambda: QUEUE.claim(size=size)


@pytest.mark.django_db
def test_drain_claims_batch_after_batch_until_nothing_is_left() -> None:
    ids = deliveries_make(7)
    sent: list[int] = []
    drained = drain(claim=claims(3), handle=send_all(sent), budget_seconds=60)
    assert (drained.stopped, drained.batches, drained.handed_back) == (Stopped.EMPTY, 3, 0)
    assert sent == ids
    assert statuses() == {"sent": 7}


@pytest.mark.django_db
def test_drain_stops_after_max_batches() -> None:
    deliveries_make(7)
    drained = drain(claim=claims(3), handle=send_all([]), budget_seconds=60, max_batches=2)
    assert (drained.stopped, drained.batches) == (Stopped.MAX_BATCHES, 2)
    assert statuses() == {"sent": 6, "pending": 1}


@pytest.mark.django_db
def test_drain_with_its_budget_spent_still_does_one_batch_then_stops() -> None:
    deliveries_make(7)
    drained = drain(claim=claims(3), handle=send_all([]), budget_seconds=0)
    assert (drained.stopped, drained.batches) == (Stopped.OUT_OF_TIME, 1)
    assert statuses() == {"sent": 3, "pending": 4}


@pytest.mark.django_db
def test_a_handler_that_stops_midway_has_the_rest_handed_back_untried() -> None:
    ids = deliveries_make(5)

    def first_then_unreachable(claim: Claim[Delivery], budget: Budget) -> Flow:
        claim.settle([claim.ids[0]], status=DeliveryStatus.SENT)
        return Flow.STOP

    drained = drain(claim=claims(5), handle=first_then_unreachable, budget_seconds=60)
    assert (drained.stopped, drained.batches, drained.handed_back) == (Stopped.HANDLER, 1, 4)
    assert statuses() == {"sent": 1, "pending": 4}
    assert set(Delivery.objects.exclude(pk=ids[0]).values_list("attempts", "claim")) == {(0, "")}


@pytest.mark.django_db
def test_a_handler_out_of_time_between_rows_ends_the_drain_and_loses_nothing() -> None:
    deliveries_make(4)

    def none_in_time(claim: Claim[Delivery], budget: Budget) -> Flow:
        return Flow.OUT_OF_TIME if budget.spent() else Flow.CONTINUE

    drained = drain(claim=claims(2), handle=none_in_time, budget_seconds=0)
    assert (drained.stopped, drained.handed_back) == (Stopped.OUT_OF_TIME, 2)
    assert statuses() == {"pending": 4}
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {0}


@pytest.mark.django_db
def test_a_handler_that_means_to_go_on_but_leaves_rows_does_not_loop_on_them() -> None:
    deliveries_make(3)
    calls: list[int] = []

    def forgetful(claim: Claim[Delivery], budget: Budget) -> Flow:
        calls.append(len(claim))
        return Flow.CONTINUE

    drained = drain(claim=claims(3), handle=forgetful, budget_seconds=60)
    assert (drained.stopped, calls) == (Stopped.HANDLER, [3])
    assert statuses() == {"pending": 3}


@pytest.mark.django_db
def test_a_soft_time_limit_mid_batch_hands_back_the_unsent_rows_and_is_raised_on() -> None:
    ids = deliveries_make(4)

    def cut_off(claim: Claim[Delivery], budget: Budget) -> Flow:
        claim.settle([claim.ids[0]], status=DeliveryStatus.SENT)
        raise SoftTimeLimitExceeded()

    with pytest.raises(SoftTimeLimitExceeded):
        drain(claim=claims(4), handle=cut_off, budget_seconds=60)
    assert statuses() == {"sent": 1, "pending": 3}
    assert set(Delivery.objects.exclude(pk=ids[0]).values_list("attempts", flat=True)) == {0}


@pytest.mark.django_db
def test_any_other_error_leaves_the_batch_claimed_for_the_sweeper() -> None:
    deliveries_make(2)

    def bug(claim: Claim[Delivery], budget: Budget) -> Flow:
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        drain(claim=claims(2), handle=bug, budget_seconds=60)
    assert statuses() == {"sending": 2}
    assert QUEUE.reclaim_stale(older_than=0) != []
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
