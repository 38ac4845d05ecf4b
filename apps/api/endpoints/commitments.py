"""Commitments: statements that promise something, with their status and whole history."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from apps.catalog.models import Company
from apps.claims.models import CommitmentStatus
from apps.claims.selectors import commitments_with_history

from .. import present
from ..cursors import cursor_decode, cursor_encode
from ..errors import ERROR_RESPONSES
from ..paging import Page, PageParams, page_body
from ..schemas import Commitment as CommitmentOut
from .common import found_or_404, page_answer, slug_to_id

router = Router(tags=["commitments"])


class CommitmentFilters(Schema):
    lab: str | None = Field(None, max_length=100, description="A lab's slug.")
    status: CommitmentStatus | None = None


@router.get(
    "/commitments",
    response={200: Page[CommitmentOut], **ERROR_RESPONSES},
    url_name="commitments_list",
    operation_id="commitments_list",
    summary="Commitments on published statements, newest first, with their outcomes",
)
def commitments_list(
    request: HttpRequest,
    response: HttpResponse,
    filters: Query[CommitmentFilters],
    page: Query[PageParams],
) -> Any:
    """Each promise with its due date or condition, the evidence rule that decides it, its
    status (pending, overdue, kept, partly_kept, broken, withdrawn) and every outcome recorded,
    a reopened one's earlier verdict included. Four queries per page."""
    rows = commitments_with_history()
    if filters.lab:
        lab_id = slug_to_id(Company.objects.all(), filters.lab, parameter="lab")
        rows = rows.filter(statement__company_id=lab_id)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if page.cursor:
        (before,) = cursor_decode(page.cursor, "commitments", [int])
        rows = rows.filter(pk__lt=before)
    found = list(rows.order_by("-id")[: page.limit + 1])
    more = len(found) > page.limit
    found = found[: page.limit]
    body = page_body(
        request,
        [present.commitment(item) for item in found],
        limit=page.limit,
        next_cursor=cursor_encode("commitments", found[-1].pk) if more and found else None,
    )
    return page_answer(request, response, body)


@router.get(
    "/commitments/{int:commitment_id}",
    response={200: CommitmentOut, **ERROR_RESPONSES},
    url_name="commitment_get",
    operation_id="commitment_get",
    summary="One commitment and its whole history",
)
def commitment_get(request: HttpRequest, commitment_id: int) -> Any:
    item = found_or_404(
        commitments_with_history().filter(pk=commitment_id).first()
        if 0 < commitment_id < 2**63
        else None,
        "commitment",
    )
    return present.commitment(item)
