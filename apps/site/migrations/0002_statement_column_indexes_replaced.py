"""Statement search reads one normalised column now, with its own indexes (claims/0008): the
per-column trigram indexes 0001 made for statements would only slow every write down. Those of
sources, aliases and models stay."""

from django.db import migrations

STATEMENT_COLUMNS = ["summary", "quote", "translation", "speaker_label"]


def _names(column):
    return f"claims_statement_{column}_trgm", f"claims_statement_{column}_upper_trgm"


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in STATEMENT_COLUMNS:
        for name in _names(column):
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in STATEMENT_COLUMNS:
        plain, upper = _names(column)
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{plain}" ON claims_statement '
            f'USING gin ("{column}" gin_trgm_ops)'
        )
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{upper}" ON claims_statement '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("site", "0001_search_trigram"),
        ("claims", "0008_search_indexes"),
    ]

    operations = [migrations.RunPython(drop_indexes, create_indexes, elidable=False)]
