"""Editors and reviewers work the ingestion desk: feeds, pasted URLs and the review queue."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "feed": ["view", "add", "change"],
    "article": ["view"],
    "articleurl": ["view", "add", "change"],
    "fetchattempt": ["view"],
    "mention": ["view"],
    "suggestion": ["view", "change"],
    "classifier": ["view"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = [
        Permission.objects.get(content_type__app_label="ingest", codename=f"{action}_{model}")
        for model, actions in GRANTS.items()
        for action in actions
    ]
    for name in ("Editor", "Reviewer"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=["Editor", "Reviewer"]):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="ingest"))


class Migration(migrations.Migration):
    dependencies = [
        ("ingest", "0001_initial"),
        ("claims", "0002_editor_and_reviewer_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
