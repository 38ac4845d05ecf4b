"""The interactive API docs in a real Chromium, under the site's Content Security Policy:
Swagger UI loads from our own static files, lists the operations, and runs one, with no CSP
violation and no script error."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.support.screenshots import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_render_and_run_an_operation_under_the_csp(live_server: Any, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    problems: list[str] = []
    outside: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    tab.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    tab.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((live_server.url, "data:"))
            else None
        ),
    )
    try:
        response = tab.goto(f"{live_server.url}/api/v1/docs")
        assert response is not None and response.status == 200
        assert "script-src 'self'" in response.headers["content-security-policy"]
        expect(tab.locator(".swagger-ui .info .title")).to_contain_text("Aperture API")
        expect(tab.locator(".opblock-summary-path", has_text="/api/v1/statements").first)
        expect(tab.locator(".opblock")).to_have_count(14)  # every operation, commitments too

        index = tab.locator(".opblock", has=tab.locator('[data-path="/api/v1/"]'))
        index.locator(".opblock-summary").click()
        # "Try it out" is on from the start (tryItOutEnabled in apps/api/api.py).
        index.get_by_role("button", name="Execute").click()
        expect(
            index.locator(".live-responses-table tr.response .response-col_status").first
        ).to_contain_text("200")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / "api-docs.png"))
    finally:
        context.close()
    assert problems == [], problems
    assert outside == [], outside
