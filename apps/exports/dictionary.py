"""The data dictionary: every table Aperture exports and every column in it, defined once.

The builder writes each file's header, and each JSON Lines object's keys, from these columns and
in this order (writer.py refuses a row with other keys); the /data/dictionary/ page and
docs/data-dictionary.md are rendered from the same definitions. So the files and their
documentation cannot drift apart: a column added here is written and documented, a column the
rows do not have stops the build.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import AccessLevel, Component, ModelStatus, Openness, SourceKind
from apps.claims.models import ShiftRating, Stance, StatementKind, Verification
from apps.lib.dates import DatePrecision

#: The licence of Aperture's own record, and the line that credits it.
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
ATTRIBUTION = "Aperture, a public record of how open the AI labs are (CC BY 4.0)"


class ColumnType(models.TextChoices):
    """How a value is written. CSV holds text; JSON Lines keeps the type."""

    INTEGER = "integer", _("integer")
    NUMBER = "number", _("number")
    TEXT = "text", _("text")
    URL = "url", _("URL")
    DATE = "date", _("date")
    DATETIME = "datetime", _("date and time")
    BOOLEAN = "boolean", _("boolean")
    LIST = "list", _("list")


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnType
    description: str | Promise
    #: The values a coded column takes, with their labels (the record's own choices).
    choices: type[models.TextChoices] | None = None
    #: For a list: the type of its items.
    items: ColumnType | None = None

    @property
    def values(self) -> list[tuple[str, str]]:
        """The codes of a coded column with their labels, in the record's order."""
        return (
            [(value, str(label)) for value, label in self.choices.choices] if self.choices else []
        )


@dataclass(frozen=True)
class Table:
    name: str
    title: str | Promise
    description: str | Promise
    columns: tuple[Column, ...]
    #: Whose licence the rows are under, when not only Aperture's (the dataset claims).
    licence: str | Promise = LICENCE
    #: The columns whose values no two rows share (the record's own unique constraints).
    key_columns: tuple[str, ...] = field(default=())

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]


#: What every file shares, said once for the /data/dictionary/ page and docs/data-dictionary.md.
FORMAT_NOTES: tuple[str | Promise, ...] = (
    _(
        "Every table comes as CSV and as JSON Lines, each also compressed with gzip (.gz): four "
        "files with the same rows, named after the table (statements.csv, statements.csv.gz, "
        "statements.jsonl, statements.jsonl.gz)."
    ),
    _(
        "CSV follows RFC 4180: commas, double quotes around a value that needs them, CRLF line "
        "ends, UTF-8 without a byte order mark, and a header row of the column names below."
    ),
    _(
        "JSON Lines: one JSON object per line, UTF-8, with the keys of the CSV header in the "
        "same order. Integers, numbers and booleans are JSON's own."
    ),
    _("An empty CSV cell, or null in JSON Lines, is a value the record does not have."),
    _(
        'A list is a JSON array in JSON Lines and in its CSV cell alike: ["llama-4-behemoth",'
        '"llama-4-maverick"].'
    ),
    _(
        "Dates are written 2025-07-14; times are in UTC, 2025-07-14T08:00:00Z; booleans are true "
        "and false."
    ),
    _(
        "A coded column takes only the values listed with it; the label beside each value is "
        "what the site shows for it."
    ),
    _(
        "A spreadsheet may run a cell that begins with =, +, - or @ as a formula: import the CSV "
        "as data, with every column as text, rather than opening it with a double click."
    ),
    _(
        "manifest.json lists every file with its table, format, build time, rows, size in bytes, "
        "SHA-256 and licence."
    ),
)

#: The licence of the record and of what the datasets say, for the same two readers.
LICENCE_NOTES: tuple[str | Promise, ...] = (
    _(
        "Aperture's own record (every table, and in dataset_claims which of our models each "
        "record was matched to) is licensed under the Creative Commons Attribution 4.0 "
        "International licence (CC BY 4.0): share and adapt it for any purpose, crediting "
        "Aperture with a link to the site and saying what you changed."
    ),
    _(
        "The values in dataset_claims are the outside datasets' words, not Aperture's. Each is "
        "under its dataset's licence and needs that dataset's attribution, given on every row "
        "and below."
    ),
)


def _updated_at(what: str | Promise) -> Column:
    return Column("updated_at", ColumnType.DATETIME, what)


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
        _updated_at(_("When the statement was last edited.")),
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

LABS = Table(
    name="labs",
    title=_("Labs"),
    description=_(
        "Every company the record names: the labs whose stance Aperture follows, their parent "
        "companies and the developers the datasets name, with each lab's stance now."
    ),
    key_columns=("slug",),
    columns=(
        Column("slug", ColumnType.TEXT, _("The lab's identifier in URLs and in the other files.")),
        Column("name", ColumnType.TEXT, _("The lab's name.")),
        Column("url", ColumnType.URL, _("The lab's page on Aperture.")),
        Column("parent", ColumnType.TEXT, _("The parent company (labs.slug), if any.")),
        Column("website", ColumnType.URL, _("The lab's own website.")),
        Column(
            "tracked_as_lab",
            ColumnType.BOOLEAN,
            _("True for a lab with a stance timeline; false for a company only referenced."),
        ),
        Column(
            "aliases",
            ColumnType.LIST,
            _("Other names of the lab, in any language, as editors recorded them."),
            items=ColumnType.TEXT,
        ),
        Column(
            "stance",
            ColumnType.TEXT,
            _(
                "The lab's stance now, derived from its published statements and recorded acts "
                "by Aperture's formula (or pinned by an editor); empty when there is none yet."
            ),
            choices=Stance,
        ),
        Column(
            "stance_since",
            ColumnType.DATE,
            _("Since when the stance holds (stance_history.date of its last change)."),
        ),
        Column(
            "published_statements",
            ColumnType.INTEGER,
            _("How many published statements are about the lab."),
        ),
        Column(
            "recorded_acts",
            ColumnType.INTEGER,
            _("How many releases the outside datasets record for the lab."),
        ),
        _updated_at(_("When the lab's entry was last edited.")),
    ),
)

MODELS = Table(
    name="models",
    title=_("Models"),
    description=_(
        "Every model in the catalogue, with its status and how open each of its components is "
        "as Aperture's editors recorded it (model_components has the evidence; dataset_claims "
        "what the outside datasets say)."
    ),
    key_columns=("slug",),
    columns=(
        Column(
            "slug", ColumnType.TEXT, _("The model's identifier in URLs and in the other files.")
        ),
        Column("name", ColumnType.TEXT, _("The model's name.")),
        Column("url", ColumnType.URL, _("The model's page on Aperture.")),
        Column("family", ColumnType.TEXT, _("The model family, e.g. Llama 4.")),
        Column("developer", ColumnType.TEXT, _("The lab that develops it (labs.slug).")),
        Column("parameters", ColumnType.INTEGER, _("Total parameters; empty when unknown.")),
        Column(
            "active_parameters",
            ColumnType.INTEGER,
            _("Parameters active per token, for a mixture of experts; empty when unknown."),
        ),
        Column(
            "access_level", ColumnType.TEXT, _("How the model can be used."), choices=AccessLevel
        ),
        Column("licence", ColumnType.TEXT, _("The model's licence, as its developer names it.")),
        Column(
            "status",
            ColumnType.TEXT,
            _("The latest entry of the model's status history; empty when it has none."),
            choices=ModelStatus,
        ),
        Column("status_date", ColumnType.DATE, _("The date of that status.")),
        *(
            Column(
                f"openness_{component.value}",
                ColumnType.TEXT,
                format_lazy(
                    _("How open the model's {component} is; unknown when not recorded."),
                    component=component.label,
                ),
                choices=Openness,
            )
            for component in Component
        ),
        _updated_at(_("When the model's entry was last edited.")),
    ),
)

MODEL_COMPONENTS = Table(
    name="model_components",
    title=_("Model components"),
    description=_(
        "How open each component of each model is, with the source that shows it: one row per "
        "model and component (the components of the Model Openness Framework and the European "
        "Open Source AI Index)."
    ),
    key_columns=("model", "component"),
    columns=(
        Column("model", ColumnType.TEXT, _("The model (models.slug).")),
        Column("component", ColumnType.TEXT, _("The component."), choices=Component),
        Column("openness", ColumnType.TEXT, _("How open it is."), choices=Openness),
        Column("note", ColumnType.TEXT, _("The editor's note.")),
        Column(
            "evidence_url",
            ColumnType.URL,
            _("The source that shows it; empty only when openness is unknown."),
        ),
        Column("evidence_title", ColumnType.TEXT, _("That source's title.")),
        _updated_at(_("When the row was last edited.")),
    ),
)

DATASET_CLAIMS = Table(
    name="dataset_claims",
    title=_("Dataset claims"),
    description=_(
        "What the outside datasets say about the models in the catalogue: one row per value, "
        "for each dataset record matched to one of Aperture's models. A value is the "
        "dataset's word as read, never Aperture's; it is under the dataset's licence and "
        "needs the dataset's attribution (both on every row)."
    ),
    licence=_("each dataset's own (the licence column), with its attribution"),
    key_columns=("dataset", "record_key", "field"),
    columns=(
        Column("model", ColumnType.TEXT, _("The model the record was matched to (models.slug).")),
        Column("dataset", ColumnType.TEXT, _("The dataset's key: epoch, mot or osai.")),
        Column("dataset_name", ColumnType.TEXT, _("The dataset's name.")),
        Column("record_key", ColumnType.TEXT, _("The record's key in the dataset.")),
        Column("record_url", ColumnType.URL, _("The record's page or file upstream.")),
        Column(
            "field",
            ColumnType.TEXT,
            _(
                "What the value is about: developer, release_date, parameters, access_level, "
                "training_code, training_data, licence:<component> (Model Openness Tool) or "
                "class:<dimension> (Open Source AI Index)."
            ),
        ),
        Column("value", ColumnType.TEXT, _("The value, in the dataset's own words.")),
        Column("evidence_url", ColumnType.URL, _("The evidence the dataset gives for it.")),
        Column(
            "dataset_version",
            ColumnType.TEXT,
            _("The dataset's version when the value was read (Last-Modified or content hash)."),
        ),
        Column("read_at", ColumnType.DATETIME, _("When Aperture first read this record as it is.")),
        Column("licence", ColumnType.TEXT, _("The dataset's licence.")),
        Column(
            "attribution", ColumnType.TEXT, _("The attribution the dataset's licence asks for.")
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

#: Every table, in the order the page and the manifest list them.
TABLES: tuple[Table, ...] = (
    STATEMENTS,
    STATEMENT_SOURCES,
    LABS,
    MODELS,
    MODEL_COMPONENTS,
    DATASET_CLAIMS,
    STANCE_HISTORY,
    RETRACTIONS,
)
TABLES_BY_NAME = {table.name: table for table in TABLES}
