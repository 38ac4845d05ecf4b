"""A database of a benchmark's own, beside DATABASE_URL's: for rows another process must read
committed (bench_ingest, bench_scaleout); the sized benchmarks use bench/generate.py's."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

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
    """A fresh database named after the configured one and ``suffix``, migrated (a copy of the
    run's migrated template, bench/generate.py), the default for the duration, dropped at the
    end (PostgreSQL only). Yields its URL."""
    from bench.generate import template_database

    original = connection.settings_dict["NAME"]
    name = f"{original}_{suffix}"
    template = template_database(original)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield database_url()
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
