"""The subscribe form in a real browser: htmx answers in place, without leaving the page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser

from apps.alerts.models import Subscriber
from tests.factories import company_make
from tests.support.smtpserver import SMTPServer
from tests.support.worker import CeleryWorker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_subscribe_form_answers_in_place_with_htmx(
    live_server: Any, browser: Browser, smtp: SMTPServer, mail_worker: CeleryWorker
) -> None:
    company_make(name="Meta", slug="meta")
    page = browser.new_page()
    page.goto(f"{live_server.url}/subscribe/?lab=meta")
    assert "Get alerts about Meta" in page.inner_text("form.subscribe")
    page.evaluate("window.__still_here = true")  # gone if the browser loads a new page
    page.fill("input[name=email]", "reader@example.org")
    page.check("input[name=kinds][value=statements]")
    with page.expect_response(lambda r: r.url.endswith("/subscribe/")) as answer:
        page.click("form.subscribe button[type=submit]")
    assert answer.value.request.headers.get("hx-request") == "true"
    page.wait_for_selector(".subscribe-done")
    assert page.evaluate("window.__still_here") is True
    assert "confirmation link is on its way" in page.inner_text("form.subscribe")
    [confirmation] = smtp.wait_for(1)  # sent by the worker, after the request
    assert confirmation.to == "reader@example.org"
    assert Subscriber.objects.get().email == "reader@example.org"
