"""What every presenter shares: labels in both languages, page URLs, lab and model references."""

from __future__ import annotations

import functools

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation

from apps.catalog.models import (
    AIModel,
    Alias,
    Company,
)
from apps.claims.models import (
    Statement,
)
from apps.datasets.compare import field_label

LANGUAGES = ("en", "ja")


@functools.cache
def _choice_labels(choices: type[models.Choices], value: str) -> dict[str, str]:
    label = choices(value).label
    found = {}
    for language in LANGUAGES:
        with translation.override(language):
            found[language] = str(label)
    return found


def labels(choices: type[models.Choices], value: str) -> dict[str, str]:
    """A code's label in English and Japanese (the site's own translations)."""
    return _choice_labels(choices, value)


def field_labels(field: str) -> dict[str, str]:
    found = {}
    for language in LANGUAGES:
        with translation.override(language):
            found[language] = field_label(field)
    return found


#: Stands in for a record's key while its URL pattern is reversed once per language (digits,
#: so that an <int:pk> pattern takes it too).
_SENTINEL = "918273645546372819"


@functools.cache
def _url_pattern(name: str, key: str, language: str) -> str:
    with translation.override(language):
        return reverse(name, kwargs={key: _SENTINEL})


def page_urls_by_name(name: str, key: str, value: object) -> dict[str, str]:
    # reverse() per item and language cost a page of 100 statements 200 reverses; a pattern
    # reversed once per language, with the key put in, is the same URL at a string's cost.
    site = settings.SITE_URL
    return {
        language: site + _url_pattern(name, key, language).replace(_SENTINEL, str(value))
        for language in LANGUAGES
    }


def page_urls(record: Company | AIModel | Statement) -> dict[str, str]:
    """The record's page on the site in each language (the path may differ by language)."""
    if isinstance(record, Statement):
        return page_urls_by_name("statement", "pk", record.pk)
    return page_urls_by_name("lab" if isinstance(record, Company) else "model", "slug", record.slug)


def aliases_by_owner(rows: list[Alias], owner: str) -> dict[int, list[Alias]]:
    grouped: dict[int, list[Alias]] = {}
    for alias in rows:
        grouped.setdefault(getattr(alias, f"{owner}_id"), []).append(alias)
    return grouped


def aliases_listed(rows: list[Alias]) -> list[dict[str, str]]:
    return [{"name": alias.name, "language": alias.language} for alias in rows]


def name_ja(rows: list[Alias]) -> str | None:
    return next((alias.name for alias in rows if alias.language == "ja"), None)


def lab_ref(company: Company) -> dict[str, str]:
    return {"slug": company.slug, "name": company.name}


def model_ref(ai_model: AIModel) -> dict[str, str]:
    return {"slug": ai_model.slug, "name": ai_model.name}
