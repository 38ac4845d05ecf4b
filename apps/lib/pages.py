"""What a fetched HTML page says about itself: title, site, date, language and main text.

trafilatura is given the bytes we fetched (it detects the encoding, Shift_JIS included); it
never fetches anything itself.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import trafilatura
from trafilatura.utils import load_html

from .language import language_detect


class PageError(ValueError):
    """The page could not be parsed as HTML."""


@dataclass(frozen=True)
class PageMetadata:
    title: str
    site_name: str
    published_on: datetime.date | None
    language: str
    text: str


def page_metadata(body: bytes, *, url: str) -> PageMetadata:
    tree = load_html(body)
    if tree is None:
        raise PageError("The page is not HTML that can be parsed.")
    meta = trafilatura.extract_metadata(tree, default_url=url)
    text = trafilatura.extract(tree, url=url, include_comments=False, favor_recall=True) or ""
    declared = (tree.get("lang") or "").split("-")[0].lower()
    published_on = None
    if meta is not None and meta.date:
        try:
            published_on = datetime.date.fromisoformat(meta.date[:10])
        except ValueError:
            published_on = None
    title = (meta.title if meta is not None else None) or ""
    if not title:
        title_node = tree.find(".//title")
        title = (title_node.text or "").strip() if title_node is not None else ""
    return PageMetadata(
        title=title.strip(),
        site_name=((meta.sitename if meta is not None else None) or "").strip(),
        published_on=published_on,
        language=declared or language_detect(text or title),
        text=text,
    )
