"""The Model Openness Tool's model files (``models/*.yml``), checked against its schema.

Each file is one release: its producer, date and, per component of the Model Openness
Framework, the licence it is released under. A file that does not match
``schema/mof_schema.json`` is an error for that record; the schema itself must be in the
snapshot (a folder or archive of the repository), or the run fails.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from apps.datasets.parsers import Claim, Files, Parsed, ParsedRecord, ParseError, SnapshotError
from apps.datasets.parsers.yamlfiles import text, yaml_documents, yaml_files

RECORD_URL = "https://github.com/lfai/model_openness_tool/blob/main/models/{name}"
LICENCE_KINDS = ("distribution", "code", "data", "document")


def _jsonschema() -> Any:
    try:
        # Imported here: jsonschema is a dev dependency so far, and the app must load without it.
        import jsonschema
    except ImportError:
        raise SnapshotError("jsonschema is not installed: MOT files cannot be checked.") from None
    return jsonschema


def _schema(files: Files) -> dict[str, Any]:
    jsonschema = _jsonschema()
    names = [name for name in files if PurePosixPath(name).name == "mof_schema.json"]
    if not names:
        raise SnapshotError("The snapshot has no schema/mof_schema.json to check the models by.")
    try:
        schema = json.loads(files[sorted(names)[0]])
        jsonschema.Draft202012Validator.check_schema(schema)
    except (ValueError, jsonschema.SchemaError) as error:
        raise SnapshotError(
            f"schema/mof_schema.json is not a usable JSON schema: {error}"
        ) from None
    return schema


def parse(files: Files) -> Iterator[Parsed]:
    validator = _jsonschema().Draft202012Validator(_schema(files))
    names = yaml_files(files, folder="models", suffixes=(".yml", ".yaml"))
    if not names:
        raise SnapshotError("The snapshot has no models/*.yml files.")
    for stem, document in yaml_documents(files, names):
        if isinstance(document, ParseError):
            yield document
            continue
        if stem.endswith("-test"):
            yield ParseError(stem, "a test file (*-test.yml), not a model listing: skipped")
            continue
        problems = sorted(validator.iter_errors(document), key=lambda error: list(error.path))
        if problems:
            first = problems[0]
            where = "/".join(str(part) for part in first.path) or "(top)"
            yield ParseError(stem, f"does not match the MOF schema at {where}: {first.message}")
            continue
        yield _record(stem, document)


def _record(stem: str, document: dict[str, object]) -> Parsed:
    release = document.get("release")
    if not isinstance(release, dict) or not text(release.get("name")):
        return ParseError(stem, "release.name is missing")
    url = RECORD_URL.format(name=f"{stem}.yml")
    claims: list[Claim] = []
    if producer := text(release.get("producer")):
        claims.append(Claim("developer", producer, url))
    if released := text(release.get("date")):
        claims.append(Claim("release_date", released, url))
    licences = release.get("license")
    if isinstance(licences, dict):
        for kind in LICENCE_KINDS:
            entry = licences.get(kind)
            if isinstance(entry, dict) and (name := text(entry.get("name"))):
                claims.append(Claim(f"licence:{kind}", name, text(entry.get("path")) or url))
    components = release.get("components")
    for component in components if isinstance(components, list) else []:
        if not isinstance(component, dict):
            continue
        name, licence = text(component.get("name")), text(component.get("license"))
        if name and licence:
            evidence = text(component.get("license_path")) or url
            claims.append(Claim(f"licence:{name}", licence, evidence))
    unique = {claim.field: claim for claim in claims}
    return ParsedRecord(key=stem, raw=document, claims=tuple(unique.values()), upstream_url=url)
