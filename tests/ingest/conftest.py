"""Fixtures for ingestion tests. The demo pages and feed builders are in tests/support/feeds.py."""

from __future__ import annotations

import pytest
from pytest_django import Settings as SettingsWrapper


@pytest.fixture
def allow_private(settings: SettingsWrapper) -> None:
    settings.FETCH_ALLOW_PRIVATE = True
