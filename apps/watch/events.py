"""What the watch app announces (apps/lib/events.py); alerts may listen, watch knows no listener."""

from __future__ import annotations

from dataclasses import dataclass

from apps.lib.events import DomainEvent


@dataclass(frozen=True)
class PageChangeAccepted(DomainEvent):
    """An editor accepted a watched page's change as a draft act: the policy changed.

    Announced on the editor's decision, never straight from a diff.
    """

    snapshot_id: int
    statement_id: int
