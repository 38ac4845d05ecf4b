"""The admin pages editors use most, in a real Chromium, under the site's Content Security Policy.

The policy allows no inline style or script without the nonce; Chromium reports each refusal on
the console ("Refused to apply inline style because it violates the following Content Security
Policy directive ..."). django-simple-history's history list carried one inline style, which
cost 35 console errors per page; templates/simple_history/ moves it into css/admin.css.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from apps.claims.models import Statement
from tests.support.screenshots import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse"


def _is_csp_complaint(text: str) -> bool:
    return "Content Security Policy" in text or "Refused to" in text


@pytest.fixture
def csp_complaints(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A tab and the CSP complaints (and page errors) it has logged so far, with their URL."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    tab = context.new_page()
    complaints: list[str] = []
    tab.on("pageerror", lambda error: complaints.append(f"{tab.url}: page error: {error}"))
    tab.on(
        "console",
        lambda message: (
            complaints.append(f"{tab.url}: {message.text}")
            if _is_csp_complaint(message.text)
            else None
        ),
    )
    yield tab, complaints
    context.close()


@pytest.fixture
def admin_live(transactional_db: None, live_server: Any) -> str:
    cache.clear()  # the login throttle's counters
    call_command("seed", verbosity=0)
    User.objects.create_superuser("sam", "sam@example.org", PASSWORD)
    return str(live_server.url)


def _log_in(tab: Any, base: str) -> None:
    tab.goto(f"{base}{reverse('admin:login')}?next={reverse('admin:index')}")
    tab.fill("#id_username", "sam")
    tab.fill("#id_password", PASSWORD)
    tab.click("#login-form input[type=submit]")
    expect(tab.locator("#user-tools")).to_be_visible()


def test_the_login_a_statement_its_history_and_the_two_factor_pages_keep_the_csp(
    admin_live: str, csp_complaints: tuple[Any, list[str]]
) -> None:
    tab, complaints = csp_complaints
    _log_in(tab, admin_live)
    assert tab.url.endswith(reverse("admin:index"))
    assert complaints == []

    statement = Statement.objects.order_by("pk").first()
    assert statement is not None
    tab.goto(admin_live + reverse("admin:claims_statement_change", args=[statement.pk]))
    expect(tab.locator("#statement_form")).to_be_visible()
    assert complaints == []

    tab.goto(admin_live + reverse("admin:claims_statement_history", args=[statement.pk]))
    expect(tab.locator("#change-history")).to_be_visible()
    assert complaints == []
    # The rule the inline style carried still applies, from the stylesheet.
    paginator = tab.locator("#change-history ~ .paginator")
    assert paginator.evaluate("p => getComputedStyle(p).borderTopStyle") == "none"

    tab.goto(admin_live + reverse("accounts:two_factor"))
    tab.get_by_role("button", name="Set up an authenticator app").click()
    expect(tab.locator(".two-factor-qr svg")).to_be_visible()
    expect(tab.locator(".two-factor-secret")).to_be_visible()
    tab.fill("#id_code", "000000")
    tab.get_by_role("button", name="Turn two-factor login on").click()
    expect(tab.locator(".errorlist")).to_contain_text("That code is not right")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "admin-two-factor-setup.png"), full_page=True)

    assert complaints == []


def test_the_lockout_page_keeps_the_csp(
    admin_live: str, csp_complaints: tuple[Any, list[str]]
) -> None:
    tab, complaints = csp_complaints
    for attempt in range(5):
        tab.goto(admin_live + reverse("admin:login"))
        tab.fill("#id_username", "sam")
        tab.fill("#id_password", f"guess {attempt}")
        tab.click("#login-form input[type=submit]")
    expect(tab.locator(".errornote")).to_contain_text("Too many failed logins")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "admin-login-locked-out.png"), full_page=True)
    assert complaints == []
