from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "apps.alerts"
    label = "alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        # Alerts listens to what the record, the catalogue, the datasets and the watched pages
        # announce (apps/lib/events.py); they never import alerts. Each handler writes outbox rows
        # in the announcer's transaction.
        from apps.catalog.events import ModelStatusChanged
        from apps.claims.events import (
            CommitmentOutcomeRecorded,
            StanceChanged,
            StatementPublished,
        )
        from apps.datasets.events import DatasetValuesChanged
        from apps.lib.events import event_subscribe
        from apps.watch.events import PageChangeAccepted

        from .services import outbox

        event_subscribe(StatementPublished, outbox.on_statement_published)
        event_subscribe(StanceChanged, outbox.on_stance_changed)
        event_subscribe(ModelStatusChanged, outbox.on_model_status_changed)
        event_subscribe(DatasetValuesChanged, outbox.on_dataset_values_changed)
        event_subscribe(PageChangeAccepted, outbox.on_page_change_accepted)
        event_subscribe(CommitmentOutcomeRecorded, outbox.on_commitment_outcome_recorded)
