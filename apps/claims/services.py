"""Writes to the record that span tables or carry editorial rules.

Each function is keyword-only and named <noun>_<verb>. Permissions are checked here as well as in
the admin, so that no other door (a management command, a later API) can skip them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from apps.catalog.models import AIModel, Company, Person, Source
from apps.lib.events import event_announce
from apps.lib.permissions import Actor, permission_require

from .events import SourcesCited, StatementPublished
from .models import (
    Citation,
    EditorialState,
    LinkKind,
    StanceAssessment,
    Statement,
    StatementLink,
)
from .recompute import stance_history_recompute
from .recompute import stance_inputs as stance_inputs

HISTORY_REASON_MAX = 100  # django-simple-history's history_change_reason column


def statement_create(
    *,
    user: Actor | None,
    company: Company,
    kind: str,
    stance: str,
    occurred_on: datetime.date,
    summary: str,
    summary_ja: str = "",
    citations: Sequence[tuple[Source, str]] = (),
    ai_models: Iterable[AIModel] = (),
    speaker: Person | None = None,
    speaker_label: str = "",
    verification: str = "reported",
    date_precision: str = "day",
    quote: str = "",
    quote_language: str = "",
    translation: str = "",
    translation_language: str = "",
    import_key: str | None = None,
) -> Statement:
    """A new draft statement with its citations."""
    permission_require(user, "claims.add_statement", "add statements")
    with transaction.atomic():
        statement = Statement(
            company=company,
            kind=kind,
            stance=stance,
            occurred_on=occurred_on,
            summary=summary,
            summary_ja=summary_ja,
            speaker=speaker,
            speaker_label=speaker_label,
            verification=verification,
            date_precision=date_precision,
            quote=quote,
            quote_language=quote_language,
            translation=translation,
            translation_language=translation_language,
            import_key=import_key,
            created_by=user if isinstance(user, User) else None,
        )
        statement.full_clean()
        statement.save()
        statement.ai_models.set(list(ai_models))
        for source, excerpt in citations:
            Citation.objects.create(statement=statement, source=source, excerpt=excerpt)
        statement_citations_announce(statement=statement)
    return statement


def statement_citations_announce(*, statement: Statement) -> None:
    """Announce the sources the statement cites (the admin calls it after saving citations)."""
    source_ids = tuple(
        sorted(
            set(Citation.objects.filter(statement=statement).values_list("source_id", flat=True))
        )
    )
    if source_ids:
        event_announce(SourcesCited(source_ids=source_ids))


# The editorial state moves only through submit, publish and retract below.
EDITORIAL_FIELDS = ("state", "published_at", "retracted_at", "retraction_reason")


def statement_save(*, statement: Statement, user: Actor | None) -> Statement:
    """Save a statement edited field by field (the admin's form) under the editorial rules.

    A new statement is a draft. Of an existing one, the stored editorial fields stand whatever
    the given copy says, so that no stale or old copy can move it between states; only a
    reviewer may edit a published statement, and a retracted one is part of the record and is
    not edited at all. The caller saves citations and links next, then calls
    statement_published_changed for a published statement, in the same transaction.
    """
    if statement._state.adding:
        permission_require(user, "claims.add_statement", "add statements")
        statement.state = EditorialState.DRAFT
        statement.published_at = statement.retracted_at = None
        statement.retraction_reason = ""
        if isinstance(user, User):
            statement.created_by = user
        statement.full_clean()
        statement.save()
        return statement
    permission_require(user, "claims.change_statement", "edit statements")
    with transaction.atomic():
        stored = Statement.objects.select_for_update().get(pk=statement.pk)
        if stored.state == EditorialState.RETRACTED:
            raise ValidationError("A retracted statement is part of the record; it is not edited.")
        if stored.state == EditorialState.PUBLISHED:
            permission_require(user, "claims.publish_statement", "edit published statements")
        for field in EDITORIAL_FIELDS:
            setattr(statement, field, getattr(stored, field))
        statement.full_clean()
        statement.save()
    return statement


def statement_delete(*, statement: Statement, user: Actor | None) -> None:
    """Delete a draft. A statement that went further is part of the record: retract it."""
    permission_require(user, "claims.delete_statement", "delete statements")
    with transaction.atomic():
        stored = Statement.objects.select_for_update().get(pk=statement.pk)
        if stored.state != EditorialState.DRAFT:
            raise ValidationError(
                "Only a draft can be deleted; a published statement is retracted instead."
            )
        stored.delete()


def statement_link_create(*, from_statement: Statement, to_statement: Statement, kind: str) -> None:
    """Link two statements; a link that touches a published statement recomputes the stance."""
    with transaction.atomic():
        StatementLink.objects.get_or_create(
            from_statement=from_statement, to_statement=to_statement, kind=kind
        )
        if kind in (LinkKind.DENIES, LinkKind.SUPERSEDES) and (
            from_statement.state == EditorialState.PUBLISHED
        ):
            # It takes effect on the later of the two dates (once both are counted).
            dates = Statement.objects.filter(pk__in=[from_statement.pk, to_statement.pk])
            since = max(dates.values_list("occurred_on", flat=True))
            stance_history_recompute(company=to_statement.company, since=since)


def statement_submit(*, statement: Statement, user: Actor | None) -> Statement:
    permission_require(user, "claims.submit_statement", "submit statements for review")
    with transaction.atomic():
        locked = Statement.objects.select_for_update().get(pk=statement.pk)
        if locked.state != EditorialState.DRAFT:
            raise ValidationError("Only a draft can be submitted for review.")
        locked.state = EditorialState.IN_REVIEW
        _history_reason(locked, user, "Submitted for review")
        locked.save(update_fields=["state", "updated_at"])
    statement.refresh_from_db()
    return statement


def statement_publish(*, statement: Statement, user: Actor | None) -> Statement:
    """Publish a draft or reviewed statement and recompute its lab's stance history.

    A published statement must cite at least one source: the rule spans two tables, so it
    lives here rather than in a constraint.
    """
    permission_require(user, "claims.publish_statement", "publish statements")
    with transaction.atomic():
        locked = Statement.objects.select_for_update().get(pk=statement.pk)
        if locked.state not in (EditorialState.DRAFT, EditorialState.IN_REVIEW):
            raise ValidationError(
                f"Only a draft or a statement in review can be published (this one is "
                f"{locked.get_state_display()})."
            )
        if not locked.citations.exists():
            raise ValidationError("A statement needs at least one cited source to be published.")
        locked.state = EditorialState.PUBLISHED
        locked.published_at = timezone.now()
        _history_reason(locked, user, "Published")
        locked.save(update_fields=["state", "published_at", "updated_at"])
        event_announce(StatementPublished(statement_id=locked.pk))
        stance_history_recompute(
            company=locked.company, since=locked.occurred_on, published_statement_id=locked.pk
        )
    statement.refresh_from_db()
    return statement


def statement_retract(*, statement: Statement, user: Actor | None, reason: str) -> Statement:
    permission_require(user, "claims.retract_statement", "retract statements")
    if not reason.strip():
        raise ValidationError("Say why the statement is retracted.")
    with transaction.atomic():
        locked = Statement.objects.select_for_update().get(pk=statement.pk)
        if locked.state != EditorialState.PUBLISHED:
            raise ValidationError("Only a published statement can be retracted.")
        locked.state = EditorialState.RETRACTED
        locked.retracted_at = timezone.now()
        locked.retraction_reason = reason
        _history_reason(locked, user, f"Retracted: {reason}")
        locked.save(update_fields=["state", "retracted_at", "retraction_reason", "updated_at"])
        stance_history_recompute(company=locked.company, since=locked.occurred_on)
    statement.refresh_from_db()
    return statement


def statement_published_changed(
    *,
    statement: Statement,
    user: Actor | None,
    previous_company: Company | None = None,
    previous_occurred_on: datetime.date | None = None,
) -> None:
    """After an edit to a published statement: only reviewers may, it must still cite a
    source, and the stance history follows, for the lab it left too if it moved.

    ``previous_occurred_on``: its date before the edit; the history is recomputed from the
    earlier of the two dates on (unknown: rebuilt whole)."""
    permission_require(user, "claims.publish_statement", "edit published statements")
    if not statement.citations.exists():
        raise ValidationError("A published statement needs at least one cited source.")
    since = (
        None if previous_occurred_on is None else min(previous_occurred_on, statement.occurred_on)
    )
    with transaction.atomic():
        stance_history_recompute(company=statement.company, since=since)
        if previous_company is not None and previous_company.pk != statement.company_id:
            stance_history_recompute(company=previous_company, since=previous_occurred_on)


def assessment_pin(
    *,
    user: Actor | None,
    company: Company,
    effective_from: datetime.date,
    stance: str,
    rationale: str,
    effective_until: datetime.date | None = None,
) -> StanceAssessment:
    assessment = StanceAssessment(
        company=company,
        effective_from=effective_from,
        effective_until=effective_until,
        stance=stance,
        rationale=rationale,
    )
    return assessment_save(assessment=assessment, user=user)


def assessment_save(*, assessment: StanceAssessment, user: Actor | None) -> StanceAssessment:
    """Save a new or edited pin and let the lab's stance history follow it, and the history
    of the lab it was on before, if it moved."""
    permission_require(user, "claims.publish_statement", "pin a lab's stance")
    if not assessment.rationale.strip():
        raise ValidationError("A pinned stance needs a rationale.")
    if assessment.pk is None and isinstance(user, User):
        assessment.created_by = user
    with transaction.atomic():
        previous = (
            StanceAssessment.objects.select_for_update()
            .filter(pk=assessment.pk)
            .values("company", "effective_from")
            .first()
        )
        assessment.full_clean()
        assessment.save()
        # A pin moves the stance from its start on: the earlier of its old and new starts.
        since = assessment.effective_from
        if previous is not None:
            since = min(since, previous["effective_from"])
        stance_history_recompute(company=assessment.company, since=since)
        if previous is not None and previous["company"] != assessment.company_id:
            stance_history_recompute(
                company=Company.objects.get(pk=previous["company"]),
                since=previous["effective_from"],
            )
    return assessment


def assessment_delete(*, assessment: StanceAssessment, user: Actor | None) -> None:
    """Remove a pin; the lab's stance history goes back to what the formula says."""
    permission_require(user, "claims.publish_statement", "remove a pinned stance")
    company = assessment.company
    with transaction.atomic():
        stored = StanceAssessment.objects.filter(pk=assessment.pk)
        since = stored.values_list("effective_from", flat=True).first()  # None: rebuild
        assessment.delete()
        stance_history_recompute(company=company, since=since)


def _history_reason(statement: Statement, user: Actor | None, reason: str) -> None:
    # django-simple-history reads these when it writes the historical row on save(). Its reason
    # column holds 100 characters; a longer retraction reason is kept whole on the statement.
    statement._change_reason = Truncator(reason).chars(HISTORY_REASON_MAX)  # type: ignore[attr-defined]
    if user is not None and user.is_authenticated:
        statement._history_user = user  # type: ignore[attr-defined]
