"""The catalogue's names as the matcher needs them (apps/ingest/linking.py): every name and
alias of the labs, families, models and people, each with the rule it matches by, what a
mention of it tells nearby names and what a conditional rule waits for; plus the names derived
here: a model's name without its family or lab prefix, and a person's surname."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from apps.catalog.models import AIModel, Alias, Company, ModelFamily, Person
from apps.catalog.naming import rule_effective

from .linking import (
    AFTER_FULL_NAME,
    AFTER_PREFIX,
    ANYWHERE,
    IN_ARTICLE,
    NEAR_LAB,
    PIECES,
    SEPARATOR,
    TEXT_TOKEN,
    Key,
    Matcher,
    Name,
    is_cjk,
    loose,
    pieces,
)

Row = dict[str, Any]


def matcher_build() -> Matcher:
    """A matcher over every name and alias of the catalogue's labs, families, models and
    people (five queries)."""
    return Matcher(CatalogueNames().names())


class CatalogueNames:
    """The catalogue's names with their rules, read once."""

    def __init__(self) -> None:
        self.companies: dict[int, Row] = {
            row["id"]: dict(row)
            for row in Company.objects.values("id", "name", "parent_id", "match_rule")
        }
        self.families: dict[int, Row] = {
            row["id"]: dict(row)
            for row in ModelFamily.objects.values("id", "name", "developer_id", "match_rule")
        }
        self.models: dict[int, Row] = {
            row["id"]: dict(row)
            for row in AIModel.objects.values(
                "id", "name", "developer_id", "family_id", "match_rule"
            )
        }
        self.aliases: dict[tuple[str, int], list[Row]] = {}
        for alias in Alias.objects.values(
            "id", "name", "company_id", "model_id", "family_id", "match_rule"
        ):
            row: Row = dict(alias)
            for kind in ("company", "model", "family"):
                if row[f"{kind}_id"] is not None:
                    self.aliases.setdefault((kind, int(row[f"{kind}_id"])), []).append(row)
        self.people: list[Row] = [
            dict(row)
            for row in Person.objects.exclude(name="")
            .filter(company__isnull=False)
            .values("id", "name", "company_id")
        ]

    def lab_keys(self, company_id: int) -> frozenset[Key]:
        """The company and its parents, as keys."""
        keys: set[Key] = set()
        current: int | None = company_id
        while (
            current is not None and ("company", current) not in keys and current in self.companies
        ):
            keys.add(("company", current))
            current = self.companies[current]["parent_id"]
        return frozenset(keys)

    def texts(self, kind: str, row: Row) -> list[tuple[str, str, int | None]]:
        """(text, rule, alias id) for a thing's name and each of its aliases."""
        texts: list[tuple[str, str, int | None]] = [
            (str(row["name"]), str(row["match_rule"]), None)
        ]
        for alias in self.aliases.get((kind, int(row["id"])), []):
            texts.append((str(alias["name"]), str(alias["match_rule"]), int(alias["id"])))
        return texts

    def names(self) -> list[Name]:
        names: list[Name] = []
        for company in self.companies.values():
            company_id = int(company["id"])
            keys = self.lab_keys(company_id)
            for text, rule, alias_id in self.texts("company", company):
                effective = rule_effective(
                    rule=rule, name=text, lab=True, alias=alias_id is not None
                )
                names.append(
                    Name(
                        text,
                        company_id=company_id,
                        alias_id=alias_id,
                        # Near the lab, for the lab's own name: the lab named otherwise.
                        rule=IN_ARTICLE if effective == NEAR_LAB else effective,
                        provides=keys,
                        needs=keys,
                    )
                )
        for family in self.families.values():
            family_id, developer = int(family["id"]), int(family["developer_id"])
            provides = self.lab_keys(developer) | {("family", family_id)}
            for text, rule, alias_id in self.texts("family", family):
                names.append(
                    Name(
                        text,
                        family_id=family_id,
                        alias_id=alias_id,
                        rule=rule_effective(rule=rule, name=text),
                        provides=provides,
                        needs=frozenset({("company", developer)}),
                    )
                )
        names += self._model_names()
        names += self._people_names()
        return _unique(names)

    def _model_names(self) -> list[Name]:
        names: list[Name] = []
        short: dict[str, list[Name]] = {}
        for model in self.models.values():
            model_id, developer = int(model["id"]), int(model["developer_id"])
            family_id = int(model["family_id"]) if model["family_id"] is not None else None
            provides = self.lab_keys(developer) | {("model", model_id)}
            if family_id is not None:
                provides |= {("family", family_id)}
            texts = self.texts("model", model)
            for text, rule, alias_id in texts:
                names.append(
                    Name(
                        text,
                        model_id=model_id,
                        alias_id=alias_id,
                        rule=rule_effective(rule=rule, name=text),
                        provides=provides,
                        needs=frozenset({("company", developer)}),
                    )
                )
            needs = frozenset(
                {("company", developer)} | ({("family", family_id)} if family_id else set())
            )
            for text, _rule, _alias_id in texts:
                for rest in _prefixes_removed(text, self._prefixes(developer, family_id)):
                    short.setdefault(loose(rest), []).append(
                        Name(
                            rest,
                            model_id=model_id,
                            rule=AFTER_PREFIX,
                            provides=provides,
                            needs=needs,
                        )
                    )
        # Spellings other models already answer to (the same model's own alias "Behemoth" is
        # no reason to drop it: an alias that is a common word matches only near its lab).
        owners: dict[str, set[int | None]] = {}
        for name in names:
            owners.setdefault(loose(name.text), set()).add(name.model_id)
        for spelling, candidates in short.items():
            models = {name.model_id for name in candidates}
            # A short name two models share ("Pro") says neither.
            if len(models) == 1 and owners.get(spelling, models) <= models:
                names.append(candidates[0])
        return names

    def _prefixes(self, developer: int, family_id: int | None) -> list[str]:
        """What a model's name may begin with and be written without: its family's names (and
        the family name's first word, "Claude" of "Claude 4") and its lab's names."""
        prefixes: list[str] = []
        if family_id is not None:
            family = self.families[family_id]
            prefixes += [text for text, _rule, _alias in self.texts("family", family)]
            first = TEXT_TOKEN.match(unicodedata.normalize("NFKC", str(family["name"])))
            if first:
                prefixes.append(first.group())
        for _kind, company_id in self.lab_keys(developer):
            prefixes += [
                text for text, _rule, _alias in self.texts("company", self.companies[company_id])
            ]
        return prefixes

    def _people_names(self) -> list[Name]:
        names: list[Name] = []
        for person in self.people:
            person_id, company_id = int(person["id"]), int(person["company_id"])
            provides = self.lab_keys(company_id) | {("person", person_id)}
            full = str(person["name"]).strip()
            names.append(Name(full, company_id=company_id, person_id=person_id, provides=provides))
            words = [
                v
                for kind, v, _end in pieces(unicodedata.normalize("NFKC", full))
                if kind == "letters"
            ]
            if len(words) >= 2 and len(words[-1]) >= 4 and not is_cjk(words[-1]):
                names.append(
                    Name(
                        words[-1],
                        company_id=company_id,
                        person_id=person_id,
                        rule=AFTER_FULL_NAME,
                        provides=provides,
                        needs=frozenset({("person", person_id)}),
                    )
                )
        return names


def _prefixes_removed(text: str, prefixes: list[str]) -> list[str]:
    """The rest of a Latin model name after each prefix it begins with, when the rest begins
    with a word of three letters or more ("Behemoth", "Opus 4"; not "7B" or "R1")."""
    normal = unicodedata.normalize("NFKC", text).strip()
    if is_cjk(normal):
        return []
    words = [
        (value.lower(), end) for kind, value, end in pieces(normal) if kind in ("letters", "digits")
    ]
    rests: list[str] = []
    for prefix in prefixes:
        wanted = loose(prefix).split()
        if (
            not wanted
            or len(wanted) >= len(words)
            or [w for w, _e in words[: len(wanted)]] != wanted
        ):
            continue
        rest = re.sub(rf"^{SEPARATOR}+", "", normal[words[len(wanted) - 1][1] :])
        head = PIECES.match(rest)
        if head and head.lastgroup == "letters" and len(head.group()) >= 3 and rest not in rests:
            rests.append(rest)
    return rests


def _unique(names: list[Name]) -> list[Name]:
    """One name per spelling, rule and thing (a name and an alias spelt alike: the first)."""
    seen: set[tuple[str, str, str, int | None]] = set()
    unique: list[Name] = []
    for name in names:
        thing = name.model_id or name.family_id or name.person_id or name.company_id
        # Spellings differ only by case or separators: one name, unless case is what matters.
        spelling = loose(name.text) if name.rule == ANYWHERE else name.text.strip()
        key = (spelling or name.text, name.rule, name.kind, thing)
        if key not in seen:
            seen.add(key)
            unique.append(name)
    return unique
