"""Editors and reviewers keep model families as they keep models: view, add and change."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_modelfamily", "add_modelfamily", "change_modelfamily"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="catalog", codename__in=CODENAMES
    )
    for name in ("Editor", "Reviewer"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="catalog", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name__in=["Editor", "Reviewer"]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_families_and_match_rules"),
        ("claims", "0002_editor_and_reviewer_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
