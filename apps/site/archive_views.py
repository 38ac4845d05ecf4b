"""A cited source's archived copy: our own rendering of the text we archived, never its HTML.

Shown only for a source that a published statement cites, with a banner that it is a copy, when
it was retrieved, and a link to the original. The text is escaped (it is plain text we
extracted), split into paragraphs; nothing of the page's own markup or scripts is served.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from apps.catalog.models import Source
from apps.claims.models import Citation, Statement


@require_safe
def source_archive(request: HttpRequest, pk: int) -> HttpResponse:
    cited = Citation.objects.filter(source_id=pk, statement__in=Statement.objects.public())
    source = (
        Source.objects.filter(pk=pk, pk__in=cited.values("source_id"))
        .exclude(snapshot_hash="")
        .defer("snapshot_raw")
        .select_related("publisher")
        .first()
    )
    if source is None:
        raise Http404(_("No archived copy of this source."))
    paragraphs = [part.strip() for part in source.snapshot_text.split("\n") if part.strip()]
    response = render(
        request, "site/source_archive.html", {"source": source, "paragraphs": paragraphs}
    )
    # A copy of someone else's page: readers may read it here, search engines index the original.
    response["X-Robots-Tag"] = "noindex"
    return response
