"""What the endpoints share: slug look-ups that answer 400 or 404, and the Link header."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpResponse

from ..errors import ApiError, parameter_error


def slug_to_id(queryset: QuerySet[Any], slug: str, *, parameter: str) -> int:
    """The id of the row with ``slug`` in a filter: an unknown one is a 400 naming it (a typo
    should not look like an empty result). One query."""
    found = queryset.filter(slug=slug).values_list("pk", flat=True).first()
    if found is None:
        raise parameter_error(parameter, f"no such {parameter}: {slug!r}", type="unknown_value")
    return int(found)


def found_or_404[M: Model](row: M | None, what: str) -> M:
    if row is None:
        raise ApiError(404, "not_found", f"No such {what}.")
    return row


def link_next(response: HttpResponse, body: dict[str, Any]) -> None:
    if body.get("next"):
        response["Link"] = f'<{body["next"]}>; rel="next"'
