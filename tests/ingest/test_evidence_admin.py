"""The admin shows each suggestion's evidence: its sentence with the matched names marked (the
alias and the lab or model it linked to), and why this stance, in English and Japanese, with
the article's text escaped."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from apps.ingest import services
from apps.ingest.models import Suggestion
from tests.support.httpserver import LocalHTTPServer

pytestmark = pytest.mark.django_db

QUEUE = "/admin/ingest/suggestion/?state__exact=pending"


def page(client: Client, suggestion: Suggestion, language: str = "en") -> str:
    url = reverse("admin:ingest_suggestion_change", args=[suggestion.pk])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return html_lib.unescape(response.content.decode())


def section(html: str, css_class: str) -> str:
    found = re.search(rf'<section class="module {css_class}".*?</section>', html, re.S)
    assert found is not None, f"no {css_class} section"
    return found.group(0)


@pytest.fixture
def client(editor: User) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.mark.slow
def test_the_page_marks_each_matched_name_with_its_alias_and_what_it_links_to(
    story: None, client: Client
) -> None:
    suggestion = Suggestion.objects.get(sentence__contains="people familiar")
    evidence = section(page(client, suggestion), "suggestion-evidence")
    marks = re.findall(r'<mark class="mention" title="([^"]*)">([^<]*)</mark>', evidence)
    assert ("alias “Llama 4 Behemoth” → model Llama 4 Behemoth", "Llama 4 Behemoth") in marks
    assert any(text == "Meta Superintelligence Labs" for _title, text in marks)
    # The marks and the plain text between them give back the sentence itself.
    sentence = re.search(r'<p class="evidence-sentence"[^>]*>(.*?)</p>', evidence, re.S)
    assert sentence is not None
    assert re.sub(r"<[^>]+>", "", sentence.group(1)) == suggestion.sentence


def test_the_page_says_why_this_stance_from_the_stored_reasons(story: None, client: Client) -> None:
    suggestion = Suggestion.objects.get(sentence__contains="people familiar")
    assert {"rule": "reversed", "cue": "abandoning", "target": "open-source"} in (
        suggestion.stance_reasons
    )
    reasons = re.findall(
        r"<li>(.*?)</li>", section(page(client, suggestion), "suggestion-evidence")
    )
    assert "reversed: “abandoning” turns away from “open-source”" in reasons
    assert "hedged: “discussed” softens the step" in reasons
    assert "unnamed sources (“according to”)" in reasons


def test_the_evidence_reads_in_japanese_for_a_japanese_editor(story: None, client: Client) -> None:
    suggestion = Suggestion.objects.get(sentence__contains="people familiar")
    evidence = section(page(client, suggestion, "ja"), "suggestion-evidence")
    assert "このスタンスの理由" in evidence
    assert "反転\uff1a「abandoning」が「open-source」から離れる" in evidence
    assert "エイリアス「Llama 4 Behemoth」→ モデル Llama 4 Behemoth" in evidence


def test_the_queue_marks_the_names_and_says_why_for_each_suggestion(
    story: None, client: Client
) -> None:
    html = html_lib.unescape(client.get(QUEUE).content.decode())
    assert '<mark class="mention" title="alias “Meta” → lab Meta">Meta</mark>' in html
    assert html.count('class="stance-why"') == Suggestion.objects.pending().count()
    assert "why this stance: reversed: “abandoning” turns away from “open-source”" in html


def test_a_sentence_is_escaped_wherever_the_evidence_shows_it(
    http_server: LocalHTTPServer, seeded: None, allow_private: None, client: Client
) -> None:
    http_server.route(
        "/x",
        body=b"<html><body><article><h1>News</h1><p>Meta will not release the weights "
        b"&lt;script&gt;alert(1)&lt;/script&gt; of its model, the company said.</p>"
        b"</article></body></html>",
    )
    queued, _ = services.article_urls_add(urls=[http_server.url("/x")])
    services.article_ingest(article_url_id=queued[0].pk)
    suggestion = Suggestion.objects.get(sentence__contains="alert(1)")
    url = reverse("admin:ingest_suggestion_change", args=[suggestion.pk])
    for raw in (client.get(url).content.decode(), client.get(QUEUE).content.decode()):
        assert "<script>alert(1)" not in raw
        assert "&lt;script&gt;alert(1)" in raw
