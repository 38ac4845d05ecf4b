"""The "Cite this statement" block, as one tag, so a page includes it in one line."""

from __future__ import annotations

from typing import Any

from django import template

from apps.claims.models import Statement

from ..cite import statement_citation
from ..revisions import PUBLIC_STATES, Revision, current_revision

register = template.Library()


@register.inclusion_tag("site/_cite.html")
def cite_statement(statement: Statement, revision: Revision | None = None) -> dict[str, Any]:
    """Cites `revision`, or else the statement's newest public revision; nothing for a statement
    readers cannot see (a draft in a preview)."""
    if revision is not None:
        citation = statement_citation(
            statement, history_id=revision.history_id, revised_at=revision.made_at
        )
        return {"citation": citation}
    current = current_revision(statement)
    if current is None and statement.state not in PUBLIC_STATES:
        return {"citation": None}
    history_id, revised_at = current if current else (None, statement.updated_at)
    return {"citation": statement_citation(statement, history_id=history_id, revised_at=revised_at)}
