"""The site in a real Chromium (Playwright) against the live test server.

A marker set on `window` survives an htmx swap but not a page load, which is how these tests
tell "updated in place" from "reloaded". live_server reads committed rows, so the data here is
made with transactional_db.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import expect

from apps.claims.models import Statement
from apps.site.services import timeline_generate
from apps.site.templatetags.aperture import precise_date
from tests.support.browser import DESKTOP, PHONE
from tests.support.screenshots import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _mark(tab: Any) -> None:
    tab.evaluate("window.__aperture_marker = 'still here'")


def _marker(tab: Any) -> Any:
    return tab.evaluate("window.__aperture_marker")


def _articles(tab: Any) -> int:
    return int(tab.locator("#statement-list article.statement").count())


def _meta_published(**filters: str) -> int:
    """How many of Meta's statements the seeded record publishes (that match ``filters``)."""
    return Statement.objects.published().filter(company__slug="meta", **filters).count()


def test_a_filter_updates_the_list_in_place_the_url_follows_and_back_restores_it(
    seeded_live: str, page: Any
) -> None:
    everything = _meta_published()
    [report] = Statement.objects.published().filter(company__slug="meta", kind="unnamed_report")
    assert report.quote_language != "en"
    page.goto(f"{seeded_live}/labs/meta/")
    assert _articles(page) == everything > 1
    _mark(page)
    page.select_option("#id_kind", "unnamed_report")
    page.wait_for_url(re.compile(r"/labs/meta/\?kind=unnamed_report$"))
    expect(page.locator("#statement-list article")).to_have_count(1)
    expect(page.locator(f"#statement-{report.pk}")).to_contain_text(report.summary)
    assert _marker(page) == "still here", "the page was reloaded instead of updated in place"

    page.select_option("#id_language", "en")  # no English quote in a report from unnamed sources
    page.wait_for_url(re.compile(r"kind=unnamed_report&language=en$"))
    expect(page.locator("#statement-list article")).to_have_count(0)
    assert "No statements match" in page.locator("#timeline").inner_text()

    page.go_back()
    page.wait_for_url(re.compile(r"/labs/meta/\?kind=unnamed_report$"))
    expect(page.locator("#statement-list article")).to_have_count(1)
    page.go_back()
    page.wait_for_url(re.compile(r"/labs/meta/$"))
    expect(page.locator("#statement-list article")).to_have_count(everything)
    assert page.locator("#id_kind").input_value() == ""


def test_a_shared_filtered_url_opens_the_filtered_view(seeded_live: str, page: Any) -> None:
    page.goto(f"{seeded_live}/labs/meta/?stance=open")
    assert _articles(page) == _meta_published(stance="open") > 0
    assert page.locator("#id_stance").input_value() == "open"


def test_load_more_appends_the_next_page_in_place(
    transactional_db: None, live_server: Any, page: Any
) -> None:
    timeline = timeline_generate(count=45, slug="long-lab", name="Long Lab")
    page.goto(f"{live_server.url}{timeline.company.get_absolute_url()}")
    assert _articles(page) == 20
    _mark(page)
    page.get_by_role("link", name="Load more").click()
    expect(page.locator("#statement-list article")).to_have_count(40)
    page.get_by_role("link", name="Load more").click()
    expect(page.locator("#statement-list article")).to_have_count(45)
    assert page.get_by_role("link", name="Load more").count() == 0
    assert _marker(page) == "still here"
    shown = page.eval_on_selector_all(
        "#statement-list article", "nodes => nodes.map(n => Number(n.id.split('-')[1]))"
    )
    expected = list(
        Statement.objects.filter(company=timeline.company)
        .order_by("-occurred_on", "-id")
        .values_list("id", flat=True)
    )
    assert shown == expected


def test_load_more_on_the_model_page_appends_the_next_page_in_place(
    transactional_db: None, live_server: Any, page: Any
) -> None:
    timeline = timeline_generate(count=150, slug="model-lab", name="Model Lab")
    ai_model = timeline.models[0]
    expected = list(
        Statement.objects.filter(ai_models=ai_model)
        .order_by("-occurred_on", "-id")
        .values_list("id", flat=True)
    )
    assert 20 < len(expected) <= 40
    page.goto(f"{live_server.url}{ai_model.get_absolute_url()}")
    assert _articles(page) == 20
    _mark(page)
    page.get_by_role("link", name="Load more").click()
    expect(page.locator("#statement-list article")).to_have_count(len(expected))
    assert page.get_by_role("link", name="Load more").count() == 0
    assert _marker(page) == "still here"
    shown = page.eval_on_selector_all(
        "#statement-list article", "nodes => nodes.map(n => Number(n.id.split('-')[1]))"
    )
    assert shown == expected


def test_search_results_update_as_the_reader_types(seeded_live: str, page: Any) -> None:
    page.goto(f"{seeded_live}/search/")
    _mark(page)
    page.locator("#q").press_sequentially("Behemo", delay=60)
    page.wait_for_selector("#results a[href='/models/llama-4-behemoth/']")
    page.wait_for_url(re.compile(r"/search/\?q=Behemo$"))
    page.locator("#q").fill("メタ")
    page.locator("#q").dispatch_event("input")
    expect(page.locator("#results .results-status")).to_contain_text("“メタ”")
    expect(page.locator("#results h2").first).to_have_text("Labs")
    assert _marker(page) == "still here"


def test_the_language_switch_turns_the_interface_japanese_and_back(
    seeded_live: str, page: Any
) -> None:
    official = Statement.objects.published().filter(company__slug="meta", kind="official").first()
    assert official is not None
    with translation.override("ja"):
        said_on = precise_date(official.occurred_on, official.date_precision)
    page.goto(f"{seeded_live}/labs/meta/?kind=official")
    page.get_by_role("link", name="日本語", exact=True).click()
    page.wait_for_selector("html[lang=ja]")
    assert page.url.endswith("/ja/labs/meta/?kind=official")
    assert page.locator("#stance-heading").inner_text() == "スタンスの推移"
    assert said_on in page.locator("#statement-list").inner_text()
    page.get_by_role("link", name="English", exact=True).click()
    page.wait_for_selector("html[lang=en]")
    assert page.url.endswith("/labs/meta/?kind=official") and "/ja/" not in page.url
    assert page.locator("#stance-heading").inner_text() == "Stance over time"


def test_the_pages_work_without_javascript(seeded_live: str, browser: Any) -> None:
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    tab = context.new_page()
    try:
        tab.goto(f"{seeded_live}/labs/meta/")
        tab.select_option("#id_kind", "unnamed_report")
        tab.get_by_role("button", name="Apply filters").click()
        tab.wait_for_url(re.compile(r"kind=unnamed_report"))
        assert _articles(tab) == _meta_published(kind="unnamed_report") > 0

        tab.goto(f"{seeded_live}/search/")
        tab.locator("#q").fill("GIGAZINE")
        tab.get_by_role("button", name="Search", exact=True).click()
        tab.wait_for_url(re.compile(r"/search/\?q=GIGAZINE"))
        assert "GIGAZINE" in tab.locator("#results").inner_text()

        tab.goto(f"{seeded_live}/compare/")
        tab.get_by_label("xAI").check()
        tab.get_by_role("button", name="Compare", exact=True).click()
        tab.wait_for_url(re.compile(r"labs=xai"))
        assert tab.locator("#lab-xai").count() == 1

        tab.goto(f"{seeded_live}/")
        tab.get_by_role("link", name="日本語", exact=True).click()
        tab.wait_for_selector("html[lang=ja]")
        assert tab.url == f"{seeded_live}/ja/"
    finally:
        context.close()


def test_load_more_works_without_javascript(
    transactional_db: None, live_server: Any, browser: Any
) -> None:
    timeline = timeline_generate(count=30, slug="plain-lab", name="Plain Lab")
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    tab = context.new_page()
    try:
        tab.goto(f"{live_server.url}{timeline.company.get_absolute_url()}")
        first = tab.eval_on_selector_all("#statement-list article", "n => n.map(a => a.id)")
        tab.get_by_role("link", name="Load more").click()
        tab.wait_for_url(re.compile(r"after="))
        second = tab.eval_on_selector_all("#statement-list article", "n => n.map(a => a.id)")
        assert len(first) == 20 and len(second) == 10 and not set(first) & set(second)
    finally:
        context.close()


@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_screenshots_of_home_lab_and_statement_pages_fit_the_screen(
    seeded_live: str, browser: Any, name: str, viewport: dict[str, int]
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=viewport, device_scale_factor=1)
    tab = context.new_page()
    report = Statement.objects.get(import_key="meta-2025-nyt-closed-report")
    try:
        for label, path in [
            ("home", "/"),
            ("lab-meta", "/labs/meta/"),
            ("statement", report.get_absolute_url()),
        ]:
            tab.goto(f"{seeded_live}{path}")
            file = SCREENSHOTS / f"{label}-{name}.png"
            tab.screenshot(path=str(file), full_page=True)
            assert file.stat().st_size > 10_000
            # Usable at 360 px: nothing forces the page itself to scroll sideways (wide tables
            # scroll inside their own region).
            width = tab.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{path} is {width}px wide at {viewport['width']}"
    finally:
        context.close()


def test_keyboard_focus_is_visible(seeded_live: str, page: Any) -> None:
    page.goto(f"{seeded_live}/labs/meta/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip")
    assert skip.evaluate("n => n === document.activeElement")
    outline = skip.evaluate("n => getComputedStyle(n).outlineStyle")
    assert outline == "solid"
