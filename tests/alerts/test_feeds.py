"""What the Atom feeds carry: editors' text as text, whatever markup it holds.

A feed reader renders a type="html" summary as HTML, outside our pages and their Content
Security Policy. These tests read each feed with feedparser, its own sanitising turned off (the
bytes as a naive reader gets them), and parse each summary as HTML to see which elements it would
create. The same payloads run in Chromium in tests/security/test_xss.py.
"""

from __future__ import annotations

import datetime
from html.parser import HTMLParser
from typing import Any

import feedparser
import pytest
from django.test import Client

from apps.alerts.models import Event
from apps.catalog.services import model_status_add
from apps.watch.models import WatchSnapshot
from apps.watch.services.review import page_change_accept
from tests.factories import company_make, model_make, source_make, statement_make
from tests.support.watches import page_change_make

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
BREAKOUT = "]]></summary><summary type='html'>&lt;b&gt;"


class _Elements(HTMLParser):
    """The elements and attributes an HTML fragment creates, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text += data


def _read(client: Client, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200
    return feedparser.parse(response.content, sanitize_html=False, resolve_relative_uris=False)


def _as_a_reader_renders(html: str) -> _Elements:
    parsed = _Elements()
    parsed.feed(html)
    parsed.close()
    return parsed


@pytest.fixture
def hostile_record() -> None:
    """A lab, a model and a source named with markup, and an editor's note and summary too."""
    lab = company_make(name=f"Lab {IMAGE}", slug="hostile")
    model = model_make(developer=lab, name=f"Model {SCRIPT}", slug="hostile-model")
    statement_make(
        company=lab,
        stance="closed",
        publish=True,
        summary=f"Summary {SCRIPT} {BREAKOUT}",
        quote=f"Quote {IMAGE}",
        quote_language="en",
    )
    model_status_add(
        model=model,
        status="delayed",
        date=datetime.date(2025, 5, 15),
        note=f"Note {IMAGE} {SCRIPT}",
        source=source_make(title=f"Source {SCRIPT}"),
    )


@pytest.mark.parametrize(
    "path", ["/feeds/all.atom", "/feeds/labs/hostile.atom", "/feeds/models/hostile-model.atom"]
)
def test_a_feed_reader_that_renders_the_summary_as_html_gets_editors_markup_as_text(
    client: Client, hostile_record: None, path: str
) -> None:
    entries = _read(client, path).entries
    assert entries, "the feed lists the events"
    for entry in entries:
        assert entry.summary_detail.type == "text/html"
        rendered = _as_a_reader_renders(entry.summary)
        assert {tag for tag, _attrs in rendered.elements} <= {"p", "bdi"}, rendered.elements
        assert all(attrs == [] for _tag, attrs in rendered.elements), rendered.elements
        assert SCRIPT in rendered.text or IMAGE in rendered.text, "the markup is shown as text"


def test_the_summary_shows_the_status_note_the_quote_and_the_summary_as_written(
    client: Client, hostile_record: None
) -> None:
    entries = _read(client, "/feeds/all.atom").entries
    shown = "".join(_as_a_reader_renders(entry.summary).text for entry in entries)
    assert f"Note {IMAGE} {SCRIPT}" in shown
    assert f"Quote {IMAGE}" in shown and f"Source {SCRIPT}" in shown
    assert f"Summary {SCRIPT} {BREAKOUT}" in shown


@pytest.mark.parametrize("path", ["/feeds/all.atom", "/feeds/labs/hostile.atom"])
def test_titles_are_atom_text_so_a_reader_shows_their_markup_as_written(
    client: Client, hostile_record: None, path: str
) -> None:
    parsed = _read(client, path)
    titles = [parsed.feed.title_detail, *(entry.title_detail for entry in parsed.entries)]
    assert {title.type for title in titles} == {"text/plain"}
    assert all(f"Lab {IMAGE}" in title.value for title in titles[1:])


LICENCE_URL = "https://lab.example/licence"
BEFORE = "Anyone may download the weights and use them for any purpose, commercial or not."
AFTER = "Only approved researchers may download the weights, for research and nothing else."


@pytest.fixture
def policy_change(settings: Any) -> WatchSnapshot:
    """A watched licence page, titled with markup, whose change an editor accepted."""
    settings.SITE_URL = "http://testserver"
    lab = company_make(name="Meta", slug="meta")
    llama = model_make(developer=lab, name="Llama 4", slug="llama-4")
    change = page_change_make(
        url=LICENCE_URL,
        title=f"Licence {SCRIPT}",
        before=BEFORE,
        after=f"{AFTER} {IMAGE}",
        lab=lab,
        ai_models=[llama],
    )
    page_change_accept(snapshot=change, user=None, stance="leaning_closed")
    return change


@pytest.mark.parametrize(
    ("path", "title", "link"),
    [
        ("/feeds/all.atom", "Meta changed its page Licence", "/labs/meta/"),
        ("/feeds/labs/meta.atom", "Meta changed its page Licence", "/labs/meta/"),
        ("/feeds/models/llama-4.atom", "Meta changed its page Licence", "/labs/meta/"),
        ("/ja/feeds/all.atom", "Metaがページ「Licence", "/ja/labs/meta/"),
        ("/ja/feeds/models/llama-4.atom", "Metaがページ「Licence", "/ja/labs/meta/"),
    ],
)
def test_a_policy_change_is_an_entry_in_the_feeds_language_with_the_words_that_changed(
    client: Client, policy_change: WatchSnapshot, path: str, title: str, link: str
) -> None:
    [entry] = _read(client, path).entries
    date = policy_change.retrieved_at.date()
    if path.startswith("/ja/"):
        as_of = f"\uff08{date.year}年{date.month}月{date.day}日時点\uff09"  # full-width brackets
        counts = f"を変更しました: 11 語追加、10 語削除{as_of}"
        labels = ("ウォッチ中のページ:", "変更点:")
    else:
        counts = f": 11 words added, 10 words removed (as of {date:%Y-%m-%d})"
        labels = ("Watched page:", "What changed:")
    assert entry.title_detail.type == "text/plain"
    assert entry.title.startswith(title) and entry.title.endswith(counts), entry.title
    assert SCRIPT in entry.title, "the page's title as written, shown as text"
    assert entry.link == f"http://testserver{link}", "the lab's page: the act is a draft"
    assert entry.id == f"tag:aperture,2025:event/{Event.objects.get().pk}"

    rendered = _as_a_reader_renders(entry.summary)
    assert {tag for tag, _attrs in rendered.elements} == {"p", "bdi", "a"}, rendered.elements
    links = [attrs for tag, attrs in rendered.elements if tag == "a"]
    assert links == [[("href", LICENCE_URL)]], "only the watched page is a link"
    assert all(attrs == [] for tag, attrs in rendered.elements if tag != "a")
    assert f"{labels[0]} Licence {SCRIPT}" in rendered.text
    assert f"{labels[1]} - Anyone / + Only approved researchers" in rendered.text
    assert IMAGE in rendered.text, "the changed words as written, shown as text"
    assert BEFORE not in rendered.text, "never the whole page"


def test_a_lab_without_the_change_has_no_policy_entry(
    client: Client, policy_change: WatchSnapshot
) -> None:
    company_make(name="OpenAI", slug="openai")
    assert _read(client, "/feeds/labs/openai.atom").entries == []
