"""What browser tests share: the screen sizes they try, and a tab that refuses page errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


@contextmanager
def strict_tab(browser: Any, viewport: dict[str, int] = DESKTOP) -> Iterator[Any]:
    """A tab that fails the test on any page error or Content Security Policy refusal."""
    context = browser.new_context(viewport=viewport, locale="en-GB")
    page = context.new_page()
    complaints: list[str] = []
    page.on("pageerror", lambda error: complaints.append(f"{page.url}: page error: {error}"))
    page.on(
        "console",
        lambda message: (
            complaints.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert complaints == []
