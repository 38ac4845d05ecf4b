"""Records as the API answers them: plain dicts shaped like apps/api/schemas.py.

Each function reads only what the selectors already fetched (select_related, prefetch), so
presenting a page costs no query of its own.
"""

from __future__ import annotations

from .commitments import commitment, commitment_outcome, kept_ratio
from .common import (
    aliases_by_owner,
    aliases_listed,
    field_labels,
    lab_ref,
    labels,
    model_ref,
    name_ja,
    page_urls,
    page_urls_by_name,
)
from .labs import lab, series_now, stance_change, stance_now, stance_point
from .models import (
    claim,
    claim_rows,
    component,
    dataset_ref,
    disagreement,
    model,
    record_ref,
    status_entry,
)
from .statements import (
    source,
    source_ref,
    source_with_chain,
    statement,
    statement_as_row,
    statement_link,
    statement_row,
)

__all__ = [
    "aliases_by_owner",
    "aliases_listed",
    "claim",
    "claim_rows",
    "commitment",
    "commitment_outcome",
    "component",
    "dataset_ref",
    "disagreement",
    "field_labels",
    "kept_ratio",
    "lab",
    "lab_ref",
    "labels",
    "model",
    "model_ref",
    "name_ja",
    "page_urls",
    "page_urls_by_name",
    "record_ref",
    "series_now",
    "source",
    "source_ref",
    "source_with_chain",
    "stance_change",
    "stance_now",
    "stance_point",
    "statement",
    "statement_as_row",
    "statement_link",
    "statement_row",
    "status_entry",
]
