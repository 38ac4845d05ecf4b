"""Commitments: statements that promise something, and what became of each promise.

A commitment is a statement an editor marked as a promise (what, by whom, by when or on what
condition, and the evidence that will decide it). Its outcomes are rows that are only ever
added (apps/claims/commitments.py): a reviewer's verdict, "overdue" worked out from the due
date, or a reopening, so the whole history stays. An outcome suggestion is an act by the same
lab that may decide a commitment, proposed to reviewers, never a verdict by itself.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.catalog.models import JAPANESE_HELP, AIModel
from apps.lib.constraints import ChecksInOneQuery
from apps.lib.text import length_constraint

from .stance import RecordedAct
from .statements import RATIONALE_MAX, SUMMARY_MAX, Statement

PROMISE_MAX = 300
CONDITION_MAX = 300
KEYWORDS_MAX = 300


class CommitmentStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    OVERDUE = "overdue", _("overdue")
    KEPT = "kept", _("kept")
    PARTLY_KEPT = "partly_kept", _("partly kept")
    BROKEN = "broken", _("broken")
    WITHDRAWN = "withdrawn", _("withdrawn")


class OutcomeKind(models.TextChoices):
    """What one outcome row records: a reviewer's verdict, or a transition."""

    KEPT = "kept", _("kept")
    PARTLY_KEPT = "partly_kept", _("partly kept")
    BROKEN = "broken", _("broken")
    WITHDRAWN = "withdrawn", _("withdrawn")
    OVERDUE = "overdue", _("overdue")
    REOPENED = "reopened", _("reopened")


#: A reviewer's verdicts: each resolves the commitment and needs the statement or act deciding it.
VERDICTS = (OutcomeKind.KEPT, OutcomeKind.PARTLY_KEPT, OutcomeKind.BROKEN, OutcomeKind.WITHDRAWN)
#: Statuses that are still open: a suggestion may be proposed, a verdict recorded.
UNRESOLVED = (CommitmentStatus.PENDING, CommitmentStatus.OVERDUE)


class CommitmentQuerySet(models.QuerySet["Commitment"]):
    def public(self) -> CommitmentQuerySet:
        """Commitments readers may see: their statement is published."""
        return self.filter(statement__state="published")

    def unresolved(self) -> CommitmentQuerySet:
        return self.filter(status__in=UNRESOLVED)


class Commitment(ChecksInOneQuery):
    statement = models.OneToOneField(
        Statement,
        verbose_name=_("statement"),
        on_delete=models.CASCADE,
        related_name="commitment",
    )
    promise = models.CharField(
        _("what was promised"),
        max_length=PROMISE_MAX,
        help_text=_('One line: "release the weights of its next frontier model".'),
    )
    promise_ja = models.CharField(
        _("what was promised, in Japanese"),
        max_length=PROMISE_MAX,
        blank=True,
        help_text=JAPANESE_HELP,
    )
    promised_by = models.CharField(
        _("promised by"),
        max_length=200,
        blank=True,
        help_text=_("Who promised it. Empty: the statement's speaker."),
    )
    due_on = models.DateField(
        _("due on"),
        null=True,
        blank=True,
        help_text=_("The date by which it must be met; or give a condition instead."),
    )
    condition = models.CharField(
        _("condition"),
        max_length=CONDITION_MAX,
        blank=True,
        help_text=_('What a later act must do to meet it: "with the next major release".'),
    )
    condition_ja = models.CharField(
        _("condition in Japanese"), max_length=CONDITION_MAX, blank=True, help_text=JAPANESE_HELP
    )
    evidence_rule = models.TextField(
        _("evidence that will decide it"),
        max_length=SUMMARY_MAX,
        validators=[MaxLengthValidator(SUMMARY_MAX)],
        help_text=_("What would make it kept, partly kept or broken. In English."),
    )
    evidence_rule_ja = models.TextField(
        _("evidence that will decide it, in Japanese"),
        max_length=SUMMARY_MAX,
        blank=True,
        validators=[MaxLengthValidator(SUMMARY_MAX)],
        help_text=JAPANESE_HELP,
    )
    ai_models = models.ManyToManyField(
        AIModel,
        verbose_name=_("models it names"),
        blank=True,
        related_name="commitments",
        help_text=_("A later act concerning one of these is proposed to resolve it."),
    )
    keywords = models.CharField(
        _("matching words"),
        max_length=KEYWORDS_MAX,
        blank=True,
        help_text=_(
            "Comma-separated words a later act's text must contain to be proposed. With no "
            "models and no words, every release by the lab is proposed."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.PENDING,
        editable=False,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[ai_models])

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        permissions = [("record_outcome", "Can record a commitment's outcome")]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__isnull=False) | ~Q(condition=""),
                name="commitment_has_due_date_or_condition",
            ),
            models.CheckConstraint(
                condition=~Q(promise="") & ~Q(evidence_rule=""),
                name="commitment_has_promise_and_evidence_rule",
            ),
            length_constraint(
                field="evidence_rule", limit=SUMMARY_MAX, name="commitment_evidence_rule_length"
            ),
            length_constraint(
                field="evidence_rule_ja",
                limit=SUMMARY_MAX,
                name="commitment_evidence_rule_ja_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement.company}: {self.promise}"

    def clean(self) -> None:
        super().clean()
        if self.due_on is None and not self.condition.strip():
            raise ValidationError(
                _("Give a due date, or a condition that a later act can meet."), code="no_term"
            )
        statement = Statement.objects.filter(pk=self.statement_id).first()
        if (
            self.due_on is not None
            and statement is not None
            and self.due_on < statement.occurred_on
        ):
            raise ValidationError(
                {
                    "due_on": _(
                        "The due date (%(due)s) is before the statement was made "
                        "(%(said)s): a promise cannot fall due before it is made."
                    )
                    % {"due": self.due_on.isoformat(), "said": statement.occurred_on_display}
                },
                code="due_before_statement",
            )

    @property
    def promiser(self) -> str:
        """Who promised it: as the editor wrote it, else the statement's speaker."""
        if self.promised_by:
            return self.promised_by
        statement = self.statement
        return statement.speaker.name if statement.speaker else statement.speaker_label

    @property
    def is_resolved(self) -> bool:
        return self.status not in UNRESOLVED

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.keywords.split(",") if word.strip()]


class CommitmentOutcome(ChecksInOneQuery):
    """One entry of a commitment's history. Rows are added, never edited or deleted."""

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("commitment"), on_delete=models.CASCADE, related_name="outcomes"
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=OutcomeKind.choices)
    deciding_statement = models.ForeignKey(
        Statement,
        verbose_name=_("deciding statement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decided_outcomes",
    )
    deciding_act = models.ForeignKey(
        RecordedAct,
        verbose_name=_("deciding recorded act"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decided_outcomes",
    )
    rationale = models.TextField(
        _("rationale"), max_length=RATIONALE_MAX, validators=[MaxLengthValidator(RATIONALE_MAX)]
    )
    rationale_ja = models.TextField(
        _("rationale in Japanese"),
        blank=True,
        max_length=RATIONALE_MAX,
        validators=[MaxLengthValidator(RATIONALE_MAX)],
        help_text=JAPANESE_HELP,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("commitment outcome")
        verbose_name_plural = _("commitment outcomes")
        constraints = [
            # A verdict is published only with what decides it; overdue and reopened are
            # transitions, decided by the calendar or by the reviewer who reopens.
            models.CheckConstraint(
                condition=Q(outcome__in=["overdue", "reopened"])
                | Q(deciding_statement__isnull=False)
                | Q(deciding_act__isnull=False),
                name="commitmentoutcome_verdict_has_evidence",
            ),
            models.CheckConstraint(
                condition=~Q(rationale=""), name="commitmentoutcome_has_rationale"
            ),
            length_constraint(
                field="rationale", limit=RATIONALE_MAX, name="commitmentoutcome_rationale_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id}: {self.get_outcome_display()} ({self.recorded_at:%Y-%m-%d})"

    @property
    def is_verdict(self) -> bool:
        return self.outcome in VERDICTS


class SuggestionState(models.TextChoices):
    PENDING = "pending", _("waiting for a reviewer")
    ACCEPTED = "accepted", _("accepted")
    DISMISSED = "dismissed", _("dismissed")


class OutcomeSuggestion(ChecksInOneQuery):
    """A later act by the same lab that may decide a pending commitment, for a reviewer.

    Made by commitment_suggestions.outcome_suggestions_propose when an act statement is
    published or a dataset records a release (the rule is documented there). Accepting it
    records the verdict as the reviewer's own; nothing is decided until a reviewer does.
    """

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        related_name="suggestions",
    )
    act_statement = models.ForeignKey(
        Statement,
        verbose_name=_("act"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outcome_suggestions",
    )
    recorded_act = models.ForeignKey(
        RecordedAct,
        verbose_name=_("recorded act"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outcome_suggestions",
    )
    outcome = models.CharField(
        _("proposed outcome"),
        max_length=12,
        choices=[(kind.value, kind.label) for kind in VERDICTS],
        help_text=_("A guess from the act's access level; the reviewer decides."),
    )
    rationale = models.TextField(
        _("rationale"),
        max_length=RATIONALE_MAX,
        validators=[MaxLengthValidator(RATIONALE_MAX)],
        help_text=_("Why the act matched; recorded as the outcome's rationale if accepted."),
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=SuggestionState.choices,
        default=SuggestionState.PENDING,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outcome suggestion")
        verbose_name_plural = _("outcome suggestions")
        constraints = [
            models.CheckConstraint(
                condition=Q(act_statement__isnull=False, recorded_act__isnull=True)
                | Q(act_statement__isnull=True, recorded_act__isnull=False),
                name="outcomesuggestion_one_act",
            ),
            models.UniqueConstraint(
                fields=["commitment", "act_statement"],
                condition=Q(act_statement__isnull=False),
                name="outcomesuggestion_once_per_statement",
            ),
            models.UniqueConstraint(
                fields=["commitment", "recorded_act"],
                condition=Q(recorded_act__isnull=False),
                name="outcomesuggestion_once_per_recorded_act",
            ),
        ]

    def __str__(self) -> str:
        act = self.act_statement or self.recorded_act
        return f"{self.commitment.promise[:60]} ← {act}"
