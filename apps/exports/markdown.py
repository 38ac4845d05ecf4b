"""docs/data-dictionary.md, rendered from the one definition of the tables (dictionary/).

`manage.py write_data_dictionary` writes it; a test checks that the file in the repository is
what this renders, so the document can never describe columns the files do not have.
"""

from __future__ import annotations

from django.utils import translation

from apps.datasets.registry import DATASETS

from .dictionary import (
    ATTRIBUTION,
    FORMAT_NOTES,
    LICENCE,
    LICENCE_NOTES,
    LICENCE_URL,
    TABLES,
    Column,
)
from .writer import CSV, FORMATS, JSONL, file_name

HEADER = (
    "<!-- Generated from apps/exports/dictionary/ by `manage.py write_data_dictionary`; "
    "edit those files, not this one (tests/exports/test_dictionary.py checks they agree). -->"
)


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _type(column: Column) -> str:
    if column.items is not None:
        return f"{column.kind.label} of {column.items.label}"
    return str(column.kind.label)


def _meaning(column: Column) -> str:
    text = str(column.description)
    if column.values:
        codes = ", ".join(f"`{value}` ({label})" for value, label in column.values)
        text += f" Values: {codes}."
    return text


def dictionary_markdown() -> str:
    """The dictionary in English, as Markdown."""
    with translation.override("en"):
        return "\n".join(_lines()) + "\n"


def _lines() -> list[str]:
    lines = [
        "# Data dictionary",
        "",
        HEADER,
        "",
        "Aperture publishes its whole record as files at `/data/` (the open data page), rebuilt "
        "a few minutes after the record changes; this dictionary is also at `/data/dictionary/`. "
        "Each table below is written as "
        + " and ".join(f"`{file_name('<table>', fmt, gzipped=False)}`" for fmt in (CSV, JSONL))
        + f", each also gzipped, with `manifest.json` beside them ({len(TABLES)} tables, "
        f"{len(TABLES) * len(FORMATS) * 2} files).",
        "",
        "## Formats",
        "",
        *(f"- {note}" for note in FORMAT_NOTES),
        "",
        "## Licences and attribution",
        "",
    ]
    for note in LICENCE_NOTES:
        lines += [str(note), ""]
    lines += [
        f"Credit Aperture as: “{ATTRIBUTION}” — [{LICENCE}]({LICENCE_URL})",
        "",
        "| Dataset | `dataset` | Licence | Attribution |",
        "| --- | --- | --- | --- |",
        *(
            f"| [{_cell(d.name)}]({d.homepage}) | `{d.key}` | {_cell(d.licence)} "
            f"| {_cell(d.attribution)} |"
            for d in DATASETS.values()
        ),
        "",
        "## Tables",
        "",
        *(f"- [`{table.name}`](#{table.name}): {table.title}" for table in TABLES),
    ]
    for table in TABLES:
        keys = ", ".join(f"`{name}`" for name in table.key_columns)
        lines += [
            "",
            f'<a id="{table.name}"></a>',
            f"### `{table.name}`: {table.title}",
            "",
            str(table.description),
            "",
            f"Licence: {table.licence}." + (f" No two rows share: {keys}." if keys else ""),
            "",
            "| Column | Type | Meaning |",
            "| --- | --- | --- |",
            *(
                f"| `{column.name}` | {_type(column)} | {_cell(_meaning(column))} |"
                for column in table.columns
            ),
        ]
    return lines
