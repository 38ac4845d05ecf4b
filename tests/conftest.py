"""Shared fixtures: users in each editorial role, the seeded record, local HTTP and SMTP servers.

Helpers that test modules import live in tests/support/; conftest files hold fixtures and hooks.
"""

from __future__ import annotations

import fcntl
import functools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.test import override_settings

from apps.lib.fetch import robots_cache_clear
from config.celery import app as celery_app
from tests.support.databases import (
    database_clone_for_process,
    database_drop_for_process,
    flush_by_delete_install,
)
from tests.support.httpserver import LocalHTTPServer, ipv6_loopback_available
from tests.support.run_settings import run_settings_apply
from tests.support.seed import SeedSnapshot, seed_snapshot_restore, seed_snapshot_take
from tests.support.smtpserver import SMTPServer
from tests.support.tiers import tier_fast_set, tier_is_fast
from tests.support.worker import CeleryWorker

#: Fixtures that start a Chromium or a Celery worker (directly or through the fixtures they
#: use), and the marker each one implies.
MARKED_BY_FIXTURE = {"browser": "browser", "celery_worker": "worker", "mail_worker": "worker"}

_RUN_SETTINGS = pytest.StashKey[list[override_settings]]()
#: Each role group the migrations made, by name: its permissions as (app label, codename).
RoleGroups = dict[str, list[tuple[str, str]]]
_ROLE_GROUPS = pytest.StashKey[RoleGroups]()


def pytest_configure(config: pytest.Config) -> None:
    """A fast password hasher, and each xdist worker's own Redis database: see
    tests/support/run_settings.py."""
    config.stash[_RUN_SETTINGS] = run_settings_apply()
    tier_fast_set(markexpr=config.getoption("markexpr") or "")


def pytest_unconfigure(config: pytest.Config) -> None:
    overrides: list[override_settings] = config.stash.get(_RUN_SETTINGS, [])
    for override in reversed(overrides):
        override.disable()


#: Modules whose every test is marked slow and whose collection alone costs: a run that leaves
#: slow tests out (make test-fast) does not import them. Schemathesis builds the fuzz test's
#: items from the OpenAPI document at collection, about a second in every test process.
SLOW_MODULES = frozenset({Path(__file__).parent / "api" / "test_fuzz.py"})


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if collection_path in SLOW_MODULES and tier_is_fast():
        return True
    return None  # let pytest decide


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses a browser or a worker carries the marker, even if its module forgot it:
    `make test-fast` (``-m "not browser and not worker and not slow"``) must start neither."""
    for item in items:
        for fixture in set(getattr(item, "fixturenames", ())) & MARKED_BY_FIXTURE.keys():
            if item.get_closest_marker(MARKED_BY_FIXTURE[fixture]) is None:
                item.add_marker(MARKED_BY_FIXTURE[fixture])


def _back_to_english(**kwargs: Any) -> None:
    from django.utils import translation

    translation.activate("en")


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """``reverse()`` in a test answers English addresses, whatever the test fetched before.

    A request activates the language its URL names (/ja/…) in the thread that served it, and
    the test client serves requests in the test's own thread: without this, fetching a Japanese
    page would turn every address the test builds afterwards into a /ja/ one."""
    from django.core.signals import request_finished
    from django.utils import translation

    translation.activate("en")
    request_finished.connect(_back_to_english)
    yield
    request_finished.disconnect(_back_to_english)
    translation.deactivate()


@functools.cache
def _password_hash() -> str:
    """The users' password, "correct horse", hashed once per session by the test run's hasher
    (tests/support/run_settings.py); the users log in with it all the same."""
    return make_password("correct horse")


def _role_groups_read() -> RoleGroups:
    return {
        group.name: list(group.permissions.values_list("content_type__app_label", "codename"))
        for group in Group.objects.all()
    }


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """This process's test database, a copy of a migrated template on PostgreSQL (see
    tests/support/databases.py); elsewhere pytest-django's own set-up.

    The role groups are read here, before any test runs (see :func:`role_groups`)."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    if connection.vendor != "postgresql":
        with django_db_blocker.unblock():
            created = setup_databases(verbosity=0, interactive=False)
            request.config.stash[_ROLE_GROUPS] = _role_groups_read()
        yield
        with django_db_blocker.unblock():
            teardown_databases(created, verbosity=0)
        return
    with django_db_blocker.unblock():
        old_name, _ = database_clone_for_process()
        request.config.stash[_ROLE_GROUPS] = _role_groups_read()
    flush_by_delete_install()
    yield
    with django_db_blocker.unblock():
        database_drop_for_process(old_name=old_name)


@pytest.fixture(scope="session")
def role_groups(request: pytest.FixtureRequest, django_db_setup: None) -> RoleGroups:
    """The role groups as the migrations left them, read when the test database was set up.

    A transactional test's flush empties auth_group, and the migrations that made the groups do
    not run again (flush recreates only content types and permissions); tests after it get the
    groups back from here. Read at set-up, before any test could have flushed them, whichever
    test asks first.
    """
    roles = request.config.stash[_ROLE_GROUPS]
    if not roles:
        pytest.fail("The migrated test database has no role groups (Editor, Reviewer).")
    return roles


def _groups_restore(roles: RoleGroups, names: tuple[str, ...]) -> None:
    for name in names:
        group, created = Group.objects.get_or_create(name=name)
        if created:
            wanted = set(roles[name])
            group.permissions.set(
                p
                for p in Permission.objects.select_related("content_type")
                if (p.content_type.app_label, p.codename) in wanted
            )


def _user_in(roles: RoleGroups, username: str, *groups: str) -> User:
    _groups_restore(roles, groups)
    user = User.objects.create(username=username, password=_password_hash(), is_staff=True)
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


@pytest.fixture(scope="session", autouse=True)
def _compiled_messages() -> None:
    """Japanese pages and mail need the compiled catalogues (*.mo are build output, not in git).

    `make` builds them; this covers a bare `pytest`: the project's locale/ and every app's.
    Under xdist the workers take turns (a lock file), so that none reads a half-written .mo.
    """
    from django.conf import settings

    root = Path(settings.BASE_DIR)
    catalogues = [
        *root.glob("locale/*/LC_MESSAGES/*.po"),
        *root.glob("apps/*/locale/*/LC_MESSAGES/*.po"),
    ]
    lock_path = root / "test-output" / "compilemessages.lock"
    lock_path.parent.mkdir(exist_ok=True)
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        for po in catalogues:
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                call_command("compilemessages", ignore_patterns=[".venv", "var"], verbosity=0)
                return


@pytest.fixture
def editor(db: None, role_groups: RoleGroups) -> User:
    return _user_in(role_groups, "edith", "Editor")


@pytest.fixture
def reviewer(db: None, role_groups: RoleGroups) -> User:
    return _user_in(role_groups, "rita", "Editor", "Reviewer")


@pytest.fixture
def reader(db: None, role_groups: RoleGroups) -> User:
    """Staff without a role: may log in to the admin but not touch the record."""
    return _user_in(role_groups, "rhea")


@pytest.fixture(scope="session")
def seed_snapshot(django_db_setup: None, django_db_blocker: Any) -> SeedSnapshot:
    """What `manage.py seed` writes, taken once per session (see tests/support/seed.py)."""
    with django_db_blocker.unblock():
        return seed_snapshot_take()


@pytest.fixture
def seeded(db: None, seed_snapshot: SeedSnapshot) -> None:
    """The demo record, as `manage.py seed` leaves it."""
    seed_snapshot_restore(seed_snapshot)


@pytest.fixture
def celery_worker(transactional_db: None, settings: Any) -> Iterator[CeleryWorker]:
    """A real worker on Redis and the test database; queues are purged before it starts."""
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.fail("Worker tests need REDIS_URL (make test sets it).")
    celery_app.control.purge()
    worker = CeleryWorker().start()
    yield worker
    worker.stop()


@pytest.fixture
def smtp(settings: Any) -> Iterator[SMTPServer]:
    """A running SMTP server (tests/support/smtpserver.py); Django's default mailer points at
    it."""
    server = SMTPServer().start()
    settings.MAILERS = server.mailer_settings()
    settings.SITE_URL = "http://testserver"
    yield server
    server.stop()


@pytest.fixture
def http_server() -> Iterator[LocalHTTPServer]:
    """A running :class:`LocalHTTPServer` on 127.0.0.1 and a free port, stopped afterwards."""
    with LocalHTTPServer("127.0.0.1") as server:
        yield server


@pytest.fixture
def http_server_ipv6() -> Iterator[LocalHTTPServer]:
    """The same on ``::1``; skips only when this machine cannot bind an IPv6 loopback socket."""
    if not ipv6_loopback_available():
        pytest.skip("this machine has no IPv6 loopback")
    with LocalHTTPServer("::1") as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh_robots_cache() -> Iterator[None]:
    """robots.txt answers are cached per origin; ports are reused, so start every test clean."""
    robots_cache_clear()
    yield
    robots_cache_clear()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One Chromium for the session. Missing Chromium FAILS the test: `bash .ci/services`."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash .ci/services` to install it.")
    # Playwright's sync API runs an event loop in this thread; the ORM calls that the tests
    # make around it are still synchronous and safe (pytest-django + Playwright requirement).
    # Set only while the browser runs, so that no later subprocess inherits it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
