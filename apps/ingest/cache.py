"""What every article is read against, kept per process: the catalogue and the classifiers.

Building the alias matcher compiles a regular expression per name, and a trained classifier is a
JSON document of n-gram counts; loading both for each article cost more than storing it. A
process keeps them and asks the database once per article whether they are still current, in
one small query: for each catalogue table its row count, its highest id and the highest id of its
simple-history table (every save and delete through the ORM, the admin's included, writes a
history row there), and the classifiers' row count, ids, example counts and training times. So
an alias an editor adds is used from the next article on, in every worker.

A write that bypasses save() and delete() (QuerySet.update() on a catalogue table) leaves no
history row and can go unseen: call ``forget()`` after one. No code does such a write today.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Model
from simple_history.utils import get_history_model_for_model

from apps.catalog.models import AIModel, Alias, Company, ModelFamily, Person

from .conf import ingest_conf
from .linking import Matcher
from .models import Classifier
from .names import matcher_build

CATALOGUE_MODELS: tuple[type[Model], ...] = (Company, ModelFamily, AIModel, Alias, Person)


@dataclass(frozen=True)
class Catalogue:
    """The catalogue as mentions and suggestions need it. Read-only: never save these rows."""

    matcher: Matcher
    companies: dict[int, Company]
    models: dict[int, AIModel]
    families: dict[int, ModelFamily]
    people: list[Person]


@dataclass(frozen=True)
class Reading:
    """Everything an article is read against, current as of one version check."""

    catalogue: Catalogue
    classifiers: dict[str, tuple[int, dict[str, Any]]]

    def classifier(self, name: str) -> dict[str, Any] | None:
        """The trained model if it has learnt from enough decisions, else None (rules apply).

        The threshold is read here, not cached, so a changed setting applies at once.
        """
        examples, data = self.classifiers.get(name, (0, {}))
        if examples < ingest_conf().classifier_min_examples:
            return None
        labels = (data or {}).get("labels") or {}
        return data if len(labels) >= 2 else None


# Replaced whole, never changed in place, so threads of one process can share them.
_catalogue: tuple[tuple[Any, ...], Catalogue] | None = None
_classifiers: tuple[tuple[Any, ...], dict[str, tuple[int, dict[str, Any]]]] | None = None


def forget() -> None:
    """Drop the cached catalogue and classifiers; the next article loads them again."""
    global _catalogue, _classifiers
    _catalogue = None
    _classifiers = None


def reading() -> Reading:
    """The current catalogue and classifiers: one query, plus a reload of whatever changed.

    The version is read before the rows, so a change committed in between makes the next
    check reload again rather than keep stale rows under a new version.
    """
    global _catalogue, _classifiers
    catalogue_version, classifier_version = _versions()
    cached_catalogue, cached_classifiers = _catalogue, _classifiers
    if cached_catalogue is None or cached_catalogue[0] != catalogue_version:
        cached_catalogue = _catalogue = (catalogue_version, _catalogue_load())
    if cached_classifiers is None or cached_classifiers[0] != classifier_version:
        cached_classifiers = _classifiers = (classifier_version, _classifiers_load())
    return Reading(catalogue=cached_catalogue[1], classifiers=cached_classifiers[1])


def _versions() -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    sql, split = _versions_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return tuple(row[:split]), tuple(row[split:])


@functools.cache
def _versions_sql(vendor: str) -> tuple[str, int]:
    """The version query, and where its catalogue columns end.

    Built once: finding the history tables costs more than running the query.
    """
    quote = connection.ops.quote_name
    catalogue: list[str] = []
    for model in CATALOGUE_MODELS:
        table, pk = quote(model._meta.db_table), quote(str(model._meta.pk.column))
        history = get_history_model_for_model(model)
        catalogue += [
            _scalar("COUNT(*)", table),
            _scalar(f"MAX({pk})", table),
            _scalar(f"MAX({quote(history._meta.pk.column)})", quote(history._meta.db_table)),
        ]
    table = quote(Classifier._meta.db_table)
    trained = quote("trained_at")
    classifiers = [
        _scalar("COUNT(*)", table),
        _scalar(f"MAX({quote('id')})", table),
        _scalar(f"SUM({quote('examples')})", table),
        _scalar(f"MIN({trained})", table),
        _scalar(f"MAX({trained})", table),
    ]
    return f"SELECT {', '.join(catalogue + classifiers)}", len(catalogue)


def _scalar(aggregate: str, table: str) -> str:
    # Names come from model metadata, quoted by the backend; nothing comes from input.
    return f"(SELECT {aggregate} FROM {table})"  # noqa: S608


def _catalogue_load() -> Catalogue:
    return Catalogue(
        matcher=matcher_build(),
        companies={c.pk: c for c in Company.objects.all()},
        models={m.pk: m for m in AIModel.objects.all()},
        families={f.pk: f for f in ModelFamily.objects.all()},
        people=list(Person.objects.exclude(name="").select_related("company")),
    )


def _classifiers_load() -> dict[str, tuple[int, dict[str, Any]]]:
    return {
        name: (examples, data or {})
        for name, examples, data in Classifier.objects.values_list("name", "examples", "data")
    }
