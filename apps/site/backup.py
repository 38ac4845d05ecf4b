"""Backup and restore: the database (``pg_dump -Fc``) and the files beside it, in one tar file.

What is in the database, raw responses included (articles and watched-page snapshots keep theirs
in the row, zlib-compressed), is in the dump. The files are what the site writes to disk:
the bulk exports (EXPORTS_DIR). An archive holds

    manifest.json           when, from which database, which pg_dump, which file trees
    database.dump           pg_dump's custom format (pg_restore reads it)
    files/<name>/...        each file tree, e.g. files/exports/...

``backup_write`` makes one and returns its path; ``backup_restore`` puts one back into the
database DATABASE_URL names (objects already there are dropped and re-created, in one
transaction) and replaces each file tree. `make backup`, `make restore FROM=...` and the
`backup` and `restore` management commands call them.
"""

from __future__ import annotations

import datetime
import glob
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection

__all__ = ["BackupError", "backup_restore", "backup_write", "postgres_tool"]

MANIFEST = "manifest.json"
DUMP = "database.dump"


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in words."""


def postgres_tool(name: str) -> str | None:
    """The path of ``pg_dump`` or ``pg_restore``: on PATH, else Debian's newest versioned one."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    return versions[-1] if versions else None


def file_trees() -> dict[str, Path]:
    """The directories a backup carries, by the name they have in the archive."""
    return {"exports": Path(settings.EXPORTS_DIR)}


def _database() -> tuple[list[str], dict[str, str]]:
    """libpq connection options for DATABASE_URL's database, and the environment with its
    password (never on the command line, where `ps` would show it)."""
    if connection.vendor != "postgresql":
        raise BackupError("Backup and restore need PostgreSQL (DATABASE_URL).")
    db = connection.settings_dict
    options = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        options += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        options += ["--port", str(db["PORT"])]
    if db.get("USER"):
        options += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return options, env


def _run(tool: str, arguments: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    path = postgres_tool(tool)
    if path is None:
        raise BackupError(f"{tool} was not found on PATH or under /usr/lib/postgresql/*/bin.")
    done = subprocess.run([path, *arguments], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return done


def backup_write(*, directory: Path | None = None) -> Path:
    """Write one archive into ``directory`` (default BACKUP_DIR) and return its path."""
    options, env = _database()
    target_dir = Path(directory or settings.BACKUP_DIR)
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    archive = target_dir / f"aperture-backup-{stamp}.tar"
    version = _run("pg_dump", ["--version"], env).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="aperture-backup-") as scratch:
        dump = Path(scratch) / DUMP
        _run("pg_dump", ["--format=custom", "--file", str(dump), *options], env)
        trees = {name: path for name, path in file_trees().items() if path.is_dir()}
        manifest = {
            "created": stamp,
            "database": str(connection.settings_dict["NAME"]),
            "pg_dump": version,
            "files": sorted(trees),
        }
        partial = archive.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            tar.addfile(info, fileobj=io.BytesIO(data))
            tar.add(dump, arcname=DUMP)
            for name, path in trees.items():
                tar.add(path, arcname=f"files/{name}")
        partial.rename(archive)  # a crash never leaves a half archive under the final name
    return archive


def backup_restore(*, archive: Path) -> dict[str, object]:
    """Restore ``archive`` into DATABASE_URL's database and the file trees; returns its
    manifest. The database is restored in one transaction: it fails whole or not at all."""
    options, env = _database()
    if not archive.is_file():
        raise BackupError(f"{archive} is not a file.")
    with tempfile.TemporaryDirectory(prefix="aperture-restore-") as scratch:
        try:
            with tarfile.open(archive) as tar:
                # The "data" filter refuses absolute paths, links out of the tree and devices.
                tar.extractall(scratch, filter="data")
        except (tarfile.TarError, OSError) as error:
            raise BackupError(f"{archive} cannot be read as a backup: {error}") from error
        root = Path(scratch)
        if not (root / MANIFEST).is_file() or not (root / DUMP).is_file():
            raise BackupError(f"{archive} is not an Aperture backup (no {MANIFEST} or {DUMP}).")
        manifest = json.loads((root / MANIFEST).read_text())
        connection.close()  # our own session must not hold locks the restore needs
        _run(
            "pg_restore",
            [
                "--clean", "--if-exists", "--no-owner", "--no-privileges",
                "--single-transaction", "--exit-on-error", *options, str(root / DUMP),
            ],
            env,
        )  # fmt: skip
        for name, path in file_trees().items():
            source = root / "files" / name
            if not source.is_dir():
                continue
            if path.exists():
                shutil.rmtree(path)
            shutil.copytree(source, path)
    return dict(manifest)
