"""Settings that cannot fail silently: production's required environment, no writes on import,
the first run's key made by one explicit step, and none of the test run's own settings."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

#: Every test here reads the settings of a new Python process, as a server would start one.
pytestmark = pytest.mark.process

ROOT = Path(__file__).resolve().parents[1]

# What a subprocess prints so the test can read its settings back.
PRINT_SETTINGS = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.SECRET_KEY); print(settings.DATABASES['default']['ENGINE']); "
    "print(settings.CELERY_BROKER_URL); print(settings.PASSWORD_HASHERS[0])"
)
# Django's default, which the tests swap for a fast one in their own process only
# (tests/support/run_settings.py).
DEFAULT_HASHER = "django.contrib.auth.hashers.PBKDF2PasswordHasher"


def clean_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The test's environment without anything that picks a key, a database or a broker."""
    dropped = {
        "DJANGO_SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "DJANGO_PRODUCTION",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "LOG_FORMAT",
    }
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", APERTURE_VAR_DIR=str(var_dir), **extra)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=120
    )


def files_under(path: Path) -> list[Path]:
    return sorted(path.rglob("*"))


def test_importing_settings_and_setting_django_up_writes_no_files(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    result = run([sys.executable, "-c", PRINT_SETTINGS], clean_env(var_dir))
    assert result.returncode == 0, result.stderr
    assert not var_dir.exists(), files_under(tmp_path)
    assert files_under(tmp_path) == []
    key, engine, broker, hasher = result.stdout.split()
    assert key.startswith("django-insecure-"), "no key file yet: the fixed development key"
    assert (engine, broker) == ("apps.lib.sqlite", "filesystem://localhost/")
    assert hasher == DEFAULT_HASHER


def test_without_a_mail_server_the_first_run_prints_mail_decoded_and_production_uses_smtp(
    tmp_path: Path,
) -> None:
    show = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.MAILERS['default']['BACKEND'])"
    )
    local = run([sys.executable, "-c", show], clean_env(tmp_path / "var", EMAIL_HOST=""))
    assert local.stdout.strip() == "apps.lib.console_mail.EmailBackend", local.stderr
    production = run([sys.executable, "-c", show], clean_env(tmp_path / "var", **PRODUCTION))
    assert production.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend"


def test_preparelocal_writes_one_owner_only_key_that_every_process_then_reads(
    tmp_path: Path,
) -> None:
    var_dir = tmp_path / "var"
    env = clean_env(var_dir)
    first = run([sys.executable, "manage.py", "preparelocal"], env)
    assert first.returncode == 0, first.stderr
    key_file = var_dir / "secret_key"
    key = key_file.read_text()
    assert len(key) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert (var_dir / "broker" / "queue").is_dir() and (var_dir / "broker" / "control").is_dir()
    assert (var_dir / "static").is_dir()

    again = run([sys.executable, "manage.py", "preparelocal"], env)
    assert again.returncode == 0, again.stderr
    assert key_file.read_text() == key, "running it again keeps the key"
    for _process in ("web", "worker"):  # two separate imports, as runlocal's children do
        read_back = run([sys.executable, "-c", PRINT_SETTINGS], env)
        assert read_back.stdout.split()[0] == key


def test_preparelocal_leaves_no_key_file_when_the_environment_has_the_key(
    tmp_path: Path,
) -> None:
    var_dir = tmp_path / "var"
    result = run(
        [sys.executable, "manage.py", "preparelocal"],
        clean_env(var_dir, DJANGO_SECRET_KEY="a-key-from-the-environment-" + "k" * 40),
    )
    assert result.returncode == 0, result.stderr
    assert var_dir.is_dir() and not (var_dir / "secret_key").exists()


PRODUCTION = {
    "DJANGO_PRODUCTION": "1",
    "DJANGO_SECRET_KEY": "p9" * 30 + "-a-production-like-key",
    "DJANGO_ALLOWED_HOSTS": "aperture.example",
    "DATABASE_URL": "postgres://aperture@127.0.0.1:5432/aperture",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


@pytest.mark.parametrize("missing", ["DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY"])
def test_production_refuses_to_start_without_its_database_redis_or_key(
    tmp_path: Path, missing: str
) -> None:
    production = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = run([sys.executable, "manage.py", "check"], clean_env(tmp_path / "var", **production))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"DJANGO_PRODUCTION=1 needs {missing} in the environment" in result.stderr


def test_production_treats_a_blank_value_as_missing(tmp_path: Path) -> None:
    result = run(
        [sys.executable, "manage.py", "check"],
        clean_env(tmp_path / "var", **{**PRODUCTION, "REDIS_URL": "  "}),
    )
    assert result.returncode != 0
    assert "needs REDIS_URL" in result.stderr


def test_production_with_everything_set_uses_postgresql_and_redis_and_writes_nothing(
    tmp_path: Path,
) -> None:
    var_dir = tmp_path / "var"
    result = run([sys.executable, "-c", PRINT_SETTINGS], clean_env(var_dir, **PRODUCTION))
    assert result.returncode == 0, result.stderr
    key, engine, broker, hasher = result.stdout.split()
    assert key == PRODUCTION["DJANGO_SECRET_KEY"]
    assert (engine, broker) == ("django.db.backends.postgresql", PRODUCTION["REDIS_URL"])
    assert hasher == DEFAULT_HASHER
    assert files_under(tmp_path) == []


def test_preparelocal_refuses_to_run_in_production(tmp_path: Path) -> None:
    result = run(
        [sys.executable, "manage.py", "preparelocal"], clean_env(tmp_path / "var", **PRODUCTION)
    )
    assert result.returncode != 0
    assert "preparelocal is for the local first run" in result.stderr
    assert files_under(tmp_path) == []


def test_an_unknown_log_format_is_refused(tmp_path: Path) -> None:
    result = run(
        [sys.executable, "manage.py", "check"], clean_env(tmp_path / "var", LOG_FORMAT="xml")
    )
    assert result.returncode != 0
    assert "LOG_FORMAT must be json or plain" in result.stderr


def test_on_a_fresh_clone_the_checks_run_before_anything_made_var(tmp_path: Path) -> None:
    """`manage.py check` and `makemigrations --check` with no var/ yet: the embedded database's
    first connection makes the folder (apps/lib/sqlite), which importing the settings never does."""
    var_dir = tmp_path / "var"
    env = clean_env(var_dir)
    check = run([sys.executable, "manage.py", "check"], env)
    assert check.returncode == 0, check.stderr
    migrations = run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], env)
    assert migrations.returncode == 0, migrations.stderr + migrations.stdout
    assert (var_dir / "aperture.sqlite3").exists()
