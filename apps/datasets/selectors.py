"""Careful reads over imported datasets: which catalogue company a dataset's developer names.

A dataset writes one organisation under several names ("Meta AI", "Facebook AI Research"), so
names are compared after normalising (Unicode NFKC, case, punctuation and spacing) against each
company's name and its aliases. Nothing is created: a name no company answers to stays unmatched
for an editor to decide.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from apps.catalog.models import Alias, Company

_NOT_WORD = re.compile(r"[\W_]+")


def organisation_key(name: str) -> str:
    """``name`` as compared: NFKC, case-folded, punctuation and spacing collapsed to one space."""
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", name).casefold()).strip()


def developer_companies(*, names: Iterable[str]) -> dict[str, Company | None]:
    """Each of ``names`` and the one company it names, or None (unknown, or ambiguous). Two
    queries, however many names."""
    candidates: dict[str, set[int]] = {}
    companies = {company.pk: company for company in Company.objects.all()}
    for company in companies.values():
        candidates.setdefault(organisation_key(company.name), set()).add(company.pk)
    for alias_name, company_id in Alias.objects.filter(company__isnull=False).values_list(
        "name", "company_id"
    ):
        candidates.setdefault(organisation_key(alias_name), set()).add(company_id)
    matches: dict[str, Company | None] = {}
    for name in names:
        found = candidates.get(organisation_key(name), set())
        matches[name] = companies[next(iter(found))] if len(found) == 1 else None
    return matches
