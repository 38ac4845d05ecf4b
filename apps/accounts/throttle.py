"""What django-axes calls for the admin login throttle (settings: AXES_* in config/settings.py).

Axes counts failed logins in the default cache (Redis in production, so every web process sees
the same count) under one key per username and one per client address; either reaching
AXES_FAILURE_LIMIT refuses logins, even with the right password, until the cool-off has passed.
"""

from __future__ import annotations

import logging
from typing import Any

from axes.helpers import get_cool_off
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from apps.lib.client_ip import client_ip

logger = logging.getLogger(__name__)


def _posted_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    if credentials:
        return str(credentials.get("username") or "")
    return str(request.POST.get("username", ""))


def throttle_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The name axes counts a username's failures under (AXES_USERNAME_CALLABLE).

    Axes hashes the bare value for both kinds of key, so without a prefix a username spelled
    like an address ("203.0.113.5") would share that address's counter, and anyone could lock
    an office out by failing to log in as its address.
    """
    username = _posted_username(request, credentials)
    return f"account:{username}" if username else None


def login_locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page a login gets while its account or address is locked out (AXES_LOCKOUT_CALLABLE).

    Status 429, in the reader's language, with how long to wait; one warning in the log.
    """
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0
    logger.warning(
        "Admin login locked out: account %r from address %s, for %d minutes",
        _posted_username(request, credentials),
        client_ip(request),
        minutes,
    )
    context = {
        **admin.site.each_context(request),
        "title": _("Too many failed logins"),
        "minutes": minutes,
    }
    return render(request, "accounts/locked_out.html", context, status=429)
