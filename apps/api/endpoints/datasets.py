"""Where the outside datasets disagree with each other or with Aperture's editors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from apps.catalog.models import AIModel
from apps.datasets.compare import disagreeing_claim_ids
from apps.datasets.models import Dataset, DatasetClaim

from .. import present
from ..cursors import cursor_decode, cursor_encode
from ..errors import ERROR_RESPONSES, parameter_error
from ..paging import Page, PageParams, page_body
from ..schemas import Disagreement
from .common import page_answer, slug_to_id

router = Router(tags=["datasets"])


class DisagreementFilters(Schema):
    dataset: str | None = Field(
        None, max_length=20, description="A dataset's key: epoch, mot, osai."
    )
    model: str | None = Field(None, max_length=100, description="A model's slug.")


@router.get(
    "/disagreements",
    response={200: Page[Disagreement], **ERROR_RESPONSES},
    url_name="disagreements_list",
    operation_id="disagreements_list",
    summary="Dataset claims that disagree with another dataset or with the editors",
)
def disagreements_list(
    request: HttpRequest,
    response: HttpResponse,
    filters: Query[DisagreementFilters],
    page: Query[PageParams],
) -> Any:
    """Each claim (a dataset's value for one field of one model, with its record and the
    dataset's licence and attribution) that disagrees with another dataset's claim or with
    Aperture's own value, as the model page flags it. The model's endpoint shows the whole row
    beside the editor's value."""
    claims = DatasetClaim.objects.filter(pk__in=disagreeing_claim_ids())
    if filters.dataset:
        if not Dataset.objects.filter(key=filters.dataset).exists():
            raise parameter_error(
                "dataset", f"no such dataset: {filters.dataset!r}", type="unknown_value"
            )
        claims = claims.filter(record__dataset__key=filters.dataset)
    if filters.model:
        claims = claims.filter(
            record__model_id=slug_to_id(AIModel.objects.all(), filters.model, parameter="model")
        )
    if page.cursor:
        (after,) = cursor_decode(page.cursor, "disagreements", [int])
        claims = claims.filter(pk__gt=after)
    rows = list(
        claims.select_related("record__dataset", "record__model").order_by("id")[: page.limit + 1]
    )
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    body = page_body(
        request,
        [present.disagreement(row) for row in rows],
        limit=page.limit,
        next_cursor=cursor_encode("disagreements", rows[-1].pk) if more and rows else None,
    )
    return page_answer(request, response, body)
