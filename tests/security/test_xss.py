"""The XSS battery: every payload in every text an editor or an ingested page can fill, rendered
in Chromium where readers and editors see it. No dialog opens, no page error occurs, nothing
sets window.__xss, no script, handler or javascript: URL appears that the page did not have,
and each payload is shown, as text, somewhere.

The record is built once per test with every payload (tests/security/payloads.py) packed into
each field, so a few pages carry them all: the public pages, the admin (logged in as a
superuser), the Atom feeds as a naive feed reader shows them (a type="html" summary goes into
innerHTML, a text title into textContent, and no Content Security Policy applies) and the alert
mails' HTML parts. The public pages and the admin have a Content Security Policy as a second
line; a payload it blocked still fails the battery (the page reports the violation).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import feedparser
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from apps.alerts.mails import alert_mail, confirmation_mail
from apps.alerts.models import Event, Subscriber
from apps.alerts.render import event_text, events_for_render
from apps.catalog.models import Company
from tests.support.httpserver import LocalHTTPServer

from .hostile_record import Record, record_build
from .payloads import MARK, PAYLOADS, pack

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Waits until every image has loaded or failed (an onerror handler runs then) and two frames.
SETTLE = """async () => {
  await Promise.all([...document.images].map((img) => img.complete ? null : new Promise(
    (done) => { img.addEventListener('load', done); img.addEventListener('error', done); })));
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  await new Promise((done) => setTimeout(done, 0));
}"""

# What a payload would leave behind had it become markup rather than text. Our pages have no
# <style> element (the CSP allows our stylesheet only), and their scripts are ours: from our own
# origin, inline ones with the CSP nonce, or data blocks (JSON).
INJECTED = """() => {
  const found = [];
  const urls = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'background'];
  const data = ['application/json', 'application/ld+json'];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.localName;
    const never = ['iframe', 'frame', 'object', 'embed', 'base', 'marquee', 'applet', 'style'];
    if (never.includes(tag)) {
      found.push(tag);
    }
    if (tag === 'meta' && (el.httpEquiv || '').toLowerCase() === 'refresh') found.push('meta');
    if (tag === 'script' && !data.includes(el.type)) {
      const src = el.getAttribute('src');
      const ours = src === null ? el.nonce !== ''
        : new URL(src, location.href).origin === location.origin;
      if (!ours) found.push('script ' + (src || el.textContent.slice(0, 60)));
    }
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
      if (name.startsWith('on') || name.startsWith('hx-on') || name === 'srcdoc') {
        found.push(`${tag}[${name}]`);
      }
      if (urls.includes(name) && /^(javascript|vbscript|data:text\\/html)/.test(value)) {
        found.push(`${tag}[${name}=${value.slice(0, 40)}]`);
      }
    }
  }
  return found;
}"""

# The text a reader sees, form fields' values included.
SHOWN = """() => [document.documentElement.textContent,
  ...[...document.querySelectorAll('input, textarea')].map((el) => el.value)].join(' ')"""


def _script_blocked(console_text: str) -> bool:
    """A Content Security Policy report of anything but a style: a script, a handler, a frame,
    a javascript: URL. (django-simple-history's history page has a style attribute of its own.)
    """
    return "Content Security Policy" in console_text and "style-src" not in console_text


class Watch:
    """A Chromium tab that records every sign of a payload that ran."""

    def __init__(self, context: Any) -> None:
        self.tab = context.new_page()
        self.problems: list[str] = []
        self.shown: list[str] = []
        self._where = ""
        self.tab.on("dialog", self._dialog)
        self.tab.on("pageerror", lambda error: self._problem(f"page error: {error}"))
        self.tab.on(
            "console",
            lambda message: (
                self._problem(f"blocked by the CSP: {message.text}")
                if message.type == "error" and _script_blocked(message.text)
                else None
            ),
        )

    def _problem(self, text: str) -> None:
        self.problems.append(f"{self._where}: {text}")

    def _dialog(self, dialog: Any) -> None:
        self._problem(f"a dialog opened: {dialog.message!r}")
        dialog.dismiss()

    def at(self, where: str) -> None:
        """Name what comes next in the problems it may cause."""
        self._where = where

    def open(self, url: str) -> None:
        self.at(url)
        response = self.tab.goto(url)
        assert response is not None and response.status == 200, f"{url}: {response}"
        self.check()

    def render(self, html: str, *, where: str) -> None:
        self.at(where)
        self.tab.set_content(html)

    def check(self) -> None:
        self.tab.evaluate(SETTLE)
        for found in self.tab.evaluate(INJECTED):
            self._problem(f"injected {found}")
        if self.tab.evaluate("() => window.__xss") is not None:
            self._problem("window.__xss was set")
        shown = " ".join(str(self.tab.evaluate(SHOWN)).split())
        if MARK not in shown:
            self._problem("no payload is shown: not the page expected?")
        self.shown.append(shown)

    def assert_clean(self, *, every_payload_shown: bool = True) -> None:
        assert self.problems == [], "\n".join(self.problems[:50])
        if every_payload_shown:
            shown = "\n".join(self.shown)
            missing = [p for p in PAYLOADS if " ".join(p.split()) not in shown]
            assert missing == [], f"not shown as text anywhere: {missing}"


@pytest.fixture
def record(transactional_db: None, settings: Any) -> Iterator[Record]:
    settings.FETCH_ALLOW_PRIVATE = True  # the story page is on this machine's loopback
    with LocalHTTPServer("127.0.0.1") as server:
        yield record_build(server)


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    yield context
    context.close()


def test_the_public_pages_show_every_payload_as_text(
    record: Record, live_server: Any, context: Any
) -> None:
    watch = Watch(context)
    base = live_server.url
    lab, model = record.labs[0], record.models[0]
    pages = [
        "/",
        lab.get_absolute_url(),
        record.labs[1].get_absolute_url(),
        model.get_absolute_url(),
        *(s.get_absolute_url() for s in record.statements[:3]),
        record.others["from_page"].get_absolute_url(),
        "/search/?q=" + MARK,
        "/search/?" + urlencode({"q": pack(200)[1]}),
        "/compare/?" + urlencode({"labs": [c.slug for c in record.labs[:6]]}, doseq=True),
    ]
    assert record.retracted is not None
    pages.append(record.retracted.get_absolute_url())
    pages += [f"{lab.get_absolute_url()}?after={cursor}" for cursor in _lab_cursors(watch, base)]
    for path in pages:
        watch.open(base + path)
    _search_as_you_type(watch, base)
    watch.assert_clean()


def _search_as_you_type(watch: Watch, base: str) -> None:
    """htmx swaps the results in: each query's fragment goes through its innerHTML."""
    watch.at("/search/, typing")
    watch.tab.goto(base + "/search/")
    for query in pack(200)[:4]:
        watch.tab.locator("#q").fill(query)
        watch.tab.locator("#q").dispatch_event("input")
        status = watch.tab.locator("#results .results-status")
        status.filter(has_text=" ".join(query.split())[-20:]).wait_for()
        watch.check()


def _lab_cursors(watch: Watch, base: str) -> list[str]:
    """The lab's later timeline pages ("Load more" without JavaScript), so all are rendered."""
    cursors: list[str] = []
    path = Company.objects.get(slug="xss-lab-0").get_absolute_url()
    url = base + path
    watch.at(f"{path}, following Load more")
    while True:
        watch.tab.goto(url)
        more = watch.tab.locator("li.more a")
        if more.count() == 0:
            return cursors
        href = str(more.get_attribute("href"))
        cursors.append(href.split("after=")[1])
        url = base + href


def _admin_login(context: Any, live_server: Any) -> None:
    root = User.objects.create_superuser("root", "root@example.com", "not used")
    client = Client()
    client.force_login(root)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def test_the_admin_shows_every_payload_as_text(
    record: Record, live_server: Any, context: Any
) -> None:
    _admin_login(context, live_server)
    watch = Watch(context)
    statement = record.statements[0]
    changelists = [
        "catalog/company",
        "catalog/aimodel",
        "catalog/person",
        "catalog/publisher",
        "catalog/alias",
        "catalog/source",
        "claims/statement",
        "claims/stanceassessment",
        "claims/stancechange",
        "ingest/feed",
        "ingest/article",
        "ingest/articleurl",
        "ingest/suggestion",
        "alerts/event",
    ]
    changes = [
        ("catalog/company", record.labs[0].pk),
        ("catalog/company", record.labs[1].pk),
        ("catalog/aimodel", record.models[0].pk),
        ("catalog/aimodel", record.models[1].pk),
        ("catalog/person", record.people[0].pk),
        ("catalog/publisher", record.publishers[0].pk),
        ("catalog/source", record.sources[0].pk),
        ("claims/statement", statement.pk),
        ("claims/statement", record.statements[1].pk),
        ("claims/statement", record.others["from_page"].pk),
        ("claims/stanceassessment", record.others["assessment"].pk),
        ("ingest/feed", record.others["feed"].pk),
        ("ingest/article", record.others["article"]),
        ("ingest/suggestion", record.others["suggestion"]),
    ]
    pages = [f"/admin/{name}/" for name in changelists]
    pages += [f"/admin/{name}/{pk}/change/" for name, pk in changes]
    pages.append(f"/admin/claims/statement/{statement.pk}/history/")
    pages.append("/admin/claims/statement/?" + urlencode({"q": pack(200)[2]}))
    for path in pages:
        watch.open(live_server.url + path)
    watch.assert_clean()


# A naive feed reader: the feed's title, and each entry's title and summary, into the page as
# their types say: HTML into innerHTML, text into textContent.
FEED_READER = """(parts) => {
  for (const part of parts) {
    const div = document.createElement('div');
    if (part.type === 'text/html') div.innerHTML = part.value; else div.textContent = part.value;
    document.body.append(div);
  }
}"""


def _parts(feed: bytes) -> list[dict[str, str]]:
    """What a reader takes from a feed, unsanitised, with each part's type."""
    parsed = feedparser.parse(feed, sanitize_html=False, resolve_relative_uris=False)
    details = (
        [parsed.feed.title_detail, parsed.feed.subtitle_detail]
        if "subtitle" in parsed.feed
        else [parsed.feed.title_detail]
    )
    for entry in parsed.entries:
        details += [entry.title_detail, entry.summary_detail]
    return [{"type": detail.type, "value": detail.value} for detail in details]


def test_a_feed_reader_shows_every_payload_in_the_feeds_as_text(
    record: Record, context: Any
) -> None:
    watch = Watch(context)
    client = Client()
    feeds = [
        "/feeds/all.atom",
        f"/feeds/labs/{record.labs[0].slug}.atom",
        f"/feeds/models/{record.models[0].slug}.atom",
    ]
    for path in feeds:
        response = client.get(path)
        assert response.status_code == 200
        parts = _parts(response.content)
        assert {part["type"] for part in parts} == {"text/plain", "text/html"}
        watch.render("<!doctype html><title>Reader</title><body>", where=path)
        watch.tab.evaluate(FEED_READER, parts)
        watch.check()
    watch.assert_clean()


def test_the_alert_mails_show_every_payload_as_text(record: Record, context: Any) -> None:
    watch = Watch(context)
    subscriber = Subscriber.objects.create(email="reader@example.com", language="en")
    ids = list(Event.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) > len(record.statements)
    with translation.override("en"):
        texts = [event_text(event) for event in events_for_render(ids)]
    mails = [
        alert_mail(subscriber=subscriber, texts=texts, digest=True),
        *(alert_mail(subscriber=subscriber, texts=[text], digest=False) for text in texts[:3]),
        *(
            confirmation_mail(
                email=subscriber.email,
                language="en",
                confirm_url="http://testserver/alerts/confirm/token/",
                scope=lab.name,
            )
            for lab in record.labs
        ),
    ]
    for number, mail in enumerate(mails):
        [(body, mimetype)] = mail.alternatives
        assert mimetype == "text/html" and isinstance(body, str)
        watch.render(body, where=f"mail {number}: {mail.subject[:60]}")
        watch.check()
    watch.assert_clean()
