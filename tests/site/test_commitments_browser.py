"""The seeded Meta page in a real browser: its commitment is shown with its status, terms and
evidence rule, the kept ratio with its counts, and a link to how commitments are judged. The
screenshot of the section is the README's (docs/screenshot-commitments.png)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.support.browser import DESKTOP
from tests.support.screenshots import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_meta_page_shows_the_spokespersons_promise_pending_with_its_evidence_rule(
    seeded_live: str, open_tab: Any
) -> None:
    tab = open_tab(viewport=DESKTOP)
    tab.goto(f"{seeded_live}/labs/meta/")
    section = tab.locator("#commitments")
    expect(section.get_by_role("heading", name="Commitments")).to_be_visible()
    expect(section).to_contain_text("keep releasing leading open-source models")
    expect(section.locator(".commitment-status")).to_have_text(["pending"])
    expect(section).to_contain_text("Meta spokesperson")
    expect(section).to_contain_text("with Meta's next leading model release after 14 July 2025")
    expect(section).to_contain_text("Kept if Meta's next leading model")
    expect(section).to_contain_text("Promises kept: none resolved yet; 1 pending")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    file = SCREENSHOTS / "lab-meta-commitments.png"
    section.screenshot(path=str(file))
    assert file.stat().st_size > 5_000

    section.get_by_role("link", name="How commitments are judged").click()
    tab.wait_for_url("**/about/#commitments")
    expect(tab.locator("#commitments-heading")).to_be_in_viewport()
