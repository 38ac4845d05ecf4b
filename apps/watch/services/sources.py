"""Cited sources: archived when first cited, then checked for link rot.

When a statement cites a source (claims announces SourcesCited), each source gets a SourceCheck
row. A source without an archive is due at once: its first check fetches the page and stores it
as the source's archive (catalog's source_archive_set, which never replaces an archive). Every
later check compares the page with that archive: alive, moved (the new URL), gone (404/410),
unreachable, unreadable, or changed since it was cited (more than WATCH_CHANGE_THRESHOLD of its
words differ; the word diff is kept). A 304, or the same text as last time, writes nothing but
the next due time.

Checks are spread over the interval (WATCH_SOURCE_INTERVAL_DAYS, a week): a source's first due
time after archiving is placed by its id, so a thousand sources cited on one day are not all
checked on one day of the next week.
"""

from __future__ import annotations

import datetime
import zlib
from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from apps.catalog.models import Source
from apps.catalog.services import PageArchive, source_archive_set
from apps.claims.events import SourcesCited
from apps.claims.models import Citation
from apps.lib.fetch import FetchError
from apps.lib.urls import url_canonicalize

from ..conf import watch_conf
from ..diff import text_normalise, words_diff
from ..hosts import HostGate, conditional_fetch, failure_of, host_of
from ..models import LINK_NEEDS_ATTENTION, LinkState, SourceCheck
from ..reading import Unreadable, page_read
from .common import checks_drain, claim_release

_GOLDEN = 0.6180339887498949


def _interval() -> datetime.timedelta:
    return datetime.timedelta(days=watch_conf().source_interval_days)


def _spread(source_id: int, now: datetime.datetime) -> datetime.datetime:
    """A due time within the next interval, placed by the source's id (evenly, by the golden
    ratio), so that checks of many sources are spread over the week."""
    return now + _interval() * ((source_id * _GOLDEN) % 1.0)


def source_checks_ensure(
    *, source_ids: Iterable[int] | None = None, now: datetime.datetime | None = None
) -> int:
    """A SourceCheck row for each cited source (of ``source_ids``) that has none: due at once
    when the source has no archive yet, else at a time spread over the interval."""
    now = now or timezone.now()
    sources = Source.objects.filter(
        Exists(Citation.objects.filter(source=OuterRef("pk"))), link_check__isnull=True
    )
    if source_ids is not None:
        sources = sources.filter(pk__in=list(source_ids))
    rows = [
        SourceCheck(source_id=pk, next_check_at=_spread(pk, now) if archived else now)
        for pk, archived in sources.values_list("pk", "snapshot_hash")
    ]
    return len(SourceCheck.objects.bulk_create(rows, ignore_conflicts=True))


def sources_cited_handle(event: SourcesCited) -> None:
    """claims' SourcesCited: make each cited source a check row, and when the network may be
    used (production, WATCH_SYNC=1) have a worker archive the new ones after the commit."""
    created = source_checks_ensure(source_ids=event.source_ids)
    if created and watch_conf().network:
        from ..tasks import sources_check

        transaction.on_commit(lambda: sources_check.delay(), robust=True)


def sources_check(
    *,
    urls: Iterable[str] = (),
    everything: bool = False,
    budget_seconds: float | None = None,
) -> Counter[str]:
    """Check the sources that are due (or every source, or those at ``urls``), in this
    process. Returns how many ended in each state."""
    source_checks_ensure()
    queryset = SourceCheck.objects.all()
    wanted = [url_canonicalize(url) for url in urls]
    if wanted:
        queryset = queryset.filter(source__url__in=wanted)
    return checks_drain(
        queryset,
        check_one=source_check_one,
        url_of=lambda row: row.source.url,
        select=("source",),
        due_only=not (everything or wanted),
        budget_seconds=budget_seconds,
    )


def source_check_one(check: SourceCheck, token: str, gate: HostGate, now: datetime.datetime) -> str:
    """Check one claimed source: archive it if it has no archive, else compare with it."""
    source = check.source
    conf = watch_conf()
    validators = (
        {"etag": check.etag, "last_modified": check.last_modified}
        if source.is_archived and check.text_hash
        else {}
    )
    try:
        result = conditional_fetch(source.url, **validators)
        if result.not_modified:
            claim_release(SourceCheck, check.pk, token, next_check_at=now + _interval())
            return "unchanged"
        archived = text_normalise(source.snapshot_text) if source.is_archived else None
        reading = page_read(result, compare_with=archived)
    except FetchError as error:
        failure = failure_of(error)
        if failure.retry_in is not None:
            gate.back_off(host_of(source.url), failure.retry_in)
        state = failure.state
        if state == LinkState.RATE_LIMITED and check.state in LINK_NEEDS_ATTENTION:
            state = check.state  # what we knew stands; the detail says why we did not look
        retry = failure.retry_in if failure.retry_in is not None else conf.retry_seconds * 24
        return _settle(check, token, now, state=state, detail=failure.detail, retry=retry)
    except Unreadable as error:
        return _settle(check, token, now, state=LinkState.UNREADABLE, detail=error.message)
    fields: dict[str, object] = {
        "etag": (result.etag or "")[:500],
        "last_modified": (result.last_modified or "")[:100],
    }
    if archived is None:
        source_archive_set(
            source=source,
            archive=PageArchive(
                text=reading.text,
                retrieved_at=now,
                status=result.status,
                final_url=result.final_url,
                raw=zlib.compress(result.body, 6),
                content_type=result.headers.get("content-type", ""),
            ),
        )
        archived = reading.text
    elif (reading.text_hash, reading.note) == (check.text_hash, check.detail) and (
        check.state != LinkState.PENDING
    ):
        claim_release(SourceCheck, check.pk, token, next_check_at=now + _interval(), **fields)
        return "unchanged"
    diff, ratio = words_diff(archived, reading.text)
    moved_to = _moved_to(source, result.final_url)
    if ratio > conf.change_threshold:
        state = LinkState.CHANGED
    elif moved_to:
        state = LinkState.MOVED
    else:
        state = LinkState.ALIVE
    fields.update(
        text_hash=reading.text_hash,
        change_ratio=ratio,
        diff=diff if state == LinkState.CHANGED else [],
        moved_to=moved_to,
    )
    return _settle(check, token, now, state=state, detail=reading.note, fields=fields)


def _moved_to(source: Source, final_url: str) -> str:
    """The new URL when the page now answers elsewhere than where it was cited and archived."""
    final = url_canonicalize(final_url)
    known = {source.url, url_canonicalize(source.snapshot_final_url or source.url)}
    return final[:1000] if final not in known else ""


def _settle(
    check: SourceCheck,
    token: str,
    now: datetime.datetime,
    *,
    state: str,
    detail: str,
    retry: float | None = None,
    fields: dict[str, object] | None = None,
) -> str:
    fields = dict(fields or {})
    due = now + (datetime.timedelta(seconds=retry) if retry is not None else _interval())
    if state != check.state:
        fields.update(changed_at=now, acknowledged_at=None)
    claim_release(
        SourceCheck,
        check.pk,
        token,
        state=state,
        detail=detail,
        checked_at=now,
        next_check_at=due,
        **fields,
    )
    return state


def source_check_acknowledge(*, checks: Iterable[SourceCheck]) -> int:
    """An editor has seen these checks' findings: out of the queue until the state changes."""
    return SourceCheck.objects.filter(pk__in=[c.pk for c in checks]).update(
        acknowledged_at=timezone.now()
    )
