"""From fetched HTML bytes to what we store: main text, sanitised HTML, title, date, language.

trafilatura reads the bytes we fetched (never a URL). Its MIN_EXTRACTED_SIZE (250 characters by
default) decides when its main extractor's result is "too short" and a fallback algorithm takes
over; the fallback keeps navigation and footers. 250 characters is a long Japanese article (one
kana or kanji carries about as much as three Latin letters), so for pages in a CJK script we use
settings.INGEST_MIN_EXTRACTED_SIZE_CJK instead (tests/ingest/test_extract.py shows the
difference on a short Japanese article).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
import unicodedata
from configparser import ConfigParser
from dataclasses import dataclass

import nh3
import trafilatura
from trafilatura.htmlprocessing import build_html_output
from trafilatura.settings import Document, use_config
from trafilatura.utils import load_html

from apps.lib.language import language_detect

from .conf import ingest_conf

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
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


@functools.cache
def _config(min_extracted_size: int) -> ConfigParser:
    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", str(min_extracted_size))
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", str(ingest_conf().min_output_size))
    # Duplicate-paragraph checks are for crawls of whole sites; one article at a time needs none.
    config.set("DEFAULT", "MIN_DUPLCHECK_SIZE", "100")
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return config


def article_extract(body: bytes, *, url: str, charset: str | None = None) -> Extracted:
    """Extract an article from fetched bytes; raise :class:`ExtractError` if there is none.

    A charset from the Content-Type header wins; without one, trafilatura looks at the page's
    own meta charset and then guesses from the bytes (Shift_JIS and EUC-JP included).
    """
    document: bytes | str = body
    if charset:
        try:
            document = body.decode(charset, errors="replace")
        except LookupError:  # an unknown charset name: let trafilatura guess
            document = body
    tree = load_html(document)
    if tree is None:
        raise ExtractError("The page is not HTML that can be read.")
    sample = " ".join(tree.itertext())[:20000]
    cjk = bool(_CJK.search(sample))
    size = ingest_conf().min_extracted_size_cjk if cjk else ingest_conf().min_extracted_size
    result = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        config=_config(int(size)),
    )
    if not isinstance(result, Document) or not (result.text or "").strip():
        raise ExtractError("No main text could be found on the page.")
    text = (result.text or "").strip()
    html = html_sanitize(build_html_output(result, False))
    declared = (tree.get("lang") or "").split("-")[0].strip().lower()
    language = declared if declared in {"en", "ja"} else language_detect(text) or declared[:10]
    return Extracted(
        title=(result.title or "").strip()[:500],
        site_name=(result.sitename or "").strip()[:200],
        author=(result.author or "").strip()[:300],
        published_at=_date(result.date),
        language=language,
        text=text,
        html=html,
        content_hash=text_hash(text),
    )


def _date(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    try:
        day = datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
