"""Claims lets go of Source, now the catalogue's (catalog 0004): citations point at it there.

The tables stay, except one: django-simple-history names the history of a many-to-many field by
its app, so claims_historicalsource_cites becomes catalog_historicalsource_cites (a rename: no
row moves). The content types move with the models, so the Editor and Reviewer groups keep their
permissions on sources (now catalog.*_source) and the admin's log keeps its links.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ["source", "historicalsource", "historicalsource_cites"]


def _content_types_move(apps, schema_editor, from_app, to_app):
    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        moving = ContentType.objects.using(db).filter(app_label=from_app, model=model).first()
        if moving is None:
            continue
        made_meanwhile = ContentType.objects.using(db).filter(app_label=to_app, model=model).first()
        if made_meanwhile is not None:
            _content_type_merge(apps, db, keep=moving, drop=made_meanwhile)
        moving.app_label = to_app
        moving.save(update_fields=["app_label"])


def _content_type_merge(apps, db, *, keep, drop):
    """Another migration made permissions for the new place already (create_permissions runs
    on the state of its own time): fold them into the old ones, which carry the grants."""
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry")
    grants = [
        apps.get_model("auth", "Group").permissions.through,
        apps.get_model(settings.AUTH_USER_MODEL).user_permissions.through,
    ]
    for permission in Permission.objects.using(db).filter(content_type=drop):
        kept = (
            Permission.objects.using(db)
            .filter(content_type=keep, codename=permission.codename)
            .first()
        )
        if kept is None:
            permission.content_type = keep
            permission.save(update_fields=["content_type"])
            continue
        for through in grants:
            holder = next(
                f.name for f in through._meta.fields if f.name not in ("id", "permission")
            )
            already = through.objects.using(db).filter(permission=kept).values(holder)
            through.objects.using(db).filter(permission=permission).exclude(
                **{f"{holder}__in": already}
            ).update(permission=kept)
        permission.delete()
    LogEntry.objects.using(db).filter(content_type=drop).update(content_type=keep)
    drop.delete()


def content_types_to_catalog(apps, schema_editor):
    _content_types_move(apps, schema_editor, "claims", "catalog")


def content_types_to_claims(apps, schema_editor):
    _content_types_move(apps, schema_editor, "catalog", "claims")


class Migration(migrations.Migration):
    dependencies = [
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("catalog", "0004_source_moves_from_claims"),
        ("claims", "0003_text_length_limits"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The one real change to the database: the table takes the name the catalogue expects.
        migrations.AlterModelTable(
            name="historicalsource_cites", table="catalog_historicalsource_cites"
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="historicalcitation",
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
                    model_name="citation",
                    name="source",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="citations",
                        to="catalog.source",
                        verbose_name="source",
                    ),
                ),
                migrations.DeleteModel(name="HistoricalSource_cites"),
                migrations.DeleteModel(name="HistoricalSource"),
                migrations.DeleteModel(name="Source"),
            ],
        ),
        migrations.RunPython(content_types_to_catalog, content_types_to_claims),
    ]
