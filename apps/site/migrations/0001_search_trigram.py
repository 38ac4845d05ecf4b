"""Search indexes for PostgreSQL: pg_trgm and GIN trigram indexes for the columns search reads.

Each column gets two: one on UPPER(column) for Django's icontains (which PostgreSQL runs as
UPPER(col) LIKE UPPER(pattern)), and one on the column itself for trigram word similarity
(col %> query). On SQLite (the first run) nothing happens: search there is a plain substring
match over a small record.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

COLUMNS = [
    ("claims_statement", "summary"),
    ("claims_statement", "quote"),
    ("claims_statement", "translation"),
    ("claims_statement", "speaker_label"),
    ("claims_source", "title"),
    ("catalog_alias", "name"),
    ("catalog_aimodel", "name"),
]


def _names(table, column):
    return f"{table}_{column}_trgm", f"{table}_{column}_upper_trgm"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in COLUMNS:
        plain, upper = _names(table, column)
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{plain}" ON "{table}" USING gin ("{column}" gin_trgm_ops)'
        )
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{upper}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in COLUMNS:
        for name in _names(table, column):
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0002_editor_and_reviewer_groups"),
        ("catalog", "0002_initial"),
    ]

    operations = [
        # CreateExtension does nothing on databases other than PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
