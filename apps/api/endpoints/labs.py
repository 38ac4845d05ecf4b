"""Labs with their stance now, says and does, and their stance history and changes."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from apps.catalog.models import AIModel, Alias, Company
from apps.claims.models import EditorialState, StanceChange, Statement
from apps.claims.selectors import kept_ratios, says_and_does
from apps.site.selectors import labs_with_changes

from .. import present
from ..cursors import cursor_decode, cursor_encode
from ..errors import ERROR_RESPONSES
from ..paging import Page, PageParams, page_body
from ..schemas import Lab, LabDetail, StanceHistory
from ..schemas import StanceChange as StanceChangeOut
from .common import found_or_404, page_answer

router = Router(tags=["labs"])
SLUG = r"{slug:slug}"


def _aliases(company_ids: list[int]) -> dict[int, list[Alias]]:
    rows = Alias.objects.filter(company_id__in=company_ids).order_by("id")
    return present.aliases_by_owner(list(rows), "company")


@router.get(
    "/labs",
    response={200: Page[Lab], **ERROR_RESPONSES},
    url_name="labs_list",
    operation_id="labs_list",
    summary="Labs, by slug, with their stance now",
)
def labs_list(request: HttpRequest, response: HttpResponse, page: Query[PageParams]) -> Any:
    """Every lab Aperture follows, with its current stance (derived from its published
    statements and imported acts, or pinned by an editor). Four queries per page."""
    labs = Company.objects.filter(is_lab=True).select_related("parent").order_by("slug")
    if page.cursor:
        (after,) = cursor_decode(page.cursor, "labs", [str])
        labs = labs.filter(slug__gt=after)
    rows = list(labs[: page.limit + 1])
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    changes = {row.company.pk: row.changes for row in labs_with_changes([r.slug for r in rows])}
    aliases = _aliases([row.pk for row in rows])
    body = page_body(
        request,
        [
            present.lab(row, changes=changes.get(row.pk, []), aliases=aliases.get(row.pk, []))
            for row in rows
        ],
        limit=page.limit,
        next_cursor=cursor_encode("labs", rows[-1].slug) if more and rows else None,
    )
    return page_answer(request, response, body)


def _lab(slug: str) -> Company:
    return found_or_404(
        Company.objects.filter(is_lab=True).select_related("parent").filter(slug=slug).first(),
        "lab",
    )


@router.get(
    f"/labs/{SLUG}",
    response={200: LabDetail, **ERROR_RESPONSES},
    url_name="lab_get",
    operation_id="lab_get",
    summary="One lab: stance now, says and does, models",
)
def lab_get(request: HttpRequest, slug: str) -> Any:
    company = _lab(slug)
    changes = [c for row in labs_with_changes([company.slug]) for c in row.changes]
    series = says_and_does(company=company)
    body = present.lab(company, changes=changes, aliases=_aliases([company.pk]).get(company.pk, []))
    body.update(
        {
            "says_now": present.series_now(series.says),
            "does_now": present.series_now(series.does),
            "divergences": [vars(d) for d in series.divergences],
            "models": [
                present.model_ref(m)
                for m in AIModel.objects.filter(developer=company).order_by("slug")
            ],
            "subsidiaries": [present.lab_ref(c) for c in company.subsidiaries.order_by("slug")],
            "commitments": present.kept_ratio(kept_ratios(company_ids=[company.pk])[company.pk]),
        }
    )
    return body


@router.get(
    f"/labs/{SLUG}/stance-history",
    response={200: StanceHistory, **ERROR_RESPONSES},
    url_name="lab_stance_history",
    operation_id="lab_stance_history",
    summary="A lab's stance over time, and its says and does series",
)
def lab_stance_history(request: HttpRequest, slug: str) -> Any:
    """The combined stance as the lab's timeline draws it (the changes that hold now, oldest
    first, each in force until the next), the "says" and "does" series by the same formula
    without pins, and where those two diverge."""
    company = _lab(slug)
    changes = [c for row in labs_with_changes([company.slug]) for c in row.changes]
    series = says_and_does(company=company)
    return {
        "lab": present.lab_ref(company),
        "combined": [present.stance_point(c) for c in changes],
        "says": [present.stance_point(c) for c in series.says],
        "does": [present.stance_point(c) for c in series.does],
        "divergences": [vars(d) for d in series.divergences],
    }


class ChangeFilters(Schema):
    include_superseded: bool = Field(
        False,
        description="Also list changes that a later edit of the record superseded (the "
        "ledger's own history).",
    )


@router.get(
    f"/labs/{SLUG}/stance-changes",
    response={200: Page[StanceChangeOut], **ERROR_RESPONSES},
    url_name="lab_stance_changes",
    operation_id="lab_stance_changes",
    summary="A lab's stance changes, newest first, rated like a flip-o-meter",
)
def lab_stance_changes(
    request: HttpRequest,
    response: HttpResponse,
    slug: str,
    filters: Query[ChangeFilters],
    page: Query[PageParams],
) -> Any:
    company = _lab(slug)
    changes = StanceChange.objects.filter(company=company)
    if not filters.include_superseded:
        changes = changes.current()
    if page.cursor:
        day, pk = cursor_decode(page.cursor, "stance-changes", [datetime.date, int])
        changes = changes.filter(date__lte=day).filter(Q(date__lt=day) | Q(date=day, id__lt=pk))
    published = Statement.objects.filter(state=EditorialState.PUBLISHED).only("id")
    rows = list(
        changes.select_related("assessment")
        .prefetch_related(Prefetch("statements", queryset=published.order_by("id")))
        .order_by("-date", "-id")[: page.limit + 1]
    )
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    body = page_body(
        request,
        [present.stance_change(c, [s.pk for s in c.statements.all()]) for c in rows],
        limit=page.limit,
        next_cursor=cursor_encode("stance-changes", rows[-1].date, rows[-1].pk)
        if more and rows
        else None,
    )
    return page_answer(request, response, body)
