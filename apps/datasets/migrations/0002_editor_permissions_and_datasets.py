"""The three datasets' rows, and who may see them: editors and reviewers read everything;
reviewers (and superusers) may also start an import."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = ["dataset", "importrun", "recorderror", "datasetrecord", "datasetclaim", "claimchange"]


def grant(apps, schema_editor):
    from apps.datasets.registry import DATASETS

    Dataset = apps.get_model("datasets", "Dataset")
    for info in DATASETS.values():
        Dataset.objects.get_or_create(
            key=info.key,
            defaults={
                "name": info.name,
                "homepage": info.homepage,
                "licence": info.licence,
                "attribution": info.attribution,
                "url_setting": info.url_setting,
            },
        )
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = [
        Permission.objects.get(content_type__app_label="datasets", codename=f"view_{model}")
        for model in VIEW
    ]
    importing = Permission.objects.get(
        content_type__app_label="datasets", codename="import_dataset"
    )
    for name in ("Editor", "Reviewer"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*view)
        if name == "Reviewer":
            group.permissions.add(importing)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=["Editor", "Reviewer"]):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="datasets"))


class Migration(migrations.Migration):
    dependencies = [
        ("datasets", "0001_initial"),
        ("claims", "0002_editor_and_reviewer_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
