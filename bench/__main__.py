"""Run every benchmark module (or those named) and print their tables; write them as Markdown.

    python -m bench [NAME ...] [--sizes 1k,10k,100k,1m] [--keep-data] [--out DIR] [--no-write]
        [--note TEXT]

NAME: a module of bench/ (``bench_lab_pages`` or ``lab_pages``); none: all of them. --sizes: the
sizes the sized benchmarks generate (bench/generate.py; BENCH_SIZES). The tables are written to
DIR/<date>-<host>.md (default bench/results/) with the machine's description, and copied to
DIR/latest.md; --note adds a line to its header (e.g. that the machine was shared).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import sys
import time
from pathlib import Path

import django

RESULTS = Path(__file__).resolve().parent / "results"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmark modules to run (default: all)")
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", ""))
    parser.add_argument("--keep-data", action="store_true", help="keep the sized databases")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--note", default=os.environ.get("BENCH_NOTE", ""))
    return parser


def main(argv: list[str]) -> int:
    options = _parser().parse_args(argv)
    if options.sizes:
        os.environ["BENCH_SIZES"] = options.sizes
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    # aiosmtpd logs every SMTP command at INFO; the tables are what a reader wants to see.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    import bench
    from bench.generate import drop_sized_databases
    from bench.machine import machine_description, results_write

    names = [n if n.startswith("bench_") else f"bench_{n}" for n in options.names] or sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    )
    if not names:
        print("No benchmarks yet.")
        return 0
    machine = machine_description()
    started = time.monotonic()
    tables = []
    try:
        for name in names:
            module = importlib.import_module(f"bench.{name}")
            table = module.run()
            tables.append(table)
            print(table.render(), end="\n\n", flush=True)
    finally:
        if not options.keep_data:
            drop_sized_databases()
    if not options.no_write and tables:
        minutes = (time.monotonic() - started) / 60
        written = results_write(
            options.out, tables, machine=machine, minutes=minutes, note=options.note
        )
        print(f"Written: {written} (and {options.out / 'latest.md'})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
