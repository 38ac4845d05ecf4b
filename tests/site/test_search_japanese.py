"""Search finds statements by Japanese words, in quotes, translations and summaries, through
indexes that serve it (apps/claims/search.py, docs/search.md). The record is the seeded one:
real Japanese from GIGAZINE and the translations and summaries editors wrote."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.utils.html import escape

from apps.claims.models import Statement
from apps.claims.search import search_bigrams, statements_matching
from tests.factories import company_make, statement_make

pytestmark = pytest.mark.django_db


def by_key(key: str) -> Statement:
    return Statement.objects.get(import_key=key)


def found(client: Client, query: str, *, prefix: str = "") -> list[int]:
    html = client.get(f"{prefix}/search/", {"q": query}).content
    return [
        int(n) for n in re.findall(rb'<article class="statement[^"]*" id="statement-(\d+)"', html)
    ]


@pytest.mark.parametrize(
    ("query", "key", "where"),
    [
        ("閉鎖", "openai-2025-more-closed-analysis", "two characters of a Japanese quote"),
        ("閉鎖的になって", "openai-2025-more-closed-analysis", "a longer run of the quote"),
        ("進むべき道", "meta-2024-open-source-letter", "a Japanese translation"),
        ("棚上げ", "meta-2025-spokesperson-reply", "a Japanese summary"),
        ("社内テスト", "meta-2025-nyt-closed-report", "a Japanese summary"),
        ("予告", "meta-2025-llama-4-release", "two characters of a Japanese summary"),
    ],
)
def test_search_finds_a_statement_by_japanese_words(
    client: Client, seeded: None, query: str, key: str, where: str
) -> None:
    statement = by_key(key)
    assert statement.pk in found(client, query), where
    assert statement.pk in found(client, query, prefix="/ja"), where


def test_a_japanese_word_finds_every_statement_that_holds_it_and_no_other(
    client: Client, seeded: None
) -> None:
    holding = {
        s.pk
        for s in Statement.objects.published()
        if "公開" in f"{s.summary_ja}\n{s.quote}\n{s.translation}"
    }
    assert len(holding) >= 3
    assert set(found(client, "公開")) == holding


def test_spellings_are_folded_full_width_half_width_and_case(client: Client, seeded: None) -> None:
    letter = by_key("meta-2024-open-source-letter")  # translation: オープンソースAIこそ進むべき道
    assert letter.pk in found(client, "ｵｰﾌﾟﾝｿｰｽＡＩ")  # half-width katakana, full-width letters
    report = by_key("meta-2025-nyt-closed-report")
    assert report.pk in found(client, "BEHEMOTH")


def test_a_japanese_reader_finds_the_summary_in_japanese_and_the_rest_marked_english(
    client: Client, seeded: None
) -> None:
    html = client.get("/ja/search/", {"q": "Behemoth"}).content.decode()
    reply = by_key("meta-2025-spokesperson-reply")
    assert escape(reply.summary_ja) in html


def test_one_character_finds_no_statement_but_still_labs(client: Client, seeded: None) -> None:
    assert found(client, "閉") == []
    html = client.get("/search/", {"q": "メ"}).content.decode()
    assert 'href="/labs/meta/"' in html


def test_drafts_are_not_found_by_their_japanese_words(client: Client) -> None:
    lab = company_make()
    draft = statement_make(company=lab, summary_ja="非公開の下書きにある珍語")
    published = statement_make(company=lab, summary_ja="公開済みの珍語", publish=True)
    assert found(client, "珍語") == [published.pk]
    assert draft.pk not in found(client, "下書き")


def test_the_admin_finds_statements_the_same_way(
    client: Client, seeded: None, editor: object
) -> None:
    client.force_login(editor)  # type: ignore[arg-type]
    html = client.get("/admin/claims/statement/", {"q": "棚上げ"}).content.decode()
    reply = by_key("meta-2025-spokesperson-reply")
    assert f"/admin/claims/statement/{reply.pk}/change/" in html
    assert "/admin/claims/statement/" + str(by_key("meta-2024-open-source-letter").pk) not in html


def test_bigrams_in_python_are_the_pairs_the_database_indexes(seeded: None) -> None:
    assert connection.vendor == "postgresql", "the test suite runs on PostgreSQL"
    for text in [
        "メタが公開を続ける",
        "Llama 4 Behemothの開発",
        "ab",
        "公",
        "オープンソースAIこそ",
    ]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT aperture_bigrams(%s)", [text])
            (in_database,) = cursor.fetchone()
        assert in_database == search_bigrams(text), text


def _plan(query: str) -> str:
    queryset = statements_matching(Statement.objects.all(), query)
    sql, params = queryset.order_by("-occurred_on", "-id")[:20].query.sql_with_params()
    with connection.cursor() as cursor:
        # A small table is read whole whatever the indexes; forbid that to see which index
        # the query can use (the bench measures what the planner picks at 1M rows).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("閉鎖", "statement_search_bigrams"),
        ("閉鎖的", "statement_search_trgm"),
        ("behemoth", "statement_search_trgm"),
    ],
)
def test_each_query_is_one_an_index_serves(seeded: None, query: str, index: str) -> None:
    assert connection.vendor == "postgresql", "the test suite runs on PostgreSQL"
    assert f"Bitmap Index Scan on {index}" in _plan(query)
