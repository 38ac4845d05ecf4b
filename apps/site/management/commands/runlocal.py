"""The first-run stack in one process group: web server, Celery worker and Celery beat.

Ctrl-C (or SIGTERM) stops all three; if one of them dies, the others are stopped too, so a
half-running site is never left behind. One worker consumes every queue (production runs one
worker service per queue: docker-compose.yml).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the site with a Celery worker and beat, for a local first look."
    # preparelocal below must come first (the checks open SQLite); runserver runs them after.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, addr: str, **options: Any) -> None:
        # var/, the broker's folders and the key that the three processes below all read.
        call_command("preparelocal", verbosity=0)
        python = sys.executable
        commands = {
            "web": [python, "manage.py", "runserver", addr, "--noreload"],
            "worker": [
                python, "-m", "celery", "-A", "config", "worker",
                "--loglevel", "INFO", "--concurrency", "2", "--hostname", "local@%h",
                "--queues", ",".join(settings.TASK_QUEUE_NAMES),
            ],
            "beat": [python, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO"],
        }  # fmt: skip
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        processes = {
            name: subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)
            for name, command in commands.items()
        }
        self.stdout.write(
            self.style.SUCCESS(
                f"Aperture is running at http://{addr}/ (admin at http://{addr}/admin/). "
                "Press Ctrl-C to stop the site, the worker and beat."
            )
        )
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        # Installed explicitly: a shell that starts us in the background ignores SIGINT.
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping:
            exited = [name for name, p in processes.items() if p.poll() is not None]
            if exited:
                self.stderr.write(f"{', '.join(exited)} stopped; stopping the rest.")
                break
            time.sleep(0.5)
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
        self.stdout.write("Stopped.")
