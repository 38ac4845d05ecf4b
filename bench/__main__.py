"""Run every benchmark module (or those named on the command line) and print their tables."""

from __future__ import annotations

import importlib
import logging
import os
import pkgutil
import sys

import django


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    # aiosmtpd logs every SMTP command at INFO; the tables are what a reader wants to see.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    import bench

    names = argv or sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    )
    if not names:
        print("No benchmarks yet.")
        return 0
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(module.run().render(), end="\n\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
