"""What the endpoints share: slug look-ups that answer 400 or 404, and a list page's answer."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

from ..errors import ApiError, parameter_error
from ..rendering import renderer


def slug_to_id(queryset: QuerySet[Any], slug: str, *, parameter: str) -> int:
    """The id of the row with ``slug`` in a filter: an unknown one is a 400 naming it (a typo
    should not look like an empty result). One query."""
    found = queryset.filter(slug=slug).values_list("pk", flat=True).first()
    if found is None:
        raise parameter_error(parameter, f"no such {parameter}: {slug!r}", type="unknown_value")
    return int(found)


class SlugFilter(NamedTuple):
    """A filter by slug folded into a list's own query, checked only if the page is empty."""

    queryset: QuerySet[Any]
    slug: str
    parameter: str


def slugs_check(slugs: list[SlugFilter]) -> None:
    """The 400 slug_to_id gives for the first unknown slug of an empty page's filters."""
    for queryset, slug, parameter in slugs:
        slug_to_id(queryset, slug, parameter=parameter)


def found_or_404[M: Model](row: M | None, what: str) -> M:
    if row is None:
        raise ApiError(404, "not_found", f"No such {what}.")
    return row


def page_answer(request: HttpRequest, response: HttpResponse, body: dict[str, Any]) -> HttpResponse:
    """A list's page written out as the answer, with the next page in the Link header.

    Written here rather than returned for django-ninja to check against the operation's schema
    and then write: on the statements list that check and re-dump cost a fifth of the request
    (1.2 ms of 6.3). The presenters (apps/api/present/) build exactly the schema's fields, and
    tests/api/test_schema_fixed_point.py proves it: every list's answer, read back through its
    schema and written again, is unchanged. Single items still go through ninja's check.
    """
    if body.get("next"):
        response["Link"] = f'<{body["next"]}>; rel="next"'
    response.content = renderer.render(request, body, response_status=response.status_code)
    return response
