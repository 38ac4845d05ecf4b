"""Every file of feedparser's test corpus, served as a feed by a local server, goes through the
feed pipeline: none crashes it, and each ends read or with a recorded error.

Entries are not fetched (their links point at hosts like example.org that tests must never
contact); feed_poll records them as pending article URLs, which is where the feed step ends.
"""

from __future__ import annotations

import pytest
from django.db.models import Q

from apps.ingest import services
from apps.ingest.models import Feed, FetchAttempt, Outcome
from tests.support.httpserver import LocalHTTPServer
from tests.support.shared import shared_path


@pytest.mark.slow
@pytest.mark.django_db
def test_every_feed_in_the_feedparser_corpus_is_read_or_recorded_as_an_error(
    settings: object,
) -> None:
    corpus = shared_path("corpus", "feedparser")
    settings.FETCH_ALLOW_PRIVATE = True  # type: ignore[attr-defined]
    files = sorted(path for path in (corpus / "tests").rglob("*") if path.is_file()) + sorted(
        path for path in (corpus / "docs").rglob("*") if path.is_file()
    )
    assert len(files) > 2000, f"the corpus is missing or incomplete at {corpus}"
    with LocalHTTPServer(directory=corpus) as server:
        feeds = Feed.objects.bulk_create(
            Feed(url=server.url("/" + str(path.relative_to(corpus)))) for path in files
        )
        outcomes = {}
        for feed in feeds:
            result = services.feed_poll(feed_id=feed.pk)
            outcomes[feed.url] = result.outcome

    assert set(outcomes.values()) <= {Outcome.STORED, Outcome.ERROR}
    read = Feed.objects.filter(last_success_at__isnull=False, last_error="")
    failed = Feed.objects.filter(~Q(last_error=""), last_success_at__isnull=True)
    assert read.count() + failed.count() == len(files)
    assert FetchAttempt.objects.filter(outcome=Outcome.ERROR).count() == failed.count()
    # An unexpected exception in our code is recorded as "internal": there must be none.
    internal = list(
        FetchAttempt.objects.filter(reason="internal").values_list("url", "message")[:5]
    )
    assert internal == []
    # Most of the corpus is well-formed and must be read, not refused.
    assert read.count() > 0.8 * len(files)
    assert (
        Feed.objects.filter(url__contains="/wellformed/", last_success_at__isnull=True).count() < 50
    )
