"""CITATION.cff: valid Citation File Format 1.2.0, checked against the format's own schema.

The schema is vendored in tests/data/ (see its README): the tests run offline.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "tests" / "data" / "cff-1.2.0.schema.json").read_text())


def _cff() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _problems(data: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    return [error.message for error in validator.iter_errors(data)]


def test_the_citation_file_is_valid_cff_1_2_0() -> None:
    data = _cff()
    assert data["cff-version"] == "1.2.0"
    assert _problems(data) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("authors"), "'authors' is a required property"),
        (lambda d: d.update({"cff-version": "1.1.0"}), "'1.1.0' does not match"),
        (lambda d: d.update({"type": "book"}), "'book' is not one of ['dataset', 'software']"),
    ],
)
def test_the_schema_rejects_a_broken_citation_file(change: Any, expected: str) -> None:
    data = _cff()
    change(data)
    assert any(expected in problem for problem in _problems(data)), _problems(data)


def test_the_citation_file_names_the_version_the_project_declares() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert str(_cff()["version"]) == project["version"]
