"""Embeds in a real Chromium, from another origin: a newsroom's page served by a local HTTP
server on 127.0.0.1 frames the live site on localhost. The embed renders; the lab page, framed
the same way, is refused by its frame-ancestors 'none'."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.support.httpserver import LocalHTTPServer
from tests.support.screenshots import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def newsroom_page(live: str) -> bytes:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A newsroom</title></head>
<body>
  <h1>Our story</h1>
  <p><img id="badge" src="{live}/embed/labs/meta/badge.svg" alt="Meta's stance" height="20"></p>
  <iframe id="embed" src="{live}/embed/labs/meta/" title="Meta: stance over time"
          width="640" height="300"></iframe>
  <iframe id="lab-page" src="{live}/labs/meta/" title="The lab page" width="640"
          height="300"></iframe>
</body></html>""".encode()


def test_a_page_on_another_origin_shows_the_embeds_but_cannot_frame_the_lab_page(
    seeded_live: str, browser: Any, http_server: LocalHTTPServer
) -> None:
    assert re.match(r"http://localhost:\d+$", seeded_live), seeded_live
    assert http_server.url("/").startswith("http://127.0.0.1:")  # another origin
    http_server.route("/story.html", body=newsroom_page(seeded_live))

    context = browser.new_context(viewport={"width": 800, "height": 900}, locale="en-GB")
    tab = context.new_page()
    console: list[str] = []
    tab.on("console", lambda message: console.append(message.text))
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    try:
        # Chromium says so on the console when it refuses a frame (the positive sign that it
        # has finished with the lab page's frame, before the test looks for what is absent).
        with tab.expect_console_message(lambda m: "frame-ancestors" in m.text) as refusal:
            tab.goto(http_server.url("/story.html"))

        embed = tab.frame_locator("#embed")
        expect(embed.locator(".embed-lab")).to_have_text("Meta")
        expect(embed.locator(".band-svg")).to_be_visible()
        expect(embed.locator(".attribution")).to_have_text("Aperture, CC BY 4.0")
        # The stylesheet loaded inside the frame: the band's segments are filled by class.
        fill = embed.locator(".seg").first.evaluate("element => getComputedStyle(element).fill")
        assert fill not in ("", "none", "rgb(0, 0, 0)"), fill

        badge = tab.locator("#badge")
        expect(badge).to_be_visible()
        tab.wait_for_function(
            "() => document.getElementById('badge').complete"
            " && document.getElementById('badge').naturalWidth > 0"
        )
        assert badge.evaluate("img => img.naturalHeight") == 20

        # The lab page answered, but Chromium refused to show it in the frame.
        assert "frame-ancestors 'none'" in refusal.value.text
        expect(tab.frame_locator("#lab-page").locator("#stance-heading")).to_have_count(0)
        frame_urls = [frame.url for frame in tab.frames]
        assert f"{seeded_live}/embed/labs/meta/" in frame_urls
        assert f"{seeded_live}/labs/meta/" not in frame_urls, frame_urls
        # One refusal only: the embed frame, from the same site, was let through.
        assert len([m for m in console if "frame-ancestors" in m]) == 1, console
        assert errors == []

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / "embed-on-another-origin.png"), full_page=True)
    finally:
        context.close()
