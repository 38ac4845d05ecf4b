"""cProfile around a measured block, on demand: BENCH_PROFILE=1 make bench BENCH_ARGS=bench_alerts.

The top entries by cumulative and by own time go to bench/results/profile-<label>.txt (and their
first lines to stdout), the figures bench/README.md quotes. Off by default: profiling slows the
measured code down, so a profiled run's figures are not the benchmark's.
"""

from __future__ import annotations

import contextlib
import cProfile
import io
import os
import pstats
from collections.abc import Iterator
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def profiling() -> bool:
    return os.environ.get("BENCH_PROFILE", "") not in ("", "0")


@contextlib.contextmanager
def profiled(label: str, *, top: int = 25) -> Iterator[None]:
    if not profiling():
        yield
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        out = io.StringIO()
        for order in ("cumulative", "tottime"):
            out.write(f"--- {label}, by {order} ---\n")
            pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order).print_stats(top)
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"profile-{label}.txt").write_text(out.getvalue(), encoding="utf-8")
        print(f"profile of {label}: {RESULTS / f'profile-{label}.txt'}", flush=True)
