"""A watched page with a baseline reading and a change waiting for an editor, as the watch
checks leave them (apps/watch/services/watches.py), without a server: for the pages that show
and decide changes. The checks themselves are tested against a local server in tests/watch."""

from __future__ import annotations

import datetime
import hashlib
import zlib
from collections.abc import Sequence

from django.utils import timezone

from apps.catalog.models import AIModel, Company
from apps.watch.diff import text_normalise, words_diff
from apps.watch.models import Review, Watch, WatchSnapshot, WatchState


def _reading(
    watch: Watch, text: str, when: datetime.datetime, previous: str | None
) -> WatchSnapshot:
    text = text_normalise(text)
    diff, ratio = words_diff(previous, text) if previous is not None else ([], None)
    html = f"<!doctype html><html><body><main><p>{text}</p></main></body></html>"
    return WatchSnapshot.objects.create(
        watch=watch,
        retrieved_at=when,
        status=200,
        final_url=watch.url,
        text=text,
        text_hash=hashlib.sha256(text.encode()).hexdigest(),
        raw=zlib.compress(html.encode()),
        content_type="text/html; charset=utf-8",
        diff=diff,
        change_ratio=ratio,
        review=Review.NONE if previous is None else Review.PENDING,
    )


def page_change_make(
    *,
    url: str,
    before: str,
    after: str,
    lab: Company | None = None,
    ai_models: Sequence[AIModel] = (),
    title: str = "",
    changed_at: datetime.datetime | None = None,
) -> WatchSnapshot:
    """A watch on ``url`` read first as ``before`` a day earlier, then as ``after``: the second
    reading waits for an editor."""
    changed_at = changed_at or timezone.now()
    watch = Watch.objects.create(
        url=url, title=title, company=lab, state=WatchState.OK, checked_at=changed_at
    )
    watch.ai_models.set(ai_models)
    _reading(watch, before, changed_at - datetime.timedelta(days=1), None)
    return _reading(watch, after, changed_at, text_normalise(before))
