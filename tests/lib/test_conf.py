"""Typed settings (apps/lib/conf.py), read the way the apps read theirs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.alerts.conf import alerts_conf
from apps.ingest.conf import ingest_conf
from apps.lib.conf import setting, settings_read


@dataclass(frozen=True)
class SampleConf:
    batch: int = setting("SAMPLE_BATCH", 50)
    budget_seconds: float = setting("SAMPLE_BUDGET_SECONDS", 75.0)
    timeout_seconds: float = setting("SAMPLE_TIMEOUT_SECONDS", 300.0, legacy=("SAMPLE_STALE",))


def test_a_setting_not_in_settings_py_has_its_default() -> None:
    assert settings_read(SampleConf) == SampleConf(batch=50, budget_seconds=75.0)


def test_a_setting_is_converted_to_its_declared_type(settings: Any) -> None:
    settings.SAMPLE_BATCH = "12"
    settings.SAMPLE_BUDGET_SECONDS = 3
    conf = settings_read(SampleConf)
    assert conf.batch == 12 and isinstance(conf.batch, int)
    assert conf.budget_seconds == 3.0 and isinstance(conf.budget_seconds, float)


def test_a_renamed_setting_is_still_read_under_its_old_name_and_the_new_one_wins(
    settings: Any,
) -> None:
    settings.SAMPLE_STALE = 42
    assert settings_read(SampleConf).timeout_seconds == 42.0
    settings.SAMPLE_TIMEOUT_SECONDS = 7
    assert settings_read(SampleConf).timeout_seconds == 7.0


def test_a_setting_that_cannot_be_converted_is_refused_with_its_name(settings: Any) -> None:
    settings.SAMPLE_BATCH = "fifty"
    with pytest.raises(ImproperlyConfigured, match="SAMPLE_BATCH = 'fifty' is not of type int"):
        settings_read(SampleConf)


def test_the_apps_read_their_settings_typed_and_changes_apply_at_once(settings: Any) -> None:
    assert alerts_conf().send_batch == 50
    settings.ALERTS_SEND_BATCH = 5
    assert alerts_conf().send_batch == 5
    settings.INGEST_STALE_SECONDS = 30  # the old name of INGEST_CLAIM_TIMEOUT_SECONDS
    assert ingest_conf().claim_timeout_seconds == 30.0
    assert alerts_conf().backoff.cap == 6 * 3600
