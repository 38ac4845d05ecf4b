"""Accessibility basics on every public page, in a real Chromium (Playwright).

The first Tab reaches the skip link, which shows itself and moves focus to the main content;
keyboard focus draws a visible ring; every form control has an accessible name (as Chromium's
accessibility tree computes it); every chart names, by aria-details, a table with the same data
on the page, or a link to one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from apps.catalog.models import AIModel
from apps.claims.models import Statement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
CONTROLS = "main input:not([type=hidden]), main select, main textarea, main button, header button"
NAMED = re.compile(r"\S")


@pytest.fixture
def seeded_live(transactional_db: None, live_server: Any) -> str:
    call_command("seed", verbosity=0)
    return str(live_server.url)


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


def public_pages() -> dict[str, str]:
    statement = Statement.objects.published().order_by("pk").first()
    ai_model = AIModel.objects.filter(statements__state="published").order_by("pk").first()
    assert statement is not None and ai_model is not None
    return {
        "home": reverse("home"),
        "lab": reverse("lab", kwargs={"slug": "meta"}),
        "model": ai_model.get_absolute_url(),
        "statement": statement.get_absolute_url(),
        "compare": reverse("compare") + "?labs=meta,openai",
        "search": reverse("search") + "?q=Meta",
        "subscribe": reverse("alerts:subscribe"),
    }


def test_the_first_tab_reaches_the_skip_link_which_shows_and_leads_to_the_content(
    seeded_live: str, tab: Any
) -> None:
    for name, path in public_pages().items():
        tab.goto(seeded_live + path)
        tab.keyboard.press("Tab")
        focused = tab.locator(":focus")
        expect(focused, f"{name}: the first Tab").to_have_class(re.compile(r"\bskip\b"))
        expect(focused).to_have_accessible_name("Skip to content")
        box = focused.bounding_box()
        assert box is not None and box["x"] >= 0 and box["y"] >= 0, f"{name}: {box}"
        assert box["width"] > 20 and box["height"] > 10, f"{name}: skip link not shown: {box}"
        tab.keyboard.press("Enter")
        assert tab.evaluate("document.activeElement.id") == "main", name


def test_keyboard_focus_draws_a_visible_ring(seeded_live: str, tab: Any) -> None:
    tab.goto(seeded_live + reverse("lab", kwargs={"slug": "meta"}))
    for _step in range(3):  # the skip link, the brand, the first navigation link
        tab.keyboard.press("Tab")
        ring = tab.evaluate(
            """() => { const s = getComputedStyle(document.activeElement);
                       return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"""
        )
        assert ring[0] != "none" and ring[1] >= 2, ring


def test_every_form_control_on_the_public_pages_has_an_accessible_name(
    seeded_live: str, tab: Any
) -> None:
    checked = 0
    for name, path in public_pages().items():
        tab.goto(seeded_live + path)
        controls = tab.locator(CONTROLS)
        for index in range(controls.count()):
            control = controls.nth(index)
            if not control.is_visible():
                continue
            expect(
                control, f"{name}: {control.evaluate('e => e.outerHTML')[:160]}"
            ).to_have_accessible_name(NAMED)
            checked += 1
    # The lab's filters, the search box, the language buttons and three subscribe forms at least.
    assert checked > 20


def test_every_chart_has_a_table_with_its_data_or_a_link_to_one(seeded_live: str, tab: Any) -> None:
    charts = 0
    for name, path in public_pages().items():
        tab.goto(seeded_live + path)
        for svg in tab.locator("main svg[role=img]").all():
            charts += 1
            target_id = svg.get_attribute("aria-details")
            assert target_id, f"{name}: a chart without aria-details"
            target = tab.locator(f"[id='{target_id}']")
            expect(target, f"{name}: aria-details names no element").to_have_count(1)
            tag = target.evaluate("e => e.tagName.toLowerCase()")
            if tag == "a":
                href = target.get_attribute("href") or ""
                assert "#" in href, f"{name}: {href} does not point at a table"
                other = tab.context.new_page()
                other.goto(seeded_live + href)
                fragment = href.split("#", 1)[1]
                expect(other.locator(f"table[id='{fragment}']")).to_have_count(1)
                other.close()
            elif tag != "table":
                expect(target.locator("table"), f"{name}: no table in #{target_id}").to_have_count(
                    1
                )
    # Home's sparklines, the lab's three bands, compare's two.
    assert charts >= 6
