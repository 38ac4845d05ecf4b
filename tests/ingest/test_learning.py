"""Editors' decisions teach the suggester: a phrasing the stance rules do not know, learnt from
accepted and rejected suggestions, and an alias an editor adds in the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import Settings as SettingsWrapper

from apps.catalog.models import Alias, Company
from apps.ingest import services
from apps.ingest.models import Mention, Suggestion
from tests.support.httpserver import LocalHTTPServer

pytestmark = pytest.mark.django_db

# The rules know no stance cue in "can download the weights": a paraphrase of releasing them.
LEARNT = [
    "Meta says developers can download the Llama weights and run them on their own computers.",
    "OpenAI says researchers can download the gpt-oss weights and run them on a laptop.",
    "DeepSeek says anyone can download the weights of its reasoning model and run it locally.",
    "xAI says developers can now download the Grok weights and run them on their own servers.",
]
# The stance classifier needs two stances to choose between: another unknown phrasing, closed.
LEARNT_CLOSED = [
    "Moonshot AI says its weights can only be rented by the hour through a cloud subscription.",
    "Anthropic says its weights can only be rented by the hour through a cloud contract.",
]
OTHER = [
    "Meta moved the weights team to a new office in London this spring.",
    "OpenAI hired a new head of licensing for its enterprise weights business.",
    "DeepSeek's licence page was translated into three more languages.",
    "xAI's weights engineers will speak at a conference in Austin next month.",
]
NEW = "Anthropic says customers can download the Claude weights and run them on their own machines."


def page(*sentences: str) -> bytes:
    body = "".join(f"<p>{sentence}</p>" for sentence in sentences)
    return f"<html><body><article><h1>News</h1>{body}</article></body></html>".encode()


def ingest(http_server: LocalHTTPServer, path: str, *sentences: str) -> None:
    http_server.route(path, body=page(*sentences))
    queued, _ = services.article_urls_add(urls=[http_server.url(path)])
    services.article_ingest(article_url_id=queued[0].pk)


@pytest.mark.slow
def test_the_retrained_suggester_learns_a_phrasing_the_rules_do_not_know(
    http_server: LocalHTTPServer,
    seeded: None,
    allow_private: None,
    editor: User,
    settings: SettingsWrapper,
) -> None:
    settings.INGEST_CLASSIFIER_MIN_EXAMPLES = 4
    ingest(http_server, "/before", NEW, "Anthropic opened an office in Tokyo last year.")
    before = Suggestion.objects.get(sentence=NEW)
    assert (before.scored_by, before.stance) == ("rules", "mixed")
    assert [reason["rule"] for reason in before.stance_reasons] == ["own_words", "no_cue"]

    for number, sentence in enumerate(LEARNT + LEARNT_CLOSED + OTHER):
        ingest(http_server, f"/training/{number}", sentence)
    for suggestion in Suggestion.objects.exclude(pk=before.pk):
        if suggestion.sentence in LEARNT:
            services.suggestion_accept(suggestion=suggestion, user=editor, stance="open")
        elif suggestion.sentence in LEARNT_CLOSED:
            services.suggestion_accept(suggestion=suggestion, user=editor, stance="closed")
        else:
            services.suggestion_reject(suggestion=suggestion, user=editor, reason="not a claim")
    assert services.classifier_retrain_if_due()

    ingest(http_server, "/after", "A second report on the same news.", NEW)
    after = Suggestion.objects.get(sentence=NEW, article__url=http_server.url("/after"))
    assert after.scored_by == "classifier"
    assert after.score > before.score
    assert after.stance == "open"
    learned = [reason for reason in after.stance_reasons if reason["rule"] == "learned"]
    assert learned and learned[0]["target"] == "open"


def test_an_alias_an_editor_adds_in_the_admin_is_matched_from_the_next_article(
    http_server: LocalHTTPServer, seeded: None, allow_private: None, admin_user: User
) -> None:
    sentence = "Facebook will not release the weights of its next frontier model."
    ingest(http_server, "/before", sentence)
    assert not Suggestion.objects.filter(sentence=sentence).exists()

    meta = Company.objects.get(slug="meta")
    client = Client()
    client.force_login(admin_user)
    response = client.post(
        "/admin/catalog/alias/add/",
        {"name": "Facebook", "language": "en", "company": meta.pk, "match_rule": "default"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    alias = Alias.objects.get(name="Facebook")

    ingest(http_server, "/after", "A later story.", sentence)
    mention = Mention.objects.get(article__url=http_server.url("/after"), alias=alias)
    assert mention.company == meta
    suggestion = Suggestion.objects.get(sentence=sentence)
    assert (suggestion.company, suggestion.stance) == (meta, "closed")
