"""The first-run stack in one process group: web server, Celery worker and Celery beat.

Ctrl-C (or SIGTERM) stops all three; if one of them dies, the others are stopped too, so a
half-running site is never left behind. One worker consumes every queue (production runs one
worker service per queue: docker-compose.yml).

``--addr`` is where the site listens, and so the address in what it sends out: the three
processes get ``SITE_URL`` for it (the links in mail; an explicit SITE_URL in the environment
wins, for a tunnel or a proxy in front), the host is allowed, and the demo feeds move to it.
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
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from apps.ingest import services as ingest_services
from apps.ingest.models import Feed

#: Where runserver listens by default, and what `make run` passes.
DEFAULT_ADDR = "127.0.0.1:8000"
# A wildcard address is where the site listens, never an address to put in a link.
WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "[::]": "[::1]", "": "127.0.0.1"}  # noqa: S104


def local_origin(addr: str) -> tuple[str, str]:
    """(origin, host) for runserver's address: "8000", "HOST:PORT" or "[IPv6]:PORT"."""
    host, _, port = addr.rpartition(":")
    if not port.isdigit():
        raise CommandError(f"--addr takes PORT or HOST:PORT, not {addr!r}.")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    host = WILDCARD_HOSTS.get(host, host)
    return f"http://{host}:{port}", host


class Command(BaseCommand):
    help = "Serve the site with a Celery worker and beat, for a local first look."
    # preparelocal below must come first (the checks open SQLite); runserver runs them after.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--addr",
            default=DEFAULT_ADDR,
            help="PORT or HOST:PORT to serve at; also the address in mail and the demo feeds",
        )

    def handle(self, *args: Any, addr: str, **options: Any) -> None:
        origin, host = local_origin(addr)
        site_url = os.environ.get("SITE_URL") or origin
        # var/, the broker's folders and the key that the three processes below all read.
        call_command("preparelocal", verbosity=0)
        self._demo_feeds_move(origin)
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
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "SITE_URL": site_url,
            # runlocal says where the site is, below; runserver need not warn that it is a
            # development server (it is the local first run's, never production's).
            "DJANGO_RUNSERVER_HIDE_WARNING": "true",
        }
        if os.geteuid() == 0:
            env["APERTURE_LOCAL_RUN_AS_ROOT"] = "1"  # read by config/celery.py
            self.stdout.write(
                "Running as root, so the local worker does too: fine for a first look on your "
                "own machine; production's workers run as a user of their own."
            )
        if "DJANGO_ALLOWED_HOSTS" not in os.environ:
            local_hosts = ["127.0.0.1", "localhost", "[::1]"]
            hosts = local_hosts if host in local_hosts else [*local_hosts, host]
            env["DJANGO_ALLOWED_HOSTS"] = ",".join(hosts)
        processes = {
            name: subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)
            for name, command in commands.items()
        }
        self.stdout.write(
            self.style.SUCCESS(
                f"Aperture is running at {site_url}/ (admin at {site_url}/admin/). "
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

    def _demo_feeds_move(self, origin: str) -> None:
        """Point the demo feeds at this site, if `make run` registered them (at another port,
        or before --addr was given). A database not migrated yet has none to move."""
        if Feed._meta.db_table not in connection.introspection.table_names():
            return
        for feed, what in ingest_services.demo_feeds_register(origin=origin, add_missing=False):
            if what == "moved":
                self.stdout.write(f"Demo feed moved to {feed.url}")
        connection.close()  # the children open their own
