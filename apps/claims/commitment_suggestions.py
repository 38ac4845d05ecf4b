"""Outcome suggestions: acts that may decide a pending commitment, proposed to reviewers.

``outcome_suggestions_propose`` runs when an act is published as a statement
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
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from apps.lib.permissions import Actor, permission_require

from .commitments import actor_user, commitment_outcome_record
from .events import StatementPublished
from .models import (
    RATIONALE_MAX,
    Commitment,
    CommitmentOutcome,
    EditorialState,
    OutcomeKind,
    OutcomeSuggestion,
    RecordedAct,
    Stance,
    Statement,
    StatementKind,
    SuggestionState,
)

#: The outcome an act suggests from the stance it implies (for a promise to stay open).
SUGGESTED_BY_STANCE = {
    Stance.OPEN: OutcomeKind.KEPT,
    Stance.LEANING_OPEN: OutcomeKind.KEPT,
    Stance.MIXED: OutcomeKind.PARTLY_KEPT,
    Stance.LEANING_CLOSED: OutcomeKind.BROKEN,
    Stance.CLOSED: OutcomeKind.BROKEN,
}


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
    permission_require(user, "claims.record_outcome", "dismiss outcome suggestions")
    with transaction.atomic():
        locked = OutcomeSuggestion.objects.select_for_update().get(pk=suggestion.pk)
        if locked.state != SuggestionState.PENDING:
            raise ValidationError("This suggestion was decided already.")
        _decide(locked, user, SuggestionState.DISMISSED)
    suggestion.refresh_from_db()


def _decide(suggestion: OutcomeSuggestion, user: Actor | None, state: str) -> None:
    permission_require(user, "claims.record_outcome", "decide outcome suggestions")
    suggestion.state = state
    suggestion.decided_by = actor_user(user)
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["state", "decided_by", "decided_at"])


def on_statement_published(event: StatementPublished) -> None:
    """ClaimsConfig.ready subscribes this: a published act may decide a pending commitment."""
    statement = Statement.objects.filter(pk=event.statement_id).first()
    if statement is not None:
        outcome_suggestions_propose(statement=statement)
