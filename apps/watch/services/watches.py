"""Watched pages: added by an editor, checked on their interval, each meaningful change kept.

A check reads the page's text (its selector's, with the lines its filter ignores dropped) and
compares it with the last snapshot. The first reading is the baseline; a reading whose words
differ from the last snapshot by more than WATCH_CHANGE_THRESHOLD is a new snapshot waiting for
an editor (apps/watch/services/review.py). A 304, or the same text as the last check, writes
nothing but the next due time; smaller differences are not kept, and are measured against the
last snapshot, so that a page drifting a word at a time is caught once the drift adds up.
"""

from __future__ import annotations

import datetime
import re
import zlib
from collections import Counter
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction

from apps.catalog.models import AIModel, Company
from apps.lib.css import SelectorError, css_to_xpath
from apps.lib.fetch import FetchError
from apps.lib.permissions import permission_require
from apps.lib.urls import url_validate

from ..conf import watch_conf
from ..diff import words_diff
from ..hosts import HostGate, conditional_fetch, failure_of, host_of
from ..models import Review, Watch, WatchSnapshot, WatchState
from ..reading import Unreadable, ignore_patterns, page_read
from .common import checks_drain, claim_release


def watch_create(
    *,
    url: str,
    selector: str = "",
    ignore: str = "",
    interval_minutes: int | None = None,
    company: Company | None = None,
    ai_models: Iterable[AIModel] = (),
    user: User | AnonymousUser | None = None,
) -> Watch:
    """A new watch on ``url``, due at once; ValidationError for a URL, selector or filter we
    cannot use. user=None is the system (a management command)."""
    permission_require(user, "watch.add_watch", "watch pages")
    watch = Watch(
        url=url_validate(url),
        selector=selector.strip(),
        ignore=ignore,
        interval_minutes=interval_minutes or watch_conf().watch_interval_minutes,
        company=company,
        created_by=user if isinstance(user, User) else None,
    )
    watch_validate(watch)
    with transaction.atomic():
        watch.full_clean()
        watch.save()
        watch.ai_models.set(list(ai_models))
    return watch


def watch_validate(watch: Watch) -> None:
    """ValidationError if the watch's selector or filter cannot be used (the admin form too)."""
    errors: dict[str, str] = {}
    if watch.selector:
        try:
            css_to_xpath(watch.selector)
        except SelectorError as error:
            errors["selector"] = str(error)
    try:
        ignore_patterns(watch.ignore)
    except re.error as error:
        errors["ignore"] = f"Not a regular expression: {error}."
    if watch.interval_minutes is not None and watch.interval_minutes < 1:
        errors["interval_minutes"] = "The interval is at least one minute."
    if errors:
        raise ValidationError(errors)


def watches_check(*, everything: bool = False, budget_seconds: float | None = None) -> Counter[str]:
    """Check the active watches that are due (or all of them), in this process."""
    return checks_drain(
        Watch.objects.filter(active=True),
        check_one=watch_check_one,
        url_of=lambda watch: watch.url,
        due_only=not everything,
        budget_seconds=budget_seconds,
    )


def watch_check_one(watch: Watch, token: str, gate: HostGate, now: datetime.datetime) -> str:
    """Check one claimed watch; returns "unchanged", "minor", "baseline", "changed" or a state."""
    interval = datetime.timedelta(minutes=watch.interval_minutes)
    ok = watch.state == WatchState.OK
    validators = {"etag": watch.etag, "last_modified": watch.last_modified} if ok else {}
    last = watch.snapshots.order_by("-retrieved_at", "-id").first()
    try:
        result = conditional_fetch(watch.url, **validators)
        if result.not_modified:
            claim_release(Watch, watch.pk, token, next_check_at=now + interval)
            return "unchanged"
        reading = page_read(
            result,
            selector=watch.selector,
            ignore=ignore_patterns(watch.ignore),
            compare_with=last.text if last else None,
        )
    except FetchError as error:
        failure = failure_of(error)
        if failure.retry_in is not None:
            gate.back_off(host_of(watch.url), failure.retry_in)
        retry = datetime.timedelta(seconds=failure.retry_in) if failure.retry_in else interval
        claim_release(
            Watch,
            watch.pk,
            token,
            state=failure.state,
            detail=failure.detail,
            checked_at=now,
            next_check_at=now + retry,
        )
        return failure.state
    except Unreadable as error:
        claim_release(
            Watch,
            watch.pk,
            token,
            state=error.state,
            detail=error.message,
            checked_at=now,
            next_check_at=now + interval,
        )
        return error.state
    fields = {
        "state": WatchState.OK,
        "detail": reading.note,
        "text_hash": reading.text_hash,
        "etag": (result.etag or "")[:500],
        "last_modified": (result.last_modified or "")[:100],
        "checked_at": now,
        "next_check_at": now + interval,
    }
    if ok and (reading.text_hash, reading.note) == (watch.text_hash, watch.detail):
        claim_release(Watch, watch.pk, token, next_check_at=now + interval)
        return "unchanged"
    if not watch.title and reading.title:
        fields["title"] = reading.title[:300]
    diff, ratio = words_diff(last.text, reading.text) if last else ([], 1.0)
    outcome = "baseline" if last is None else "changed"
    if last is not None and (
        last.text_hash == reading.text_hash or ratio <= watch_conf().change_threshold
    ):
        outcome = "minor"
    with transaction.atomic():
        if outcome != "minor":
            WatchSnapshot.objects.create(
                watch=watch,
                retrieved_at=now,
                status=result.status,
                final_url=result.final_url[:1000],
                text=reading.text,
                text_hash=reading.text_hash,
                raw=zlib.compress(result.body, 6),
                content_type=result.headers.get("content-type", "")[:140],
                diff=diff,
                change_ratio=None if last is None else ratio,
                review=Review.NONE if last is None else Review.PENDING,
            )
        claim_release(Watch, watch.pk, token, **fields)
    return outcome
