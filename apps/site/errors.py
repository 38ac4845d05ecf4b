"""The site's answer to an unhandled error (``handler500`` in config/urls.py).

A database that cannot be reached (restarting, failing over) is an outage, not a bug: the reader
gets **503** with ``Retry-After`` and a short page in their language that says to try again
(apps/lib/outage.py), never a stack trace, and the server needs no restart once the database is
back. Any other error keeps Django's own 500 page.
"""

from __future__ import annotations

import logging
import sys

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views.defaults import server_error as django_server_error

from apps.lib.outage import database_unavailable, outage_conf

logger = logging.getLogger(__name__)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """503: the page says the site is briefly unavailable and when to try again.

    Rendered without the request (no context processor, so nothing that reads the database)."""
    retry_after = outage_conf().retry_after_seconds
    body = loader.get_template("503.html").render({"retry_after": retry_after})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 for a database outage, Django's 500 page for anything else."""
    _kind, error, _traceback = sys.exc_info()
    if database_unavailable(error):
        logger.warning("database unavailable: answered 503 to %s", request.path[:200])
        return service_unavailable(request)
    return django_server_error(request)
