"""Writes of the ingestion pipeline: keyword-only <noun>_<verb> functions.

feed poll -> article URLs -> article ingest (fetch, extract, detect, dedupe) -> mentions ->
suggestions -> editor's accept / reject -> classifier retrain. Each step is one function in one
module of this package; Celery tasks (tasks.py) and management commands only call them:

* :mod:`.feeds`: add, pause and resume feeds; dispatch the due ones; poll one (conditional
  GET, new entries become article URLs), with backoff and pausing after failures.
* :mod:`.articles`: queue article URLs (from a feed or an editor), fetch one, store it once per
  content hash, and record failures with retries.
* :mod:`.suggestions`: link an article's mentions of labs and models; suggest the sentences
  about a lab's openness.
* :mod:`.review`: an editor accepts a suggestion (a draft Statement) or rejects it.
* :mod:`.classifier`: retrain the suggestion classifiers from the editors' decisions.
* :mod:`.sources`: "Add source from URL", recorded in the request and fetched by a worker.
* :mod:`.dispatch`: the beat tick that hands all of the above out.
* :mod:`.common`: what they share (the enqueue callback type, URL checking, backoff, the
  record of a failed fetch, the permission check, re-dispatch of lost work).

Work is claimed on the database rows the one way of apps/lib/workqueue.py (SKIP LOCKED and a
conditional UPDATE: a feed's ``claimed_at``, an article URL's ``state``), so running any step
twice, or in two workers at once, changes nothing the second time. Whatever goes wrong with one
feed or one page is recorded on its row and in a FetchAttempt for the admin, and never stops
the others.

``from apps.ingest import services`` and ``services.<name>`` reach every public name below.
"""

# AddressPolicy is in the signatures of feed_poll and article_ingest; callers type with it here.
from apps.lib.fetch import AddressPolicy
from apps.lib.permissions import Actor
from apps.lib.urls import url_validate

from .articles import (
    ARTICLE_URLS,
    HTML_TYPES,
    ArticleIngestResult,
    article_ingest,
    article_store,
    article_urls_add,
    article_urls_dispatch_stale,
    article_urls_queue,
    article_urls_retry,
)
from .classifier import classifier_retrain, classifier_retrain_if_due
from .common import Enqueue, backoff_delay
from .dispatch import ingest_dispatch
from .feeds import (
    DEMO_FEEDS,
    FeedPollResult,
    demo_feeds_register,
    feed_add,
    feed_pause,
    feed_poll,
    feed_resume,
    feeds_dispatch_due,
)
from .review import suggestion_accept, suggestion_reject
from .sources import (
    SOURCE_FETCHES,
    source_add_permission,
    source_fetch_request,
    source_fetch_run,
    source_fetches_dispatch_stale,
)
from .suggestions import mentions_link, suggestions_make

__all__ = [
    "ARTICLE_URLS",
    "DEMO_FEEDS",
    "HTML_TYPES",
    "SOURCE_FETCHES",
    "Actor",
    "AddressPolicy",
    "ArticleIngestResult",
    "Enqueue",
    "FeedPollResult",
    "article_ingest",
    "article_store",
    "article_urls_add",
    "article_urls_dispatch_stale",
    "article_urls_queue",
    "article_urls_retry",
    "backoff_delay",
    "classifier_retrain",
    "classifier_retrain_if_due",
    "demo_feeds_register",
    "feed_add",
    "feed_pause",
    "feed_poll",
    "feed_resume",
    "feeds_dispatch_due",
    "ingest_dispatch",
    "mentions_link",
    "source_add_permission",
    "source_fetch_request",
    "source_fetch_run",
    "source_fetches_dispatch_stale",
    "suggestion_accept",
    "suggestion_reject",
    "suggestions_make",
    "url_validate",
]
