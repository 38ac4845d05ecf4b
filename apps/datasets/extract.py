"""The facts-only demo extract of the three dataset snapshots that `make run` imports.

The snapshots in ``../shared/datasets`` are not ours to copy into the repository. Their licences
(Epoch AI: CC BY 4.0; Model Openness Tool: MIT; Open Source AI Index data: CC BY 4.0) do allow
redistribution with attribution, so the repository carries a small extract of their facts in
``apps/datasets/demo/``: names, organisations, dates, parameter counts, access levels, licences,
openness classes and links. Every note, description, abstract and other prose is left out, by
whitelists of the keys kept rather than blacklists of the keys dropped, so a new prose column
upstream never slips in. ``manage.py extract_demo_datasets`` writes the extract with its README
(source, licence, snapshot, what was removed); ``manage.py seed_demo_datasets`` imports it.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

import yaml

from apps.datasets.models import ImportRun
from apps.datasets.parsers import Files, ParsedRecord, epoch
from apps.datasets.parsers.osai import DIMENSIONS
from apps.datasets.parsers.yamlfiles import yaml_documents, yaml_files
from apps.datasets.registry import DATASETS
from apps.datasets.sources import content_version, snapshot_from_path

DEMO_DIR = Path(__file__).resolve().parent / "demo"
#: Where each dataset's extract lives under DEMO_DIR: what `importdataset --from` is given.
DEMO_SOURCES = {"epoch": "epoch.csv", "mot": "mot", "osai": "osai"}
#: Where each dataset's snapshot lives under ../shared/datasets.
SNAPSHOT_SOURCES = {
    "epoch": "epoch/all-ml-systems-2024-11.csv",
    "mot": "mot",
    "osai": "osai",
}
#: The most Epoch rows kept: the newest releases with an access level (the file has 1,755).
EPOCH_ROWS = 300
MAX_BYTES = 50 * 1024 * 1024

#: Epoch: the columns the importer reads, all facts (Epoch's notes, abstract, authors and
#: confidence columns are left out). Found by header name, as the parser finds them.
EPOCH_FIELDS = (
    "key",
    "developer",
    "release_date",
    "parameters",
    "access_level",
    "training_code",
    "training_data",
    "link",
)
#: MOT: the keys kept at each level of a model file (component descriptions, the contact
#: address and component paths that are free text are left out).
MOT_KEYS: Mapping[str, tuple[str, ...]] = {
    "": ("framework", "release"),
    "framework": ("name", "version", "date"),
    "release": (
        "name", "version", "date", "type", "architecture", "origin", "producer",
        "repository", "huggingface", "license", "components",
    ),
    "release.license": ("distribution", "code", "data", "document"),
    "release.license.*": ("name", "path"),
    "release.components": ("name", "license", "license_path"),
}  # fmt: skip
#: OSAI: the project's name, link and licence, the organisation's name and link, and for each
#: of the 14 dimensions its class and evidence link (every ``notes`` is left out).
OSAI_KEYS: Mapping[str, tuple[str, ...]] = {
    "project": ("name", "link", "license"),
    "org": ("name", "link"),
    "dimension": ("class", "link"),
}


@dataclass(frozen=True)
class Snapshot:
    """What the README says about the snapshot an extract was made from."""

    description: str
    licence: str
    licence_url: str


#: Keep in step with ../shared/datasets/README.md when the snapshots are replaced.
SNAPSHOTS = {
    "epoch": Snapshot(
        "`epoch-research/open-model-trends`, commit a72b3e9 (2024-11-05), file "
        "`data/All ML Systems - full view.csv`",
        "CC BY 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "mot": Snapshot(
        "`lfai/model_openness_tool`, commit 8b5d30e (2026-05-11), `models/*.yml` and "
        "`schema/mof_schema.json`",
        "MIT (the notice is in `mot/LICENSE`)",
        "https://github.com/lfai/model_openness_tool/blob/main/LICENSE",
    ),
    "osai": Snapshot(
        "`opening-up-chatgpt/opening-up-chatgpt.github.io`, commit 801f687 (2025-03-11), "
        "`projects/*.yaml`",
        "CC BY 4.0 (the data; the project's code is Apache-2.0 and none of it is copied)",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
}


@dataclass(frozen=True)
class Extracted:
    """One dataset's extract: its files (path under DEMO_DIR -> bytes), records kept and read,
    and the files the importer refuses, left out (a test file, a template without a name)."""

    files: dict[str, bytes]
    kept: int
    read: int
    refused: tuple[str, ...] = ()


def _accepted(dataset: str, files: Files) -> dict[str, ParsedRecord]:
    """The records the importer accepts from ``files``, by key."""
    return {
        item.key: item for item in DATASETS[dataset].parse(files) if isinstance(item, ParsedRecord)
    }


def epoch_extract(body: bytes, *, rows: int = EPOCH_ROWS) -> Extracted:
    """The newest ``rows`` releases that have an organisation, a date and an access level,
    with only the whitelisted columns."""
    accepted = _accepted("epoch", {"epoch.csv": body})
    reader = csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline=""))
    columns = epoch.columns_find(list(reader.fieldnames or []))
    kept_columns = [columns[name] for name in EPOCH_FIELDS if name in columns]

    def release(record: ParsedRecord) -> str:
        values = {claim.field: claim.value for claim in record.claims}
        wanted = ("developer", "release_date", "access_level")
        return values["release_date"] if all(values.get(name) for name in wanted) else ""

    newest = sorted(
        (key for key, record in accepted.items() if release(record)),
        key=lambda key: (release(accepted[key]), key),
        reverse=True,
    )[:rows]
    by_key: dict[str, dict[str, str]] = {}
    for row in reader:
        # The first row of a model wins, as in the parser.
        by_key.setdefault((row.get(columns["key"]) or "").strip(), row)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=kept_columns, extrasaction="ignore")
    writer.writeheader()
    for key in newest:
        writer.writerow({column: by_key[key][column] for column in kept_columns})
    return Extracted({DEMO_SOURCES["epoch"]: out.getvalue().encode()}, len(newest), len(by_key))


def _kept(document: object, keys: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(document, dict):
        return {}
    return {key: document[key] for key in keys if key in document}


def mot_document(document: dict[str, Any]) -> dict[str, Any]:
    """A Model Openness Tool model file with only the whitelisted keys."""
    kept = _kept(document, MOT_KEYS[""])
    if "framework" in kept:
        kept["framework"] = _kept(kept["framework"], MOT_KEYS["framework"])
    release = kept.get("release")
    if isinstance(release, dict):
        release = kept["release"] = _kept(release, MOT_KEYS["release"])
        if isinstance(release.get("license"), dict):
            release["license"] = {
                kind: _kept(entry, MOT_KEYS["release.license.*"])
                for kind, entry in _kept(release["license"], MOT_KEYS["release.license"]).items()
            }
        if isinstance(release.get("components"), list):
            release["components"] = [
                _kept(component, MOT_KEYS["release.components"])
                for component in release["components"]
            ]
    return kept


def osai_document(document: dict[str, Any]) -> dict[str, Any]:
    """An Open Source AI Index project file with only the whitelisted keys."""
    kept = {name: _kept(document.get(name), OSAI_KEYS[name]) for name in ("project", "org")}
    for name in DIMENSIONS:
        if name in document:
            kept[name] = _kept(document[name], OSAI_KEYS["dimension"])
    return kept


def _yaml_extract(
    dataset: str, files: Files, folder: str, strip: Callable[[dict[str, Any]], dict[str, Any]]
) -> Extracted:
    """Each YAML record of ``folder`` stripped to its facts; files the importer would refuse
    (a test file, a template without a name) are left out."""
    names = yaml_files(files, folder=folder, suffixes=(".yaml", ".yml"))
    stripped: dict[str, bytes] = {}
    for name, (_stem, document) in zip(names, yaml_documents(files, names), strict=True):
        if isinstance(document, dict):
            text = yaml.safe_dump(strip(document), sort_keys=False, allow_unicode=True, width=1000)
            stripped[f"{dataset}/{folder}/{PurePath(name).name}"] = text.encode()
    schema = {
        f"{dataset}/schema/mof_schema.json": body
        for path, body in files.items()
        if PurePath(path).name == "mof_schema.json"
    }
    accepted = _accepted(dataset, {**stripped, **schema})
    kept = {path: body for path, body in stripped.items() if PurePath(path).stem in accepted}
    refused = sorted(
        PurePath(name).name
        for name in names
        if f"{dataset}/{folder}/{PurePath(name).name}" not in kept
    )
    return Extracted({**kept, **schema}, len(kept), len(names), tuple(refused))


def mot_extract(files: Files) -> Extracted:
    extracted = _yaml_extract("mot", files, "models", mot_document)
    notice = {"mot/LICENSE": files["LICENSE"]} if "LICENSE" in files else {}
    return Extracted(
        {**extracted.files, **notice}, extracted.kept, extracted.read, extracted.refused
    )


def osai_extract(files: Files) -> Extracted:
    return _yaml_extract("osai", files, "projects", osai_document)


def demo_extract_write(*, snapshots: Path, target: Path = DEMO_DIR) -> dict[str, Extracted]:
    """Write the extract of the snapshots in ``snapshots`` (../shared/datasets) to ``target``,
    replacing what was there, with its README. Returns each dataset's extract."""
    read = {
        key: snapshot_from_path(snapshots / path, max_bytes=MAX_BYTES).files
        for key, path in SNAPSHOT_SOURCES.items()
    }
    extracts = {
        "epoch": epoch_extract(next(iter(read["epoch"].values()))),
        "mot": mot_extract(read["mot"]),
        "osai": osai_extract(read["osai"]),
    }
    for name in DEMO_SOURCES.values():
        path = target / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    for extract in extracts.values():
        for relative, body in extract.files.items():
            path = target / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
    (target / "README.md").write_text(readme(extracts), encoding="utf-8")
    return extracts


def _refused(extract: Extracted) -> str:
    return ", ".join(f"`{name}`" for name in extract.refused) or "none"


def readme(extracts: Mapping[str, Extracted]) -> str:
    """The extract's README: what it is, each dataset's source, licence and attribution, and
    what was left out."""
    epoch_kept = [name for name in EPOCH_FIELDS if name != "key"]
    sections = {
        "epoch": (
            f"`epoch.csv`: {extracts['epoch'].kept} of {extracts['epoch'].read} rows, the newest "
            "releases that name an organisation, a date and an access level. Columns kept: the "
            f"model name and {', '.join(epoch_kept)} (under Epoch's own headers). Left out: "
            "every other column, among them all notes, the abstract, authors, citations, "
            "compute, hardware and cost estimates."
        ),
        "mot": (
            f"`mot/models/`: {extracts['mot'].kept} of {extracts['mot'].read} model files, "
            "each with only its framework (name, version, date) and release name, version, "
            "date, type, architecture, origin, producer, repository and Hugging Face links, "
            "licences (name, path) and components (name, licence, licence path). Left out: "
            "component descriptions, contact addresses, component paths, and the files the "
            f"importer refuses ({_refused(extracts['mot'])}). `mot/schema/mof_schema.json` is "
            "the schema the importer checks the files by, as published."
        ),
        "osai": (
            f"`osai/projects/`: {extracts['osai'].kept} of {extracts['osai'].read} project "
            "files, each with only the project's name, link and licence, the organisation's "
            "name and link, and for each of the 14 dimensions its class (open, partial, "
            "closed) and evidence link. Left out: every `notes` field, the base-model "
            f"remarks, and the files the importer refuses ({_refused(extracts['osai'])})."
        ),
    }
    parts = [
        "# Dataset extract for the first run (generated: do not edit by hand)",
        "",
        "A facts-only extract of three public datasets, so that `make run` shows the whole",
        "field on first run: `manage.py seed_demo_datasets` imports it through the normal",
        "import path (`importdataset <key> --from apps/datasets/demo/...`), with no network.",
        "Each value stays its dataset's claim, with the attribution below, on every page",
        "that shows it. Regenerate it from the snapshots beside the repository with",
        "`manage.py extract_demo_datasets` (default `../shared/datasets`); what it keeps is",
        "decided by whitelists in `apps/datasets/extract.py`.",
        "",
        "These files are not Aperture's work and are not covered by Aperture's licence.",
        "They are modified (cut down) copies, under each dataset's own licence:",
    ]
    for key in extracts:
        info, snapshot = DATASETS[key], SNAPSHOTS[key]
        parts += [
            "",
            f"## {info.name}",
            "",
            f"- Source: {info.homepage}; snapshot of {snapshot.description}.",
            f"- Licence: {snapshot.licence}, {snapshot.licence_url}",
            f"- Attribution: {info.attribution}",
            f"- Changes: {sections[key]}",
        ]
    return "\n".join(parts) + "\n"


def demo_source(dataset: str) -> Path:
    """The demo extract of ``dataset``: what ``importdataset --from`` is given."""
    return DEMO_DIR / DEMO_SOURCES[dataset]


def demo_import_skip_reason(*, dataset: str) -> str:
    """Why the demo extract of ``dataset`` is not to be imported now ('' when it is).

    It is imported into a database that has no import of that dataset, and again when the
    extract changed since its last import. It is skipped when the last import was of this very
    extract (so a second `make run` writes nothing), and when it was of anything else (the real
    upstream, a snapshot): the cut-down extract never overwrites fuller data.
    """
    last = (
        ImportRun.objects.filter(
            dataset__key=dataset,
            dry_run=False,
            state__in=[ImportRun.State.OK, ImportRun.State.PARTIAL],
        )
        .order_by("-started_at", "-id")
        .first()
    )
    if last is None:
        return ""
    source = demo_source(dataset)
    if PurePath(last.source).parts[-3:] != ("datasets", "demo", source.name):
        return f"left alone: last imported from {last.source}"
    if last.version == content_version(snapshot_from_path(source, max_bytes=MAX_BYTES).files):
        return "already imported"
    return ""
