"""Editors' decisions retrain the suggester in beat's own retrain task, not in the minute tick."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from apps.ingest import services, tasks
from apps.ingest.models import Classifier, Suggestion
from tests.support.feeds import demo_page
from tests.support.httpserver import LocalHTTPServer


@pytest.fixture
def decided(http_server: LocalHTTPServer, seeded: None, allow_private: None, editor: User) -> None:
    """The demo story ingested, and an editor's decision on every suggestion it made."""
    http_server.route("/en", body=demo_page("meta-open-closed-en.html"))
    http_server.route("/ja", body=demo_page("meta-open-closed-ja.html"))
    queued, _ = services.article_urls_add(urls=[http_server.url("/en"), http_server.url("/ja")])
    for row in queued:
        services.article_ingest(article_url_id=row.pk)
    suggestions = list(Suggestion.objects.all())
    assert suggestions
    for suggestion in suggestions:
        if "spokes" in suggestion.sentence or "広報" in suggestion.sentence:
            services.suggestion_accept(suggestion=suggestion, user=editor)
        else:
            services.suggestion_reject(suggestion=suggestion, user=editor, reason="not a claim")


@pytest.mark.django_db
def test_the_minute_tick_dispatches_work_but_never_retrains(decided: None) -> None:
    enqueued: list[int] = []
    report = services.ingest_dispatch(
        enqueue_feed=enqueued.append,
        enqueue_article=enqueued.append,
        enqueue_source_fetch=enqueued.append,
    )
    assert set(report) == {"feeds", "articles", "sources"}
    assert not Classifier.objects.exists()


@pytest.mark.django_db
def test_the_retrain_task_learns_from_new_decisions_once(decided: None) -> None:
    assert tasks.classifier_retrain() is True
    trained = {row.name: row.examples for row in Classifier.objects.all()}
    assert set(trained) == {"relevance", "stance"}
    assert trained["relevance"] == Suggestion.objects.decided().count()
    assert tasks.classifier_retrain() is False  # nothing decided since
