"""Models: openness components, status history, and each dataset's claims with provenance."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from apps.catalog.models import AccessLevel, AIModel, Alias, Company
from apps.datasets.compare import claim_rows, editor_values
from apps.datasets.models import DatasetClaim
from apps.site import selectors

from .. import present
from ..cursors import cursor_decode, cursor_encode
from ..errors import ERROR_RESPONSES
from ..paging import Page, PageParams, page_body
from ..params import IsoDateTime
from ..schemas import Model
from .common import found_or_404, page_answer, slug_to_id

router = Router(tags=["models"])


class ModelFilters(Schema):
    lab: str | None = Field(None, max_length=100, description="The developer's slug.")
    access_level: AccessLevel | None = None
    updated_since: IsoDateTime | None = Field(
        None, description="Changed at or after this time (ISO 8601 with its offset)."
    )


def _present(models: list[AIModel]) -> list[dict[str, Any]]:
    """Models with everything the API shows, in a fixed number of queries for any number:
    status and components (two), aliases (one) and every dataset claim on them (one)."""
    selectors.models_prefetch(models)
    matrix = selectors.openness_matrix(models)
    ids = [m.pk for m in models]
    aliases = present.aliases_by_owner(
        list(Alias.objects.filter(model_id__in=ids).order_by("id")), "model"
    )
    # The query compare.model_claims makes for one model, here for the whole page.
    claims_by_model: dict[int, list[DatasetClaim]] = {}
    for claim in (
        DatasetClaim.objects.filter(record__model_id__in=ids)
        .exclude(value="")
        .select_related("record__dataset")
        .order_by("record__dataset__key", "record__key", "field")
    ):
        claims_by_model.setdefault(claim.record.model_id or 0, []).append(claim)
    return [
        present.model(
            ai_model,
            matrix=row,
            aliases=aliases.get(ai_model.pk, []),
            claims=claim_rows(claims_by_model.get(ai_model.pk, []), editor_values(ai_model)),
        )
        for ai_model, row in zip(models, matrix, strict=True)
    ]


@router.get(
    "/models",
    response={200: Page[Model], **ERROR_RESPONSES},
    url_name="models_list",
    operation_id="models_list",
    summary="Models, by slug, with openness, status and the datasets' claims",
)
def models_list(
    request: HttpRequest,
    response: HttpResponse,
    filters: Query[ModelFilters],
    page: Query[PageParams],
) -> Any:
    models = AIModel.objects.select_related("developer", "family").order_by("slug")
    if filters.lab:
        models = models.filter(
            developer_id=slug_to_id(Company.objects.all(), filters.lab, parameter="lab")
        )
    if filters.access_level:
        models = models.filter(access_level=filters.access_level)
    if filters.updated_since:
        models = models.filter(updated_at__gte=filters.updated_since)
    if page.cursor:
        (after,) = cursor_decode(page.cursor, "models", [str])
        models = models.filter(slug__gt=after)
    rows = list(models[: page.limit + 1])
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    body = page_body(
        request,
        _present(rows),
        limit=page.limit,
        next_cursor=cursor_encode("models", rows[-1].slug) if more and rows else None,
    )
    return page_answer(request, response, body)


@router.get(
    "/models/{slug:slug}",
    response={200: Model, **ERROR_RESPONSES},
    url_name="model_get",
    operation_id="model_get",
    summary="One model",
)
def model_get(request: HttpRequest, slug: str) -> Any:
    ai_model = found_or_404(
        AIModel.objects.select_related("developer", "family").filter(slug=slug).first(), "model"
    )
    return _present([ai_model])[0]
