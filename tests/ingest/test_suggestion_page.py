"""A suggestion decided on its own page: the article's passage, the proposal with its stance and
kind as choices, Accept and Reject; and a suggestion a published statement already covers is
marked so, in the queue and on its page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from apps.catalog.services import source_create
from apps.claims import services as claims_services
from apps.claims.models import EditorialState, Stance, StatementKind
from apps.ingest import services
from apps.ingest.models import Suggestion, SuggestionState
from tests.factories import statement_make
from tests.security.forms import as_post_data, form_fields

pytestmark = pytest.mark.django_db

QUEUE = "/admin/ingest/suggestion/"


def logged_in(user: User, **options: Any) -> Client:
    client = Client(**options)
    client.force_login(user)
    return client


def page_url(suggestion: Suggestion) -> str:
    return reverse("admin:ingest_suggestion_change", args=[suggestion.pk])


def the_form(client: Client, suggestion: Suggestion) -> dict[str, Any]:
    """The page's form as a browser would submit it, before the editor touches it."""
    html = client.get(page_url(suggestion)).content.decode()
    return dict(as_post_data(form_fields(html, "suggestion_form")))


def options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, f"no <select name={name}>"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def spokesperson(lab: str = "meta") -> Suggestion:
    return Suggestion.objects.get(
        sentence__startswith='"We will continue to release', company__slug=lab
    )


def test_the_page_shows_the_passage_the_proposal_as_choices_and_the_two_buttons(
    story: None, editor: User
) -> None:
    suggestion = spokesperson()
    response = logged_in(editor).get(page_url(suggestion))
    assert response.status_code == 200
    html = response.content.decode()
    # The sentence, marked, inside the article's own text around it.
    marked = re.search(r"<mark>(.*?)</mark>", html, re.S)
    assert marked is not None and "We will continue to release" in marked.group(1)
    excerpt = re.search(r'class="suggestion-excerpt"[^>]*>(.*?)</blockquote>', html, re.S)
    assert excerpt is not None and len(excerpt.group(1)) > len(marked.group(1)) + 100
    assert suggestion.article.title in html
    # Stance and kind are the statement's own choices, the guess selected.
    assert options(html, "stance") == ["", *(value for value, _label in Stance.choices)]
    assert options(html, "kind") == ["", *(value for value, _label in StatementKind.choices)]
    assert re.search(r'<option value="official" selected>', html)
    assert 'name="_accept"' in html and 'name="_reject"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    # The Save button comes first, so that Enter in a field saves and never decides.
    assert html.index('name="_save"') < html.index('name="_accept"')


@pytest.mark.slow
def test_accept_makes_a_draft_with_the_stance_and_kind_the_editor_chose(
    story: None, editor: User
) -> None:
    suggestion = spokesperson()
    client = logged_in(editor)
    data = the_form(client, suggestion)
    data.update(stance="leaning_open", kind="executive", _accept="Accept")

    response = client.post(page_url(suggestion), data)

    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?state__exact=pending"
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.ACCEPTED
    statement = suggestion.statement
    assert statement is not None and statement.state == EditorialState.DRAFT
    assert (statement.stance, statement.kind) == ("leaning_open", "executive")
    assert statement.citations.get().excerpt == suggestion.sentence
    # Decided: its page is the record of the decision, read-only, without the buttons.
    html = client.get(page_url(suggestion)).content.decode()
    assert 'name="_accept"' not in html and 'name="_reject"' not in html
    assert client.post(page_url(suggestion), data).status_code == 403
    assert Suggestion.objects.get(pk=suggestion.pk).statement == statement


@pytest.mark.slow
def test_reject_needs_a_reason_on_the_page_and_keeps_it(story: None, editor: User) -> None:
    suggestion = Suggestion.objects.get(sentence__startswith="Meanwhile OpenAI")
    client = logged_in(editor)
    data = {**the_form(client, suggestion), "_reject": "Reject"}

    refused = client.post(page_url(suggestion), data)
    assert refused.status_code == 200
    assert "Say why the suggestion is rejected." in refused.content.decode()
    assert Suggestion.objects.get(pk=suggestion.pk).state == SuggestionState.PENDING

    client.post(page_url(suggestion), {**data, "reason": "About OpenAI in passing."})
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.reject_reason) == (
        SuggestionState.REJECTED,
        "About OpenAI in passing.",
    )
    assert suggestion.statement is None


@pytest.mark.slow
def test_the_decision_is_a_post_that_needs_the_csrf_token(story: None, editor: User) -> None:
    suggestion = spokesperson()
    client = logged_in(editor, enforce_csrf_checks=True)
    data = the_form(client, suggestion)
    forged = {k: v for k, v in data.items() if k != "csrfmiddlewaretoken"}
    assert client.post(page_url(suggestion), {**forged, "_accept": "Accept"}).status_code == 403
    assert client.get(page_url(suggestion), {"_accept": "Accept"}).status_code == 200
    assert Suggestion.objects.get(pk=suggestion.pk).state == SuggestionState.PENDING
    client.post(page_url(suggestion), {**data, "_accept": "Accept"})
    assert Suggestion.objects.get(pk=suggestion.pk).state == SuggestionState.ACCEPTED


def test_staff_without_a_role_cannot_open_or_decide_a_suggestion(story: None, reader: User) -> None:
    suggestion = spokesperson()
    client = logged_in(reader)
    assert client.get(page_url(suggestion)).status_code == 403
    assert client.post(page_url(suggestion), {"_accept": "Accept"}).status_code == 403
    assert Client().get(page_url(suggestion)).status_code == 302  # to the login page
    assert Suggestion.objects.get(pk=suggestion.pk).state == SuggestionState.PENDING


def covered_column(html: str, suggestion: Suggestion) -> bool | None:
    """The "covered" cell of the suggestion's row in the queue (None: not listed)."""
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)
    for row in rows:
        if f'value="{suggestion.pk}"' in row:
            cell = re.search(r'<td class="field-covered">(.*?)</td>', row, re.S)
            assert cell is not None
            return 'alt="True"' in cell.group(1)
    return None


@pytest.mark.slow
def test_a_suggestion_whose_article_a_published_statement_of_its_lab_cites_is_marked_covered(
    story: None, editor: User, reviewer: User
) -> None:
    first = spokesperson()
    sibling = Suggestion.objects.get(sentence__startswith="Members of Meta Superintelligence")
    other_lab = Suggestion.objects.get(sentence__startswith="Meanwhile OpenAI")
    other_article = Suggestion.objects.get(sentence__startswith="Metaの広報担当者")
    statement = services.suggestion_accept(suggestion=first, user=editor)
    client = logged_in(editor)
    pending = client.get(QUEUE, {"state__exact": "pending"}).content.decode()
    # A draft covers nothing yet.
    assert covered_column(pending, sibling) is False

    claims_services.statement_publish(statement=statement, user=reviewer)

    pending = client.get(QUEUE, {"state__exact": "pending"}).content.decode()
    assert covered_column(pending, sibling) is True
    # Another lab named in the same article, or the same story in another article: not covered.
    assert covered_column(pending, other_lab) is False
    assert covered_column(pending, other_article) is False
    only_covered = client.get(QUEUE, {"state__exact": "pending", "covered": "yes"}).content.decode()
    assert covered_column(only_covered, sibling) is True
    assert covered_column(only_covered, other_lab) is None
    page = client.get(page_url(sibling)).content.decode()
    assert "Already covered by a published statement" in page
    assert statement.get_absolute_url() in page
    assert "Already covered" not in client.get(page_url(other_lab)).content.decode()


@pytest.mark.slow
def test_a_published_statement_citing_a_source_at_the_articles_url_covers_it_too(
    story: None, editor: User
) -> None:
    """No suggestion of the article was accepted (it has no ledger source): an editor cited the
    same page by hand."""
    suggestion = Suggestion.objects.get(sentence__startswith="Metaの広報担当者")
    article = suggestion.article
    assert article.source_id is None
    source, created = source_create(url=article.url, title="The same page, cited by hand")
    assert created
    client = logged_in(editor)
    assert "Already covered" not in client.get(page_url(suggestion)).content.decode()
    statement = statement_make(company=suggestion.company, publish=True)
    statement.citations.create(source=source, excerpt="")
    assert "Already covered" in client.get(page_url(suggestion)).content.decode()
