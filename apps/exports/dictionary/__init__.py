"""The data dictionary: every table Aperture exports and every column in it, defined once.

The builder writes each file's header, and each JSON Lines object's keys, from these columns and
in this order (writer.py refuses a row with other keys); the /data/dictionary/ page and
docs/data-dictionary.md are rendered from the same definitions. So the files and their
documentation cannot drift apart: a column added here is written and documented, a column the
rows do not have stops the build.
"""

from __future__ import annotations

from .catalog import DATASET_CLAIMS, LABS, MODEL_COMPONENTS, MODELS
from .columns import (
    ATTRIBUTION,
    FORMAT_NOTES,
    LICENCE,
    LICENCE_NOTES,
    LICENCE_URL,
    Column,
    ColumnType,
    Table,
)
from .commitments import COMMITMENT_OUTCOMES, COMMITMENTS
from .statements import RETRACTIONS, STANCE_HISTORY, STATEMENT_SOURCES, STATEMENTS

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
    COMMITMENTS,
    COMMITMENT_OUTCOMES,
)
TABLES_BY_NAME = {table.name: table for table in TABLES}

__all__ = [
    "ATTRIBUTION",
    "COMMITMENTS",
    "COMMITMENT_OUTCOMES",
    "DATASET_CLAIMS",
    "FORMAT_NOTES",
    "LABS",
    "LICENCE",
    "LICENCE_NOTES",
    "LICENCE_URL",
    "MODELS",
    "MODEL_COMPONENTS",
    "RETRACTIONS",
    "STANCE_HISTORY",
    "STATEMENTS",
    "STATEMENT_SOURCES",
    "TABLES",
    "TABLES_BY_NAME",
    "Column",
    "ColumnType",
    "Table",
]
