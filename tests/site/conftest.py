"""Fixtures for the public site: generated timelines."""

from __future__ import annotations

import pytest

from apps.site.services import GeneratedTimeline, timeline_generate


@pytest.fixture
def timeline_1000(db: None) -> GeneratedTimeline:
    return timeline_generate(count=1000, slug="big-lab", name="Big Lab")


@pytest.fixture
def timeline_10(db: None) -> GeneratedTimeline:
    return timeline_generate(count=10, slug="small-lab", name="Small Lab", distinct_days=5)
