"""The soak's short version (`make soak` runs ten minutes): sixty seconds of steady load on the
site served by gunicorn, while a real Celery worker and beat ingest a local feed, sync the
datasets, check watched pages and fan alerts out to a local SMTP server (bench/soak).

It asserts what must hold however slow the machine: no request failed, and the run produced its
per-minute figures. The timing and memory targets are printed, not asserted (speed lives in
benchmarks, never in a timed test).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.slow, pytest.mark.process, pytest.mark.worker]


def test_a_minute_of_steady_load_with_background_work_answers_every_request(
    tmp_path: Path,
) -> None:
    out = ROOT / "test-output" / "soak-ci"
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
        "REDIS_URL": settings.CELERY_BROKER_URL,
    }
    finished = subprocess.run(
        [
            sys.executable, "-m", "bench.soak", "--seconds", "60", "--window", "60",
            "--datasets-every", "30", "--out", str(out),
        ],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    print(finished.stdout[-6000:])
    assert finished.returncode == 0, finished.stderr[-4000:]
    figures = json.loads((out / "soak.json").read_text())
    assert figures["errors"] == [], figures["errors"][:10]
    windows = figures["windows"]
    assert len(windows) == 1
    assert windows[0]["requests"] > 0
    assert 0 < windows[0]["p50_ms"] <= windows[0]["p95_ms"] <= windows[0]["p99_ms"]
    assert set(figures["rss_kb"]) == {"web", "worker", "beat"}
    assert all(series[-1][1] > 0 for series in figures["rss_kb"].values())
    assert "| window | requests | errors | p50 | p95 | p99 | max |" in (out / "soak.md").read_text()
