from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "apps.exports"
    label = "exports"
    verbose_name = "Exports"

    def ready(self) -> None:
        # The files follow the record: what the record, the catalogue and the datasets announce
        # (apps/lib/events.py) marks them out of date in the announcer's transaction; beat's
        # exports.tick rebuilds them once the record has been quiet (services.py). Changes that
        # announce nothing (a retraction, an edit in the admin) are found by the same tick.
        from apps.catalog.events import ModelStatusChanged
        from apps.claims.events import (
            CommitmentOutcomeRecorded,
            StanceChanged,
            StatementPublished,
        )
        from apps.datasets.events import DatasetValuesChanged
        from apps.lib.events import event_subscribe

        from .services import on_record_changed

        for event_type in (
            StatementPublished,
            StanceChanged,
            ModelStatusChanged,
            DatasetValuesChanged,
            CommitmentOutcomeRecorded,
        ):
            event_subscribe(event_type, on_record_changed)
