"""The admin's progress page: what became of the fetches an editor asked for.

The admin never fetches in the request ("Ingest URLs now", "Fetch selected URLs again now",
"Add source from URL" only record rows and enqueue tasks); it redirects here. One view serves the
page and its rows fragment (django-htmx's example: ``request.htmx`` picks the
``{% partialdef rows %}``); the fragment polls itself every two seconds while a row still waits
or is being fetched, and stops once every row is done or failed. Without JavaScript, the page's
"Refresh" link does the same. The rows are the database's, so an editor who leaves the page loses
nothing: the worker finishes and the row keeps the outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.admin import AdminSite
from django.db.models import Model
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from apps.lib.fetch import contacted_host

from .models import ArticleState, ArticleURL, SourceFetch

#: The most rows one progress page follows (the ids travel in its address).
PROGRESS_MAX_ROWS = 100
FINISHED = {ArticleState.DONE, ArticleState.FAILED}
TEMPLATE = "admin/ingest/progress.html"
StrOrPromise = str | Promise


@dataclass(frozen=True)
class ProgressLine:
    url: str
    state: str
    state_label: str
    detail: str
    link: str = ""
    link_text: str = ""

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def host(self) -> str:
        """The host a fetch contacts, as the fetcher parses the URL: a URL can read as one host
        (``http://127.0.0.1:8299\\@example.com/``) and connect to another."""
        return contacted_host(self.url)


def change_url(obj: Model) -> str:
    """The admin change page of ``obj``, by its model's own app label (a model may move)."""
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def _waiting_detail(state: str, last_error: str) -> str:
    if state == ArticleState.FETCHING:
        return _("A worker is fetching the page.")
    if last_error:
        return _("Will try again. Last error: %(error)s") % {"error": last_error}
    return _("Waiting for a worker.")


def article_url_line(row: ArticleURL) -> ProgressLine:
    label = str(ArticleState(row.state).label)
    if row.state == ArticleState.DONE and row.article is not None:
        return ProgressLine(
            row.url, row.state, label, "", change_url(row.article), str(row.article)[:200]
        )
    if row.state == ArticleState.FAILED:
        return ProgressLine(row.url, row.state, label, row.last_error)
    return ProgressLine(row.url, row.state, label, _waiting_detail(row.state, row.last_error))


def source_fetch_line(row: SourceFetch) -> ProgressLine:
    label = str(ArticleState(row.state).label)
    if row.state == ArticleState.DONE and row.source is not None:
        detail = (
            _("Source added from the page. Check it.")
            if row.source_created
            else _("This page is already a source.")
        )
        return ProgressLine(
            row.url, row.state, label, detail, change_url(row.source), str(row.source)[:200]
        )
    if row.state == ArticleState.DONE:  # the source was deleted since
        return ProgressLine(row.url, row.state, label, _("The source has been deleted since."))
    if row.state == ArticleState.FAILED:
        return ProgressLine(row.url, row.state, label, row.last_error)
    return ProgressLine(row.url, row.state, label, _waiting_detail(row.state, row.last_error))


def ids_read(values: Iterable[str]) -> list[int]:
    """The row ids of a progress address (``?id=3&id=5``); anything else is ignored."""
    ids = [int(value) for value in values if value.isascii() and value.isdigit()]
    return list(dict.fromkeys(ids))[:PROGRESS_MAX_ROWS]


def article_urls_progress_url(ids: Sequence[int]) -> str:
    query = urlencode([("id", pk) for pk in ids[:PROGRESS_MAX_ROWS]])
    return f"{reverse('admin:ingest_articleurl_progress')}?{query}"


def progress_render(
    request: HttpRequest,
    *,
    admin_site: AdminSite,
    opts: Any,
    title: StrOrPromise,
    lines: Sequence[ProgressLine],
) -> TemplateResponse:
    """The page, or only its rows for htmx's poll."""
    finished = all(line.finished for line in lines)
    context: dict[str, Any] = {"lines": lines, "finished": finished, "opts": opts, "title": title}
    if getattr(request, "htmx", False):
        return TemplateResponse(request, f"{TEMPLATE}#rows", context)
    return TemplateResponse(request, TEMPLATE, {**admin_site.each_context(request), **context})
