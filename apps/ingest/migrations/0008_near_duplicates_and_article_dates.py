"""Syndicated copies found by the MinHash signature and LSH band keys of each article's text
(computed for the articles already stored), and editors may set an article's date where the page
gave none."""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

from apps.ingest.near_duplicates import MIN_SHINGLES, shingles, sketch


def keys_backfill(apps, schema_editor):
    Article = apps.get_model("ingest", "Article")
    ArticleBandKey = apps.get_model("ingest", "ArticleBandKey")
    rows = []
    for article_id, text in Article.objects.values_list("id", "text").iterator(chunk_size=500):
        hashes = shingles(text)
        drawn = sketch(hashes) if len(hashes) >= MIN_SHINGLES else None
        if drawn is None:
            continue
        Article.objects.filter(pk=article_id).update(text_signature=drawn.signature)
        rows.extend(ArticleBandKey(article_id=article_id, key=key) for key in drawn.keys)
        if len(rows) >= 5000:
            ArticleBandKey.objects.bulk_create(rows)
            rows = []
    ArticleBandKey.objects.bulk_create(rows)


def editors_change_articles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    change = Permission.objects.get(content_type__app_label="ingest", codename="change_article")
    for group in Group.objects.filter(name__in=["Editor", "Reviewer"]):
        group.permissions.add(change)


def editors_view_articles_only(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    change = Permission.objects.filter(content_type__app_label="ingest", codename="change_article")
    for group in Group.objects.filter(name__in=["Editor", "Reviewer"]):
        group.permissions.remove(*change)


class Migration(migrations.Migration):
    dependencies = [
        ("ingest", "0007_mentions_of_families_and_people"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="text_signature",
            field=models.BinaryField(default=b""),
        ),
        migrations.AlterField(
            model_name="article",
            name="published_at",
            field=models.DateTimeField(
                blank=True,
                help_text="As the page states it (metadata, byline or dateline), or its feed entry. Empty where the page states no date of its own: set it here.",
                null=True,
                verbose_name="published",
            ),
        ),
        migrations.CreateModel(
            name="ArticleBandKey",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "key",
                        "article",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("key", models.BigIntegerField()),
                (
                    "article",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="band_keys",
                        to="ingest.article",
                    ),
                ),
            ],
            options={
                "verbose_name": "article band key",
                "verbose_name_plural": "article band keys",
            },
        ),
        migrations.RunPython(keys_backfill, migrations.RunPython.noop),
        migrations.RunPython(editors_change_articles, editors_view_articles_only),
    ]
