"""The stance charts in a real Chromium at a phone's width (375 CSS pixels): year labels a
person can read, an axis that says what is up and down, and marks a keyboard can reach.

phone_tab fails the test on any Content Security Policy violation or page error.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from apps.claims.models import StanceChange, Statement
from apps.site.charts import LEVEL_Y
from tests.support.screenshots import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEGIBLE_PX = 11

# The rendered size of each year label: its font size times the scale the SVG is drawn at (a
# viewBox shrinks a 640-unit drawing to the phone's width, and its text with it), and whether
# the whole label lies inside its chart.
LABELS_JS = """
() => [...document.querySelectorAll('svg text.tick-label')].map(t => {
  const svg = t.ownerSVGElement.getBoundingClientRect(), box = t.getBoundingClientRect();
  return {
    label: t.textContent,
    px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a,
    inside: box.left >= svg.left - 0.5 && box.right <= svg.right + 0.5,
  };
})
"""


def _in(language: str, base: str, path: str) -> str:
    """The page's address in ``language``: English has no prefix, Japanese is under /ja/."""
    return f"{base}{'' if language == 'en' else '/' + language}{path}"


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("path", ["/labs/meta/", "/", "/compare/?labs=meta,openai"])
def test_year_labels_are_legible_on_a_phone(
    seeded_live: str, phone_tab: Any, path: str, language: str
) -> None:
    phone_tab.goto(_in(language, seeded_live, path))
    assert phone_tab.evaluate("document.documentElement.lang") == language
    labels = phone_tab.evaluate(LABELS_JS)
    assert labels, "no year labels"
    for label in labels:
        assert re.fullmatch(r"20\d\d", label["label"])
        assert label["px"] >= LEGIBLE_PX, label
        assert label["inside"], label
    width = phone_tab.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{path} is {width}px wide"


def test_the_axis_is_labelled_open_to_closed_at_the_heights_of_its_levels(
    seeded_live: str, phone_tab: Any
) -> None:
    phone_tab.goto(f"{seeded_live}/labs/meta/")
    band = phone_tab.locator("figure.band").first
    top = band.locator("svg").bounding_box()["y"]
    for stance, css in [("open", "axis-open"), ("mixed", "axis-mixed"), ("closed", "axis-closed")]:
        label = band.locator(f".{css}")
        expect(label).to_have_text(stance)
        box = label.bounding_box()
        assert abs(box["y"] + box["height"] / 2 - (top + LEVEL_Y[stance])) <= 2, stance
        size = label.evaluate("n => parseFloat(getComputedStyle(n).fontSize)")
        assert size >= LEGIBLE_PX


def test_every_mark_on_the_band_takes_keyboard_focus_with_a_visible_ring_and_a_title(
    seeded_live: str, phone_tab: Any
) -> None:
    phone_tab.goto(f"{seeded_live}/labs/meta/")
    band = phone_tab.locator("figure.band").first
    links = band.locator("svg a")
    statements = Statement.objects.published().filter(company__slug="meta").count()
    changes = StanceChange.objects.current().filter(company__slug="meta").count()
    assert links.count() == statements + changes
    # Start from the link just before the band and walk it with the Tab key.
    phone_tab.locator("p.basis a.why").focus()
    reached = []
    for _ in range(links.count()):
        phone_tab.keyboard.press("Tab")
        focused = phone_tab.evaluate(
            """() => {
              const a = document.activeElement, shape = a.querySelector('circle, rect');
              return {
                inBand: !!a.closest('figure.band'),
                href: a.getAttribute('href'),
                title: (a.querySelector('title') || {}).textContent || '',
                outline: getComputedStyle(a).outlineStyle,
                stroke: shape ? getComputedStyle(shape).strokeWidth : '',
              };
            }"""
        )
        assert focused["inBand"], focused
        assert focused["title"].strip() and focused["href"]
        assert focused["outline"] == "solid" and focused["stroke"] == "4px", focused
        reached.append(focused["href"])
    expected = links.evaluate_all("nodes => nodes.map(n => n.getAttribute('href'))")
    assert reached == expected
    # Each mark's title is its name, as a screen reader announces the link.
    report = Statement.objects.get(import_key="meta-2025-nyt-closed-report")
    name = re.compile(r"^Statement, July 14, 2025: report from unnamed sources, leaning closed")
    expect(band.get_by_role("link", name=name)).to_have_attribute("href", report.get_absolute_url())


def test_enter_on_a_change_marker_opens_what_caused_the_change(
    seeded_live: str, phone_tab: Any
) -> None:
    phone_tab.goto(f"{seeded_live}/labs/meta/")
    marker = phone_tab.locator("figure.band").first.locator("a.change-mark").last
    marker.focus()
    phone_tab.keyboard.press("Enter")
    phone_tab.wait_for_url(re.compile(r"/labs/meta/why/\?on=2025-07-14$"))
    expect(phone_tab.locator("#day-heading")).to_have_text("What happened on July 14, 2025")
    report = Statement.objects.get(import_key="meta-2025-nyt-closed-report")
    expect(
        phone_tab.locator(f"#day-heading ~ ul a[href='{report.get_absolute_url()}']")
    ).to_be_visible()


@pytest.mark.parametrize("language", ["en", "ja"])
def test_screenshots_of_the_about_and_why_pages_fit_a_phone(
    seeded_live: str, phone_tab: Any, language: str
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, path in [
        ("about", "/about/"),
        ("why-meta", "/labs/meta/why/?on=2025-07-14"),
        ("lab-meta", "/labs/meta/"),
        ("home", "/"),
        ("compare", "/compare/?labs=meta,openai,xai"),
    ]:
        phone_tab.goto(_in(language, seeded_live, path))
        assert phone_tab.evaluate("document.documentElement.lang") == language
        file = SCREENSHOTS / f"{label}-phone-{language}.png"
        phone_tab.screenshot(path=str(file), full_page=True)
        assert file.stat().st_size > 10_000
        width = phone_tab.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide in {language}"
