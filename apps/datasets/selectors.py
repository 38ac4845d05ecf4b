"""Careful reads over imported datasets: which catalogue company or model a dataset's name means.

A dataset writes one organisation under several names ("Meta AI", "Facebook AI Research") and
one model under several spellings ("Llama 3.1-8B", "Llama-3.1-8B"), so names are compared after
normalising (Unicode NFKC for full-width forms, case, and hyphens, dots, underscores and spacing)
against each company's or model's name and its aliases. Which variant belongs to which company is
the editors' to say, as aliases in the admin. Nothing is created here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from apps.catalog.models import AIModel, Alias, Company

_NOT_WORD = re.compile(r"[\W_]+")


def name_key(name: str) -> str:
    """``name`` as compared: NFKC, case-folded, punctuation and spacing collapsed to one space."""
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", name).casefold()).strip()


def company_names() -> tuple[dict[int, Company], dict[str, set[int]]]:
    """Every company by id, and each normalised name or alias with the companies it names.
    Two queries."""
    companies = {company.pk: company for company in Company.objects.all()}
    index: dict[str, set[int]] = {}
    for company in companies.values():
        index.setdefault(name_key(company.name), set()).add(company.pk)
    for alias_name, company_id in Alias.objects.filter(company__isnull=False).values_list(
        "name", "company_id"
    ):
        index.setdefault(name_key(alias_name), set()).add(company_id)
    return companies, index


def model_names() -> tuple[dict[int, AIModel], dict[str, set[int]]]:
    """Every model by id, and each normalised name or alias with the models it names.
    Two queries."""
    models = {model.pk: model for model in AIModel.objects.all()}
    index: dict[str, set[int]] = {}
    for model in models.values():
        index.setdefault(name_key(model.name), set()).add(model.pk)
    for alias_name, model_id in Alias.objects.filter(model__isnull=False).values_list(
        "name", "model_id"
    ):
        index.setdefault(name_key(alias_name), set()).add(model_id)
    return models, index


def developer_companies(*, names: Iterable[str]) -> dict[str, Company | None]:
    """Each of ``names`` and the one company it names, or None (unknown, or ambiguous). Two
    queries, however many names."""
    companies, index = company_names()
    matches: dict[str, Company | None] = {}
    for name in names:
        found = index.get(name_key(name), set())
        matches[name] = companies[next(iter(found))] if len(found) == 1 else None
    return matches
