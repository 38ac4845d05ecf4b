"""Each test process's database, cloned from a migrated template instead of migrated anew.

Migrating the project's schema costs each pytest-xdist worker about 7 s of CPU, every run. On
PostgreSQL the run instead keeps one migrated template database per state of the migrations,
``test_<name>_tpl_<fingerprint>``, and each process (``gw0``, ``gw1``, or the single process of
a serial run) gets ``CREATE DATABASE … TEMPLATE``, a file copy of a fraction of a second.

The fingerprint hashes Django's version and every migration file of every installed app, so a
new or edited migration builds a new template (and the stale ones are dropped); nothing is ever
reused across a schema change. The first process to need a template builds it under a
PostgreSQL advisory lock while the others wait, into a scratch name that is renamed only once
it is complete, so a run killed mid-migration leaves no half-built template behind.

Other databases (SQLite) are set up the way pytest-django does it.

After each transactional test Django empties every table with one ``TRUNCATE`` of all of them,
which gives each table a new file: about a second per test, most of it waiting on the disk, for
tables that hold a handful of rows. ``flush_by_delete_install`` makes the copy empty them with
``DELETE`` in one transaction instead (foreign keys are deferred to the commit, as Django creates
them), which leaves the same empty tables.
"""

from __future__ import annotations

import hashlib
import zlib
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.core.management import call_command
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.operations import DatabaseOperations
from django.db.backends.utils import CursorWrapper

__all__ = [
    "database_clone_for_process",
    "database_drop_for_process",
    "flush_by_delete_install",
    "migrations_fingerprint",
    "template_name_for",
]

_TEMPLATE_INFIX = "_tpl_"


def migrations_fingerprint() -> str:
    """12 hex digits that change whenever any installed app's migrations or Django's version do."""
    digest = hashlib.sha256(django.get_version().encode())
    for app in sorted(apps.get_app_configs(), key=lambda config: config.label):
        folder = Path(app.path) / "migrations"
        for path in sorted(folder.glob("*.py")):
            digest.update(f"{app.label}/{path.name}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def template_name_for(test_name: str, fingerprint: str) -> str:
    """The template for ``test_aperture`` or ``test_aperture_gw1``: one per run's base name."""
    base = test_name.rsplit("_gw", 1)[0] if "_gw" in test_name else test_name
    return f"{base}{_TEMPLATE_INFIX}{fingerprint}"


def _quoted(connection: BaseDatabaseWrapper, name: str) -> str:
    return connection.ops.quote_name(name)


def _exists(cursor: CursorWrapper, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def _template_build(connection: BaseDatabaseWrapper, cursor: CursorWrapper, template: str) -> None:
    """Migrate a scratch database and rename it ``template``; drop older templates of the run."""
    prefix = template.rsplit(_TEMPLATE_INFIX, 1)[0] + _TEMPLATE_INFIX
    cursor.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix.replace("_", r"\_") + "%"]
    )
    for (stale,) in cursor.fetchall():
        cursor.execute(f"DROP DATABASE IF EXISTS {_quoted(connection, stale)}")
    scratch = f"{template}_building"
    cursor.execute(f"DROP DATABASE IF EXISTS {_quoted(connection, scratch)}")
    cursor.execute(f"CREATE DATABASE {_quoted(connection, scratch)}")
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = scratch
    try:
        call_command(
            "migrate", verbosity=0, interactive=False, database=connection.alias, run_syncdb=True
        )
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
    cursor.execute(
        f"ALTER DATABASE {_quoted(connection, scratch)} RENAME TO {_quoted(connection, template)}"
    )


def database_clone_for_process(*, alias: str = "default") -> tuple[str, str]:
    """Point ``alias`` at a fresh copy of the migrated template; returns (old name, test name).

    The test name is the one pytest-django chose (``test_aperture_gw0`` under xdist)."""
    from django.conf import settings

    connection = connections[alias]
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation._get_test_db_name()  # type: ignore[attr-defined]
    template = template_name_for(test_name, migrations_fingerprint())
    lock = zlib.crc32(template.encode())
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [lock])
        try:
            if not _exists(cursor, template):
                _template_build(connection, cursor, template)
            cursor.execute(f"DROP DATABASE IF EXISTS {_quoted(connection, test_name)}")
            cursor.execute(
                f"CREATE DATABASE {_quoted(connection, test_name)} "
                f"TEMPLATE {_quoted(connection, template)}"
            )
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock])
    connection.close()
    settings.DATABASES[alias]["NAME"] = test_name
    connection.settings_dict["NAME"] = test_name
    connection.ensure_connection()
    return old_name, test_name


def database_drop_for_process(*, old_name: str, alias: str = "default") -> None:
    """Drop the copy and point ``alias`` back at ``old_name``; the template stays for next time."""
    connections[alias].creation.destroy_test_db(old_database_name=old_name, verbosity=0)


def _sql_flush_by_delete(
    ops: DatabaseOperations,
    style: Any,
    tables: list[str],
    *,
    reset_sequences: bool = False,
    allow_cascade: bool = False,
) -> list[str]:
    """What Django's flush runs: one ``DELETE`` per table, in a single round trip.

    Django runs the list inside one transaction; with every foreign key deferred, the order of
    the deletes does not matter. Sequences are left alone, as Django's own flush leaves them
    unless asked. A flush that must reset sequences or cascade to tables outside ``tables``
    (``available_apps``) takes Django's own ``TRUNCATE``."""
    if reset_sequences or allow_cascade:
        return _django_sql_flush(
            ops, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    if not tables:
        return []
    deletes = "; ".join(f"DELETE FROM {ops.quote_name(table)}" for table in tables)  # noqa: S608 (quoted table names)
    return [f"SET CONSTRAINTS ALL DEFERRED; {deletes}"]


_django_sql_flush = DatabaseOperations.sql_flush


def flush_by_delete_install() -> None:
    """Empty the tables after a transactional test with ``DELETE`` rather than ``TRUNCATE``."""
    DatabaseOperations.sql_flush = _sql_flush_by_delete  # type: ignore[assignment,method-assign]
