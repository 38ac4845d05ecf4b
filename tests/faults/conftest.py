"""Fixtures for the fault tests: a private PostgreSQL cluster that a test may stop and start."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.postgres_cluster import PostgresCluster, private_database_for_django


@pytest.fixture
def pg_cluster() -> Iterator[PostgresCluster]:
    """A PostgreSQL cluster of this test's own, running; the shared server is never touched."""
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def private_db(transactional_db: None, pg_cluster: PostgresCluster) -> Iterator[str]:
    """Django's connection (and every worker or server a test starts) on a migrated copy of the
    test database in :func:`pg_cluster`; yields its URL."""
    with private_database_for_django(pg_cluster) as url:
        yield url
