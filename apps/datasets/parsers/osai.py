"""The Opening up ChatGPT / European Open Source AI Index project files (``projects/*.yaml``).

Each file rates one model on 14 dimensions, each open, partial or closed, with an evidence link
and notes. A file without a project name, or missing a dimension, is an error for that record.
"""

from __future__ import annotations

from collections.abc import Iterator

from apps.datasets.parsers import Claim, Files, Parsed, ParsedRecord, ParseError, SnapshotError
from apps.datasets.parsers.yamlfiles import text, yaml_documents, yaml_files

RECORD_URL = (
    "https://github.com/opening-up-chatgpt/opening-up-chatgpt.github.io/blob/main/projects/{name}"
)
DIMENSIONS = (
    "opencode", "llmdata", "llmweights", "rldata", "rlweights", "license", "code",
    "architecture", "preprint", "paper", "modelcard", "datasheet", "package", "api",
)  # fmt: skip
CLASSES = {"open", "partial", "closed"}


def parse(files: Files) -> Iterator[Parsed]:
    names = yaml_files(files, folder="projects", suffixes=(".yaml", ".yml"))
    if not names:
        raise SnapshotError("The snapshot has no projects/*.yaml files.")
    for stem, document in yaml_documents(files, names):
        yield document if isinstance(document, ParseError) else _record(stem, document)


def _record(stem: str, document: dict[str, object]) -> Parsed:
    project, org = document.get("project"), document.get("org")
    if not isinstance(project, dict) or not text(project.get("name")):
        return ParseError(stem, "project.name is missing")
    url = RECORD_URL.format(name=f"{stem}.yaml")
    claims: list[Claim] = []
    if isinstance(org, dict) and (developer := text(org.get("name"))):
        claims.append(Claim("developer", developer, text(org.get("link")) or url))
    missing = [name for name in DIMENSIONS if not isinstance(document.get(name), dict)]
    if missing:
        return ParseError(stem, f"missing dimensions: {', '.join(missing)}")
    for name in DIMENSIONS:
        entry = document[name]
        assert isinstance(entry, dict)
        rating = text(entry.get("class")).lower()
        if rating not in CLASSES:
            return ParseError(stem, f"{name}.class is “{rating}”, not open, partial or closed")
        claims.append(
            Claim(f"class:{name}", rating, text(entry.get("link")), text(entry.get("notes")))
        )
    return ParsedRecord(key=stem, raw=document, claims=tuple(claims), upstream_url=url)
