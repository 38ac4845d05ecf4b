"""The record itself: the statements sources carry, and the stance derived from them.

One module per subdomain: statements.py (statements, citations, links) and stance.py (pins,
changes, recorded acts); everything is importable from here as before.
"""

from __future__ import annotations

from .stance import (
    RecordedAct,
    ShiftRating,
    StanceAssessment,
    StanceChange,
    StanceChangeQuerySet,
    StanceDay,
)
from .statements import (
    QUOTE_MAX,
    RATIONALE_MAX,
    REASON_MAX,
    SEARCHED_FIELDS,
    SUMMARY_MAX,
    Citation,
    EditorialState,
    LinkKind,
    Stance,
    Statement,
    StatementKind,
    StatementLink,
    StatementQuerySet,
    Verification,
)

__all__ = [
    "QUOTE_MAX",
    "RATIONALE_MAX",
    "REASON_MAX",
    "SEARCHED_FIELDS",
    "SUMMARY_MAX",
    "Citation",
    "EditorialState",
    "LinkKind",
    "RecordedAct",
    "ShiftRating",
    "Stance",
    "StanceAssessment",
    "StanceChange",
    "StanceChangeQuerySet",
    "StanceDay",
    "Statement",
    "StatementKind",
    "StatementLink",
    "StatementQuerySet",
    "Verification",
]
