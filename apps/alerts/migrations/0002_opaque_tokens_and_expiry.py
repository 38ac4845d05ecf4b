"""Manage, unsubscribe and confirm links become opaque (a row id signed with the row's own key);
a confirm link stands for a SubscriptionRequest row that expires and works once."""

import apps.alerts.models
import django.db.models.deletion
from django.db import migrations, models


def link_keys_give_each_subscriber_its_own(registry, schema_editor):
    """AddField computes a callable default once for every existing row: give each its own."""
    subscriber = registry.get_model("alerts", "Subscriber")
    for pk in subscriber.objects.values_list("pk", flat=True).iterator():
        subscriber.objects.filter(pk=pk).update(link_key=apps.alerts.models.link_key_new())


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0001_initial'),
        ('catalog', '0002_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='subscriber',
            name='link_key',
            field=models.CharField(default=apps.alerts.models.link_key_new, editable=False, max_length=32),
        ),
        migrations.RunPython(link_keys_give_each_subscriber_its_own, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='subscriber',
            name='confirmation_sent_at',
            field=models.DateTimeField(blank=True, help_text='When the last confirmation mail to this address went out.', null=True, verbose_name='last confirmation mail'),
        ),
        migrations.CreateModel(
            name='SubscriptionRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('link_key', models.CharField(default=apps.alerts.models.link_key_new, editable=False, max_length=32)),
                ('scope', models.CharField(choices=[('everything', 'every lab'), ('lab', 'a lab'), ('model', 'a model')], default='lab', max_length=10, verbose_name='scope')),
                ('stance_changes', models.BooleanField(default=True, verbose_name='stance changes')),
                ('statements', models.BooleanField(default=False, verbose_name='new published statements')),
                ('model_status', models.BooleanField(default=False, verbose_name='model status changes')),
                ('frequency', models.CharField(choices=[('instant', 'as it happens'), ('daily', 'daily digest')], default='instant', max_length=10, verbose_name='delivery')),
                ('language', models.CharField(choices=[('en', 'English'), ('ja', '日本語')], default='en', max_length=5, verbose_name='language')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('expires_at', models.DateTimeField(verbose_name='expires')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='confirmation mail sent')),
                ('used_at', models.DateTimeField(blank=True, null=True, verbose_name='used')),
                ('ai_model', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='catalog.aimodel')),
                ('company', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='catalog.company')),
                ('subscriber', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='subscription_requests', to='alerts.subscriber')),
            ],
            options={
                'verbose_name': 'subscription request',
                'verbose_name_plural': 'subscription requests',
                'ordering': ['-created_at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('company__isnull', True), ('ai_model__isnull', True), _connector='OR'), name='subscriptionrequest_lab_or_model_not_both')],
            },
        ),
    ]
