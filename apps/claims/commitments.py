"""Commitments: marking a statement as a promise, recording what became of it, and proposing
the acts that may decide it.

Keyword-only ``noun_verb`` services, with the permissions checked here as in the admin:

- an editor marks a statement as a commitment (``claims.add_commitment``);
- a reviewer records a verdict (``claims.record_outcome``): kept, partly kept, broken or
  withdrawn, each with the published statement or the recorded act that decides it and a
  rationale; a verdict without evidence is refused here and by a CHECK constraint;
- a reviewer may reopen a resolved commitment: a "reopened" row is added, the earlier verdict
  stays in the history (outcomes are only ever added);
- ``commitments_overdue_mark`` (beat's daily ``claims.commitments_overdue``) adds an "overdue"
  row to each pending commitment whose due date has passed, so that the move is recorded and
  announced once.

Every new outcome is announced as ``CommitmentOutcomeRecorded`` in its transaction.

**Proposals.** ``outcome_suggestions_propose`` runs when an act is published as a statement
(kind "action": an editor's act, an accepted ingestion suggestion or watched-page change) and
when a dataset records or changes a release (``acts.acts_record``). An act proposes to resolve a
commitment when all of these hold:

1. the act is about the commitment's lab, and happened on or after the promise was made;
2. the commitment is unresolved (pending or overdue) and its statement is published;
3. the act concerns a model the commitment names, or its text names one of those models, or its
   text contains one of the commitment's matching words; a commitment that names neither
   models nor words takes every release by its lab as a candidate.

The proposed outcome is a guess from the act's stance (open or leaning open: kept; mixed:
partly kept; leaning closed or closed: broken), for a promise to stay open. A proposal is a row
in the reviewers' queue, never a verdict; at most one per commitment and act.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from apps.catalog.models import AIModel
from apps.lib.events import event_announce

from .events import CommitmentOutcomeRecorded, StatementPublished
from .models import (
    RATIONALE_MAX,
    UNRESOLVED,
    VERDICTS,
    Commitment,
    CommitmentOutcome,
    CommitmentStatus,
    EditorialState,
    OutcomeKind,
    OutcomeSuggestion,
    RecordedAct,
    Stance,
    Statement,
    StatementKind,
    SuggestionState,
)
from .services import Actor, _require

#: The status a commitment takes after each kind of outcome.
STATUS_AFTER = {
    OutcomeKind.KEPT: CommitmentStatus.KEPT,
    OutcomeKind.PARTLY_KEPT: CommitmentStatus.PARTLY_KEPT,
    OutcomeKind.BROKEN: CommitmentStatus.BROKEN,
    OutcomeKind.WITHDRAWN: CommitmentStatus.WITHDRAWN,
    OutcomeKind.OVERDUE: CommitmentStatus.OVERDUE,
    OutcomeKind.REOPENED: CommitmentStatus.PENDING,
}
#: The outcome an act suggests from the stance it implies (for a promise to stay open).
SUGGESTED_BY_STANCE = {
    Stance.OPEN: OutcomeKind.KEPT,
    Stance.LEANING_OPEN: OutcomeKind.KEPT,
    Stance.MIXED: OutcomeKind.PARTLY_KEPT,
    Stance.LEANING_CLOSED: OutcomeKind.BROKEN,
    Stance.CLOSED: OutcomeKind.BROKEN,
}
NO_EVIDENCE = (
    "An outcome needs the published statement or the recorded act that decides it before it "
    "can be published."
)


def _user(user: Actor | None) -> User | None:
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
        _require(user, "claims.add_commitment", "mark commitments")
        commitment.status = CommitmentStatus.PENDING
        commitment.status_changed_at = timezone.now()
        commitment.created_by = _user(user)
        commitment.full_clean()
        commitment.save()
        return commitment
    _require(user, "claims.change_commitment", "edit commitments")
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
        recorded_by=_user(user),
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
    _require(user, "claims.record_outcome", "record a commitment's outcome")
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
    _require(user, "claims.record_outcome", "reopen a commitment")
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


# Proposals from acts (the rule is in the module's docstring).


def _match_reason(commitment: Commitment, *, model_ids: set[int], text: str) -> str | None:
    named = {model.pk: model for model in commitment.ai_models.all()}
    concerned = sorted(named[pk].name for pk in model_ids & named.keys())
    if concerned:
        return f"it concerns {', '.join(concerned)}, which the commitment names"
    folded = text.casefold()
    mentioned = sorted(m.name for m in named.values() if m.name.casefold() in folded)
    if mentioned:
        return f"it names {', '.join(mentioned)}, which the commitment names"
    words = [word for word in commitment.keyword_list if word.casefold() in folded]
    if words:
        return f"it mentions {', '.join(words)}"
    if not named and not commitment.keyword_list:
        return "it is a release by the lab after the promise (the commitment names no model)"
    return None


def _candidates(company_id: int, occurred_on: datetime.date) -> list[Commitment]:
    return list(
        Commitment.objects.public()
        .unresolved()
        .filter(statement__company_id=company_id, statement__occurred_on__lte=occurred_on)
        .select_related("statement")
        .prefetch_related("ai_models")
    )


def _suggest(
    commitment: Commitment,
    *,
    reason: str,
    what: str,
    occurred_on: datetime.date,
    stance: str,
    act_statement: Statement | None = None,
    recorded_act: RecordedAct | None = None,
) -> OutcomeSuggestion | None:
    outcome = SUGGESTED_BY_STANCE[Stance(stance)]
    rationale = (
        f"{what} ({occurred_on.isoformat()}) may decide this commitment: {reason}. Proposed as "
        f"{OutcomeKind(outcome).label} from the act's stance; check it against the evidence "
        f"rule: {commitment.evidence_rule}"
    )
    suggestion, created = OutcomeSuggestion.objects.get_or_create(
        commitment=commitment,
        act_statement=act_statement,
        recorded_act=recorded_act,
        defaults={"outcome": outcome, "rationale": Truncator(rationale).chars(RATIONALE_MAX)},
    )
    return suggestion if created else None


def outcome_suggestions_propose(
    *, statement: Statement | None = None, acts: Sequence[RecordedAct] = ()
) -> list[OutcomeSuggestion]:
    """The suggestions a published act statement or newly recorded acts make; return new ones."""
    made: list[OutcomeSuggestion | None] = []
    if (
        statement is not None
        and statement.kind == StatementKind.ACTION
        and statement.state == EditorialState.PUBLISHED
    ):
        models = list(statement.ai_models.all())
        text = " ".join(
            [statement.summary, statement.summary_ja, statement.quote, *(m.name for m in models)]
        )
        for commitment in _candidates(statement.company_id, statement.occurred_on):
            if commitment.statement_id == statement.pk:
                continue
            reason = _match_reason(commitment, model_ids={m.pk for m in models}, text=text)
            if reason is not None:
                made.append(
                    _suggest(
                        commitment,
                        reason=reason,
                        what=f"The act “{Truncator(statement.summary).chars(120)}”",
                        occurred_on=statement.occurred_on,
                        stance=statement.stance,
                        act_statement=statement,
                    )
                )
    for act in acts:
        text = " ".join([act.subject, act.ai_model.name if act.ai_model else ""])
        model_ids = {act.ai_model_id} if act.ai_model_id else set()
        for commitment in _candidates(act.company_id, act.occurred_on):
            reason = _match_reason(commitment, model_ids=model_ids, text=text)
            if reason is not None:
                made.append(
                    _suggest(
                        commitment,
                        reason=reason,
                        what=f"{act.origin} records {act.subject}: {act.access_level}",
                        occurred_on=act.occurred_on,
                        stance=act.stance,
                        recorded_act=act,
                    )
                )
    return [suggestion for suggestion in made if suggestion is not None]


def outcome_suggestion_accept(
    *, suggestion: OutcomeSuggestion, user: Actor | None
) -> CommitmentOutcome:
    """Record the suggestion's outcome (as the reviewer may have edited it) as the reviewer's
    verdict, with the act as its evidence."""
    with transaction.atomic():
        locked = OutcomeSuggestion.objects.select_for_update().get(pk=suggestion.pk)
        if locked.state != SuggestionState.PENDING:
            raise ValidationError("This suggestion was decided already.")
        row = commitment_outcome_record(
            commitment=locked.commitment,
            user=user,
            outcome=locked.outcome,
            rationale=locked.rationale,
            deciding_statement=locked.act_statement,
            deciding_act=locked.recorded_act,
        )
        _decide(locked, user, SuggestionState.ACCEPTED)
    suggestion.refresh_from_db()
    return row


def outcome_suggestion_dismiss(*, suggestion: OutcomeSuggestion, user: Actor | None) -> None:
    """The act does not decide the commitment: the suggestion leaves the queue."""
    _require(user, "claims.record_outcome", "dismiss outcome suggestions")
    with transaction.atomic():
        locked = OutcomeSuggestion.objects.select_for_update().get(pk=suggestion.pk)
        if locked.state != SuggestionState.PENDING:
            raise ValidationError("This suggestion was decided already.")
        _decide(locked, user, SuggestionState.DISMISSED)
    suggestion.refresh_from_db()


def _decide(suggestion: OutcomeSuggestion, user: Actor | None, state: str) -> None:
    if user is not None and not user.has_perm("claims.record_outcome"):
        raise PermissionDenied("You do not have permission to decide outcome suggestions.")
    suggestion.state = state
    suggestion.decided_by = _user(user)
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["state", "decided_by", "decided_at"])


def on_statement_published(event: StatementPublished) -> None:
    """ClaimsConfig.ready subscribes this: a published act may decide a pending commitment."""
    statement = Statement.objects.filter(pk=event.statement_id).first()
    if statement is not None:
        outcome_suggestions_propose(statement=statement)
