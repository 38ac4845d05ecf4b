"""An SMTP server that accepts and counts, in a process of its own, for the mail benchmarks.

    python -m bench.smtpsink PORT

In its own process so that the server's work never competes for the benchmark's GIL: Aperture's
sender and the smtplib floor talk to the same server on the same terms. It prints "ready" once
listening; `QUIT` then ends the connection as usual, and the process runs until it is killed.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

from aiosmtpd.controller import Controller


class _Accepting:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def smtp_sink() -> Iterator[int]:
    """Start the sink in a subprocess; yields its port; stops it at the end."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.smtpsink", str(port)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        if process.stdout.readline().strip() != "ready":
            raise RuntimeError("the SMTP sink did not start")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def mailers(port: int) -> dict[str, dict[str, object]]:
    """settings.MAILERS that send to the sink."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 20},
        }
    }


def main(argv: list[str]) -> int:
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(_Accepting(), hostname="127.0.0.1", port=int(argv[0]))
    controller.start()
    print("ready", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
