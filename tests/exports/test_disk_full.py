"""A disk that fills up during a rebuild of the bulk exports, for real: a small tmpfs filled to
its last block (tests/support/diskfull.py), so the kernel refuses the writes, not a mock.

What must hold: the build fails with a clear error an editor sees (Admin → Exports), the files
already served stay as they were (no half-written file, no stray temporary), the database says
the files are still out of date (the claim released, the next try due), and once there is room
again the next build succeeds.
"""

from __future__ import annotations

import datetime
import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from apps.claims.models import Statement
from apps.exports.models import STATE_ID
from apps.exports.services import Outcome, exports_rebuild, state_get
from tests.factories import company_make, statement_make
from tests.support.diskfull import disk_fill, small_disk
from tests.support.exports import csv_dicts, sha256

pytestmark = pytest.mark.django_db

DEBOUNCE = 300.0


def later(seconds: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=seconds)


def served(directory: Path) -> dict[str, str]:
    """The files a reader can download, with their hashes (the filler is not one)."""
    return {p.name: sha256(p) for p in directory.iterdir() if p.name != "filler.bin"}


@pytest.mark.slow
def test_a_disk_full_during_an_export_fails_clearly_and_keeps_the_served_files(
    exports_dir: Path, settings: Any
) -> None:
    settings.EXPORTS_DEBOUNCE_SECONDS = DEBOUNCE
    lab = company_make()
    statement_make(company=lab, publish=True)
    with small_disk(exports_dir, size_kb=512):
        assert exports_rebuild() is Outcome.BUILT
        before = served(exports_dir)
        filler = disk_fill(exports_dir)
        statement_make(company=lab, stance="open", summary="A second statement", publish=True)

        assert exports_rebuild(now=later(DEBOUNCE + 1)) is Outcome.FAILED
        state = state_get()
        assert "No space left on device" in state.last_error, state.last_error
        # The database is consistent: the record kept its change, the build let go of its
        # claim, and the files are still out of date, so a later build will come.
        assert Statement.objects.filter(summary="A second statement").exists()
        assert state.claim == "" and state.claimed_at is None
        assert state.dirty_at is not None and state.builds == 1
        # The files served are the previous build's, whole, and nothing half-written is left.
        assert served(exports_dir) == before
        staff = Client()
        staff.force_login(User.objects.create_superuser("desk", password="correct horse"))
        page = staff.get(f"/admin/exports/exportstate/{STATE_ID}/change/").content.decode()
        assert "No space left on device" in page

        filler.unlink()  # room again
        started = time.monotonic()
        assert exports_rebuild(now=later(2 * DEBOUNCE + 2)) is Outcome.BUILT
        print(f"\nexports rebuilt {time.monotonic() - started:.2f} s after room was made")
        rows = csv_dicts(exports_dir / "statements.csv")
        assert {row["summary"] for row in rows} >= {"A second statement"}
        assert state_get().last_error == ""
