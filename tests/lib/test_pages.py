"""page_metadata: the one reader of fetched pages, with one rule for a page's language that
"Add source from URL" and ingestion share."""

from __future__ import annotations

import datetime

import pytest

from apps.ingest.extract import article_extract
from apps.lib.pages import ExtractionLimits, PageError, page_metadata

URL = "http://127.0.0.1/page"

ENGLISH = (
    "Meta said on Monday that it would keep releasing leading open-source models while it also "
    "trains a mix of open and closed ones, and it declined to comment on reports that it had "
    "shelved its largest model, which had finished training but disappointed in internal tests."
)
JAPANESE = (
    "Metaの広報担当者は、今後も主要なオープンソースAIモデルのリリースを継続していく予定だと述べ、"
    "オープンソースモデルとクローズドソースモデルを組み合わせたトレーニングを続けると説明しました。"
)
FRENCH = (
    "Meta a déclaré lundi qu'elle continuerait à publier des modèles ouverts de premier plan, "
    "tout en entraînant un mélange de modèles ouverts et fermés, sans commenter les rapports."
)
QUOTING = (
    f"{ENGLISH} GIGAZINE put it in Japanese: 「Metaはクローズドモデルの開発に移行するとの報道」."
)


def page(text: str, *, lang: str | None = None, locale: str | None = None) -> bytes:
    html_lang = f' lang="{lang}"' if lang is not None else ""
    og = f'<meta property="og:locale" content="{locale}">' if locale is not None else ""
    return (
        f"<!doctype html><html{html_lang}><head><title>A story</title>{og}</head>"
        f"<body><article><h1>A story</h1><p>{text}</p></article></body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("body", "language"),
    [
        (page(JAPANESE, lang="ja"), "ja"),
        (page(ENGLISH, lang="en-GB"), "en"),
        # A declaration wins: detection would call French English, and any kana Japanese.
        (page(FRENCH, lang="fr"), "fr"),
        (page(QUOTING, lang="en"), "en"),
        (page(JAPANESE, locale="ja_JP"), "ja"),
        (page(ENGLISH, lang="en", locale="en_US"), "en"),
        # Nothing usable declared, or a page that contradicts itself: the text decides.
        (page(ENGLISH), "en"),
        (page(JAPANESE), "ja"),
        (page(JAPANESE, lang="en", locale="ja_JP"), "ja"),
        (page(ENGLISH, lang="und"), "en"),
        (page(JAPANESE, lang="{{ lang }}"), "ja"),
        # A declaration the text's script plainly contradicts (a template's default lang):
        # the text decides.
        (page(JAPANESE, lang="en"), "ja"),
        (page(JAPANESE, lang="fr"), "ja"),
        (page(ENGLISH * 3, lang="ja"), "en"),
    ],
    ids=[
        "declared-ja",
        "declared-en-with-region",
        "declared-french",
        "declared-en-quoting-japanese",
        "og-locale-alone",
        "lang-and-locale-agree",
        "undeclared-english",
        "undeclared-japanese",
        "lang-and-locale-disagree",
        "undetermined",
        "template-junk",
        "declared-en-written-in-japanese",
        "declared-french-written-in-japanese",
        "declared-ja-written-in-english",
    ],
)
def test_sources_and_articles_get_a_pages_language_by_one_rule(body: bytes, language: str) -> None:
    assert page_metadata(body, url=URL).language == language
    assert article_extract(body, url=URL).language == language


def test_a_page_that_declares_nothing_and_says_nothing_detectable_has_no_language() -> None:
    body = b"<html><head><title>12345</title></head><body><p>2025</p></body></html>"
    assert page_metadata(body, url=URL).language == ""


SHORT_JAPANESE = (
    "<html lang='ja'><head><title>速報</title></head><body><div class='nav'><ul>"
    "<li><a href='/a'>ホーム</a></li><li><a href='/b'>ニュース</a></li>"
    "<li><a href='/c'>テクノロジー</a></li></ul></div><div class='content'>"
    "<p>Metaの広報担当者は、今後もオープンソースモデルを公開すると述べた。</p></div>"
    "<div class='footer'><p>Copyright 2025 デモ通信</p></div></body></html>"
).encode()


def test_a_short_japanese_page_is_read_without_the_navigation_around_it() -> None:
    text = page_metadata(SHORT_JAPANESE, url=URL).text
    assert text == "Metaの広報担当者は、今後もオープンソースモデルを公開すると述べた。"
    # Held to the threshold for Latin text, trafilatura's fallback keeps the navigation.
    latin_threshold = ExtractionLimits(min_extracted_size_cjk=250)
    assert "ホーム" in page_metadata(SHORT_JAPANESE, url=URL, limits=latin_threshold).text


def test_a_page_without_main_text_still_gives_its_title_and_date() -> None:
    body = (
        b'<html lang="en"><head><title>Open weights, explained</title>'
        b'<meta property="article:published_time" content="2025-07-15T11:12:00+09:00">'
        b"</head><body></body></html>"
    )
    read = page_metadata(body, url=URL)
    assert (read.title, read.published_at, read.text) == (
        "Open weights, explained",
        datetime.datetime(2025, 7, 15, 2, 12, tzinfo=datetime.UTC),
        "",
    )


@pytest.mark.parametrize(
    ("published", "instant"),
    [
        ("2025-07-15T08:00:00Z", datetime.datetime(2025, 7, 15, 8, 0, tzinfo=datetime.UTC)),
        ("2025-07-15T08:00:00+09:00", datetime.datetime(2025, 7, 14, 23, 0, tzinfo=datetime.UTC)),
        # No zone given: UTC is the stated assumption.
        ("2025-07-15T08:30:15", datetime.datetime(2025, 7, 15, 8, 30, 15, tzinfo=datetime.UTC)),
        # Only a day: midnight UTC, as before.
        ("2025-07-15", datetime.datetime(2025, 7, 15, tzinfo=datetime.UTC)),
    ],
)
def test_the_published_time_keeps_its_time_of_day(
    published: str, instant: datetime.datetime
) -> None:
    meta = f'<meta property="article:published_time" content="{published}">'
    for body in (page(ENGLISH), b"<html><head><title>T</title></head><body></body></html>"):
        with_date = body.replace(b"<head>", f"<head>{meta}".encode(), 1)
        assert page_metadata(with_date, url=URL).published_at == instant


def test_a_page_that_gives_no_date_has_none() -> None:
    assert page_metadata(page(ENGLISH), url=URL).published_at is None


def test_the_charset_from_the_response_header_wins_over_the_pages_own() -> None:
    body = page(JAPANESE).replace(b"<head>", b'<head><meta charset="utf-8">')
    shift_jis = body.decode("utf-8").encode("shift_jis")
    assert "広報担当者" in page_metadata(shift_jis, url=URL, charset="shift_jis").text
    # Even a wrong header wins: the server's word is what the fetcher recorded.
    assert "広報担当者" not in page_metadata(body, url=URL, charset="iso-8859-1").text
    # An unknown charset name leaves the guess to trafilatura instead of failing.
    assert "広報担当者" in page_metadata(body, url=URL, charset="no-such-charset").text


def test_bytes_that_are_not_html_are_refused() -> None:
    with pytest.raises(PageError):
        page_metadata(b"", url=URL)
