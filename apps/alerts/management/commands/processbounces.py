"""Read delivery status notifications from files or standard input and stop mail to addresses
that bounce for good. Point the return path's mailbox at it, e.g. a pipe to
`manage.py processbounces -`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from apps.alerts.bounces import bounce_report_process


class Command(BaseCommand):
    help = "Process bounce reports (RFC 3464) from files, or '-' for standard input."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="+", help="message files, or - for standard input")

    def handle(self, *args: Any, paths: list[str], **options: Any) -> None:
        for path in paths:
            raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
            report = bounce_report_process(raw=raw)
            if report.not_a_report:
                self.stderr.write(f"{path}: not a delivery status notification; nothing done.")
                continue
            for address in report.bounced:
                self.stdout.write(f"{path}: bounced {address}; mail to it stopped.")
            for address in report.delayed:
                self.stdout.write(f"{path}: delayed {address}; nothing changed.")
