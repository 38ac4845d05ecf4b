"""From fetched article bytes to what ingestion stores: the page read by apps.lib.pages (main
text, title, date, language), its HTML sanitised, its text hashed for dedupe, lengths cut to the
columns. The extraction thresholds are the INGEST_MIN_* settings (apps/ingest/conf.py)."""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from dataclasses import dataclass

import nh3

from apps.lib.pages import ExtractionLimits, PageError, page_metadata

from .conf import ingest_conf

_SPACE = re.compile(r"\s+")

#: What survives in stored display HTML: structure and links, nothing that runs or loads.
ALLOWED_TAGS = {
    "p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "q", "ul", "ol", "li",
    "em", "strong", "b", "i", "u", "code", "pre", "a", "table", "thead", "tbody", "tr",
    "th", "td", "hr", "sub", "sup", "del", "ins", "cite",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}}


class ExtractError(ValueError):
    """The page has no main text we could find (or is not HTML)."""


@dataclass(frozen=True)
class Extracted:
    title: str
    site_name: str
    author: str
    published_at: datetime.datetime | None
    language: str
    text: str
    html: str
    content_hash: str


def html_sanitize(html: str) -> str:
    """Keep structure and http(s) links; drop scripts, styles, event handlers and the rest."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def text_hash(text: str) -> str:
    """SHA-256 of the text with Unicode and whitespace normalised: the dedupe key of a story."""
    normal = _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def article_extract(
    body: bytes,
    *,
    url: str,
    charset: str | None = None,
    fetched_at: datetime.datetime | None = None,
) -> Extracted:
    """Extract an article from fetched bytes; raise :class:`ExtractError` if there is none.
    ``fetched_at`` (default now) dates a dateline that prints no year (apps.lib.page_dates)."""
    limits = ExtractionLimits(
        min_extracted_size=int(ingest_conf().min_extracted_size),
        min_extracted_size_cjk=int(ingest_conf().min_extracted_size_cjk),
        min_output_size=int(ingest_conf().min_output_size),
    )
    try:
        page = page_metadata(body, url=url, charset=charset, limits=limits, fetched_at=fetched_at)
    except PageError as error:
        raise ExtractError("The page is not HTML that can be read.") from error
    if not page.text:
        raise ExtractError("No main text could be found on the page.")
    return Extracted(
        title=page.title[:500],
        site_name=page.site_name[:200],
        author=page.author[:300],
        published_at=page.published_at,
        language=page.language,
        text=page.text,
        html=html_sanitize(page.untrusted_html),
        content_hash=text_hash(page.text),
    )
