"""Editors and reviewers work the review queue: they may read and decide match decisions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_matchdecision", "change_matchdecision"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="datasets", codename__in=CODENAMES
    )
    for name in ("Editor", "Reviewer"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permissions = Permission.objects.filter(
        content_type__app_label="datasets", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name__in=["Editor", "Reviewer"]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("datasets", "0003_matching_and_review_queue")]

    operations = [migrations.RunPython(grant, revoke)]
