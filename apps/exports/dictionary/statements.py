"""The tables of the record itself: statements, their sources, stance histories, retractions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.catalog.models import SourceKind
from apps.claims.models import ShiftRating, Stance, StatementKind, Verification
from apps.lib.dates import DatePrecision

from .columns import Column, ColumnType, Table, updated_at_column

STATEMENTS = Table(
    name="statements",
    title=_("Statements"),
    description=_(
        "Every published statement about a lab's openness, one row each, with the URLs of the "
        "sources it cites (statement_sources has each citation in full). Drafts, statements in "
        "review and retracted statements are never included; retractions lists the statements "
        "withdrawn from the record."
    ),
    key_columns=("id",),
    columns=(
        Column(
            "id",
            ColumnType.INTEGER,
            _("The statement's number on Aperture. Never reused; its page is url."),
        ),
        Column("url", ColumnType.URL, _("The statement's page on Aperture.")),
        Column("lab", ColumnType.TEXT, _("The lab the statement is about (labs.slug).")),
        Column("lab_name", ColumnType.TEXT, _("The lab's name.")),
        Column(
            "kind",
            ColumnType.TEXT,
            _("What kind of claim it is: something the lab did, or who said it."),
            choices=StatementKind,
        ),
        Column(
            "stance",
            ColumnType.TEXT,
            _("Which way the statement points, from open to closed."),
            choices=Stance,
        ),
        Column(
            "verification",
            ColumnType.TEXT,
            _("How far the claim is established."),
            choices=Verification,
        ),
        Column(
            "occurred_on",
            ColumnType.DATE,
            _(
                "When it was said or happened. Only as much of it as date_precision says is "
                "known: for a month or a year, the rest of the date means nothing."
            ),
        ),
        Column(
            "date_precision",
            ColumnType.TEXT,
            _("How much of occurred_on is known."),
            choices=DatePrecision,
        ),
        Column(
            "speaker",
            ColumnType.TEXT,
            _("The named person who spoke; empty when speaker_label names the speaker."),
        ),
        Column("speaker_role", ColumnType.TEXT, _("The named speaker's role, as recorded.")),
        Column(
            "speaker_label",
            ColumnType.TEXT,
            _(
                'Who spoke when no named person did: "Meta spokesperson", "people familiar '
                'with the matter".'
            ),
        ),
        Column("quote", ColumnType.TEXT, _("The words verbatim, in their original language.")),
        Column(
            "quote_language",
            ColumnType.TEXT,
            _("The quote's language, as a BCP 47 code (en, ja)."),
        ),
        Column(
            "translation", ColumnType.TEXT, _("A translation of the quote, where there is one.")
        ),
        Column("translation_language", ColumnType.TEXT, _("The translation's language.")),
        Column("summary", ColumnType.TEXT, _("The editor's summary of the claim.")),
        Column(
            "models",
            ColumnType.LIST,
            _("The models the statement concerns (models.slug)."),
            items=ColumnType.TEXT,
        ),
        Column(
            "source_urls",
            ColumnType.LIST,
            _("The canonical URLs of the sources it cites, in the order they were added."),
            items=ColumnType.URL,
        ),
        Column("published_at", ColumnType.DATETIME, _("When an editor published it.")),
        updated_at_column(_("When the statement was last edited.")),
    ),
)

STATEMENT_SOURCES = Table(
    name="statement_sources",
    title=_("Statement sources"),
    description=_(
        "The sources each published statement cites, one row per citation: the document, who "
        "published it, and the excerpt that supports the statement."
    ),
    key_columns=("statement_id", "source_url"),
    columns=(
        Column("statement_id", ColumnType.INTEGER, _("The statement (statements.id).")),
        Column(
            "source_url",
            ColumnType.URL,
            _("The source's canonical URL (tracking parameters and fragments removed)."),
        ),
        Column("title", ColumnType.TEXT, _("The source's title.")),
        Column("publisher", ColumnType.TEXT, _("Who published it.")),
        Column("language", ColumnType.TEXT, _("The source's language, as a BCP 47 code.")),
        Column(
            "source_kind",
            ColumnType.TEXT,
            _(
                "Primary: the lab's own words or act; secondary: reporting; tertiary: reporting on "
                "reporting."
            ),
            choices=SourceKind,
        ),
        Column("source_published_at", ColumnType.DATETIME, _("When the source was published.")),
        Column("retrieved_at", ColumnType.DATETIME, _("When Aperture read the source.")),
        Column(
            "archived_sha256",
            ColumnType.TEXT,
            _("SHA-256 of the archived text Aperture kept of the source; empty when none."),
        ),
        Column("archived_at", ColumnType.DATETIME, _("When that text was archived.")),
        Column(
            "excerpt",
            ColumnType.TEXT,
            _("The passage of the source that supports the statement."),
        ),
    ),
)

STANCE_HISTORY = Table(
    name="stance_history",
    title=_("Stance history"),
    description=_(
        "Each lab's stance over time: one row per change of its derived stance, oldest first "
        "within each lab. Changes that a later edit to the record undid are kept, with the "
        "time they were superseded; a lab's history as it stands is the rows whose "
        "superseded_at is empty."
    ),
    columns=(
        Column("lab", ColumnType.TEXT, _("The lab (labs.slug).")),
        Column("date", ColumnType.DATE, _("The date from which the new stance holds.")),
        Column(
            "old_stance",
            ColumnType.TEXT,
            _("The stance before; empty for the lab's first."),
            choices=Stance,
        ),
        Column("new_stance", ColumnType.TEXT, _("The stance from date on."), choices=Stance),
        Column("rating", ColumnType.TEXT, _("How big a move it is."), choices=ShiftRating),
        Column(
            "score",
            ColumnType.NUMBER,
            _("The formula's score after the change, from -2 (closed) to +2 (open)."),
        ),
        Column(
            "pinned",
            ColumnType.BOOLEAN,
            _("True when an editor's assessment, not the formula, set the stance."),
        ),
        Column(
            "statement_ids",
            ColumnType.LIST,
            _("The statements that caused the change (statements.id or retractions.statement_id)."),
            items=ColumnType.INTEGER,
        ),
        Column("recorded_at", ColumnType.DATETIME, _("When Aperture recorded the change.")),
        Column(
            "superseded_at",
            ColumnType.DATETIME,
            _("When a later edit to the record undid the change; empty while it holds."),
        ),
    ),
)

RETRACTIONS = Table(
    name="retractions",
    title=_("Retractions"),
    description=_(
        "Statements once published and then retracted by an editor, with the reason. Their "
        "content is not exported; a copy of statements made before the retraction should drop "
        "them."
    ),
    key_columns=("statement_id",),
    columns=(
        Column("statement_id", ColumnType.INTEGER, _("The retracted statement's number.")),
        Column("url", ColumnType.URL, _("Its page, which says it was retracted and why.")),
        Column("lab", ColumnType.TEXT, _("The lab it was about (labs.slug).")),
        Column("retracted_at", ColumnType.DATETIME, _("When it was retracted.")),
        Column("reason", ColumnType.TEXT, _("Why.")),
    ),
)
