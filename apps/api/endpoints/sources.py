"""Sources of the public record, with their citation chain and archive state."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from apps.catalog.models import Company, Publisher, Source, SourceKind
from apps.claims.models import Citation, EditorialState

from .. import present
from ..cursors import cursor_decode, cursor_encode
from ..errors import ERROR_RESPONSES
from ..paging import Page, PageParams, page_body
from ..schemas import Source as SourceOut
from .common import found_or_404, page_answer, slug_to_id
from .statements import LANGUAGE_PATTERN

router = Router(tags=["sources"])


class SourceFilters(Schema):
    lab: str | None = Field(
        None, max_length=100, description="Cited by a published statement about this lab."
    )
    publisher: str | None = Field(None, max_length=100, description="A publisher's slug.")
    kind: SourceKind | None = None
    language: str | None = Field(None, pattern=LANGUAGE_PATTERN)


def _published_citations() -> QuerySet[Citation]:
    return Citation.objects.filter(statement__state=EditorialState.PUBLISHED)


def public_sources() -> QuerySet[Source]:
    """Sources a published statement cites: what the public record stands on (not an
    ingested article nor a draft's source), with what the API shows of each, in four queries."""
    with_publisher = Source.objects.select_related("publisher")
    return (
        Source.objects.filter(Exists(_published_citations().filter(source=OuterRef("pk"))))
        .select_related("publisher")
        .prefetch_related(
            Prefetch("cites", queryset=with_publisher.order_by("id")),
            Prefetch("cited_by", queryset=with_publisher.order_by("id")),
            Prefetch(
                "citations",
                queryset=_published_citations().only("id", "source_id", "statement_id"),
                to_attr="published_citations",
            ),
        )
    )


def _present(source: Source) -> dict[str, Any]:
    ids = sorted({c.statement_id for c in getattr(source, "published_citations", [])})
    return present.source(source, statement_ids=ids)


@router.get(
    "/sources",
    response={200: Page[SourceOut], **ERROR_RESPONSES},
    url_name="sources_list",
    operation_id="sources_list",
    summary="Sources that published statements cite, newest first",
)
def sources_list(
    request: HttpRequest,
    response: HttpResponse,
    filters: Query[SourceFilters],
    page: Query[PageParams],
) -> Any:
    sources = public_sources()
    if filters.lab:
        lab_id = slug_to_id(Company.objects.all(), filters.lab, parameter="lab")
        sources = sources.filter(
            Exists(
                _published_citations().filter(source=OuterRef("pk"), statement__company_id=lab_id)
            )
        )
    if filters.publisher:
        publisher_id = slug_to_id(Publisher.objects.all(), filters.publisher, parameter="publisher")
        sources = sources.filter(publisher_id=publisher_id)
    if filters.kind:
        sources = sources.filter(kind=filters.kind)
    if filters.language:
        sources = sources.filter(language=filters.language)
    if page.cursor:
        (before,) = cursor_decode(page.cursor, "sources", [int])
        sources = sources.filter(pk__lt=before)
    rows = list(sources.order_by("-id")[: page.limit + 1])
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    body = page_body(
        request,
        [_present(source) for source in rows],
        limit=page.limit,
        next_cursor=cursor_encode("sources", rows[-1].pk) if more and rows else None,
    )
    return page_answer(request, response, body)


@router.get(
    "/sources/{int:source_id}",
    response={200: SourceOut, **ERROR_RESPONSES},
    url_name="source_get",
    operation_id="source_get",
    summary="One source of the public record",
)
def source_get(request: HttpRequest, source_id: int) -> Any:
    source = found_or_404(
        public_sources().filter(pk=source_id).first() if 0 < source_id < 2**63 else None,
        "source",
    )
    return _present(source)
