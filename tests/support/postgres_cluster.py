"""A private PostgreSQL cluster for tests that stop and start the database.

The shared server on 5432 serves every test run on the machine, so a test that restarts
PostgreSQL gets a cluster of its own: ``initdb`` into a temporary directory, ``pg_ctl`` on a
free loopback port, trust authentication for the ``postgres`` role, fsync off. When the test
process runs as root (a container, CI), the server runs as the ``postgres`` OS user (PostgreSQL
refuses to run as root), through ``runuser``, in a directory that user owns.

Without PostgreSQL's server binaries (``initdb``) the calling test is skipped, saying why; under
``CI=true`` it fails instead (tests/support/shared.py's rule for what a checkout must have).

:func:`private_database_for_django` then points Django's default connection at a copy of the
migrated test database on that cluster (``pg_dump | pg_restore``, a second or two, instead of
migrating anew), so factories, the ORM and the processes a test starts (tests/support/worker.py
reads the connection's settings) all use it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connections

from tests.support.diskfull import small_disk
from tests.support.shared import in_ci
from tests.support.smtpserver import free_port
from tests.support.waiting import wait_until

__all__ = [
    "PostgresCluster",
    "postgres_bin_dir",
    "private_database_for_django",
    "small_tablespace",
]


def postgres_bin_dir() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl, or None."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _skip_or_fail(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason}, and CI=true requires it (apt-get install postgresql).", False)
    pytest.skip(f"{reason}: this test needs a private PostgreSQL cluster (under CI=true it fails).")


class PostgresCluster:
    """One private cluster: :meth:`start`, :meth:`stop`, :meth:`restart`, :meth:`destroy`."""

    def __init__(self) -> None:
        bin_dir = postgres_bin_dir()
        if bin_dir is None:
            _skip_or_fail("initdb is not installed (no /usr/lib/postgresql/*/bin/initdb)")
        assert bin_dir is not None
        self.bin_dir = bin_dir
        self.run_as = "postgres" if os.geteuid() == 0 else None
        if self.run_as is not None:
            try:
                pwd.getpwnam(self.run_as)
            except KeyError:
                _skip_or_fail("running as root, and there is no postgres user to run the server")
        self.root = Path(tempfile.mkdtemp(prefix="aperture-pg-"))
        self.data = self.root / "data"
        self.log_path = self.root / "server.log"
        self.port = free_port()
        if self.run_as is not None:
            entry = pwd.getpwnam(self.run_as)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                f"unix_socket_directories = '{self.root}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                "max_connections = 50\nshared_buffers = 32MB\n"
            )

    def _command(self, program: str, *args: str) -> list[str]:
        command = [str(self.bin_dir / program), *args]
        return ["runuser", "-u", self.run_as, "--", *command] if self.run_as else command

    def _run(self, program: str, *args: str) -> str:
        done = subprocess.run(
            self._command(program, *args), capture_output=True, text=True, check=False, timeout=120
        )
        if done.returncode != 0:
            raise RuntimeError(f"{program} {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def answers(self) -> bool:
        probe = subprocess.run(
            [str(self.bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"],
            check=False,
        )
        return probe.returncode == 0

    def start(self) -> PostgresCluster:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log_path), "-w", "-t", "60",
                  "start")  # fmt: skip
        wait_until(self.answers, timeout=30, what="the private PostgreSQL to accept connections")
        return self

    def stop(self) -> None:
        """A fast shutdown: every session is ended, as an operator's restart does."""
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def restart(self, *, down_for: float = 0.0) -> float:
        """Stop, stay down ``down_for`` seconds, start; returns the monotonic time it was back."""
        self.stop()
        if down_for:
            time.sleep(down_for)  # the outage itself, not a wait for a result
        self.start()
        return time.monotonic()

    def createdb(self, name: str) -> None:
        subprocess.run(
            [str(self.bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
             "-U", "postgres", name],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    def sql(self, statement: str, *, database: str = "postgres") -> str:
        """Run one SQL statement with psql as the ``postgres`` role; returns its output."""
        done = subprocess.run(
            [str(self.bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "-d", database, "-v", "ON_ERROR_STOP=1", "-Atc", statement],
            capture_output=True, text=True, check=False, timeout=60,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"psql {statement!r} failed:\n{done.stderr}")
        return done.stdout

    def destroy(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def log_tail(self, chars: int = 3000) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return f"PostgreSQL log:\n{text[-chars:]}"


def _copy_database(cluster: PostgresCluster, *, source: dict[str, object], target: str) -> None:
    """``pg_dump -Fc`` of the migrated test database, restored into ``target`` on the cluster."""
    dump = subprocess.Popen(
        [str(cluster.bin_dir / "pg_dump"), "-Fc", "--no-owner",
         "-h", str(source.get("HOST") or "127.0.0.1"), "-p", str(source.get("PORT") or 5432),
         "-U", str(source.get("USER") or "postgres"), str(source["NAME"])],
        stdout=subprocess.PIPE,
        env={**os.environ, "PGPASSWORD": str(source.get("PASSWORD") or "")},
    )  # fmt: skip
    restored = subprocess.run(
        [str(cluster.bin_dir / "pg_restore"), "--no-owner", "-h", "127.0.0.1",
         "-p", str(cluster.port), "-U", "postgres", "-d", target],
        stdin=dump.stdout, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert dump.stdout is not None
    dump.stdout.close()
    if dump.wait(timeout=60) != 0 or restored.returncode != 0:
        raise RuntimeError(f"copying the test database failed: {restored.stderr[-2000:]}")


@contextmanager
def private_database_for_django(
    cluster: PostgresCluster, *, alias: str = "default"
) -> Iterator[str]:
    """Point ``alias`` at a copy of the (empty, migrated) test database on ``cluster``.

    For a test with committed data (``transactional_db``): use it inside that fixture, so the
    connection is pointed back before pytest-django empties the test database.
    """
    connection = connections[alias]
    original = dict(connection.settings_dict)
    name = str(original["NAME"])
    cluster.createdb(name)
    _copy_database(cluster, source=original, target=name)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(cluster.port), USER="postgres",
                                    PASSWORD="")  # fmt: skip
    try:
        connection.ensure_connection()
        yield cluster.url(name)
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)


@contextmanager
def small_tablespace(cluster: PostgresCluster, *, name: str, size_kb: int) -> Iterator[Path]:
    """A tablespace ``name`` on ``cluster``, on a tmpfs of ``size_kb`` KiB of its own
    (tests/support/diskfull.py: skipped where mounting is refused, failing under CI=true);
    yields the mount point, which ``disk_fill`` fills.

    The directory belongs to the server's OS user, as PostgreSQL requires. The cluster is
    stopped before the disk goes at the end: a server must not lose a tablespace it writes to.
    """
    with small_disk(cluster.root / f"tablespace-{name}", size_kb=size_kb) as path:
        try:
            if cluster.run_as is not None:
                entry = pwd.getpwnam(cluster.run_as)
                os.chown(path, entry.pw_uid, entry.pw_gid)
            cluster.sql(f"CREATE TABLESPACE {name} LOCATION '{path}'")
            yield path
        finally:
            cluster.stop()
