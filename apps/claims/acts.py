"""Acts that outside datasets record (a release with open weights, an API-only launch), kept as
``RecordedAct`` rows for the stance engine to weigh.

Written by the layers above (apps/datasets) through :func:`acts_record`; claims never imports
them. Recomputing a lab's history goes through :func:`services.stance_history_recompute`, as for
statements.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from apps.catalog.models import AIModel, Company

from . import stance as engine
from .commitment_suggestions import outcome_suggestions_propose
from .models import RecordedAct
from .services import stance_history_recompute

ACT_FIELDS = (
    "company_id",
    "ai_model_id",
    "subject",
    "occurred_on",
    "date_precision",
    "access_level",
    "stance",
    "attribution",
    "origin_url",
)


@dataclass(frozen=True)
class ActRecorded:
    """One act as an outside dataset records it, for acts_record."""

    company: Company
    subject: str
    occurred_on: datetime.date
    access_level: str
    origin: str
    origin_key: str
    origin_url: str = ""
    attribution: str = ""
    date_precision: str = "day"
    ai_model: AIModel | None = None


@dataclass(frozen=True)
class ActsRecorded:
    created: int
    changed: int
    unchanged: int
    #: Acts whose access level maps to no stance (stance.stance_for_access): not recorded.
    unknown_level: int
    companies_recomputed: int


def acts_record(*, acts: Sequence[ActRecorded]) -> ActsRecorded:
    """Upsert imported acts on (origin, origin_key) and recompute the labs whose acts changed.

    Idempotent: acts that match what is stored write nothing and recompute nothing. An act the
    dataset no longer lists is kept (the record said it once; an editor decides).
    """
    wanted: dict[tuple[str, str], RecordedAct] = {}
    unknown = 0
    for act in acts:
        stance = engine.stance_for_access(act.access_level)
        if stance is None:
            unknown += 1
            continue
        wanted[(act.origin, act.origin_key)] = RecordedAct(
            company=act.company,
            ai_model=act.ai_model,
            subject=act.subject[:500],
            occurred_on=act.occurred_on,
            date_precision=act.date_precision,
            access_level=act.access_level[:200],
            stance=stance,
            origin=act.origin[:200],
            attribution=act.attribution,
            origin_key=act.origin_key[:500],
            origin_url=act.origin_url[:2000],
        )
    created: list[RecordedAct] = []
    changed: list[RecordedAct] = []
    # Each lab whose acts changed, with the earliest date a change touches (old or new date).
    touched: dict[int, datetime.date] = {}

    def touch(company_id: int, on: datetime.date) -> None:
        touched[company_id] = min(on, touched.get(company_id, on))

    with transaction.atomic():
        stored: dict[tuple[str, str], RecordedAct] = {}
        for origin in {key[0] for key in wanted}:
            keys = [key[1] for key in wanted if key[0] == origin]
            for row in RecordedAct.objects.select_for_update().filter(
                origin=origin, origin_key__in=keys
            ):
                stored[(row.origin, row.origin_key)] = row
        for key, new in wanted.items():
            current = stored.get(key)
            if current is None:
                created.append(new)
                touch(new.company_id, new.occurred_on)
                continue
            if all(getattr(current, name) == getattr(new, name) for name in ACT_FIELDS):
                continue
            touch(current.company_id, current.occurred_on)
            touch(new.company_id, new.occurred_on)
            for name in ACT_FIELDS:
                setattr(current, name, getattr(new, name))
            current.updated_at = timezone.now()  # bulk_update skips auto_now
            changed.append(current)
        RecordedAct.objects.bulk_create(created)
        RecordedAct.objects.bulk_update(changed, [*ACT_FIELDS, "updated_at"])
        for company in Company.objects.filter(pk__in=touched).order_by("pk"):
            stance_history_recompute(company=company, since=touched[company.pk])
        # A new or changed release may decide a lab's pending commitment: proposed, not decided.
        outcome_suggestions_propose(acts=[*created, *changed])
    return ActsRecorded(
        created=len(created),
        changed=len(changed),
        unchanged=len(wanted) - len(created) - len(changed),
        unknown_level=unknown,
        companies_recomputed=len(touched),
    )
