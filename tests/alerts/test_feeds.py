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

from apps.catalog.services import model_status_add
from tests.factories import company_make, model_make, source_make, statement_make

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
