"""Moving Source from claims to the catalogue moves no row and loses no grant.

(The Editor and Reviewer groups' grants are the role matrix's: tests/security/test_role_matrix.py
runs on a database migrated through the move.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.apps.registry import Apps
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("catalog", "0003_text_length_limits"),
    ("claims", "0003_text_length_limits"),
    ("ingest", "0002_editor_permissions"),
]
AFTER = [
    ("catalog", "0004_source_moves_from_claims"),
    ("claims", "0004_source_moved_to_catalog"),
    ("ingest", "0003_article_source_in_catalog"),
]


def migrate(targets: list[tuple[str, str]] | None = None) -> Apps:
    """Migrate the test database to targets (by default: every app's latest migration)."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def before_the_move(transactional_db: None) -> Iterator[Apps]:
    yield migrate(BEFORE)
    migrate()  # back where the rest of the suite expects the schema


# Slow tier: migrating the whole schema back through the move and forward again takes seconds of
# CPU on its own (make test runs it, make test-fast does not).
@pytest.mark.slow
def test_sources_their_links_and_their_grants_survive_the_move(before_the_move: Apps) -> None:
    def old(label: str) -> Any:
        # The models as they were before the move, from the migration state.
        return before_the_move.get_model(label)

    publisher = old("catalog.Publisher").objects.create(name="NYT", slug="nyt")
    report = old("claims.Source").objects.create(
        url="https://nyt.example/a", title="Report", publisher=publisher
    )
    echo = old("claims.Source").objects.create(url="https://echo.example/b", title="Echo")
    echo.cites.add(report)
    statement = old("claims.Statement").objects.create(
        company=old("catalog.Company").objects.create(name="Meta", slug="meta"),
        kind="official",
        stance="open",
        occurred_on="2025-07-14",
        summary="Meta will keep releasing open models.",
        speaker_label="Spokesperson",
    )
    old("claims.Citation").objects.create(statement=statement, source=report)
    old("ingest.Article").objects.create(
        url="https://nyt.example/a", content_hash="0" * 64, raw=b"", source=report
    )
    group = old("auth.Group").objects.create(name="Fact checkers")
    group.permissions.add(
        old("auth.Permission").objects.get(
            content_type__app_label="claims", codename="delete_source"
        )
    )

    # The models as they are right after the move (today's have columns added since).
    after = migrate(AFTER)
    Source, Citation, Article = (
        after.get_model(label) for label in ("catalog.Source", "claims.Citation", "ingest.Article")
    )

    moved = Source.objects.get(pk=report.pk)
    assert moved.publisher is not None and moved.publisher.slug == "nyt"
    assert list(Source.objects.get(pk=echo.pk).cites.all()) == [moved]
    assert Citation.objects.get().source == moved
    assert Article.objects.get().source == moved
    granted = Group.objects.get(name="Fact checkers").permissions.values_list(
        "content_type__app_label", "codename"
    )
    assert list(granted) == [("catalog", "delete_source")]
