"""The machine a bench run measured, and the Markdown file of its tables (bench/results/)."""

from __future__ import annotations

import datetime
import os
import platform
import shutil
import socket
from pathlib import Path

from django.db import connection

from bench.table import Table

__all__ = ["machine_description", "results_write"]


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float:
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def machine_description() -> dict[str, str]:
    """CPU, cores, RAM, PostgreSQL, Python, and the load average at the start of the run."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "host": socket.gethostname(),
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count()),
        "RAM": f"{_memory_gb():.1f} GB",
        "PostgreSQL": postgres,
        "Python": platform.python_version(),
        "OS": f"{platform.system()} {platform.release()}",
        "load average at the start (1, 5, 15 min)": load_average(),
    }


def results_write(
    directory: Path, tables: list[Table], *, machine: dict[str, str], minutes: float, note: str
) -> Path:
    """Write the tables to ``<directory>/<date>-<host>.md`` and copy it to latest.md."""
    directory.mkdir(parents=True, exist_ok=True)
    today = datetime.date.today().isoformat()
    path = directory / f"{today}-{machine['host']}.md"
    lines = [f"# Benchmarks, {today}", ""]
    if note:
        lines += [f"**{note}**", ""]
    lines += [f"- {key}: {value}" for key, value in machine.items()]
    lines += [
        f"- load average at the end: {load_average()}",
        f"- duration: {minutes:.1f} minutes",
        "",
        "Every figure is measured beside its floor in the same run (bench/README.md).",
        "",
    ]
    for table in tables:
        lines += [table.markdown(), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    shutil.copyfile(path, directory / "latest.md")
    return path
