"""Commitments: marking a statement as a promise, and recording what became of it.

Keyword-only ``noun_verb`` services, with the permissions checked here as in the admin:

- an editor marks a statement as a commitment (``claims.add_commitment``);
- a reviewer records a verdict (``claims.record_outcome``): kept, partly kept, broken or
  withdrawn, each with the published statement or the recorded act that decides it and a
  rationale; a verdict without evidence is refused here and by a CHECK constraint;
- a reviewer may reopen a resolved commitment: a "reopened" row is added, the earlier verdict
  stays in the history (outcomes are only ever added);
- ``commitments_overdue_mark`` (beat's hourly ``claims.commitments_overdue``) adds an "overdue"
  row to each pending commitment whose due date has passed, so that the move is recorded and
  announced once.

Every new outcome is announced as ``CommitmentOutcomeRecorded`` in its transaction.

Acts that may decide a pending commitment are proposed to reviewers by
``commitment_suggestions.py``, which records an accepted one through
:func:`commitment_outcome_record`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from apps.catalog.models import AIModel
from apps.lib.events import event_announce
from apps.lib.permissions import Actor, permission_require

from .events import CommitmentOutcomeRecorded
from .models import (
    RATIONALE_MAX,
    UNRESOLVED,
    VERDICTS,
    Commitment,
    CommitmentOutcome,
    CommitmentStatus,
    EditorialState,
    OutcomeKind,
    RecordedAct,
    Statement,
)

#: The status a commitment takes after each kind of outcome.
STATUS_AFTER = {
    OutcomeKind.KEPT: CommitmentStatus.KEPT,
    OutcomeKind.PARTLY_KEPT: CommitmentStatus.PARTLY_KEPT,
    OutcomeKind.BROKEN: CommitmentStatus.BROKEN,
    OutcomeKind.WITHDRAWN: CommitmentStatus.WITHDRAWN,
    OutcomeKind.OVERDUE: CommitmentStatus.OVERDUE,
    OutcomeKind.REOPENED: CommitmentStatus.PENDING,
}
NO_EVIDENCE = (
    "An outcome needs the published statement or the recorded act that decides it before it "
    "can be published."
)


def actor_user(user: Actor | None) -> User | None:
    return user if isinstance(user, User) else None


def commitment_mark(
    *,
    user: Actor | None,
    statement: Statement,
    promise: str,
    evidence_rule: str,
    promised_by: str = "",
    due_on: datetime.date | None = None,
    condition: str = "",
    promise_ja: str = "",
    condition_ja: str = "",
    evidence_rule_ja: str = "",
    keywords: str = "",
    ai_models: Iterable[AIModel] = (),
) -> Commitment:
    """Mark a statement as a commitment, pending. A due date before the statement is refused."""
    commitment = Commitment(
        statement=statement,
        promise=promise,
        promise_ja=promise_ja,
        promised_by=promised_by,
        due_on=due_on,
        condition=condition,
        condition_ja=condition_ja,
        evidence_rule=evidence_rule,
        evidence_rule_ja=evidence_rule_ja,
        keywords=keywords,
    )
    with transaction.atomic():
        commitment_save(commitment=commitment, user=user)
        commitment.ai_models.set(list(ai_models))
    return commitment


def commitment_save(*, commitment: Commitment, user: Actor | None) -> Commitment:
    """Save a new or edited commitment (the admin's form). Its status moves only through the
    outcomes below, whatever the given copy says."""
    if commitment._state.adding:
        permission_require(user, "claims.add_commitment", "mark commitments")
        commitment.status = CommitmentStatus.PENDING
        commitment.status_changed_at = timezone.now()
        commitment.created_by = actor_user(user)
        commitment.full_clean()
        commitment.save()
        return commitment
    permission_require(user, "claims.change_commitment", "edit commitments")
    with transaction.atomic():
        stored = Commitment.objects.select_for_update().get(pk=commitment.pk)
        commitment.status, commitment.status_changed_at = stored.status, stored.status_changed_at
        commitment.full_clean()
        commitment.save()
    return commitment


def _outcome_add(
    commitment: Commitment,
    *,
    outcome: str,
    rationale: str,
    rationale_ja: str = "",
    user: Actor | None = None,
    deciding_statement: Statement | None = None,
    deciding_act: RecordedAct | None = None,
) -> CommitmentOutcome:
    """Add one row to the history, move the status, announce it (in the caller's transaction,
    with the commitment's row locked)."""
    row = CommitmentOutcome(
        commitment=commitment,
        outcome=outcome,
        deciding_statement=deciding_statement,
        deciding_act=deciding_act,
        rationale=Truncator(rationale.strip()).chars(RATIONALE_MAX),
        rationale_ja=rationale_ja.strip(),
        recorded_by=actor_user(user),
    )
    row.full_clean()
    row.save()
    Commitment.objects.filter(pk=commitment.pk).update(
        status=STATUS_AFTER[OutcomeKind(outcome)],
        status_changed_at=row.recorded_at,
        updated_at=timezone.now(),
    )
    event_announce(CommitmentOutcomeRecorded(outcome_id=row.pk))
    return row


def commitment_outcome_record(
    *,
    commitment: Commitment,
    user: Actor | None,
    outcome: str,
    rationale: str,
    rationale_ja: str = "",
    deciding_statement: Statement | None = None,
    deciding_act: RecordedAct | None = None,
) -> CommitmentOutcome:
    """A reviewer's verdict on an unresolved commitment, published with its evidence."""
    permission_require(user, "claims.record_outcome", "record a commitment's outcome")
    if outcome not in VERDICTS:
        raise ValidationError(
            "A reviewer records kept, partly kept, broken or withdrawn; overdue is worked out "
            "from the due date."
        )
    if deciding_statement is None and deciding_act is None:
        raise ValidationError(NO_EVIDENCE)
    if deciding_statement is not None and deciding_statement.state != EditorialState.PUBLISHED:
        raise ValidationError(
            "The deciding statement must be published, so that readers can open it."
        )
    if not rationale.strip():
        raise ValidationError("Say why: an outcome carries a short rationale.")
    with transaction.atomic():
        locked = (
            Commitment.objects.select_for_update().select_related("statement").get(pk=commitment.pk)
        )
        if locked.statement.state != EditorialState.PUBLISHED:
            raise ValidationError("Publish the statement before judging its commitment.")
        if locked.status not in UNRESOLVED:
            raise ValidationError(
                f"This commitment is already resolved ({locked.get_status_display()}): "
                "reopen it first; the earlier outcome stays in its history."
            )
        row = _outcome_add(
            locked,
            outcome=outcome,
            rationale=rationale,
            rationale_ja=rationale_ja,
            user=user,
            deciding_statement=deciding_statement,
            deciding_act=deciding_act,
        )
    commitment.refresh_from_db()
    return row


def commitment_reopen(
    *, commitment: Commitment, user: Actor | None, rationale: str
) -> CommitmentOutcome:
    """Reopen a resolved commitment: pending again, the earlier verdict kept in its history."""
    permission_require(user, "claims.record_outcome", "reopen a commitment")
    if not rationale.strip():
        raise ValidationError("Say why the commitment is reopened.")
    with transaction.atomic():
        locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if locked.status in UNRESOLVED:
            raise ValidationError("Only a resolved commitment can be reopened.")
        row = _outcome_add(locked, outcome=OutcomeKind.REOPENED, rationale=rationale, user=user)
    commitment.refresh_from_db()
    return row


def commitments_overdue_mark(*, today: datetime.date | None = None) -> list[int]:
    """Mark every pending commitment whose due date has passed as overdue, once each; return
    the new outcome rows' ids. A commitment on an unpublished statement waits."""
    today = today or timezone.localdate()
    marked: list[int] = []
    due = Commitment.objects.public().filter(status=CommitmentStatus.PENDING, due_on__lt=today)
    for pk in due.order_by("due_on", "pk").values_list("pk", flat=True):
        with transaction.atomic():
            locked = (
                Commitment.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=CommitmentStatus.PENDING, due_on__lt=today)
                .first()
            )
            if locked is None or locked.due_on is None:
                continue  # decided or marked meanwhile
            row = _outcome_add(
                locked,
                outcome=OutcomeKind.OVERDUE,
                rationale=f"Due on {locked.due_on.isoformat()}; no outcome was recorded by then.",
                rationale_ja=f"期限は{locked.due_on.isoformat()}。それまでに結果は記録されなかった。",
            )
            marked.append(row.pk)
    return marked
