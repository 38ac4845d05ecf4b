"""The one way tests wait: for a state or an event, with a deadline, never for a fixed time.

A fixed sleep either wastes time or, on a busy machine, is too short and lets a test pass that
should have failed. So a test names what it waits for, and a test that proves that something did
*not* happen first waits for a positive sign that the system has finished with the thing (the
worker is idle, a row changed state) and only then looks for its absence.

    wait_until(lambda: Delivery.objects.filter(status="sent").count() == 40, what="40 sent")
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["wait_until"]


def wait_until[T](
    condition: Callable[[], T | None],
    *,
    timeout: float = 30.0,
    interval: float = 0.05,
    what: str = "",
    diagnosis: Callable[[], object] | None = None,
) -> T:
    """Call ``condition`` until it returns something truthy, and return that.

    After ``timeout`` seconds it raises AssertionError (the test fails) naming ``what`` it waited
    for, followed by whatever ``diagnosis()`` returns (a worker's log, the rows seen). An
    exception raised by ``condition`` ends the wait at once: a predicate can refuse to wait for
    something that can no longer happen (a process that exited).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            message = f"timed out after {timeout:g}s waiting for {what or condition}"
            if diagnosis is not None:
                message += f"\n{diagnosis()}"
            raise AssertionError(message)
        time.sleep(interval)
