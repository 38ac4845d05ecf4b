"""Regenerate apps/datasets/demo/ from the snapshots beside the repository. Not run by make run."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.datasets.extract import DEMO_DIR, SNAPSHOT_SOURCES, demo_extract_write


def _shared_datasets() -> Path:
    # The same lookup as the tests' (tests/support/shared.py): a developer's path, not a setting.
    shared = os.environ.get("APERTURE_SHARED_DIR", "").strip()
    return (Path(shared) if shared else Path(settings.BASE_DIR).parent / "shared") / "datasets"


class Command(BaseCommand):
    help = (
        "Write the facts-only demo extract (apps/datasets/demo/) from the dataset snapshots "
        "in ../shared/datasets, with its README (sources, licences, what was left out)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--from",
            dest="snapshots",
            type=Path,
            default=_shared_datasets(),
            help="the folder of snapshots (default: $APERTURE_SHARED_DIR/datasets, else "
            "../shared/datasets)",
        )
        parser.add_argument(
            "--to", dest="target", type=Path, default=DEMO_DIR, help="default: apps/datasets/demo"
        )

    def handle(self, *args: Any, snapshots: Path, target: Path, **options: Any) -> None:
        missing = [path for path in SNAPSHOT_SOURCES.values() if not (snapshots / path).exists()]
        if missing:
            raise CommandError(f"{snapshots} has no {', '.join(missing)}: give --from.")
        for dataset, extract in demo_extract_write(snapshots=snapshots, target=target).items():
            size = sum(len(body) for body in extract.files.values())
            self.stdout.write(
                f"{dataset}: kept {extract.kept} of {extract.read} records, "
                f"{len(extract.files)} files, {size:,} bytes"
            )
        self.stdout.write(f"wrote {target}; review the diff before committing it.")
