"""The commitments tables: promises made in published statements, and every outcome recorded."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.claims.models import CommitmentStatus, OutcomeKind

from .columns import Column, ColumnType, Table

COMMITMENTS = Table(
    name="commitments",
    title=_("Commitments"),
    description=_(
        "Published statements that an editor marked as a promise, one row each: what was "
        "promised, when it falls due (a date or a condition), the evidence rule that decides "
        "it, and its status now. commitment_outcomes has its whole history."
    ),
    key_columns=("id",),
    columns=(
        Column("id", ColumnType.INTEGER, _("The commitment's number on Aperture.")),
        Column("url", ColumnType.URL, _("The commitment on its lab's page.")),
        Column("lab", ColumnType.TEXT, _("The lab that made the promise (labs.slug).")),
        Column(
            "statement_id",
            ColumnType.INTEGER,
            _("The statement that made the promise (statements.id)."),
        ),
        Column("statement_url", ColumnType.URL, _("That statement's page on Aperture.")),
        Column("promise", ColumnType.TEXT, _("What was promised, in one line, in English.")),
        Column("promise_ja", ColumnType.TEXT, _("The same in Japanese, where written.")),
        Column("promised_by", ColumnType.TEXT, _("Who promised it.")),
        Column(
            "due_on",
            ColumnType.DATE,
            _("The date by which it must be met; empty when a condition decides instead."),
        ),
        Column(
            "condition",
            ColumnType.TEXT,
            _("What a later act must do to meet it, when it has no date (English)."),
        ),
        Column("condition_ja", ColumnType.TEXT, _("The condition in Japanese, where written.")),
        Column(
            "evidence_rule",
            ColumnType.TEXT,
            _("The evidence that decides it, written down when it was marked (English)."),
        ),
        Column(
            "evidence_rule_ja",
            ColumnType.TEXT,
            _("The evidence rule in Japanese, where written."),
        ),
        Column(
            "models",
            ColumnType.LIST,
            _("The models it names (models.slug): acts concerning them are proposed to reviewers."),
            items=ColumnType.TEXT,
        ),
        Column(
            "status",
            ColumnType.TEXT,
            _(
                "Where it stands: pending, overdue (its date passed with no outcome), or the "
                "latest verdict."
            ),
            choices=CommitmentStatus,
        ),
        Column("status_since", ColumnType.DATETIME, _("When it took that status.")),
        Column("marked_at", ColumnType.DATETIME, _("When an editor marked it as a commitment.")),
    ),
)

COMMITMENT_OUTCOMES = Table(
    name="commitment_outcomes",
    title=_("Commitment outcomes"),
    description=_(
        "Every outcome recorded for a commitment, oldest first: reviewers' verdicts with the "
        "statement or act that decides them, overdue worked out from the due date, and "
        "reopenings. Rows are only ever added, so an earlier verdict stays after a reopening."
    ),
    key_columns=("id",),
    columns=(
        Column("id", ColumnType.INTEGER, _("The outcome's number on Aperture.")),
        Column("commitment_id", ColumnType.INTEGER, _("The commitment (commitments.id).")),
        Column("lab", ColumnType.TEXT, _("The lab that made the promise (labs.slug).")),
        Column("outcome", ColumnType.TEXT, _("What was recorded."), choices=OutcomeKind),
        Column("recorded_at", ColumnType.DATETIME, _("When it was recorded.")),
        Column(
            "deciding_statement_id",
            ColumnType.INTEGER,
            _("The published statement that decides it (statements.id), if a statement does."),
        ),
        Column("deciding_statement_url", ColumnType.URL, _("That statement's page on Aperture.")),
        Column(
            "deciding_act",
            ColumnType.TEXT,
            _("The model of the release an outside dataset records, if such an act decides it."),
        ),
        Column(
            "deciding_act_access_level",
            ColumnType.TEXT,
            _("That release's access level, as the dataset words it."),
        ),
        Column("deciding_act_recorded_by", ColumnType.TEXT, _("The dataset that records it.")),
        Column("deciding_act_url", ColumnType.URL, _("The dataset's record of it.")),
        Column("rationale", ColumnType.TEXT, _("Why, in English.")),
        Column("rationale_ja", ColumnType.TEXT, _("Why, in Japanese, where written.")),
    ),
)
