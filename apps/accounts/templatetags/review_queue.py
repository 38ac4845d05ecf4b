"""``{% review_queue_link %}``: the link to the editors' review queue, with how many items wait."""

from __future__ import annotations

from typing import Any

from django import template

from ..queue import queue_count, queue_kinds

register = template.Library()


@register.inclusion_tag("accounts/_review_queue_link.html", takes_context=True)
def review_queue_link(context: dict[str, Any]) -> dict[str, Any]:
    """For staff who may see a kind of the queue; nothing for anyone else."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not queue_kinds(user):
        return {"shown": False}
    return {"shown": True, "waiting": queue_count(user)}
