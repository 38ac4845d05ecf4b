"""Fixtures for the public site: generated timelines, the seeded live site, a phone-sized tab."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from apps.site.services import GeneratedTimeline, timeline_generate


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
def phone_tab(browser: Any) -> Iterator[Any]:
    """A Chromium tab 375 CSS pixels wide. Ends the test with a failure if the page threw an
    error or the browser reported a Content Security Policy violation."""
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="en-GB")
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    tab.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield tab
    context.close()
    assert problems == [], problems
