"""Build the bulk exports now: `manage.py buildexports [--dir DIR]`.

Without --dir it rebuilds the files the site serves (EXPORTS_DIR) through the same claim as the
worker, so it never runs beside a worker's build, and it does not wait for the debounce. With
--dir it writes a copy elsewhere (bench/bench_exports.py measures it so) and touches no state.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.exports.build import exports_build
from apps.exports.conf import exports_conf
from apps.exports.services import Outcome, exports_rebuild, state_get


class Command(BaseCommand):
    help = "Build the bulk exports (CSV, JSON Lines, gzip copies and manifest.json) now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir", type=Path, help="Write to this directory instead of EXPORTS_DIR."
        )
        parser.add_argument("--chunk-size", type=int, help="Rows per database round trip.")

    def handle(self, *args: Any, **options: Any) -> None:
        conf = exports_conf()
        if options["dir"] is not None:
            built = exports_build(
                directory=options["dir"],
                chunk_size=options["chunk_size"] or conf.chunk_size,
                gzip_level=conf.gzip_level,
            )
            self.stdout.write(
                f"Built {built.rows} rows in {built.seconds:.1f} s to {options['dir']}."
            )
            return
        outcome = exports_rebuild(force=True)
        state = state_get()
        if outcome is Outcome.BUILT:
            self.stdout.write(
                f"Built {state.last_rows} rows in {state.last_seconds:.1f} s to {conf.directory}."
            )
        elif outcome is Outcome.BUSY:
            raise CommandError("Another build is running; try again when it has finished.")
        else:
            raise CommandError(f"The build failed: {state.last_error}")
