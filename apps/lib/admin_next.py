"""Where an admin page goes after an editor's decision: back to the list it was opened from.

A list that opens a decision page elsewhere (the review queue, apps/accounts/queue.py) adds
``?next=<its own path>`` to the link; the admin's change form posts to its own address, so the
parameter comes back with the decision. Only a path on this site is followed, never another
host, so the parameter cannot send an editor away (an open redirect).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

NEXT = "next"


def next_url(request: HttpRequest, default: str) -> str:
    """The request's ``next`` if it is a path on this site, else ``default``."""
    target = request.GET.get(NEXT, "")
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(target, allowed_hosts=None)
    ):
        return target
    return default


def with_next(url: str, back_to: str) -> str:
    """``url`` carrying ``back_to`` as its ``next``."""
    return f"{url}{'&' if '?' in url else '?'}{urlencode({NEXT: back_to})}"
