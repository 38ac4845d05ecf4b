"""Reading a folder of YAML files, one record per file, without trusting any of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from apps.datasets.parsers import Files, ParseError, SnapshotError


def yaml_files(files: Files, *, folder: str, suffixes: tuple[str, ...]) -> list[str]:
    """The names of files directly in a folder called ``folder`` (anywhere), sorted."""
    return sorted(
        name
        for name in files
        if PurePosixPath(name).suffix.lower() in suffixes
        and PurePosixPath(name).parent.name == folder
    )


def yaml_documents(
    files: Files, names: list[str]
) -> Iterator[tuple[str, dict[str, Any] | ParseError]]:
    """Each file's stem and its mapping, or the error that says why it is not one."""
    try:
        # Imported here: PyYAML is a dev dependency so far, and the app must load without it.
        import yaml
    except ImportError:
        raise SnapshotError("PyYAML is not installed: YAML datasets cannot be read.") from None
    for name in names:
        stem = PurePosixPath(name).stem
        try:
            document = yaml.safe_load(files[name].decode("utf-8-sig"))
        except UnicodeDecodeError:
            yield stem, ParseError(stem, f"{name} is not UTF-8 text")
            continue
        except yaml.YAMLError as error:
            yield stem, ParseError(stem, f"{name} is not valid YAML: {error}")
            continue
        if not isinstance(document, dict):
            yield stem, ParseError(stem, f"{name} is not a YAML mapping")
            continue
        yield stem, document


def text(value: object) -> str:
    """A YAML scalar as text; None and containers become ''."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()
