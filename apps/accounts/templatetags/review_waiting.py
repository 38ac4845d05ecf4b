"""``{% review_waiting %}``: the admin's note to a reviewer that statements wait for review."""

from __future__ import annotations

from typing import Any

from django import template

from ..reviews import in_review_url, is_reviewer, statements_in_review

register = template.Library()


@register.inclusion_tag("accounts/_review_waiting.html", takes_context=True)
def review_waiting(context: dict[str, Any]) -> dict[str, Any]:
    """How many statements wait, for whoever may publish them; nothing for anyone else."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not is_reviewer(user):
        return {"waiting": 0}
    return {"waiting": statements_in_review().count(), "url": in_review_url()}
