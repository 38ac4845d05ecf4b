"""Typed settings: each app declares its own once, as a frozen dataclass, and reads them typed.

The one style for an app's settings (apps/alerts/conf.py, apps/ingest/conf.py)::

    @dataclass(frozen=True)
    class IngestConf:
        # Why this exists, and what it bounds.
        max_attempts: int = setting("INGEST_MAX_ATTEMPTS", 5)

    def ingest_conf() -> IngestConf:
        return settings_read(IngestConf)

    ingest_conf().max_attempts  # an int, whatever type settings.py gave it

Every setting keeps its full name beside its field, so searching for ``INGEST_MAX_ATTEMPTS``
finds where it is declared. Any of them can be set in config/settings.py; values are read from
``django.conf.settings`` at each call, so pytest-django's ``settings`` fixture and
``override_settings`` take effect at once. A setting that was renamed keeps working under its
old name (``legacy``) until settings.py and deployments stop using it.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_SETTING = "setting"
_LEGACY = "legacy"
_TYPES: tuple[type, ...] = (bool, int, float, str)


def setting[T](name: str, default: T, *, legacy: tuple[str, ...] = ()) -> T:
    """A dataclass field read from ``settings.<name>`` (or, failing that, an old ``legacy`` name),
    with ``default`` when settings.py sets neither."""
    return dataclasses.field(default=default, metadata={_SETTING: name, _LEGACY: legacy})


@functools.cache
def _field_types(cls: type) -> dict[str, type]:
    hints = typing.get_type_hints(cls)
    for name, kind in hints.items():
        if kind not in _TYPES:
            raise TypeError(f"{cls.__name__}.{name}: a setting is one of bool, int, float, str")
    return hints


def settings_read[C: DataclassInstance](cls: type[C]) -> C:
    """An instance of the settings dataclass ``cls`` with each field from django.conf.settings,
    converted to the field's type (``ALERTS_SEND_BATCH = "50"`` from the environment is 50)."""
    types = _field_types(cls)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        for name in (field.metadata[_SETTING], *field.metadata[_LEGACY]):
            if hasattr(settings, name):
                value, kind = getattr(settings, name), types[field.name]
                try:
                    values[field.name] = kind(value)
                except (TypeError, ValueError) as error:
                    raise ImproperlyConfigured(
                        f"settings.{name} = {value!r} is not of type {kind.__name__}."
                    ) from error
                break
    return cls(**values)
