"""Editors mark commitments and read outcomes and suggestions; reviewers record outcomes and
decide the suggestions (apps/claims/commitments.py checks the same permissions)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = [
    "view_commitment",
    "add_commitment",
    "change_commitment",
    "delete_commitment",
    "view_commitmentoutcome",
    "view_outcomesuggestion",
]
REVIEWER = [*EDITOR, "record_outcome", "change_outcomesuggestion"]


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="claims", codename__in=codenames)


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, codenames in (("Editor", EDITOR), ("Reviewer", REVIEWER)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(apps, codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=["Editor", "Reviewer"]):
        group.permissions.remove(*_permissions(apps, REVIEWER))


class Migration(migrations.Migration):
    dependencies = [("claims", "0010_commitments")]

    operations = [migrations.RunPython(grant, revoke)]
