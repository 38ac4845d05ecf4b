"""Descriptions and summaries in both languages: a page shows the reader's, or says that it
shows the other one."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils.html import escape

from apps.claims.models import Statement
from tests.factories import company_make, model_make, statement_make

pytestmark = pytest.mark.django_db

SHOWN_IN_ENGLISH = "（英語で表示）"  # noqa: RUF001 - the Japanese notice, full-width as written
SHOWN_IN_JAPANESE = "(shown in Japanese)"


def _summary_paragraph(html: str, statement: Statement) -> str:
    match = re.search(
        rf'<p class="summary" id="statement-{statement.pk}-summary"[^>]*>.*?</p>', html
    )
    assert match is not None
    return match.group(0)


def test_a_summary_shows_in_the_readers_language_when_an_editor_wrote_it(
    client: Client, seeded: None
) -> None:
    report = Statement.objects.get(import_key="meta-2025-nyt-closed-report")
    assert report.summary_ja, "the seed gives the Meta story in Japanese"
    english = _summary_paragraph(client.get("/labs/meta/").content.decode(), report)
    japanese = _summary_paragraph(client.get("/ja/labs/meta/").content.decode(), report)
    assert escape(report.summary) in english and "fallback" not in english
    assert escape(report.summary_ja) in japanese and "fallback" not in japanese
    assert ' lang="' not in japanese, "in the page's own language"


def test_a_japanese_page_shows_an_english_only_summary_and_says_so(
    client: Client, seeded: None
) -> None:
    release = Statement.objects.get(import_key="openai-2025-gpt-oss")
    assert not release.summary_ja
    html = client.get("/ja/labs/openai/").content.decode()
    paragraph = _summary_paragraph(html, release)
    assert escape(release.summary[:60]) in paragraph
    assert 'lang="en"' in paragraph, "the English text is marked as English"
    assert f'<span class="fallback" lang="ja">{SHOWN_IN_ENGLISH}</span>' in paragraph
    english = _summary_paragraph(client.get("/labs/openai/").content.decode(), release)
    assert "fallback" not in english


def test_a_description_written_only_in_japanese_shows_on_the_english_page_marked_as_such(
    client: Client,
) -> None:
    lab = company_make(name="Sakana", slug="sakana")
    lab.description_ja = "東京を拠点とするAI研究所。"
    lab.save()
    ai_model = model_make(developer=lab, name="Evo")
    ai_model.description = "A model bred by evolutionary merging."
    ai_model.save()

    english = client.get("/labs/sakana/").content.decode()
    assert (
        '<p class="description" dir="auto" lang="ja">東京を拠点とするAI研究所。 '
        f'<span class="fallback" lang="en">{SHOWN_IN_JAPANESE}</span></p>'
    ) in english
    japanese = client.get("/ja/labs/sakana/").content.decode()
    assert '<p class="description" dir="auto">東京を拠点とするAI研究所。</p>' in japanese

    model_ja = client.get(f"/ja{ai_model.get_absolute_url()}").content.decode()
    assert "A model bred by evolutionary merging." in model_ja and SHOWN_IN_ENGLISH in model_ja


def test_the_statement_pages_title_and_claim_review_read_in_the_readers_language(
    client: Client, seeded: None
) -> None:
    report = Statement.objects.get(import_key="meta-2025-nyt-closed-report")
    html = client.get(f"/ja{report.get_absolute_url()}").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title is not None and report.summary_ja[:20] in title.group(1)
    data = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    assert data is not None
    assert json.loads(data.group(1))["claimReviewed"] == report.summary_ja
    denial = Statement.objects.get(import_key="meta-2025-spokesperson-reply")
    assert escape(denial.summary_ja[:40]) in html.split('id="links-heading"')[1]


def test_editors_write_both_languages_in_the_admin(client: Client, editor: User) -> None:
    client.force_login(editor)
    lab = company_make()
    statement = statement_make(company=lab)
    form = client.get(f"/admin/claims/statement/{statement.pk}/change/").content.decode()
    assert 'name="summary"' in form and 'name="summary_ja"' in form
    company_form = client.get(f"/admin/catalog/company/{lab.pk}/change/").content.decode()
    assert 'name="description_ja"' in company_form
    ai_model = model_make(developer=lab)
    model_form = client.get(f"/admin/catalog/aimodel/{ai_model.pk}/change/").content.decode()
    assert 'name="description_ja"' in model_form


def test_a_japanese_summary_longer_than_the_limit_is_refused_in_the_database(
    seeded: None,
) -> None:
    from django.db import IntegrityError, transaction

    from apps.claims.models import SUMMARY_MAX

    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.filter(import_key="meta-2025-spokesperson-reply").update(
            summary_ja="長" * (SUMMARY_MAX + 1)
        )
