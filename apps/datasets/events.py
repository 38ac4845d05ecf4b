"""What the datasets announce (apps/lib/events.py); alerts listens, datasets knows no listener."""

from __future__ import annotations

from dataclasses import dataclass

from apps.lib.events import DomainEvent


@dataclass(frozen=True)
class DatasetValuesChanged(DomainEvent):
    """An import found values its dataset now states differently: new ClaimChange rows.

    Announced once per batch of changed records, in the import's transaction, with every change
    that batch wrote (each id once), so that a listener reads them in a fixed number of queries
    however many changed. Which of them is news is the listener's to decide.
    """

    change_ids: tuple[int, ...]
