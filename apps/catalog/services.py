"""Writes to the catalogue that announce what happened (apps/lib/events.py)."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import transaction

from apps.claims.models import Source
from apps.lib.events import event_announce

from .events import ModelStatusChanged
from .models import AIModel, ModelStatusChange


def model_status_add(
    *,
    model: AIModel,
    status: str,
    date: datetime.date,
    date_precision: str = "day",
    is_reported: bool = False,
    note: str = "",
    source: Source | None = None,
    user: User | AnonymousUser | None = None,
) -> ModelStatusChange:
    """A new entry in a model's status history, announced in its transaction.

    user=None is the system itself (seed data, imports), which acts with full authority.
    """
    if user is not None and not user.has_perm("catalog.add_modelstatuschange"):
        raise PermissionDenied("You do not have permission to record a model's status.")
    with transaction.atomic():
        change = ModelStatusChange(
            model=model,
            status=status,
            date=date,
            date_precision=date_precision,
            is_reported=is_reported,
            note=note,
            source=source,
        )
        change.full_clean()
        change.save()
        event_announce(ModelStatusChanged(status_change_id=change.pk))
    return change
