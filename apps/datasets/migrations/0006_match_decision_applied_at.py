"""A match decision is applied by a worker now: when it was, or that it waits for one."""

from django.db import migrations, models


def applied_when_decided(apps, schema_editor):
    # Decisions made before this were applied in the request that made them.
    MatchDecision = apps.get_model("datasets", "MatchDecision")
    MatchDecision.objects.filter(decided_at__isnull=False).update(applied_at=models.F("decided_at"))


class Migration(migrations.Migration):
    dependencies = [("datasets", "0005_disagreements")]

    operations = [
        migrations.AddField(
            model_name="matchdecision",
            name="applied_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="applied at"),
        ),
        migrations.RunPython(applied_when_decided, migrations.RunPython.noop),
    ]
