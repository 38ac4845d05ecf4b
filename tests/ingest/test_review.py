"""The review queue: accepting makes a draft statement citing the article; rejecting needs a
reason; both train the classifier that scores later suggestions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from apps.catalog.models import Source
from apps.claims.models import EditorialState
from apps.ingest import classifier, services
from apps.ingest.linking import Matcher, Name
from apps.ingest.models import Suggestion, SuggestionState
from apps.ingest.suggest import sentences_split, stance_guess
from tests.support.httpserver import LocalHTTPServer


@pytest.mark.django_db
def test_accepting_a_suggestion_creates_a_draft_statement_citing_the_article(
    story: None, editor: User
) -> None:
    suggestion = Suggestion.objects.get(sentence__contains="continue to release")

    statement = services.suggestion_accept(suggestion=suggestion, user=editor)

    assert statement.state == EditorialState.DRAFT
    assert statement.company.slug == "meta"
    assert statement.speaker_label == "Meta spokesperson"
    assert statement.kind == "official"
    assert statement.quote.startswith("We will continue to release")
    assert statement.quote_language == "en"
    assert statement.occurred_on.isoformat() == "2025-07-14"
    citation = statement.citations.get()
    assert citation.source.url == suggestion.article.url
    assert citation.excerpt == suggestion.sentence
    assert citation.source.snapshot_text == suggestion.article.text
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.statement, suggestion.decided_by) == (
        SuggestionState.ACCEPTED,
        statement,
        editor,
    )
    with pytest.raises(ValidationError):
        services.suggestion_accept(suggestion=suggestion, user=editor)
    assert Source.objects.filter(url=suggestion.article.url).count() == 1


@pytest.mark.django_db
def test_rejecting_needs_a_reason_and_keeps_it(story: None, editor: User) -> None:
    suggestion = Suggestion.objects.filter(language="ja").first()
    assert suggestion is not None
    with pytest.raises(ValidationError):
        services.suggestion_reject(suggestion=suggestion, user=editor, reason="  ")
    services.suggestion_reject(suggestion=suggestion, user=editor, reason="Background, not a claim")
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.REJECTED
    assert suggestion.reject_reason == "Background, not a claim"


@pytest.mark.django_db
def test_staff_without_a_role_cannot_decide_suggestions(story: None, reader: User) -> None:
    suggestion = Suggestion.objects.first()
    assert suggestion is not None
    with pytest.raises(PermissionDenied):
        services.suggestion_accept(suggestion=suggestion, user=reader)
    with pytest.raises(PermissionDenied):
        services.suggestion_reject(suggestion=suggestion, user=reader, reason="no")


@pytest.mark.slow
@pytest.mark.django_db
def test_the_classifier_takes_over_from_the_rules_once_editors_have_decided_enough(
    story: None, editor: User, settings: object, http_server: LocalHTTPServer
) -> None:
    settings.INGEST_CLASSIFIER_MIN_EXAMPLES = 2  # type: ignore[attr-defined]
    assert set(Suggestion.objects.values_list("scored_by", flat=True)) == {"rules"}
    pending = list(Suggestion.objects.all())
    for suggestion in pending:
        if "spokes" in suggestion.sentence or "広報" in suggestion.sentence:
            services.suggestion_accept(suggestion=suggestion, user=editor)
        else:
            services.suggestion_reject(suggestion=suggestion, user=editor, reason="not a claim")
    assert services.classifier_retrain_if_due()
    assert not services.classifier_retrain_if_due()  # nothing new decided since

    http_server.route(
        "/more",
        body=b"<html><body><article><h1>More</h1><p>A Meta spokesperson said the company will "
        b"continue to release open source models this year.</p><p>Meta would not comment on "
        b"closed models or on whether the Behemoth release was delayed again.</p>"
        b"</article></body></html>",
    )
    queued, _ = services.article_urls_add(urls=[http_server.url("/more")])
    services.article_ingest(article_url_id=queued[0].pk)
    new = Suggestion.objects.filter(article__url=http_server.url("/more"))
    assert new and {s.scored_by for s in new} == {"classifier"}
    quote = new.get(sentence__contains="spokesperson")
    other = new.exclude(pk=quote.pk).get()
    assert quote.score > other.score


def test_naive_bayes_on_character_ngrams_learns_japanese_without_a_tokenizer() -> None:
    model = classifier.train(
        [
            ("オープンソースモデルを公開する", "open"),
            ("オープンソースで公開を継続", "open"),
            ("クローズドモデルに移行する", "closed"),
            ("非公開のクローズドモデル", "closed"),
        ]
    )
    assert (
        max(
            classifier.predict(model, "モデルをオープンソースで公開").items(), key=lambda kv: kv[1]
        )[0]
        == "open"
    )
    assert classifier.predict(model, "クローズドに移行")["closed"] > 0.5
    assert classifier.predict({}, "anything") == {}


def test_aliases_match_in_japanese_without_spaces_but_never_inside_a_longer_word() -> None:
    """Not "メタ" in "メタバース" (one katakana word), as not "Meta" in "Metaverse"."""
    matcher = Matcher(
        [
            Name("Meta", company_id=1),
            Name("メタ", company_id=1),
            Name("Llama 4 Behemoth", model_id=2),
            Name("Behemoth", model_id=2),
        ]
    )
    text = "MetaはLlama 4 Behemothを中止。メタバースのMetaverseとmetadataは別。Meta's plan"
    spans = [(text[s.start : s.end], s.name.text) for s in matcher.find(text)]
    assert spans == [
        ("Meta", "Meta"),
        ("Llama 4 Behemoth", "Llama 4 Behemoth"),
        ("Meta", "Meta"),
    ]


def test_sentences_are_not_split_inside_japanese_quotes() -> None:
    text = (
        "広報担当者は「公開を続けます。すべてではありません」と述べた。次の文はここから始まります。"
    )
    assert [s.text for s in sentences_split(text)] == [
        "広報担当者は「公開を続けます。すべてではありません」と述べた。",
        "次の文はここから始まります。",
    ]


def test_keyword_rules_guess_a_stance_in_both_languages() -> None:
    assert stance_guess("Meta will continue to release open source models")[0] == "open"
    assert stance_guess("Meta is abandoning open source for a closed model")[0] in (
        "closed",
        "leaning_closed",
    )
    assert stance_guess("オープンとクローズドを組み合わせたトレーニング")[0] == "mixed"
    assert stance_guess("クローズドモデルの開発に移行")[0] == "closed"
