"""Short cells for the admin's lists, so that each list fits a 1366-pixel screen with the column
that says where a row stands in view (tests/test_admin_browser.py). The whole value stays on the
row's own page; a list shows enough of it to tell rows apart.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.utils.html import format_html
from django.utils.safestring import SafeString

TEXT_LIMIT = 80
URL_LIMIT = 40


def text_short(text: str, limit: int = TEXT_LIMIT) -> str:
    """The text on one line, cut at ``limit`` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def url_short(url: str, limit: int = URL_LIMIT) -> str:
    """The URL without its scheme, cut short. For a list's first column, which the admin
    already makes a link to the row."""
    return text_short(url.split("://", 1)[-1], limit)


def url_link(url: str, limit: int = URL_LIMIT) -> SafeString | str:
    """The URL cut short as a link to the whole URL (named in its title). Only http and https
    become links: values read from outside datasets are not trusted to be either."""
    if not url:
        return ""
    if urlsplit(url).scheme not in ("http", "https"):
        return url_short(url, limit)
    return format_html(
        '<a href="{}" title="{}" rel="noopener noreferrer">{}</a>', url, url, url_short(url, limit)
    )
