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


def test_narrowing_the_commitments_swaps_the_list_and_keeps_it_in_the_address(
    live_server: Any, open_tab: Any, reviewer: Any
) -> None:
    from apps.claims import commitments
    from tests.factories import company_make, statement_make

    lab = company_make(name="Browser Lab", slug="browser-lab")
    for text in ("first open promise", "judged promise"):
        commitments.commitment_mark(
            user=None,
            statement=statement_make(company=lab, publish=True),
            promise=text,
            evidence_rule="e",
            condition="c",
        )
    judged = lab.statements.get(commitment__promise="judged promise").commitment
    commitments.commitment_outcome_record(
        commitment=judged,
        user=reviewer,
        outcome="kept",
        rationale="r",
        deciding_statement=statement_make(company=lab, kind="action", publish=True),
    )
    tab = open_tab(viewport=DESKTOP)
    tab.goto(f"{live_server.url}/labs/browser-lab/")
    tab.evaluate("window.notReloaded = true")
    section = tab.locator("#commitments")
    expect(section.locator("li.commitment")).to_have_count(2)

    section.get_by_role("link", name="resolved", exact=True).click()

    expect(section.locator("li.commitment")).to_have_count(1)
    expect(section).to_contain_text("judged promise")
    tab.wait_for_url("**/labs/browser-lab/?commitments=resolved")
    assert tab.evaluate("window.notReloaded") is True, "swapped in place, not reloaded"
    tab.go_back()
    expect(section.locator("li.commitment")).to_have_count(2)
