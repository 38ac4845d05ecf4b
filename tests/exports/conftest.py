"""Fixtures for the bulk exports: a directory of their own for each test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def exports_dir(tmp_path: Path, settings: Any) -> Path:
    """EXPORTS_DIR for this test (not made yet: the first build makes it)."""
    directory = tmp_path / "exports"
    settings.EXPORTS_DIR = str(directory)
    return directory
