"""The test suite's own helpers (tests/support/): they must be able to fail, too."""

from __future__ import annotations

import io
import itertools
import os
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth.hashers import get_hasher
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

from config.celery import app as celery_app
from tests.support import shared
from tests.support.feeds import rss
from tests.support.httpserver import LocalHTTPServer
from tests.support.run_settings import redis_url_for_worker, xdist_worker_index
from tests.support.seed import SeedSnapshot, seed_snapshot_restore
from tests.support.shared import shared_path
from tests.support.waiting import wait_until
from tests.support.worker import CeleryWorker

# -- ../shared ----------------------------------------------------------------------------------


@pytest.fixture
def shared_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A shared directory with one schema in it, outside any CI."""
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "compose-spec.json").write_text("{}")
    monkeypatch.setenv("APERTURE_SHARED_DIR", str(tmp_path))
    monkeypatch.delenv("CI", raising=False)
    return tmp_path


def test_a_shared_file_that_is_there_is_handed_over(shared_dir: Path) -> None:
    assert shared_path("schemas", "compose-spec.json") == shared_dir / "schemas/compose-spec.json"


def test_without_the_shared_directory_a_test_skips_and_says_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APERTURE_SHARED_DIR", str(tmp_path / "nowhere"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        shared_path("corpus", "feedparser")
    reason = str(skipped.value)
    assert str(tmp_path / "nowhere" / "corpus" / "feedparser") in reason
    assert "is absent" in reason and "CI=true" in reason


def test_a_missing_shared_file_skips_even_when_the_directory_is_there(shared_dir: Path) -> None:
    with pytest.raises(pytest.skip.Exception):
        shared_path("corpus", "feedparser")


@pytest.mark.parametrize("ci", ["true", "TRUE", "1"])
def test_under_ci_a_missing_shared_file_fails_the_test_instead_of_skipping_it(
    shared_dir: Path, monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception) as failed:
        shared_path("corpus", "feedparser")
    assert str(shared_dir / "corpus" / "feedparser") in str(failed.value)
    assert "CI=true requires it" in str(failed.value)


def test_under_ci_a_shared_file_that_is_there_is_handed_over(
    shared_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    assert shared_path("schemas", "compose-spec.json").read_text() == "{}"


def test_by_default_the_shared_directory_is_beside_the_repository(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("APERTURE_SHARED_DIR", raising=False)
    repository = Path(__file__).resolve().parents[1]
    assert shared.shared_root() == repository.parent / "shared"


# -- waiting ------------------------------------------------------------------------------------


def test_wait_until_returns_the_first_truthy_answer() -> None:
    answers = iter([None, 0, "", "ready", "later"])
    assert wait_until(lambda: next(answers), interval=0) == "ready"


def test_wait_until_fails_after_its_deadline_naming_what_it_waited_for() -> None:
    calls = itertools.count()
    with pytest.raises(AssertionError) as timed_out:
        wait_until(
            lambda: next(calls) < 0,
            timeout=0.05,
            interval=0.01,
            what="the impossible",
            diagnosis=lambda: "what was seen instead",
        )
    assert "waiting for the impossible" in str(timed_out.value)
    assert "what was seen instead" in str(timed_out.value)
    assert next(calls) > 1, "it asked more than once before giving up"


def test_wait_until_stops_at_once_when_the_condition_raises() -> None:
    def exited() -> bool:
        raise RuntimeError("the process exited")

    with pytest.raises(RuntimeError, match="the process exited"):
        wait_until(exited, timeout=30)


# -- the seeded record --------------------------------------------------------------------------


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"catalog", "claims", "alerts"}
    }


def _stance_history() -> list[tuple[object, ...]]:
    """Every stance change with what it rests on, by natural keys (ids differ between runs)."""
    from apps.claims.models import StanceChange

    return sorted(
        (
            c.company.slug,
            c.date.isoformat(),
            c.old_stance,
            c.new_stance,
            c.rating,
            c.score,
            c.superseded_at is None,
            sorted(s.import_key or str(s.pk) for s in c.statements.all()),
        )
        for c in StanceChange.objects.select_related("company").prefetch_related("statements")
    )


@pytest.mark.slow
@pytest.mark.django_db
def test_the_seeded_fixture_holds_what_the_seed_command_writes(
    seed_snapshot: SeedSnapshot,
) -> None:
    with transaction.atomic():
        call_command("seed", stdout=io.StringIO())
        fresh = (_row_counts(), _stance_history())
        transaction.set_rollback(True)
    assert fresh[0]["claims.Statement"] > 0

    seed_snapshot_restore(seed_snapshot)
    assert (_row_counts(), _stance_history()) == fresh
    # The seed finds every row it looks for by natural key, and adds nothing.
    out = io.StringIO()
    call_command("seed", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert _row_counts() == fresh[0]


@pytest.mark.django_db
def test_rows_made_after_the_seeded_record_get_ids_of_their_own(seeded: None) -> None:
    from apps.catalog.models import Company

    highest = max(Company.objects.values_list("pk", flat=True))
    assert Company.objects.create(name="New Lab", slug="new-lab").pk > highest


# -- users --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_users_in_editorial_roles_have_the_password_tests_log_in_with(
    editor: User, reviewer: User
) -> None:
    editor.refresh_from_db()
    assert editor.check_password("correct horse") and not editor.check_password("wrong horse")
    assert set(reviewer.groups.values_list("name", flat=True)) == {"Editor", "Reviewer"}


def test_the_test_run_hashes_passwords_with_the_fast_hasher(editor: User) -> None:
    """A login test makes a dozen attempts; PBKDF2 would spend a third of a second on each."""
    assert get_hasher().algorithm == "md5"
    assert editor.password.startswith("md5$")


# -- the test run's settings (tests/support/run_settings.py) ------------------------------------


@pytest.mark.parametrize(
    ("worker", "index"), [("gw0", 0), ("gw1", 1), ("gw12", 12), ("", 0), ("master", 0)]
)
def test_the_xdist_worker_index_comes_from_its_name(
    monkeypatch: pytest.MonkeyPatch, worker: str, index: int
) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", worker)
    assert xdist_worker_index() == index


@pytest.mark.parametrize(
    ("url", "index", "expected"),
    [
        ("redis://127.0.0.1:6379/1", 0, "redis://127.0.0.1:6379/1"),
        ("redis://127.0.0.1:6379/1", 2, "redis://127.0.0.1:6379/3"),
        ("redis://127.0.0.1:6379", 1, "redis://127.0.0.1:6379/1"),
        (
            "redis://:secret@cache.internal:6380/4?timeout=5",
            1,
            "redis://:secret@cache.internal:6380/5?timeout=5",
        ),
    ],
)
def test_each_xdist_worker_takes_the_redis_database_its_index_places_on(
    url: str, index: int, expected: str
) -> None:
    assert redis_url_for_worker(url, index) == expected


def test_the_cache_and_celery_use_the_one_redis_database_of_this_worker() -> None:
    """cache.clear() empties the database Celery's queues are in: under xdist that must be this
    worker's own, for the cache, the broker and every process a test starts alike."""
    if not django_settings.REDIS_URL:
        pytest.fail("This test needs REDIS_URL (make test sets it).")
    database = int(django_settings.REDIS_URL.rsplit("/", 1)[1])
    cache_client: Any = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    with celery_app.connection_for_write() as connection:
        channel: Any = connection.default_channel
        broker_client = channel.client
        assert broker_client.connection_pool.connection_kwargs["db"] == database
    assert cache_client.connection_pool.connection_kwargs["db"] == database
    assert os.environ["REDIS_URL"] == django_settings.REDIS_URL


# -- the worker ---------------------------------------------------------------------------------


@pytest.fixture
def fetching_loopback(settings: Any) -> None:
    """Let the worker (started after this) fetch from the test's own loopback server."""
    settings.FETCH_ALLOW_PRIVATE = True


@pytest.mark.worker
def test_a_worker_is_idle_only_once_the_task_it_was_handed_has_finished(
    fetching_loopback: None, celery_worker: CeleryWorker, http_server: LocalHTTPServer
) -> None:
    from apps.ingest import services, tasks
    from apps.ingest.models import Feed

    http_server.route("/feed", body=rss(http_server), content_type="application/rss+xml", delay=2)
    feed, _ = services.feed_add(url=http_server.url("/feed"))
    assert services.feeds_dispatch_due(enqueue=tasks.feed_poll.delay) == [feed.pk]

    celery_worker.wait_until_idle()
    assert "/feed" in http_server.paths
    assert Feed.objects.get(pk=feed.pk).last_polled_at is not None


# -- the test database --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_test_database_copied_from_the_template_has_every_migration_applied() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    assert plan == []
    assert connection.settings_dict["NAME"].startswith("test_")


@pytest.mark.slow
def test_a_changed_migration_file_names_a_new_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support.databases import migrations_fingerprint, template_name_for

    before = migrations_fingerprint()
    assert migrations_fingerprint() == before
    config = apps.get_app_config("claims")
    copied = tmp_path / "claims"
    (copied / "migrations").mkdir(parents=True)
    for path in (Path(config.path) / "migrations").glob("*.py"):
        (copied / "migrations" / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(config, "path", str(copied))
    assert migrations_fingerprint() == before
    (copied / "migrations" / "0099_new.py").write_text("# a new migration\n")
    after = migrations_fingerprint()
    assert after != before
    assert template_name_for("test_aperture_gw1", after) == f"test_aperture_tpl_{after}"
    assert template_name_for("test_aperture", after) == f"test_aperture_tpl_{after}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_flush_after_a_transactional_test_leaves_the_tables_as_djangos_own_flush_does(
    seed_snapshot: SeedSnapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection
    from django.db.backends.postgresql.operations import DatabaseOperations

    from apps.claims.models import Statement
    from tests.support import databases

    def rows_per_table() -> dict[str, int]:
        tables = connection.introspection.django_table_names(only_existing=True)
        quoted = [connection.ops.quote_name(table) for table in tables]
        counts = ", ".join(f"(SELECT count(*) FROM {name})" for name in quoted)  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {counts}")
            return dict(zip(tables, cursor.fetchone(), strict=True))

    seed_snapshot_restore(seed_snapshot)
    assert Statement.objects.exists()
    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
    after_deletes = rows_per_table()

    seed_snapshot_restore(seed_snapshot)
    monkeypatch.setattr(DatabaseOperations, "sql_flush", databases._django_sql_flush)
    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
    after_truncate = rows_per_table()

    assert after_deletes == after_truncate
    assert set(after_deletes.values()) == {0}
