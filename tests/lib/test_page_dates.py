"""A page's date comes from what it states about its article (metadata, the headline's byline, a
dateline) and from nothing else: not a year in the prose, a copyright line, an "updated" line, a
list of related articles, the site's own date bar or a promotion. Where it states nothing, the
date is None and an editor sets it."""

from __future__ import annotations

import datetime

import pytest
from htmldate import find_date

from apps.lib.pages import page_metadata

URL = "http://127.0.0.1/news/story"
FETCHED = datetime.datetime(2025, 7, 16, 9, 0, tzinfo=datetime.UTC)

PROSE = (
    "<p>The lab said on Monday that it would keep publishing the weights of its smaller models "
    "while training its largest systems behind an API, a change from the policy it announced "
    "when it was founded. Its chief scientist said the decision was about safety testing, not "
    "commercial pressure, and that researchers would still get access under a licence.</p>"
    "<p>Critics said the move ended a period in which the company had set the pace for open "
    "releases, and that other labs were likely to follow its lead within months.</p>"
)


def page(
    *, head: str = "", header: str = "", before_h1: str = "", body: str = PROSE, tail: str = ""
) -> bytes:
    return (
        f"<!doctype html><html lang='en'><head><title>Lab changes its release policy</title>"
        f"{head}</head><body><div class='topbar'>Example News</div><article>"
        f"<header>{before_h1}<h1>Lab changes its release policy</h1>{header}</header>"
        f"{body}</article>{tail}</body></html>"
    ).encode()


def day(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)


RELATED = (
    "<aside class='related'><h2>Related</h2><ul>"
    "<li><a href='/a'>Earlier: the lab's 2023 licence</a> <time datetime='2023-02-01'>Feb 1, "
    "2023</time></li><li><a href='/b'>Rivals react</a> <span>March 3, 2024</span></li>"
    "</ul></aside>"
)

DATED = {
    "open-graph": (
        page(head="<meta property='article:published_time' content='2025-07-14T18:05:00Z'>"),
        datetime.datetime(2025, 7, 14, 18, 5, tzinfo=datetime.UTC),
    ),
    "json-ld-beside-a-list-of-related-articles": (
        page(
            head='<script type=\'application/ld+json\'>{"@context": "https://schema.org", '
            '"@type": "NewsArticle", "headline": "Lab changes", '
            '"datePublished": "2025-07-14T09:30:00+09:00", "relatedLink": [], '
            '"hasPart": {"@type": "ItemList", "itemListElement": [{"@type": "NewsArticle", '
            '"datePublished": "2023-01-01"}]}}</script>',
            tail=RELATED,
        ),
        datetime.datetime(2025, 7, 14, 0, 30, tzinfo=datetime.UTC),
    ),
    "json-ld-graph": (
        page(
            head='<script type=\'application/ld+json\'>{"@graph": [{"@type": "WebSite"}, '
            '{"@type": ["Article", "NewsArticle"], "datePublished": "2025-07-14"}]}</script>'
        ),
        day("2025-07-14"),
    ),
    "microdata-of-the-item-holding-the-headline": (
        (
            "<html><head><title>T</title></head><body><ul class='cards'>"
            "<li itemscope itemtype='https://schema.org/NewsArticle'><a href='/x'>Older</a>"
            "<meta itemprop='datePublished' content='2024-05-05'></li></ul>"
            "<div itemscope itemtype='https://schema.org/NewsArticle'>"
            "<h1 itemprop='headline'>Lab changes its release policy</h1>"
            "<meta itemprop='datePublished' content='2025-07-14T10:00:00Z'>"
            f"<div itemprop='articleBody'>{PROSE}</div></div></body></html>"
        ).encode(),
        datetime.datetime(2025, 7, 14, 10, 0, tzinfo=datetime.UTC),
    ),
    "time-in-the-article-header-not-the-related-list": (
        page(
            header="<p class='meta'>By Ana Ruiz, <time class='entry-date published' "
            "datetime='2025-07-14T08:00:00-04:00'>July 14</time> <time class='updated' "
            "datetime='2025-07-15T10:00:00Z'>July 15</time></p>",
            tail=RELATED,
        ),
        datetime.datetime(2025, 7, 14, 12, 0, tzinfo=datetime.UTC),
    ),
    "printed-byline-with-an-update": (
        page(header="<p class='byline'>Published July 14, 2025 | Updated July 20, 2025</p>"),
        day("2025-07-14"),
    ),
    "updated-first-then-published": (
        page(header="<p>Last updated 20 July 2025 · First published 14 July 2025</p>"),
        day("2025-07-14"),
    ),
    "japanese-date-below-the-title": (
        page(header="<p class='date'>2025年7月14日 10時00分 (最終更新 2025年7月15日)</p>"),
        day("2025-07-14"),
    ),
    "japanese-date-above-the-title": (
        page(before_h1="<span class='kicker'>2025.07.14</span>"),
        day("2025-07-14"),
    ),
    "dateline-with-agency": (
        page(body="<p>SAN FRANCISCO, July 14 (Reuters) - " + PROSE[3:]),
        day("2025-07-14"),
    ),
    "dateline-with-year-and-wire": (
        page(body="<p>TOKYO, July 14, 2025 /PRNewswire/ -- " + PROSE[3:]),
        day("2025-07-14"),
    ),
}


@pytest.mark.parametrize(("body", "published"), DATED.values(), ids=DATED.keys())
def test_a_page_is_dated_by_what_it_states_about_its_article(
    body: bytes, published: datetime.datetime
) -> None:
    assert page_metadata(body, url=URL, fetched_at=FETCHED).published_at == published


UNDATED = {
    "years-in-the-prose": page(
        body="<p>In 2023 the lab released its first open model; by 2027 it expects to train "
        "systems ten times larger. " + PROSE[3:]
    ),
    "copyright-line": page(
        head="<meta itemprop='copyrightYear' content='2024'>",
        tail="<footer><p>© 2024 Example Media. All rights reserved.</p></footer>",
    ),
    "last-updated-line": page(header="<p class='byline'>Last updated: March 3, 2025</p>"),
    "related-articles": page(tail=RELATED),
    "promotion-in-the-text": page(
        body=PROSE + "<p>Subscribe now: our summer offer ends on 31 August 2025 at midnight, "
        "with the first three months of unlimited reading for a single euro.</p>"
    ),
    "site-date-bar": (
        "<html><head><title>T</title></head><body><div class='masthead'>Monday, July 14, "
        f"2025</div><main><h1>Lab changes its release policy</h1>{PROSE}</main></body></html>"
    ).encode(),
    "modified-time-only": page(
        head="<meta property='article:modified_time' content='2025-07-15T10:00:00Z'>"
    ),
    "date-in-the-url-only": page(
        head="<link rel='canonical' href='http://127.0.0.1/2025/07/14/x'>"
    ),
    "yearless-dateline-long-before-the-fetch": page(
        body="<p>SAN FRANCISCO, March 3 (Reuters) - " + PROSE[3:]
    ),
}


@pytest.mark.parametrize("body", UNDATED.values(), ids=UNDATED.keys())
def test_a_page_that_states_no_date_of_its_article_has_none(body: bytes) -> None:
    assert page_metadata(body, url=URL, fetched_at=FETCHED).published_at is None


def test_htmldate_guesses_a_date_for_most_pages_that_state_none() -> None:
    """Why page_dates reads dates itself: htmldate, even in its strict mode, dates pages
    that state no date of their article."""
    guessed = [
        name
        for name, body in UNDATED.items()
        if find_date(body, extensive_search=False, original_date=True, max_date="2025-07-16")
    ]
    assert len(guessed) >= len(UNDATED) // 2, guessed


def test_a_yearless_dateline_takes_the_fetchs_year_only_when_recent() -> None:
    body = DATED["dateline-with-agency"][0]
    late = FETCHED.replace(year=2026, month=1, day=10)
    assert page_metadata(body, url=URL, fetched_at=late).published_at is None
    early = FETCHED.replace(month=7, day=20)
    assert page_metadata(body, url=URL, fetched_at=early).published_at == day("2025-07-14")
    new_year = datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC)
    december = page(body="<p>SAN FRANCISCO, Dec. 30 (Reuters) - " + PROSE[3:])
    assert page_metadata(december, url=URL, fetched_at=new_year).published_at == day("2025-12-30")
