"""The record itself: the statements sources carry, and the stance derived from them.

One module per subdomain: statements.py (statements, citations, links), stance.py (pins,
changes, recorded acts) and commitments.py (promises, their outcomes and the outcomes acts
suggest); everything is importable from here as before.
"""

from __future__ import annotations

from .commitments import (
    UNRESOLVED,
    VERDICTS,
    Commitment,
    CommitmentOutcome,
    CommitmentQuerySet,
    CommitmentStatus,
    OutcomeKind,
    OutcomeSuggestion,
    SuggestionState,
)
from .stance import (
    RecordedAct,
    ShiftRating,
    StanceAssessment,
    StanceChange,
    StanceChangeQuerySet,
    StanceDay,
    StanceVersion,
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
    "UNRESOLVED",
    "VERDICTS",
    "Citation",
    "Commitment",
    "CommitmentOutcome",
    "CommitmentQuerySet",
    "CommitmentStatus",
    "EditorialState",
    "LinkKind",
    "OutcomeKind",
    "OutcomeSuggestion",
    "RecordedAct",
    "ShiftRating",
    "Stance",
    "StanceAssessment",
    "StanceChange",
    "StanceChangeQuerySet",
    "StanceDay",
    "StanceVersion",
    "Statement",
    "StatementKind",
    "StatementLink",
    "StatementQuerySet",
    "SuggestionState",
    "Verification",
]
