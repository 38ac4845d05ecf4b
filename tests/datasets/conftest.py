"""Fixtures for dataset imports: fetches to the loopback test server are allowed."""

from __future__ import annotations

import pytest
from pytest_django import Settings as SettingsWrapper


@pytest.fixture(autouse=True)
def allow_private(settings: SettingsWrapper) -> None:
    settings.FETCH_ALLOW_PRIVATE = True
    # No test may fall back to a real upstream: an unset --from must fail, not go online.
    settings.DATASETS_EPOCH_URL = ""
    settings.DATASETS_MOT_URL = ""
    settings.DATASETS_OSAI_URL = ""
