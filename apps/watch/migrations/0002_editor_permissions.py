"""Editors and reviewers follow the link-rot queue (view, change: mark as seen), add and edit
watched pages, and decide page changes (view, change). Deleting stays the superusers'."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTED = [
    "view_sourcecheck",
    "change_sourcecheck",
    "view_watch",
    "add_watch",
    "change_watch",
    "view_watchsnapshot",
    "change_watchsnapshot",
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="watch", codename__in=GRANTED)
    for name in ("Editor", "Reviewer"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permissions = Permission.objects.filter(content_type__app_label="watch", codename__in=GRANTED)
    for group in Group.objects.filter(name__in=["Editor", "Reviewer"]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("watch", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant, revoke)]
