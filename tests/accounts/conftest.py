"""Fixtures for the staff accounts' tests: a real SMTP server for the review mail."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.smtpserver import SMTPServer


@pytest.fixture
def smtp(settings: Any) -> Iterator[SMTPServer]:
    """A running SMTP server; Django's default mailer points at it."""
    server = SMTPServer().start()
    settings.MAILERS = server.mailer_settings()
    settings.SITE_URL = "http://testserver"
    yield server
    server.stop()
