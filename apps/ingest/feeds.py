"""Reading a feed we fetched: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed by hand.

feedparser is given bytes and the response headers, never a URL, so it cannot fetch anything.
"""

from __future__ import annotations

import calendar
import datetime
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import feedparser

JSON_FEED_PREFIXES = ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")
#: What a poll asks for, in the Accept header. Any answer is read, whatever its label: real
#: servers call feeds application/x-rss+xml, text/rss+xml, text/html, octet-stream and more,
#: so the body decides (feed_parse), within the size limit.
FEED_CONTENT_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
    "application/json",
    "*/*",
)
#: Labels that are never a feed: refused before the body is read.
NOT_FEED_CONTENT_TYPES = (
    "image/*",
    "audio/*",
    "video/*",
    "font/*",
    "model/*",
    "application/pdf",
    "application/zip",
    "application/gzip",
    "application/x-gzip",
    "application/x-tar",
    "application/x-7z-compressed",
    "application/vnd.rar",
    "application/wasm",
)
#: Magic numbers of files that are clearly not a feed, whatever the server called them.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an office document)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"ID3", "an MP3 file"),
    (b"OggS", "an Ogg file"),
    (b"fLaC", "a FLAC file"),
    (b"\x1a\x45\xdf\xa3", "a Matroska or WebM video"),
    (b"\x00asm", "a WebAssembly module"),
    (b"\x7fELF", "a program (ELF)"),
    (b"MZ", "a Windows program"),
    (b"wOFF", "a web font"),
    (b"wOF2", "a web font"),
    (b"\x00\x00\x01\x00", "an icon"),
)
#: How UTF-16 and UTF-32 XML starts (with or without a byte-order mark): NUL bytes that are text.
_WIDE_XML_STARTS = (
    b"\xfe\xff", b"\xff\xfe", b"\x00\x00\xfe\xff", b"<\x00", b"\x00<", b"\x00\x00\x00<",
)  # fmt: skip
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html)", re.I | re.S)
_ALTERNATE = re.compile(
    r"""<link\b[^>]*type=["']application/(?:rss\+xml|atom\+xml|feed\+json)["'][^>]*>""",
    re.I | re.S,
)
_HREF = re.compile(r"""href=["']([^"']+)["']""", re.I)


class FeedParseError(ValueError):
    """The body is not a feed we can read. ``reason`` is a short code, str() a sentence."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class FeedEntry:
    link: str
    title: str
    published_at: datetime.datetime | None
    guid: str


@dataclass
class ParsedFeed:
    kind: str
    title: str
    entries: list[FeedEntry] = field(default_factory=list)
    #: Entries we could not use, each with why (no link, a link that is not http).
    refused: list[str] = field(default_factory=list)
    #: Set when the parser complained but still read entries.
    warning: str = ""


def feed_parse(
    body: bytes, *, url: str, content_type: str = "", charset: str | None = None
) -> ParsedFeed:
    """Parse a fetched feed body, or raise :class:`FeedParseError` saying what is wrong.

    What the body is decides, not what the server called it (``content_type`` is only named in
    an error); a ``charset`` the server declared is its word on the encoding.
    """
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise FeedParseError("empty", "The feed is empty.")
    binary = _binary_kind(stripped)
    if binary:
        label = f" (served as “{content_type}”)" if content_type else ""
        raise FeedParseError(
            "not_a_feed",
            f"This address serves {binary}{label}, not a feed (RSS, Atom or JSON Feed).",
        )
    if stripped.startswith((b"{", b"[")):
        return _json_feed(stripped, url=url)
    # feedparser applies RFC 3023 to the label (text/* without a charset is US-ASCII, anything
    # else is "not an XML media type", flagged as an error): give it the neutral XML type, so
    # that the document's own encoding declaration counts as it does for any XML file.
    headers = {
        "content-location": url,
        "content-type": "application/xml" + (f"; charset={charset}" if charset else ""),
    }
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    version = parsed.get("version") or ""
    entries = parsed.get("entries") or []
    title = str(parsed.get("feed", {}).get("title") or "")
    problem = parsed.get("bozo_exception")
    if not version:
        if _HTML_START.match(body[:2048]):
            raise FeedParseError("not_a_feed", _html_message(body, url))
        # CDF channels get no version from feedparser, but their elements are read.
        if not entries and not parsed.get("feed"):
            detail = f" ({_short(problem)})" if problem else ""
            raise FeedParseError(
                "malformed",
                f"The document is not a feed we can read: not RSS, Atom or JSON Feed{detail}.",
            )
    if parsed.get("bozo") and not entries and not title:
        raise FeedParseError("malformed", f"The feed is malformed: {_short(problem)}.")
    result = ParsedFeed(kind=_kind(version), title=title[:500])
    if parsed.get("bozo"):
        result.warning = f"The feed has errors but could be read: {_short(problem)}."
    for index, entry in enumerate(entries, start=1):
        link = str(entry.get("link") or "").strip()
        entry_title = str(entry.get("title") or "").strip()
        label = f"entry {index}" + (f" “{entry_title[:80]}”" if entry_title else "")
        if not link:
            result.refused.append(f"{label}: has no link.")
            continue
        result.entries.append(
            FeedEntry(
                link=urljoin(url, link),
                title=entry_title[:500],
                published_at=_struct_time(
                    entry.get("published_parsed") or entry.get("updated_parsed")
                ),
                guid=str(entry.get("id") or ""),
            )
        )
    return result


def _binary_kind(start: bytes) -> str:
    """What binary file ``start`` opens, or "" if it may be text."""
    for magic, what in _MAGIC:
        if start.startswith(magic):
            return what
    if start[4:8] == b"ftyp":
        return "an MP4 or QuickTime file"
    if start.startswith(b"RIFF") and start[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return {b"WEBP": "a WebP image", b"WAVE": "a WAV file", b"AVI ": "an AVI video"}[
            start[8:12]
        ]
    if b"\x00" in start[:1024] and not start.startswith(_WIDE_XML_STARTS):
        return "a binary file"
    return ""


def _kind(version: str) -> str:
    if version.startswith("atom"):
        return "atom"
    if version.startswith("rss") or version.startswith("cdf"):
        return "rss"
    return version[:10] or "unknown"


def _short(problem: object) -> str:
    text = str(problem or "unknown error").strip().splitlines()[0] if problem else "unknown error"
    return text[:300]


def _struct_time(value: Any) -> datetime.datetime | None:
    if not value:
        return None
    try:
        return datetime.datetime.fromtimestamp(calendar.timegm(value), tz=datetime.UTC)
    except (OverflowError, ValueError, TypeError):
        return None


def _html_message(body: bytes, url: str) -> str:
    text = body[:200_000].decode("utf-8", errors="replace")
    for tag in _ALTERNATE.findall(text):
        href = _HREF.search(tag)
        if href:
            return (
                "This address serves a web page, not a feed. The page names its feed at "
                f"{urljoin(url, href.group(1))}: add that address instead."
            )
    return "This address serves a web page, not a feed (RSS, Atom or JSON Feed)."


def _json_feed(body: bytes, *, url: str) -> ParsedFeed:
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FeedParseError(
            "malformed", f"The JSON feed is not valid JSON: {_short(exc)}."
        ) from exc
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith(
        JSON_FEED_PREFIXES
    ):
        raise FeedParseError(
            "not_a_feed", "The document is JSON but not a JSON Feed (no jsonfeed.org version)."
        )
    items = document.get("items")
    if not isinstance(items, list):
        raise FeedParseError("malformed", "The JSON Feed has no list of items.")
    result = ParsedFeed(kind="json", title=str(document.get("title") or "")[:500])
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            result.refused.append(f"item {index}: is not an object.")
            continue
        title = str(item.get("title") or "").strip()
        label = f"item {index}" + (f" “{title[:80]}”" if title else "")
        link = item.get("url") or item.get("external_url")
        if not isinstance(link, str) or not link.strip():
            result.refused.append(f"{label}: has no link.")
            continue
        result.entries.append(
            FeedEntry(
                link=urljoin(url, link.strip()),
                title=title[:500],
                published_at=_rfc3339(item.get("date_published") or item.get("date_modified")),
                guid=str(item.get("id") or ""),
            )
        )
    return result


def _rfc3339(value: object) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
