"""`make soak`: run the soak and print its tables; write them as Markdown and JSON.

    python -m bench.soak [--seconds 600] [--rate 10] [--concurrency 4] [--window 60]
        [--datasets-every 120] [--out DIR]

Each option's default comes from the environment when set there (SOAK_SECONDS, SOAK_RATE,
SOAK_CONCURRENCY, SOAK_WINDOW, SOAK_DATASETS_EVERY, SOAK_OUT), so `make soak SOAK_SECONDS=120`
works. The exit status is 0 whatever the verdicts (they are reported, not asserted), 1 if the
run itself failed.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--seconds", type=float, default=float(env("SOAK_SECONDS", "600")))
    parser.add_argument("--rate", type=float, default=float(env("SOAK_RATE", "10")))
    parser.add_argument("--concurrency", type=int, default=int(env("SOAK_CONCURRENCY", "4")))
    parser.add_argument("--window", type=float, default=float(env("SOAK_WINDOW", "60")))
    parser.add_argument(
        "--datasets-every", type=float, default=float(env("SOAK_DATASETS_EVERY", "120"))
    )
    parser.add_argument("--out", type=Path, default=Path(env("SOAK_OUT", "test-output/soak")))
    return parser


def main(argv: list[str]) -> int:
    options = _parser().parse_args(argv)
    # The soak's own process adds the feed and the watches on loopback, and contacts nothing else.
    os.environ["FETCH_ALLOW_PRIVATE"] = "1"
    os.environ["FETCH_LOOPBACK_ONLY"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's every command
    from bench.soak.run import SoakConfig, soak_run

    config = SoakConfig(
        seconds=options.seconds,
        rate=options.rate,
        concurrency=options.concurrency,
        window=options.window,
        datasets_every=options.datasets_every,
        log_dir=options.out / "logs",
    )
    report = soak_run(config)
    print(report.text(), flush=True)
    options.out.mkdir(parents=True, exist_ok=True)
    (options.out / "soak.md").write_text(report.markdown(), encoding="utf-8")
    (options.out / "soak.json").write_text(json.dumps(report.as_json(), indent=1), "utf-8")
    written = f"{options.out / 'soak.md'}, {options.out / 'soak.json'}"
    print(f"\nWritten: {written}; logs in {config.log_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
