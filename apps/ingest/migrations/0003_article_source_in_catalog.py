"""Article.source points at the catalogue's Source (moved from claims, same table): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_source_moves_from_claims"),
        ("ingest", "0002_editor_permissions"),
    ]
    # Claims forgets its Source only once nothing points at it any more; said from here, so
    # that claims' migrations need not know ingest.
    run_before = [("claims", "0004_source_moved_to_catalog")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="article",
                    name="source",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="The ledger source made from this article when a suggestion "
                        "was accepted.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="articles",
                        to="catalog.source",
                    ),
                ),
            ],
        ),
    ]
