"""A database of a benchmark's own, beside DATABASE_URL's: for rows another process must read
committed (bench_exports), or too many to leave in the developer's (bench_search, bench_stance)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.core.management import call_command
from django.db import connection


def database_url() -> str:
    """The URL of the database the default connection uses now."""
    db = connection.settings_dict
    auth = db.get("USER") or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{auth + '@' if auth else ''}{host}/{db['NAME']}"


@contextlib.contextmanager
def own_database(suffix: str) -> Iterator[str]:
    """A fresh database named after the configured one and ``suffix``, migrated, the default
    for the duration, dropped at the end (PostgreSQL only). Yields its URL."""
    original = connection.settings_dict["NAME"]
    name = f"{original}_{suffix}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        call_command("migrate", verbosity=0)
        yield database_url()
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
