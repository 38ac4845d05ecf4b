"""How a table and its columns are described, what every file shares, and the licence."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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


def updated_at_column(what: str | Promise) -> Column:
    return Column("updated_at", ColumnType.DATETIME, what)
