"""Languages in the address and navigation that keeps its place, in a real Chromium.

Every tab comes from the ``open_tab`` fixture, which fails the test on any page error or
Content Security Policy violation in the console, so each test here also checks that nothing
it did (htmx swaps, history restores, the language links following the address) broke the
policy. Playwright starts Chromium without the back/forward cache, so Back to another document
is a real page load: the address alone must bring the page back as it was.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from apps.claims.models import Statement
from apps.site.services import timeline_generate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SITE_URL = "http://127.0.0.1:8000"  # settings.SITE_URL in the tests


def _articles(tab: Any) -> int:
    return int(tab.locator("#statement-list article.statement").count())


def _meta_published(**filters: str) -> int:
    return Statement.objects.published().filter(company__slug="meta", **filters).count()


def _language_link(tab: Any, name: str) -> Any:
    return tab.locator("nav.lang ul").get_by_role("link", name=name, exact=True)


# -- languages ----------------------------------------------------------------------------------


def test_the_language_switch_keeps_the_page_and_the_filters_chosen_in_place(
    seeded_live: str, page: Any
) -> None:
    page.goto(f"{seeded_live}/labs/meta/")
    page.select_option("#id_kind", "unnamed_report")  # htmx: the address changes, no page load
    page.wait_for_url(re.compile(r"/labs/meta/\?kind=unnamed_report$"))
    expect(_language_link(page, "日本語")).to_have_attribute(
        "href", "/ja/labs/meta/?kind=unnamed_report"
    )

    _language_link(page, "日本語").click()
    page.wait_for_url(f"{seeded_live}/ja/labs/meta/?kind=unnamed_report")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    assert page.locator("#id_kind").input_value() == "unnamed_report"
    assert _articles(page) == _meta_published(kind="unnamed_report")

    page.select_option("#id_stance", "leaning_closed")
    page.wait_for_url(re.compile(r"/ja/labs/meta/\?kind=unnamed_report&stance=leaning_closed$"))
    _language_link(page, "English").click()
    page.wait_for_url(f"{seeded_live}/labs/meta/?kind=unnamed_report&stance=leaning_closed")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.locator("#id_stance").input_value() == "leaning_closed"


def test_the_language_switch_keeps_a_search_typed_in_place(seeded_live: str, page: Any) -> None:
    page.goto(f"{seeded_live}/search/")
    page.locator("#q").press_sequentially("メタ", delay=60)
    page.wait_for_url(re.compile(r"/search/\?q=%E3%83%A1%E3%82%BF$"))
    _language_link(page, "日本語").click()
    page.wait_for_url(re.compile(r"/ja/search/\?q=%E3%83%A1%E3%82%BF$"))
    assert page.locator("#q").input_value() == "メタ"
    expect(page.locator("#results .results-status")).to_contain_text("「メタ」")


def test_a_japanese_address_opens_in_japanese_in_an_english_browser_and_names_its_versions(
    seeded_live: str, open_tab: Any
) -> None:
    tab = open_tab(locale="en-GB")
    tab.goto(f"{seeded_live}/ja/labs/meta/")
    expect(tab.locator("html")).to_have_attribute("lang", "ja")
    assert tab.locator("#stance-heading").inner_text() == "スタンスの推移"
    alternates = tab.eval_on_selector_all(
        "link[rel=alternate][hreflang]", "links => links.map(l => [l.hreflang, l.href])"
    )
    assert alternates == [
        ["en", f"{SITE_URL}/labs/meta/"],
        ["ja", f"{SITE_URL}/ja/labs/meta/"],
        ["x-default", f"{SITE_URL}/labs/meta/"],
    ]
    canonical = tab.locator("link[rel=canonical]").get_attribute("href")
    assert canonical == f"{SITE_URL}/ja/labs/meta/"
    # The reader's browser prefers English: the page offers it, in English, and stays put.
    offer = tab.locator(".lang-offer a")
    expect(offer).to_have_text("Read this page in English")
    offer.click()
    tab.wait_for_url(f"{seeded_live}/labs/meta/")
    expect(tab.locator("html")).to_have_attribute("lang", "en")


def test_a_japanese_browser_gets_the_english_home_page_with_an_offer_not_a_redirect(
    seeded_live: str, open_tab: Any
) -> None:
    tab = open_tab(locale="ja-JP")
    response = tab.goto(f"{seeded_live}/")
    assert response is not None and response.status == 200 and response.url == f"{seeded_live}/"
    expect(tab.locator("html")).to_have_attribute("lang", "en")
    offer = tab.locator(".lang-offer a")
    expect(offer).to_have_text("このページを日本語で読む")
    offer.click()
    tab.wait_for_url(f"{seeded_live}/ja/")
    expect(tab.locator("h1")).to_have_text("AIラボはどれほどオープンか？")  # noqa: RUF001
    assert tab.locator(".lang-offer").count() == 0, "the page is in the reader's language now"


# -- Back and Forward after filters --------------------------------------------------------------


def test_back_and_forward_after_filter_changes_show_the_controls_that_made_the_list(
    seeded_live: str, page: Any
) -> None:
    everything = _meta_published()
    page.goto(f"{seeded_live}/labs/meta/")
    page.select_option("#id_kind", "unnamed_report")
    page.wait_for_url(re.compile(r"/labs/meta/\?kind=unnamed_report$"))
    page.select_option("#id_language", "en")
    page.wait_for_url(re.compile(r"kind=unnamed_report&language=en$"))
    expect(page.locator("#statement-list article")).to_have_count(0)

    # Back: htmx brings the list back from its cache; the controls must say what made it.
    page.go_back()
    page.wait_for_url(re.compile(r"/labs/meta/\?kind=unnamed_report$"))
    expect(page.locator("#statement-list article")).to_have_count(
        _meta_published(kind="unnamed_report")
    )
    expect(page.locator("#id_kind")).to_have_value("unnamed_report")
    expect(page.locator("#id_language")).to_have_value("")
    expect(_language_link(page, "日本語")).to_have_attribute(
        "href", "/ja/labs/meta/?kind=unnamed_report"
    )

    page.go_back()
    page.wait_for_url(re.compile(r"/labs/meta/$"))
    expect(page.locator("#statement-list article")).to_have_count(everything)
    expect(page.locator("#id_kind")).to_have_value("")

    page.go_forward()
    page.wait_for_url(re.compile(r"/labs/meta/\?kind=unnamed_report$"))
    expect(page.locator("#id_kind")).to_have_value("unnamed_report")
    page.go_forward()
    page.wait_for_url(re.compile(r"kind=unnamed_report&language=en$"))
    expect(page.locator("#id_language")).to_have_value("en")
    expect(page.locator("#statement-list article")).to_have_count(0)


# -- a long list --------------------------------------------------------------------------------


def _scroll_y(tab: Any) -> float:
    return float(tab.evaluate("window.scrollY"))


def test_back_from_a_statement_finds_the_long_list_as_loaded_and_where_the_reader_was(
    transactional_db: None, live_server: Any, page: Any
) -> None:
    timeline = timeline_generate(count=75, slug="long-lab", name="Long Lab")
    lab_url = f"{live_server.url}{timeline.company.get_absolute_url()}"
    page.goto(lab_url)
    page.get_by_role("link", name="Load more").click()
    page.wait_for_url(f"{lab_url}?shown=40")
    page.get_by_role("link", name="Load more").click()
    page.wait_for_url(f"{lab_url}?shown=60")
    expect(page.locator("#statement-list article")).to_have_count(60)

    fiftieth = page.locator("#statement-list article").nth(49)
    fiftieth.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 100)")
    where = _scroll_y(page)
    assert where > 2000, "far down the list"
    statement_id = fiftieth.get_attribute("id")
    page.evaluate("window.__aperture_marker = 'before'")
    fiftieth.locator(".summary a").click()
    page.wait_for_url(re.compile(r"/statements/\d+/$"))

    page.go_back()
    page.wait_for_url(f"{lab_url}?shown=60")
    assert page.evaluate("window.__aperture_marker") is None, "a page load: the address says 60"
    expect(page.locator("#statement-list article")).to_have_count(60)
    page.wait_for_function(f"Math.abs(window.scrollY - {where}) < 5")
    assert page.locator(f"#{statement_id}").is_visible()

    # The list goes on from where it stops, to the end.
    page.get_by_role("link", name="Load more").click()
    page.wait_for_url(f"{lab_url}?shown=75")
    expect(page.locator("#statement-list article")).to_have_count(75)
    assert page.get_by_role("link", name="Load more").count() == 0
    shown = page.eval_on_selector_all(
        "#statement-list article", "nodes => nodes.map(n => Number(n.id.split('-')[1]))"
    )
    assert shown == list(
        Statement.objects.filter(company=timeline.company)
        .order_by("-occurred_on", "-id")
        .values_list("id", flat=True)
    )


def test_back_after_a_filter_on_a_long_list_restores_the_list_and_its_scroll_from_htmx(
    transactional_db: None, live_server: Any, page: Any
) -> None:
    timeline = timeline_generate(count=60, slug="filter-lab", name="Filter Lab")
    lab_url = f"{live_server.url}{timeline.company.get_absolute_url()}"
    page.goto(lab_url)
    page.get_by_role("link", name="Load more").click()
    page.wait_for_url(f"{lab_url}?shown=40")
    page.locator("#statement-list article").nth(35).scroll_into_view_if_needed()
    where = _scroll_y(page)
    page.evaluate("window.__aperture_marker = 'same document'")

    page.locator("#id_stance").select_option("closed")
    page.wait_for_url(f"{lab_url}?stance=closed")
    page.go_back()
    page.wait_for_url(f"{lab_url}?shown=40")
    expect(page.locator("#statement-list article")).to_have_count(40)
    expect(page.locator("#id_stance")).to_have_value("")
    page.wait_for_function(f"Math.abs(window.scrollY - {where}) < 5")
    assert page.evaluate("window.__aperture_marker") == "same document"
