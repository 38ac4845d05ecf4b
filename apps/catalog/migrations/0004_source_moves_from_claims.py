"""Sources move from claims to the catalogue, beside their publishers, so that the catalogue
depends on nothing above it. Only Django's idea of where the models live changes: the tables
stay as they are (Source keeps claims_source, claims_source_cites and claims_historicalsource by
its Meta; claims 0004 renames the one table django-simple-history names by app), and the
foreign keys already point at them. No row moves.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_text_length_limits"),
        ("claims", "0003_text_length_limits"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="HistoricalSource",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        (
                            "url",
                            models.URLField(
                                db_index=True,
                                help_text="Stored in canonical form: tracking parameters and fragments removed.",
                                max_length=1000,
                                verbose_name="canonical URL",
                            ),
                        ),
                        ("title", models.CharField(max_length=500, verbose_name="title")),
                        (
                            "language",
                            models.CharField(blank=True, max_length=10, verbose_name="language"),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("primary", "primary: the lab's own words or act"),
                                    ("secondary", "secondary: reporting"),
                                    ("tertiary", "tertiary: reporting on reporting"),
                                ],
                                default="secondary",
                                max_length=10,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "published_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="published"),
                        ),
                        (
                            "retrieved_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="retrieved"),
                        ),
                        (
                            "snapshot_text",
                            models.TextField(blank=True, verbose_name="archived text"),
                        ),
                        (
                            "snapshot_hash",
                            models.CharField(
                                blank=True, max_length=64, verbose_name="archived text SHA-256"
                            ),
                        ),
                        (
                            "snapshot_retrieved_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="archived at"),
                        ),
                        ("created_at", models.DateTimeField(blank=True, editable=False)),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "publisher",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="catalog.publisher",
                                verbose_name="publisher",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical source",
                        "verbose_name_plural": "historical sources",
                        "db_table": "claims_historicalsource",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="Source",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "url",
                            models.URLField(
                                help_text="Stored in canonical form: tracking parameters and fragments removed.",
                                max_length=1000,
                                unique=True,
                                verbose_name="canonical URL",
                            ),
                        ),
                        ("title", models.CharField(max_length=500, verbose_name="title")),
                        (
                            "language",
                            models.CharField(blank=True, max_length=10, verbose_name="language"),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("primary", "primary: the lab's own words or act"),
                                    ("secondary", "secondary: reporting"),
                                    ("tertiary", "tertiary: reporting on reporting"),
                                ],
                                default="secondary",
                                max_length=10,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "published_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="published"),
                        ),
                        (
                            "retrieved_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="retrieved"),
                        ),
                        (
                            "snapshot_text",
                            models.TextField(blank=True, verbose_name="archived text"),
                        ),
                        (
                            "snapshot_hash",
                            models.CharField(
                                blank=True, max_length=64, verbose_name="archived text SHA-256"
                            ),
                        ),
                        (
                            "snapshot_retrieved_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="archived at"),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "cites",
                            models.ManyToManyField(
                                blank=True,
                                db_table="claims_source_cites",
                                related_name="cited_by",
                                to="catalog.source",
                                verbose_name="cites",
                            ),
                        ),
                        (
                            "publisher",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="sources",
                                to="catalog.publisher",
                                verbose_name="publisher",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "source",
                        "verbose_name_plural": "sources",
                        "db_table": "claims_source",
                        "ordering": ["-published_at", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalSource_cites",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                        (
                            "history",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                to="catalog.historicalsource",
                            ),
                        ),
                        (
                            "from_source",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                db_tablespace="",
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="catalog.source",
                            ),
                        ),
                        (
                            "to_source",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                db_tablespace="",
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="catalog.source",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "HistoricalSource_cites",
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.AlterField(
                    model_name="historicalmodelstatuschange",
                    name="source",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalog.source",
                        verbose_name="source",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalopennesscomponent",
                    name="source",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalog.source",
                        verbose_name="evidence",
                    ),
                ),
                migrations.AlterField(
                    model_name="modelstatuschange",
                    name="source",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="model_status_changes",
                        to="catalog.source",
                        verbose_name="source",
                    ),
                ),
                migrations.AlterField(
                    model_name="opennesscomponent",
                    name="source",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="openness_components",
                        to="catalog.source",
                        verbose_name="evidence",
                    ),
                ),
            ],
        ),
    ]
