"""Published statements: the list with its filters, and one statement with its provenance."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from apps.catalog.models import AIModel, Company
from apps.claims.models import EditorialState, Stance, StatementKind, Verification
from apps.site import selectors
from apps.site.timeline import Cursor

from .. import present
from ..conditional import unchanged_answer
from ..cursors import cursor_decode, cursor_encode
from ..errors import ERROR_RESPONSES, parameter_error
from ..paging import Page, PageParams, page_body
from ..params import IsoDate, IsoDateTime
from ..schemas import Statement as StatementOut
from ..schemas import StatementDetail
from ..selectors import StatementQuery, statement_rows
from .common import SlugFilter, found_or_404, page_answer, slugs_check

router = Router(tags=["statements"])
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})?$"


class StatementFilters(Schema):
    lab: str | None = Field(None, max_length=100, description="A lab's slug.")
    model: str | None = Field(None, max_length=100, description="A model's slug.")
    stance: Stance | None = None
    kind: StatementKind | None = None
    verification: Verification | None = None
    language: str | None = Field(
        None, pattern=LANGUAGE_PATTERN, description="The quote's language, e.g. en or ja."
    )
    since: IsoDate | None = Field(None, description="Said or happened on or after.")
    until: IsoDate | None = Field(None, description="Said or happened on or before.")
    updated_since: IsoDateTime | None = Field(
        None,
        description="Changed at or after this time (ISO 8601 with its offset): for syncing.",
    )
    include_retracted: bool = Field(
        False, description="Also list retracted statements (state: retracted)."
    )


def _statements(filters: StatementFilters) -> tuple[StatementQuery, list[SlugFilter]]:
    """The filters as a query, and the slugs they filter by: a slug is looked up only when
    the page comes out empty (slugs_check), so a filtered page costs the queries of an
    unfiltered one; an unknown slug can only give an empty page."""
    if filters.since and filters.until and filters.since > filters.until:
        raise parameter_error("until", "is before since", type="date_range")
    states = [EditorialState.PUBLISHED]
    if filters.include_retracted:
        states.append(EditorialState.RETRACTED)
    slugs = []
    if filters.lab:
        slugs.append(SlugFilter(Company.objects.all(), filters.lab, "lab"))
    if filters.model:
        slugs.append(SlugFilter(AIModel.objects.all(), filters.model, "model"))
    query = StatementQuery(
        states=tuple(states),
        lab=filters.lab,
        model=filters.model,
        kind=filters.kind,
        stance=filters.stance,
        verification=filters.verification,
        language=filters.language,
        since=filters.since,
        until=filters.until,
        updated_since=filters.updated_since,
    )
    return query, slugs


@router.get(
    "/statements",
    response={200: Page[StatementOut], **ERROR_RESPONSES},
    url_name="statements_list",
    operation_id="statements_list",
    summary="Published statements, newest first",
)
def statements_list(
    request: HttpRequest,
    response: HttpResponse,
    filters: Query[StatementFilters],
    page: Query[PageParams],
) -> Any:
    """Published statements in timeline order (newest first, by the date said or done), with
    their lab, models, speaker, citations and both languages' text where the record has both.
    A fixed number of queries per page, whatever its size."""
    cursor = None
    if page.cursor:
        occurred_on, pk = cursor_decode(page.cursor, "statements", [datetime.date, int])
        cursor = Cursor(occurred_on, pk)
    statements, slugs = _statements(filters)
    found = statement_rows(statements, cursor, page.limit)
    if not found.rows:
        slugs_check(slugs)
    unchanged = unchanged_answer(request, (found.rows, found.next_cursor))
    if unchanged is not None:
        return unchanged
    next_cursor = (
        cursor_encode("statements", found.next_cursor.occurred_on, found.next_cursor.id)
        if found.next_cursor
        else None
    )
    body = page_body(
        request,
        [present.statement_row(row) for row in found.rows],
        limit=page.limit,
        next_cursor=next_cursor,
    )
    return page_answer(request, response, body)


@router.get(
    "/statements/{int:statement_id}",
    response={200: StatementDetail, **ERROR_RESPONSES},
    url_name="statement_get",
    operation_id="statement_get",
    summary="One statement, with its links and the citation chain of its sources",
)
def statement_get(request: HttpRequest, statement_id: int) -> Any:
    """A published (or retracted) statement; drafts and statements in review do not exist here."""
    item = found_or_404(
        selectors.statement_detail(statement_id) if 0 < statement_id < 2**63 else None,
        "statement",
    )
    outgoing, incoming = selectors.statement_links(item)
    public = {EditorialState.PUBLISHED, EditorialState.RETRACTED}
    body = present.statement(item)
    body["links_out"] = [
        present.statement_link(link, link.to_statement_id)
        for link in outgoing
        if link.to_statement.state in public
    ]
    body["links_in"] = [
        present.statement_link(link, link.from_statement_id)
        for link in incoming
        if link.from_statement.state in public
    ]
    body["sources"] = [
        present.source_with_chain(citation.source) for citation in item.citations.all()
    ]
    return body
