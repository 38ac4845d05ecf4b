"""What the catalogue announces (apps/lib/events.py); alerts listens, catalog knows no listener."""

from __future__ import annotations

from dataclasses import dataclass

from apps.lib.events import DomainEvent


@dataclass(frozen=True)
class ModelStatusChanged(DomainEvent):
    """A new entry in a model's status history (a ModelStatusChange row)."""

    status_change_id: int
