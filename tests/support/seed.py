"""The demo record for tests, written by `manage.py seed` once per session and replayed per test.

Running the seed publishes every statement through the services and recomputes each lab's stance:
over a second per test, for the sixty-odd tests that read the seeded record. So the session runs
it once, inside a transaction it rolls back, and keeps every row it wrote (history, stance
changes and outbox events included) as Django's test runner keeps a database for
``serialized_rollback``. Each test that asks for ``seeded`` gets those rows back, with the same
ids, inside its own transaction: the state the seed command leaves, without running it again.

The tests of the seed command itself (tests/test_project.py) run the command, not this.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.db import connection, models, transaction
from django.db.models import sql

__all__ = ["SeedSnapshot", "seed_snapshot_restore", "seed_snapshot_take"]


@dataclass(frozen=True)
class SeedSnapshot:
    #: The rows the seed wrote, in Django's JSON serialization.
    data: str
    #: For each table the seed wrote to: (table, primary key column, highest id written).
    highest_ids: tuple[tuple[str, str, int], ...]

    @functools.cached_property
    def instances(self) -> tuple[tuple[type[models.Model], list[models.Model]], ...]:
        """The rows as unsaved instances, by model and then by many-to-many table, in the order
        they are inserted. Read once: deserializing costs a third of a restore, and bulk_create
        only ever writes the same values back into them."""
        by_model: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        links: dict[Any, list[models.Model]] = defaultdict(list)
        for item in serializers.deserialize("json", self.data):
            instance = item.object
            by_model[type(instance)].append(instance)
            for name, targets in (item.m2m_data or {}).items():
                if not targets:  # no rows to link (a commitment that names no model)
                    continue
                field: Any = instance._meta.get_field(name)
                through = field.remote_field.through
                source = through._meta.get_field(field.m2m_field_name()).attname
                target = through._meta.get_field(field.m2m_reverse_field_name()).attname
                links[through] += [through(**{source: instance.pk, target: pk}) for pk in targets]
        return (*by_model.items(), *links.items())

    @functools.cached_property
    def insert_sql(self) -> str:
        """Every row as literal INSERT statements, written once and sent as one string: a
        bulk_create per table cost a round trip and an ORM compilation each, about 40 ms a
        restore against some 10 ms for this. Values as bulk_create would write them, including
        the timestamps Django fills in on insert (taken now, at the seed's own time)."""
        statements: list[str] = []
        for model, instances in self.instances:
            fields = [f for f in model._meta.concrete_fields if not f.generated]
            if any(instance.pk is None for instance in instances):  # many-to-many rows
                fields = [f for f in fields if not f.primary_key]
            query = sql.InsertQuery(model)
            query.insert_values(fields, instances)
            for text, params in query.get_compiler(connection=connection).as_sql():
                # compose_sql is PostgreSQL's: restore uses this only there.
                statements.append(connection.ops.compose_sql(text, params))  # type: ignore[attr-defined]
        return ";\n".join(statements)


def _stored_models() -> Iterator[type[models.Model]]:
    """Every model with a table of its own (proxies and unmanaged models have none)."""
    for model in apps.get_models():
        if model._meta.can_migrate(connection):
            yield model


def _rows(model: type[models.Model]) -> dict[Any, dict[str, Any]]:
    """Every row of ``model`` by primary key, as Django's serializer sees it."""
    objects = model._base_manager.order_by("pk")
    return {item["pk"]: item["fields"] for item in serializers.serialize("python", objects)}


def seed_snapshot_take() -> SeedSnapshot:
    """Run the seed in a transaction that is rolled back, and keep the rows it added.

    The seed only adds rows (checked: it changes and deletes none that were there before), so
    adding the same rows back recreates its whole effect.
    """
    added: list[models.Model] = []
    highest: list[tuple[str, str, int]] = []
    with transaction.atomic():
        before = {model: _rows(model) for model in _stored_models()}
        call_command("seed", verbosity=0)
        for model, rows_before in before.items():
            rows_after = _rows(model)
            touched = [pk for pk, fields in rows_before.items() if rows_after.get(pk) != fields]
            assert not touched, f"the seed changed or deleted {model._meta.label} {touched}"
            new = sorted(rows_after.keys() - rows_before.keys())
            if not new:
                continue
            added += model._base_manager.filter(pk__in=new).order_by("pk")
            pk = model._meta.pk
            assert pk is not None
            if isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
                highest.append((model._meta.db_table, str(pk.column), max(new)))
        data = serializers.serialize("json", added)
        transaction.set_rollback(True)
    return SeedSnapshot(data=data, highest_ids=tuple(highest))


def seed_snapshot_restore(snapshot: SeedSnapshot) -> None:
    """Add the seed's rows back, with their ids, in the current transaction.

    One INSERT per table: foreign keys are checked once at the end, as PostgreSQL defers them.
    The rows bypass save(), so the ingest cache is told to forget (apps/ingest/cache.py): the
    same ids in every test would otherwise look like the catalogue it already holds.
    """
    from apps.ingest import cache

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(snapshot.insert_sql)
        else:
            for model, instances in snapshot.instances:
                model._base_manager.bulk_create(instances)
        connection.check_constraints(
            table_names=[model._meta.db_table for model, _ in snapshot.instances]
        )
    if connection.vendor == "postgresql" and snapshot.highest_ids:
        # Sequences are not rolled back, so they already run past the snapshot's ids; this only
        # guards a run where something reset them, so that new rows never reuse those ids.
        highest = [{"tbl": t, "col": c, "highest": n} for t, c, n in snapshot.highest_ids]
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT setval(s.seq, v.highest)
                FROM jsonb_to_recordset(%s::jsonb) AS v(tbl text, col text, highest bigint),
                LATERAL (SELECT pg_get_serial_sequence(v.tbl, v.col)::regclass AS seq) AS s
                WHERE s.seq IS NOT NULL
                  AND COALESCE(pg_sequence_last_value(s.seq), 0) < v.highest
                """,
                [json.dumps(highest)],
            )
    cache.forget()
