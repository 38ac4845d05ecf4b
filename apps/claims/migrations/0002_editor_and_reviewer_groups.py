"""The two editorial roles. Superusers are for administration only."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = {
    "catalog": {
        "company": ["view", "add", "change"],
        "aimodel": ["view", "add", "change"],
        "alias": ["view", "add", "change", "delete"],
        "modelstatuschange": ["view", "add", "change", "delete"],
        "opennesscomponent": ["view", "add", "change", "delete"],
        "person": ["view", "add", "change"],
        "publisher": ["view", "add", "change"],
    },
    "claims": {
        "source": ["view", "add", "change"],
        "statement": ["view", "add", "change", "delete", "submit"],
        "citation": ["view", "add", "change", "delete"],
        "statementlink": ["view", "add", "change", "delete"],
        "stanceassessment": ["view"],
        "stancechange": ["view"],
    },
}
REVIEWER_EXTRA = {
    "claims": {
        "statement": ["publish", "retract"],
        "stanceassessment": ["add", "change"],
    },
}


def _codenames(app_label: str, model: str, actions: list[str]) -> list[str]:
    return [f"{action}_{model}" for action in actions]


def create_groups(apps, schema_editor):
    # Permissions are normally made after migrate; make them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def grant(group, table):
        for app_label, models in table.items():
            for model, actions in models.items():
                for codename in _codenames(app_label, model, actions):
                    group.permissions.add(
                        Permission.objects.get(content_type__app_label=app_label, codename=codename)
                    )

    editor, _ = Group.objects.get_or_create(name="Editor")
    grant(editor, EDITOR)
    reviewer, _ = Group.objects.get_or_create(name="Reviewer")
    grant(reviewer, EDITOR)
    grant(reviewer, REVIEWER_EXTRA)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Reviewer"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("claims", "0001_initial"),
        ("catalog", "0002_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
