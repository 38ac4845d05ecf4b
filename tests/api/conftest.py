"""Fixtures for the read API: a limit no ordinary test reaches, and the seeded record."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings: Any) -> None:
    """Only tests/api/test_rate_limit.py is about the limit; the rest must never meet it."""
    settings.API_RATE_LIMIT = 1_000_000
