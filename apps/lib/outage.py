"""When a dependency is down: how to recognise a database outage and what to tell clients.

A page that cannot reach PostgreSQL (restarted, failing over, not yet up) answers **503 Service
Unavailable** with ``Retry-After``, a short page and no stack trace (apps/site/errors.py; the API
answers its JSON error, apps/api/api.py), instead of Django's 500. Nothing needs restarting
afterwards: Django drops a connection that failed (``conn_health_checks`` tests a kept one before
each request), so the first request after the database is back opens a new one.

Workers wait the outage out instead (:func:`database_retry`), where repeating a write is safe.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import InterfaceError, OperationalError, connection

from .conf import setting, settings_read

__all__ = [
    "DATABASE_OUTAGE_ERRORS",
    "database_disk_full",
    "database_retry",
    "database_unavailable",
    "outage_conf",
]

logger = logging.getLogger(__name__)

#: What Django raises when the server cannot be reached or ended the session: a refused
#: connection, "terminating connection due to administrator command", "connection already
#: closed". (A bad query raises ProgrammingError or IntegrityError, never these.)
DATABASE_OUTAGE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)


@dataclass(frozen=True)
class OutageConf:
    # The Retry-After of a 503 while the database is unreachable: about how long a restart or
    # a failover takes.
    retry_after_seconds: int = setting("OUTAGE_RETRY_AFTER_SECONDS", 15)
    # How long a worker waits for the database to come back before a write it must not lose
    # (marking a sent mail sent) gives up and raises.
    worker_wait_seconds: float = setting("OUTAGE_WORKER_WAIT_SECONDS", 60.0)


def outage_conf() -> OutageConf:
    return settings_read(OutageConf)


def database_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` (or what caused it) says the database cannot be reached."""
    while error is not None:
        if isinstance(error, DATABASE_OUTAGE_ERRORS):
            return True
        error = error.__cause__ or error.__context__
    return False


#: PostgreSQL's SQLSTATE for "could not extend file …: No space left on device" (disk_full).
DISK_FULL_SQLSTATE = "53100"


def database_disk_full(error: BaseException | None) -> bool:
    """Whether ``error`` (or what caused it) says the database server is out of disk space.

    A write fails then and the transaction is rolled back whole; the server itself goes on
    serving reads and the writes that fit (a row updated in place), so it is not an outage.
    """
    while error is not None:
        if getattr(error, "sqlstate", None) == DISK_FULL_SQLSTATE:
            return True
        error = error.__cause__ or error.__context__
    return False


def database_retry[T](work: Callable[[], T], *, what: str, wait: float | None = None) -> T:
    """Run ``work`` (its own transaction, safe to repeat), again while the database is down.

    For the few writes that must land once the side effect they record has happened (a mail
    the SMTP server accepted is marked sent): a restart of PostgreSQL in between would
    otherwise leave the row claimed, and the sweeper would send the mail again. Gives up, and
    raises, after ``wait`` seconds (OUTAGE_WORKER_WAIT_SECONDS). Must not be called inside an
    atomic block: the broken connection is closed and a new one opened.
    """
    deadline = time.monotonic() + (outage_conf().worker_wait_seconds if wait is None else wait)
    pause = 0.2
    while True:
        try:
            return work()
        except DATABASE_OUTAGE_ERRORS as error:
            if connection.in_atomic_block or time.monotonic() >= deadline:
                raise
            logger.warning("database unreachable while %s; retrying: %s", what, error)
            connection.close()
            time.sleep(pause)  # backing off while the server is away
            pause = min(pause * 2, 2.0)
