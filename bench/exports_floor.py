"""The floor of bench_exports: a process that starts Django as `manage.py buildexports` does and
writes one constant row N times with the csv module. No database, no JSON, no gzip: what
writing that many rows costs at the least, in time and in memory.

    python -m bench.exports_floor --rows N --like statements.csv --out floor.csv
"""

from __future__ import annotations

import argparse
import csv
import os
import sys

import django


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--like", required=True, help="a CSV file: its first data row is written")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    with open(args.like, encoding="utf-8", newline="") as source:
        reader = csv.reader(source)
        header = next(reader)
        row = next(reader)
    with open(args.out, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for _ in range(args.rows):
            writer.writerow(row)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
