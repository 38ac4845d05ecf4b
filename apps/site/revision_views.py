"""A statement at one of its public revisions: the page a citation's permanent link opens."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import selectors
from .revisions import statement_revision as revision_of


@require_safe
def statement_revision(request: HttpRequest, pk: int, history_id: int) -> HttpResponse:
    current = selectors.statement_detail(pk)
    revision = revision_of(current, history_id) if current is not None else None
    if current is None or revision is None:
        # A draft's revisions, and unknown ones, are as unknown as a page that never existed.
        raise Http404(_("No such version of this statement."))
    return render(
        request,
        "site/statement_revision.html",
        {"current": current, "revision": revision},
    )
