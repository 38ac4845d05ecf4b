"""What the record announces (apps/lib/events.py); alerts listens, claims knows no listener."""

from __future__ import annotations

from dataclasses import dataclass

from apps.lib.events import DomainEvent


@dataclass(frozen=True)
class StatementPublished(DomainEvent):
    """An editor published a statement."""

    statement_id: int


@dataclass(frozen=True)
class StanceChanged(DomainEvent):
    """A recompute of a lab's stance history wrote new StanceChange rows.

    ``change_ids`` are the new rows, oldest first; ``previous_ids`` the lab's changes that were
    current before the recompute, so that a listener can tell a new move from history redrawn
    by a backdated statement. ``published_statement_id`` names the statement whose publishing
    made the recompute, when one did: the same act was announced as StatementPublished just
    before, and a listener can tell readers of both in one message.
    """

    company_id: int
    change_ids: tuple[int, ...]
    previous_ids: tuple[int, ...] = ()
    published_statement_id: int | None = None


@dataclass(frozen=True)
class SourcesCited(DomainEvent):
    """A statement was saved citing these sources (some perhaps for the first time).

    Watch listens: a source that has no archive yet is fetched and archived by a worker.
    """

    source_ids: tuple[int, ...]


@dataclass(frozen=True)
class CommitmentOutcomeRecorded(DomainEvent):
    """A commitment's history gained an outcome: a reviewer's verdict, "overdue" worked out
    from its due date, or a reopening (apps/claims/commitments.py).

    Alerts listens (a verdict or overdue is told to the lab's readers who follow its
    commitments); exports mark their files out of date.
    """

    outcome_id: int
