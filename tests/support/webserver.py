"""The site served by gunicorn in a process of its own, as production serves it.

For tests that stop a dependency under a running server and need to see that the *same*
process answers sensibly meanwhile and recovers afterwards (no restart): :attr:`pid` stays
the same, and :meth:`get` never raises for an HTTP error status.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

from tests.support.smtpserver import free_port
from tests.support.waiting import wait_until
from tests.support.worker import ROOT

__all__ = ["Answer", "WebServer"]


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Message
    body: str


class WebServer:
    """gunicorn on 127.0.0.1 and a free port, with the environment given (DATABASE_URL ...)."""

    def __init__(self, *, env: dict[str, str], workers: int = 1) -> None:
        self.port = free_port()
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"DJANGO_DEBUG"}},
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            **env,
        }
        self.workers = workers
        self.log_path = Path(ROOT, "test-output", "web", f"gunicorn-{uuid.uuid4().hex[:8]}.log")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> WebServer:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi:application",
                 "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                 "--timeout", "60", "--access-logfile", "-"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        wait_until(self._listening, timeout=60, what="gunicorn to answer", diagnosis=self.log_tail)
        return self

    def _listening(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited; {self.log_tail()}")
        try:
            self.get("/robots.txt")
        except OSError:
            return False
        return True

    def get(self, path: str, *, timeout: float = 20.0) -> Answer:
        request = urllib.request.Request(self.url(path), headers={"Accept-Language": "en"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Answer(response.status, response.headers, response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers, error.read().decode(errors="replace"))

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, chars: int = 3000) -> str:
        return f"gunicorn log:\n{self.log()[-chars:]}"
