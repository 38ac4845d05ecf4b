"""Fixtures for the public site: compiled translations, a generated timeline, Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from apps.site.services import GeneratedTimeline, timeline_generate


@pytest.fixture(scope="session", autouse=True)
def _compiled_messages() -> None:
    """The Japanese pages need django.mo; `make` builds it, this covers a bare `pytest`."""
    for po in Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            call_command("compilemessages", ignore_patterns=[".venv", "var"], verbosity=0)
            break


@pytest.fixture
def timeline_1000(db: None) -> GeneratedTimeline:
    return timeline_generate(count=1000, slug="big-lab", name="Big Lab")


@pytest.fixture
def timeline_10(db: None) -> GeneratedTimeline:
    return timeline_generate(count=10, slug="small-lab", name="Small Lab", distinct_days=5)


SCREENSHOTS = Path(settings.BASE_DIR, "test-output", "screenshots")
