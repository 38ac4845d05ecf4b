"""What newsrooms embed: a lab's stance badge (SVG) and its stance timeline (a small page for an
iframe, server-rendered, without JavaScript).

These are the only responses another site may frame: `embeddable` gives them
frame-ancestors from EMBED_FRAME_ANCESTORS and no X-Frame-Options, through Django's own
per-view CSP override, while every other page keeps frame-ancestors 'none' and DENY. Both are
public and cacheable (Cache-Control public, max-age EMBED_MAX_AGE_SECONDS), with an ETag of the
body and a Last-Modified, answered 304 when the reader's copy still holds; the 304 carries the
same frame and cache headers, since a browser merges them into the copy it keeps.

Their language comes from the address alone (?lang=ja, or the language prefix of the URL), never
from a cookie or Accept-Language, so one address is one body for every cache.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from apps.catalog.models import Company
from apps.claims.models import StanceChange

from . import charts, selectors
from .badge import badge_layout
from .conf import site_conf

type View = Callable[..., HttpResponse]


def embeddable(view: View) -> View:
    """Lets other sites frame the view's responses (304s included), and only this view's."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        policy: dict[str, Any] = {
            **settings.SECURE_CSP,
            "frame-ancestors": site_conf().embed_frame_ancestors.split(),
        }
        return xframe_options_exempt(csp_override(policy)(view))(request, *args, **kwargs)

    return wrapped


def embed_language(request: HttpRequest) -> str | None:
    """The language the address asks for: ?lang=, else its prefix, else the default; None for a
    ?lang= the site does not speak."""
    asked = request.GET.get("lang")
    if asked is not None:
        return asked if asked in dict(settings.LANGUAGES) else None
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def _bad_language(request: HttpRequest) -> HttpResponse:
    codes = ", ".join(code for code, _name in settings.LANGUAGES)
    return HttpResponseBadRequest(
        f"Unknown lang={request.GET.get('lang', '')!r}; use one of: {codes}.",
        content_type="text/plain; charset=utf-8",
    )


def _last_changed(company: Company) -> datetime.datetime:
    """When the lab's name or its stance history last changed."""
    times = StanceChange.objects.filter(company=company).aggregate(
        made=Max("created_at"), superseded=Max("superseded_at")
    )
    return max(t for t in (company.updated_at, times["made"], times["superseded"]) if t)


def _cacheable(
    request: HttpRequest, response: HttpResponse, *, last_modified: datetime.datetime, lang: str
) -> HttpResponse:
    """The response with its cache headers, or a 304 with the same headers when the reader's
    copy (If-None-Match, else If-Modified-Since) still holds."""
    patch_cache_control(response, public=True, max_age=site_conf().embed_max_age_seconds)
    response["Content-Language"] = lang
    set_response_etag(response)
    modified = int(last_modified.timestamp())
    response["Last-Modified"] = http_date(modified)
    answer = (
        get_conditional_response(
            request, etag=response["ETag"], last_modified=modified, response=response
        )
        or response
    )
    # Django's 304 keeps the cache headers; a browser merges the rest into its copy, so the
    # language goes too (the frame headers are added to every answer by `embeddable`).
    answer["Content-Language"] = lang
    return answer


def _lab_changes(company: Company) -> list[StanceChange]:
    return [c for row in selectors.labs_with_changes([company.slug]) for c in row.changes]


@require_safe
@embeddable
def lab_badge(request: HttpRequest, slug: str) -> HttpResponse:
    lang = embed_language(request)
    if lang is None:
        return _bad_language(request)
    company = get_object_or_404(Company, slug=slug)
    changes = _lab_changes(company)
    current = changes[-1] if changes else None
    with translation.override(lang):
        message = current.get_new_stance_display() if current else _("no record")
        badge = badge_layout(
            label=company.name,
            message=str(message),
            stance=current.new_stance if current else None,
        )
        body = render_to_string(
            "site/embed/badge.svg",
            {"badge": badge, "company": company, "message": message, "lang": lang},
        )
    response = HttpResponse(body, content_type="image/svg+xml; charset=utf-8")
    return _cacheable(request, response, last_modified=_last_changed(company), lang=lang)


@require_safe
@embeddable
def lab_timeline(request: HttpRequest, slug: str) -> HttpResponse:
    lang = embed_language(request)
    if lang is None:
        return _bad_language(request)
    company = get_object_or_404(Company, slug=slug)
    changes = _lab_changes(company)
    today = timezone.localdate()
    start, end = charts.axis_for(changes, today)
    with translation.override(lang):
        body = render_to_string(
            "site/embed/timeline.html",
            {
                "company": company,
                "changes": changes,
                "band": charts.stance_band(changes, start=start, end=end),
                "lang": lang,
            },
            request=request,
        )
    response = HttpResponse(body)
    # The band runs to today, so the page changes at midnight even when the record does not.
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    last_modified = max(_last_changed(company), midnight)
    return _cacheable(request, response, last_modified=last_modified, lang=lang)
