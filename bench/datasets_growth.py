"""Dataset imports at 1x, 2x and 4x the data, for bench_datasets: the growth of the import
beside the growth of its floor (reading and parsing the same files, no database).

The larger snapshots are the three datasets' files copied k times, each copy's records renamed
so that they are new records (an Epoch row's System, a MOT release name, an OSAI project name
get " copy k"), written to a temporary folder in the same layout. The source is
../shared/datasets when present, else the demo extract in apps/datasets/demo (smaller: 355
Epoch rows, 272 MOT and 46 OSAI files), and the table says which.
"""

from __future__ import annotations

import csv
import io
import tempfile
import time
from pathlib import Path

import yaml
from django.db import transaction

from bench.table import Table

FACTORS = (1, 2, 4)
DEMO = Path(__file__).resolve().parents[1] / "apps" / "datasets" / "demo"


class _Rollback(Exception):
    pass


def _sources(root: Path, layout: dict[str, str]) -> dict[str, Path]:
    return {key: root / path for key, path in layout.items()}


def _grown(sources: dict[str, Path], factor: int, into: Path) -> dict[str, Path]:
    """The three snapshots with every record present ``factor`` times, under ``into``."""
    out: dict[str, Path] = {}
    epoch = sources["epoch"]
    text = epoch.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    name_column = "System" if rows and "System" in rows[0] else "Model"
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else [name_column])
    writer.writeheader()
    for copy in range(factor):
        for row in rows:
            suffix = f" copy {copy}" if copy else ""
            writer.writerow({**row, name_column: f"{row[name_column]}{suffix}"})
    out["epoch"] = into / "epoch" / epoch.name
    out["epoch"].parent.mkdir(parents=True)
    out["epoch"].write_text(buffer.getvalue(), encoding="utf-8")
    for key, section in (("mot", "release"), ("osai", "project")):
        folder = into / key
        for path in sorted(p for p in sources[key].rglob("*") if p.is_file()):
            relative = path.relative_to(sources[key])
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
            if path.suffix not in (".yml", ".yaml") or factor == 1:
                continue
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError:
                continue
            if not isinstance(data, dict) or not isinstance(data.get(section), dict):
                continue
            for copy in range(1, factor):
                data[section]["name"] = f"{data[section].get('name')} copy {copy}"
                renamed = target.with_name(f"{path.stem}-copy{copy}{path.suffix}")
                renamed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out[key] = folder
    return out


def growth_table(shared: dict[str, Path], layout: dict[str, str]) -> Table:
    from apps.datasets.extract import MAX_BYTES
    from apps.datasets.registry import DATASETS
    from apps.datasets.services import dataset_import
    from apps.datasets.sources import snapshot_from_path
    from bench.bench_datasets import _empty

    demo = not all(path.exists() for path in shared.values())
    base = _sources(DEMO, {"epoch": "epoch.csv", "mot": "mot", "osai": "osai"}) if demo else shared
    table = Table(
        "Dataset imports at 1x, 2x and 4x the data (all three datasets, from empty)",
        ["data", "records", "floor (s)", "import (s)", "import / floor", "import growth"],
    )
    first = 0.0
    with tempfile.TemporaryDirectory(prefix="aperture-bench-datasets-") as scratch:
        for factor in FACTORS:
            sources = _grown(base, factor, Path(scratch) / f"x{factor}")
            started = time.perf_counter()
            records = 0
            for key, path in sources.items():
                files = snapshot_from_path(path, max_bytes=MAX_BYTES * factor).files
                records += sum(1 for item in DATASETS[key].parse(files) if _is_record(item))
            floor = time.perf_counter() - started
            try:
                with transaction.atomic():
                    _empty()
                    started = time.perf_counter()
                    for key, path in sources.items():
                        run = dataset_import(dataset=key, source=str(path))
                        if run.state == "failed":
                            raise RuntimeError(f"{key} x{factor}: {run.error}")
                    seconds = time.perf_counter() - started
                    raise _Rollback
            except _Rollback:
                pass
            first = first or seconds
            table.add(
                f"{factor}x", records, floor, seconds, f"{seconds / floor:.1f}x",
                f"{seconds / first:.2f}x for {factor}x the data",
            )  # fmt: skip
    table.notes.append(
        ("source: the demo extract (apps/datasets/demo), ../shared/datasets being absent; "
         if demo else "source: ../shared/datasets; ")
        + "copies renamed so that each is a new record; each import rolled back. Linear growth "
        "is 2.00x and 4.00x."
    )  # fmt: skip
    return table


def _is_record(item: object) -> bool:
    from apps.datasets.parsers import ParsedRecord

    return isinstance(item, ParsedRecord)
