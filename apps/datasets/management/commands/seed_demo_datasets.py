"""Import the facts-only extract in apps/datasets/demo/ for `make run` (idempotent, no network)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from apps.datasets.extract import DEMO_SOURCES, demo_import_skip_reason, demo_source

# The extract holds about a sixth of Epoch's rows (300 of 1,755), so an organisation is named a
# sixth as often as in the whole dataset: the production threshold of 20 scaled to the sample.
DEMO_NEW_COMPANY_MODELS = 3


class Command(BaseCommand):
    help = (
        "Import the demo extract of Epoch AI, the Model Openness Tool and the Open Source AI "
        "Index (apps/datasets/demo/) through importdataset --from; skip a dataset already "
        "imported from it, or from anywhere else."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for dataset in DEMO_SOURCES:
            if reason := demo_import_skip_reason(dataset=dataset):
                if options["verbosity"]:
                    self.stdout.write(f"{dataset}: {reason}")
                continue
            try:
                call_command(
                    "importdataset",
                    dataset,
                    "--from",
                    str(demo_source(dataset)),
                    "--new-company-models",
                    str(DEMO_NEW_COMPANY_MODELS),
                    stdout=self.stdout,
                    verbosity=options["verbosity"],
                )
            except CommandError as error:
                # The first run carries on without this dataset; the failed run is in the admin.
                self.stderr.write(f"{dataset}: {error}")
