"""Data that lives beside the repository, in ``../shared``, not in it.

A few tests read outside data too large or not ours to vendor: the Compose specification's JSON
schema, feedparser's test corpus. A plain clone with nothing beside it must still pass, so such
a test asks :func:`shared_path` for its file, and is skipped, saying what is missing, when it is
absent. CI checks ``../shared`` out and sets ``CI=true``: there a missing file fails the test
instead, so that a broken checkout cannot pass by skipping.

``APERTURE_SHARED_DIR`` points the tests at another directory than ``../shared``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

__all__ = ["in_ci", "shared_path", "shared_root"]

REPOSITORY = Path(__file__).resolve().parents[2]
TRUE_VALUES = {"1", "true", "yes"}


def shared_root() -> Path:
    """Where the shared data is expected: ``APERTURE_SHARED_DIR``, else ``../shared``."""
    configured = os.environ.get("APERTURE_SHARED_DIR", "").strip()
    return Path(configured) if configured else REPOSITORY.parent / "shared"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in TRUE_VALUES


def shared_path(*parts: str) -> Path:
    """The path of ``parts`` under the shared directory, when it exists.

    When it does not, the calling test is skipped with the reason, or fails under ``CI=true``.
    """
    path = shared_root().joinpath(*parts)
    if path.exists():
        return path
    if in_ci():
        pytest.fail(
            f"{path} is absent, and CI=true requires it: check the shared data out beside the "
            f"repository (../shared) or set APERTURE_SHARED_DIR.",
            pytrace=False,
        )
    pytest.skip(
        f"{path} is absent: this test needs the shared data beside the repository "
        f"(../shared, or APERTURE_SHARED_DIR); under CI=true its absence fails instead."
    )
