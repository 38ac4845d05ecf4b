from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.datasets.models import ImportRun
from apps.datasets.registry import DATASETS
from apps.datasets.services import dataset_import


class Command(BaseCommand):
    help = "Import an outside dataset (Epoch AI, Model Openness Tool, OSAI) now, in this process."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("dataset", choices=sorted(DATASETS))
        parser.add_argument(
            "--from",
            dest="source",
            metavar="URL|PATH",
            help="Read from this URL (through the safe client) or local file/folder/zip "
            "instead of the dataset's URL setting.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Read and compare, write nothing."
        )
        parser.add_argument(
            "--new-company-models",
            type=int,
            metavar="N",
            help="Make a company of an unknown organisation named for at least N models "
            "(default: the DATASETS_NEW_COMPANY_MODELS setting).",
        )

    def handle(
        self,
        *args: Any,
        dataset: str,
        source: str | None,
        dry_run: bool,
        new_company_models: int | None,
        **options: Any,
    ) -> None:
        if new_company_models is not None and new_company_models < 1:
            raise CommandError("--new-company-models must be 1 or more.")
        run = dataset_import(
            dataset=dataset,
            source=source,
            dry_run=dry_run,
            new_company_models=new_company_models,
        )
        prefix = "dry run: would import" if dry_run else "imported"
        self.stdout.write(
            f"{prefix} {dataset} version {run.version or '?'}: {run.read} read, "
            f"{run.created} new, {run.changed} changed, {run.unchanged} unchanged, "
            f"{run.errors} errors."
        )
        if not dry_run:
            for error in run.record_errors.all():
                self.stdout.write(self.style.WARNING(f"error  {error.where}: {error.message}"))
        elif run.error and run.state != ImportRun.State.FAILED:
            self.stdout.write(self.style.WARNING(run.error))
        if run.state == ImportRun.State.FAILED:
            raise CommandError(f"The import failed, nothing changed: {run.error}")
