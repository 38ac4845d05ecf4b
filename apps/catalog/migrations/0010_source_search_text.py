"""Sources are found by a normalised title (``Source.search_text``), with the indexes statement
search has (claims/0008): pg_trgm for three characters or more and for a typo, the bigrams for
two Japanese characters; and ``source_newest``, so that a common word's newest sources are read
first and the rest never. On SQLite (the first run) only the column and source_newest."""

import apps.lib.search_text
import django.db.models.functions.text
from django.db import migrations, models


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS source_search_trgm ON claims_source "
        "USING gin (search_text gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS source_search_bigrams ON claims_source "
        "USING gin (aperture_bigrams(search_text))"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS source_search_bigrams")
    schema_editor.execute("DROP INDEX IF EXISTS source_search_trgm")


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0009_source_archive'),
        # pg_trgm and aperture_bigrams()
        ('claims', '0008_search_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='source',
            name='search_text',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.text.Lower(apps.lib.search_text.Nfkc(models.F('title'))), output_field=models.TextField()),
        ),
        migrations.AddIndex(
            model_name='source',
            index=models.Index(fields=['-published_at', 'id'], name='source_newest'),
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
