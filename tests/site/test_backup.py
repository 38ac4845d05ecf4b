"""Backup and restore (issue 15): `manage.py backup` writes one archive (pg_dump -Fc plus the
export files); `manage.py restore` puts it into a NEW database, created here on the same server
under a unique name and dropped afterwards. Everything is found there: every statement, source,
history row, dataset claim, subscription and pending delivery, and the export files; the
pending deliveries are then sent from the restored database, each exactly once.

pg_dump and pg_restore come from PATH or /usr/lib/postgresql/*/bin: without them the test is
skipped, saying so, and fails under CI=true.
"""

from __future__ import annotations

import datetime
import io
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection

from apps.alerts import services as alerts
from apps.alerts.models import Delivery, DeliveryStatus, Event, Subscription
from apps.catalog.models import Company, Source
from apps.claims.models import Statement
from apps.datasets.models import DatasetClaim
from apps.datasets.services import dataset_import
from apps.site.backup import postgres_tool
from tests.factories import statement_make
from tests.support.alerts import subscriber_make
from tests.support.shared import in_ci
from tests.support.smtpserver import SMTPServer

ROOT = Path(__file__).resolve().parents[2]
EPOCH_DEMO = ROOT / "apps" / "datasets" / "demo" / "epoch.csv"


@pytest.fixture
def postgres_tools() -> None:
    missing = [tool for tool in ("pg_dump", "pg_restore") if postgres_tool(tool) is None]
    if not missing:
        return
    reason = f"{' and '.join(missing)} not found on PATH or under /usr/lib/postgresql/*/bin"
    if in_ci():
        pytest.fail(f"{reason}, and CI=true requires them (apt-get install postgresql-client).")
    pytest.skip(f"{reason}: install postgresql-client to run the backup test.")


@pytest.fixture
def new_database() -> Iterator[str]:
    """A new, empty database beside the test database; the default connection's while the test
    switches to it (``switch``), dropped at the end."""
    original = connection.settings_dict["NAME"]
    name = f"{original}_restore_{uuid.uuid4().hex[:8]}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _history_rows() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in django_apps.get_models()
        if model.__name__.startswith("Historical")
    }


def _snapshot() -> dict[str, object]:
    return {
        "statements": sorted(Statement.objects.values_list("pk", "state", "summary")),
        "sources": sorted(Source.objects.values_list("pk", "url")),
        "history": _history_rows(),
        "dataset claims": sorted(DatasetClaim.objects.values_list("pk", "field", "value")),
        "subscriptions": sorted(Subscription.objects.values_list("pk", "subscriber__email")),
        "pending deliveries": sorted(
            Delivery.objects.filter(status=DeliveryStatus.PENDING).values_list(
                "pk", "subscriber__email", "event_id"
            )
        ),
    }


@pytest.mark.slow
@pytest.mark.usefixtures("postgres_tools")
def test_a_backup_restored_into_a_new_database_holds_everything_and_sends_pending_mail_once(
    transactional_db: None,
    settings: Any,
    tmp_path: Path,
    smtp: SMTPServer,
    new_database: str,
) -> None:
    settings.EXPORTS_DIR = str(tmp_path / "exports")
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "statements.csv").write_text("id,summary\n1,Meta stays open\n")
    call_command("seed", verbosity=0, stdout=io.StringIO())
    assert dataset_import(dataset="epoch", source=str(EPOCH_DEMO)).state == "ok"
    meta = Company.objects.get(slug="meta")
    readers = [
        subscriber_make(f"reader-{n}@example.org", company=meta, statements=True) for n in range(3)
    ]
    statement_make(company=meta, stance="open", occurred_on=datetime.date(2026, 1, 5), publish=True)
    for event_id in Event.objects.filter(fanned_out_at__isnull=True).values_list("pk", flat=True):
        alerts.event_fan_out(event_id=event_id)
    before = _snapshot()
    assert all(before.values()), {k: bool(v) for k, v in before.items()}
    assert len(before["pending deliveries"]) >= len(readers)  # type: ignore[arg-type]

    out = io.StringIO()
    call_command("backup", "--to", str(tmp_path / "backups"), stdout=out)
    archive = Path(out.getvalue().strip())
    assert archive.parent == tmp_path / "backups" and archive.is_file()
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "database.dump", "files/exports/statements.csv"} <= names

    # Restore into the new database, with the export files into an empty directory.
    settings.EXPORTS_DIR = str(tmp_path / "restored-exports")
    connection.close()
    connection.settings_dict["NAME"] = new_database
    call_command("restore", str(archive), stdout=io.StringIO())
    assert connection.settings_dict["NAME"] == new_database
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        assert cursor.fetchone() == (new_database,)

    assert _snapshot() == before
    restored = tmp_path / "restored-exports" / "statements.csv"
    assert restored.read_text() == "id,summary\n1,Meta stays open\n"

    pending = before["pending deliveries"]
    alerts.deliveries_send()
    alerts.deliveries_send()  # a second pass finds nothing left to send
    expected = sorted(email for _pk, email, _event in pending)  # type: ignore[attr-defined]
    assert sorted(m.to for m in smtp.messages) == expected
    assert not Delivery.objects.filter(status=DeliveryStatus.PENDING).exists()
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == len(expected)
