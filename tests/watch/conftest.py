from __future__ import annotations

import pytest
from pytest_django import Settings as SettingsWrapper


@pytest.fixture
def allow_private(settings: SettingsWrapper) -> None:
    """The local test server is on loopback; the link checks may reach it."""
    settings.FETCH_ALLOW_PRIVATE = True
