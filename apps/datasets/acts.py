"""Releases in an imported dataset become acts on their labs' timelines.

A record that names its developer, its release date and its access level says the lab released
(or kept back) a model in that way on that date: claims.acts.acts_record keeps it as an
imported act, which the stance engine weighs (less than an act an editor checked), naming the
catalogue model that matching found for the record, if any. A developer no catalogue company
answers to gets no act; neither does a record without a date or access level.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from apps.claims.acts import ActRecorded, ActsRecorded, acts_record
from apps.datasets.models import Dataset, DatasetClaim, DatasetRecord
from apps.datasets.selectors import developer_companies
from apps.lib.dates import DatePrecision

logger = logging.getLogger(__name__)

ACT_FIELDS = ("developer", "release_date", "access_level")
PRECISION_BY_PARTS = {1: DatePrecision.YEAR, 2: DatePrecision.MONTH, 3: DatePrecision.DAY}


@dataclass(frozen=True)
class DatasetActs:
    recorded: ActsRecorded
    #: Developer names no catalogue company answers to (or more than one does).
    unknown_developers: int
    #: Records without a developer, a usable release date or an access level.
    incomplete: int


def release_date(text: str) -> tuple[datetime.date, str] | None:
    """An ISO date, month or year (as the parsers store it) and its precision, or None."""
    try:
        parts = [int(part) for part in text.strip().split("-")]
        return datetime.date(*[*parts, 1, 1][:3]), PRECISION_BY_PARTS[len(parts)]
    except (ValueError, TypeError, KeyError):
        return None


def dataset_acts_record(*, dataset: Dataset) -> DatasetActs:
    """Record the dataset's releases as acts: three queries to read, none to write if nothing
    changed (acts_record is idempotent). Run it after records_match, which names the model."""
    records = (
        DatasetRecord.objects.filter(dataset=dataset, claims__field="access_level")
        .select_related("model")
        .prefetch_related(
            Prefetch(
                "claims",
                queryset=DatasetClaim.objects.filter(field__in=ACT_FIELDS),
                to_attr="act_claims",
            )
        )
    )
    readable: list[tuple[Any, list[str], datetime.date, str, str]] = []
    incomplete = 0
    for record in records:
        values = {claim.field: claim.value for claim in record.act_claims}
        names = [name.strip() for name in values.get("developer", "").split(";") if name.strip()]
        released = release_date(values.get("release_date", ""))
        level = values.get("access_level", "").strip()
        if not names or released is None or not level:
            incomplete += 1
            continue
        readable.append((record, names, released[0], released[1], level))
    companies = developer_companies(names={name for item in readable for name in item[1]})
    acts: list[ActRecorded] = []
    unknown = 0
    for item, names, occurred_on, precision, level in readable:
        for name in names:
            company = companies.get(name)
            if company is None:
                unknown += 1
                continue
            acts.append(
                ActRecorded(
                    company=company,
                    subject=item.key,
                    occurred_on=occurred_on,
                    date_precision=precision,
                    access_level=level,
                    origin=dataset.name,
                    origin_key=f"{item.key}|{company.slug}",
                    origin_url=item.upstream_url or dataset.homepage,
                    attribution=dataset.attribution,
                    ai_model=item.model,
                )
            )
    result = DatasetActs(
        recorded=acts_record(acts=acts), unknown_developers=unknown, incomplete=incomplete
    )
    logger.info("dataset %s acts: %s", dataset.key, result)
    return result
