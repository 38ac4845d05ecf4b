"""Fixtures for the public site: generated timelines, the seeded live site, and browser tabs
(desktop or phone-sized) that fail their test on a page error or a Content Security Policy
violation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import call_command

from apps.site.services import GeneratedTimeline, timeline_generate
from tests.support.browser import DESKTOP


@pytest.fixture
def timeline_1000(db: None) -> GeneratedTimeline:
    return timeline_generate(count=1000, slug="big-lab", name="Big Lab")


@pytest.fixture
def timeline_10(db: None) -> GeneratedTimeline:
    return timeline_generate(count=10, slug="small-lab", name="Small Lab", distinct_days=5)


@pytest.fixture
def seeded_live(transactional_db: None, live_server: Any) -> str:
    """The live test server's address, serving the demo record."""
    call_command("seed", verbosity=0)
    return str(live_server.url)


@pytest.fixture
def open_tab(browser: Any) -> Iterator[Callable[..., Any]]:
    """Opens a tab in a new browser context (``locale`` sets Accept-Language); the test fails
    if any page in it throws or breaks the Content Security Policy, whatever it asserted."""
    contexts: list[Any] = []
    problems: list[str] = []

    def _open(locale: str = "en-GB", viewport: dict[str, int] = DESKTOP) -> Any:
        context = browser.new_context(viewport=viewport, locale=locale)
        contexts.append(context)
        tab = context.new_page()
        tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        tab.on(
            "console",
            lambda message: (
                problems.append(message.text)
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )
        return tab

    yield _open
    for context in contexts:
        context.close()
    assert problems == [], problems


@pytest.fixture
def page(open_tab: Callable[..., Any]) -> Any:
    """A desktop-sized tab."""
    return open_tab()


@pytest.fixture
def phone_tab(open_tab: Callable[..., Any]) -> Any:
    """A tab 375 CSS pixels wide."""
    return open_tab(viewport={"width": 375, "height": 740})
