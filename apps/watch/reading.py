"""From a fetch to what a check compares: the page's text, or why it could not be read.

One reading for archives, link-rot checks and watches, through the one page reader
(apps/lib/pages.py). The rules, each for the general case:

* **Text, not markup.** What is compared and hashed is the extracted text with its whitespace
  normalised (:func:`apps.watch.diff.text_normalise`), so a page whose markup changed around the
  same words is unchanged.
* **A wrong charset.** A server may declare a charset the bytes are not in (UTF-8 served as
  ISO-8859-1, Shift_JIS as UTF-8). When the declared charset leaves undecodable bytes, or (when
  there is text to compare with) gives a text further from it than the page's own declaration or
  the bytes suggest, the page is read as detected instead, and the reading says so.
* **JavaScript-only pages** (an application shell and a bundle) are not read: that is a state.
* **A selector that matches nothing** is a state, never an empty text that looks like a change.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from apps.lib.fetch import FetchResult
from apps.lib.pages import PageError, page_metadata, page_needs_javascript, page_selected_text

from .diff import text_normalise, words_diff

_REPLACEMENT = "\ufffd"


class Unreadable(Exception):
    """The page answered but cannot be compared: ``state`` says how (a LinkState/WatchState
    value: "javascript", "no_match" or "unreadable"), the message says why."""

    def __init__(self, state: str, message: str) -> None:
        super().__init__(message)
        self.state = state
        self.message = message


@dataclass(frozen=True)
class Reading:
    text: str
    text_hash: str
    title: str
    #: A sentence when the page was not read as the server declared it ("" otherwise).
    note: str = ""


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def ignore_patterns(lines: str) -> list[re.Pattern[str]]:
    """The watch's "ignore lines matching" field, compiled (re.error for a bad pattern)."""
    return [re.compile(line.strip()) for line in lines.splitlines() if line.strip()]


def _extract(
    result: FetchResult, charset: str | None, selector: str, ignore: Sequence[re.Pattern[str]]
) -> tuple[str, str]:
    title = ""
    try:
        if selector:
            selected = page_selected_text(result.body, selector=selector, charset=charset)
            if selected is None:
                raise Unreadable("no_match", f"The selector “{selector}” matches nothing.")
            text = selected
        else:
            page = page_metadata(result.body, url=result.final_url, charset=charset)
            text, title = page.text, page.title
    except PageError as error:
        raise Unreadable("unreadable", str(error)) from error
    lines = [line for line in text.splitlines() if not any(p.search(line) for p in ignore)]
    return text_normalise("\n".join(lines)), title


def page_read(
    result: FetchResult,
    *,
    selector: str = "",
    ignore: Sequence[re.Pattern[str]] = (),
    compare_with: str | None = None,
) -> Reading:
    """Read a fetched page as :mod:`apps.watch.reading` describes; :class:`Unreadable` if not.

    ``compare_with``: the text this reading will be compared with, if any; it decides between
    the declared and the detected charset when they disagree.
    """
    if result.content_type not in ("text/html", "application/xhtml+xml"):
        raise Unreadable(
            "unreadable", f"The page is “{result.content_type or 'untyped'}”, not HTML."
        )
    declared = result.charset
    text, title = _extract(result, declared, selector, ignore)
    note = ""
    suspect = _REPLACEMENT in text or (compare_with is not None and text != compare_with)
    if declared and suspect:
        detected_text, detected_title = _extract(result, None, selector, ignore)
        if detected_text != text and _better(detected_text, text, compare_with):
            text, title = detected_text, detected_title
            note = (
                f"The server declares the charset “{declared}”, which does not fit the page; "
                "it was read in the charset the page itself gives or its bytes suggest."
            )
    if not text:
        if page_needs_javascript(result.body, charset=None):
            raise Unreadable(
                "javascript", "The page shows its text only by running JavaScript; not read."
            )
        if not selector:
            raise Unreadable("unreadable", "The page has no main text that can be read.")
    return Reading(text=text, text_hash=text_hash(text), title=title, note=note)


def _better(candidate: str, declared: str, compare_with: str | None) -> bool:
    """Whether the detected-charset text is the truer reading of the page."""
    if _REPLACEMENT in declared and _REPLACEMENT not in candidate:
        return True
    if compare_with is None or _REPLACEMENT in candidate:
        return False
    return words_diff(compare_with, candidate)[1] < words_diff(compare_with, declared)[1]
