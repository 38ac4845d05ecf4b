"""What a fetched HTML page says: title, site, author, date, language, main text and its HTML.

The one reader of fetched pages: "Add source from URL" (apps.claims.services) and ingestion
(apps.ingest.extract, which sanitises and hashes on top) both call :func:`page_metadata`.
trafilatura is given the bytes we fetched (it detects the encoding, Shift_JIS included, unless
the Content-Type header named a charset); it never fetches anything itself.

**Main text.** trafilatura's MIN_EXTRACTED_SIZE (250 characters by default) decides when its main
extractor's result is "too short" and a fallback algorithm takes over; the fallback keeps
navigation and footers. 250 characters is a long Japanese article (one kana or kanji carries
about as much as three Latin letters), so a page in a CJK script is held to
:attr:`ExtractionLimits.min_extracted_size_cjk` instead (tests/lib/test_pages.py shows the
difference on a short Japanese article).

**Language**, one rule for every page:

1. What the page declares: the primary subtag of ``<html lang>`` and of ``og:locale``
   ("ja-JP", "ja_JP" -> "ja"). When it declares both they must agree: a page that contradicts
   itself has declared nothing; so has a page whose main text's script plainly contradicts
   its declaration (a site template's ``lang="en"`` around a Japanese article: most of the
   text in kana and kanji; or ``lang="ja"`` around a long text with none).
2. Otherwise what the main text (the title if there is none) is written in, by
   :func:`apps.lib.language.language_detect`: "en" or "ja".
3. Otherwise "" (unknown).

A declaration comes first because detection knows only English and Japanese: it would call a
French page English, and an English article that quotes a Japanese headline Japanese (kana
settle detection at once).

**Date**: only what the page states about its article (metadata, the headline's byline, a
dateline), read by :func:`apps.lib.page_dates.published_at_read`; never trafilatura's guess
from the text (a year the prose mentions became 1 January of it), so none where the page gives
none.
"""

from __future__ import annotations

import datetime
import functools
import re
from configparser import ConfigParser
from dataclasses import dataclass

import trafilatura
from lxml.html import HtmlElement
from trafilatura.htmlprocessing import build_html_output
from trafilatura.settings import Document, set_date_params, use_config
from trafilatura.utils import load_html

from .css import css_to_xpath
from .language import CJK_CHARACTER, language_detect
from .page_dates import published_at_read

#: Codes that name no language: undetermined, multiple, no linguistic content, uncoded.
_NOT_A_LANGUAGE = {"und", "mul", "zxx", "mis"}
_PRIMARY_SUBTAG = re.compile(r"[a-z]{2,3}")


class PageError(ValueError):
    """The page could not be parsed as HTML."""


@dataclass(frozen=True)
class ExtractionLimits:
    """trafilatura's size thresholds, in characters of main text (see the module docstring)."""

    min_extracted_size: int = 250
    min_extracted_size_cjk: int = 25
    #: Less main text than this is no main text.
    min_output_size: int = 10


DEFAULT_LIMITS = ExtractionLimits()


@dataclass(frozen=True)
class Page:
    title: str
    site_name: str
    author: str
    #: When the page says it was published, to the second where it says so (timezone-aware,
    #: UTC where the page names no zone); midnight UTC where it gives only a day; None where
    #: it says nothing (see apps.lib.page_dates).
    published_at: datetime.datetime | None
    language: str
    #: The main text, "" if the page has none that trafilatura can find.
    text: str
    #: The main text as HTML, straight from the page: sanitise it before it is shown anywhere.
    untrusted_html: str


def page_metadata(
    body: bytes,
    *,
    url: str,
    charset: str | None = None,
    limits: ExtractionLimits = DEFAULT_LIMITS,
    fetched_at: datetime.datetime | None = None,
) -> Page:
    """Read a fetched page; raise :class:`PageError` if it is not HTML.

    A charset from the Content-Type header wins; without one, trafilatura looks at the page's
    own meta charset and then guesses from the bytes (Shift_JIS and EUC-JP included).
    ``fetched_at`` (default now) dates a dateline that prints no year.
    """
    tree = _tree(body, charset)
    declared = _declared_language(tree)
    title_node = tree.find(".//title")
    title_tag = (title_node.text or "").strip() if title_node is not None else ""
    cjk = bool(CJK_CHARACTER.search(" ".join(tree.itertext())[:20000]))
    size = limits.min_extracted_size_cjk if cjk else limits.min_extracted_size
    result = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        config=_config(size, limits.min_output_size),
        date_extraction_params=_date_params(),
    )
    if isinstance(result, Document):
        text = (result.text or "").strip()
        html = build_html_output(result, False) if text else ""
        meta = result
    else:  # no main text: the page's metadata still names and dates it
        text, html = "", ""
        meta = trafilatura.extract_metadata(tree, default_url=url, date_config=_date_params())
    title = (meta.title or "").strip() or title_tag
    return Page(
        title=title,
        site_name=(meta.sitename or "").strip(),
        author=(meta.author or "").strip(),
        published_at=published_at_read(tree, text=text, fetched_at=fetched_at),
        language=_language(declared, text or title),
        text=text,
        untrusted_html=html,
    )


def _tree(body: bytes, charset: str | None) -> HtmlElement:
    document: bytes | str = body
    if charset:
        try:
            document = body.decode(charset, errors="replace")
        except LookupError:  # an unknown charset name: let trafilatura guess
            document = body
    tree = load_html(document)
    if tree is None:
        raise PageError("The page is not HTML that can be parsed.")
    return tree


def page_selected_text(body: bytes, *, selector: str, charset: str | None = None) -> str | None:
    """The text of the elements ``selector`` (CSS, :mod:`apps.lib.css`) matches, one line per
    block; None when it matches nothing. Scripts and styles are not text."""
    tree = _tree(body, charset)
    elements = tree.xpath(css_to_xpath(selector))
    if not elements:
        return None
    lines: list[str] = []
    for element in elements:
        for node in element.iter():
            if node.tag in ("script", "style", "template") or not isinstance(node.tag, str):
                continue
            for piece in (node.text, *(child.tail for child in node)):
                if piece and piece.strip():
                    lines.append(piece.strip())
    return "\n".join(lines)


def page_needs_javascript(body: bytes, *, charset: str | None = None) -> bool:
    """Whether a page shows nothing without running its scripts: scripts, and almost no text
    outside them (an application shell: ``<div id="root"></div>`` and a bundle)."""
    tree = _tree(body, charset)
    if not tree.xpath("//script"):
        return False
    visible = " ".join(
        text
        for text in tree.xpath(
            "//body//text()[not(ancestor::script or ancestor::style "
            "or ancestor::noscript or ancestor::template)]"
        )
        if text.strip()
    )
    return len(visible.split()) < 20


@functools.cache
def _config(min_extracted_size: int, min_output_size: int) -> ConfigParser:
    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", str(min_extracted_size))
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", str(min_output_size))
    # Duplicate-paragraph checks are for crawls of whole sites; one page at a time needs none.
    config.set("DEFAULT", "MIN_DUPLCHECK_SIZE", "100")
    # trafilatura's timeout uses a signal, which works only in the main thread.
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return config


#: Above this share of Chinese/Japanese/Korean characters, a text is written in that script;
#: an English article quoting a Japanese headline stays far below it.
_CJK_SCRIPT_SHARE = 0.3
#: Below this length a text without CJK characters proves nothing against ``lang="ja"``.
_LATIN_TEXT_MIN = 200
_CJK_LANGUAGES = {"ja", "zh", "ko"}


def _language(declared: str, text: str) -> str:
    letters = [c for c in text[:4000] if not c.isspace()]
    cjk = sum(1 for c in letters if CJK_CHARACTER.match(c))
    if declared and declared not in _CJK_LANGUAGES and cjk >= _CJK_SCRIPT_SHARE * len(letters) > 0:
        declared = ""
    if declared in _CJK_LANGUAGES and cjk == 0 and len(letters) >= _LATIN_TEXT_MIN:
        declared = ""
    return declared or language_detect(text)


def _declared_language(tree: HtmlElement) -> str:
    """The language the page declares, or "" if it declares none or contradicts itself."""
    locales = tree.xpath("//meta[@property='og:locale']/@content")[:1]
    declared = {_primary_subtag(value) for value in [tree.get("lang"), *locales]} - {""}
    return declared.pop() if len(declared) == 1 else ""


def _primary_subtag(value: str | None) -> str:
    subtag = re.split(r"[-_]", (value or "").strip().lower())[0]
    if _PRIMARY_SUBTAG.fullmatch(subtag) and subtag not in _NOT_A_LANGUAGE:
        return subtag
    return ""


def _date_params() -> dict[str, object]:
    """htmldate's settings inside trafilatura: its strict mode (no search of the free text), and
    its answer is not used (page_dates reads the date). An output format without a directive
    would stop it at once, but htmldate logs that as an error on every page."""
    return {**set_date_params(extensive=False)}
