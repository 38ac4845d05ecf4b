"""A real SMTP server (aiosmtpd) on 127.0.0.1 that records what it accepts.

It can be told to refuse given recipients with a permanent (550) or temporary (451) reply, to
take its time over each message, or to call a hook before it accepts one (a test kills a worker
there, mid-send). Only messages the server answered 250 to are recorded: that is what a real
server would deliver.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.waiting import wait_until

__all__ = ["ReceivedMail", "SMTPServer", "free_port"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def to(self) -> str:
        return self.rcpt_tos[0]

    def part(self, content_type: str) -> str:
        body = self.message.get_body(preferencelist=(content_type.split("/")[1],))
        assert body is not None, f"no {content_type} part"
        return str(body.get_content())


class _Handler:
    def __init__(self, owner: SMTPServer) -> None:
        self.owner = owner

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        reply = self.owner.refusals.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        owner = self.owner
        if owner.delay:
            time.sleep(owner.delay)  # blocking on purpose: one message at a time, like a slow MTA
        if owner.before_accept is not None:
            reply = owner.before_accept(envelope)
            if reply:
                return reply
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with owner.lock:
            owner.received.append(
                ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message)
            )
        return "250 Message accepted"


class SMTPServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.lock = threading.Lock()
        self.received: list[ReceivedMail] = []
        #: lower-cased address -> SMTP reply, e.g. "550 5.1.1 No such user"
        self.refusals: dict[str, str] = {}
        self.delay = 0.0
        self.before_accept: Callable[[Any], str | None] | None = None
        self._running = False
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def start(self) -> SMTPServer:
        self._controller.start()
        self._running = True
        return self

    def stop(self) -> None:
        if self._running:  # a test may have stopped it already
            self._controller.stop()
            self._running = False

    def refuse(self, address: str, reply: str) -> None:
        self.refusals[address.lower()] = reply

    @property
    def messages(self) -> list[ReceivedMail]:
        with self.lock:
            return list(self.received)

    def to(self, address: str) -> list[ReceivedMail]:
        return [m for m in self.messages if address.lower() in (r.lower() for r in m.rcpt_tos)]

    def wait_for(self, count: int, timeout: float = 30.0) -> list[ReceivedMail]:
        """The messages received once there are at least ``count`` of them."""
        return wait_until(
            lambda: self.messages if len(self.messages) >= count else None,
            timeout=timeout,
            what=f"{count} mails",
            diagnosis=lambda: f"received {len(self.messages)}",
        )

    def mailer_settings(self) -> dict[str, dict[str, object]]:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 10},
            }
        }

    def env(self) -> dict[str, str]:
        """What a worker subprocess needs to send here (settings.py reads these)."""
        return {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.port)}
