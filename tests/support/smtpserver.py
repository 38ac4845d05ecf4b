"""A real SMTP server (aiosmtpd) on 127.0.0.1 that records what it accepts.

It can be told to refuse given recipients with a permanent (550) or temporary (451) reply, to
take its time over each message, or to call a hook before it accepts one (a test kills a worker
there, mid-send). It can also misbehave as a whole, on demand: refuse every sender
(:attr:`SMTPServer.mail_reply`, e.g. 421 or 530), answer every message with an error
(:attr:`SMTPServer.data_reply`), or drop the connection mid-message (:meth:`SMTPServer.drop`):
after the whole message arrived and before the final reply, keeping the message or not.
Unreachable is :meth:`SMTPServer.stop` (nothing listens on the port; :meth:`SMTPServer.start`
listens on it again). Only messages the server accepted are recorded: answered 250, or kept by
a drop that keeps them (a server that hung up after queueing the mail): that is what a real
server would deliver.
"""

from __future__ import annotations

import email
import email.policy
import enum
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.waiting import wait_until

__all__ = ["Drop", "ReceivedMail", "SMTPServer", "free_port"]


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


class Drop(enum.Enum):
    """What the server did with a message whose connection it dropped before the final reply."""

    #: Hung up before queueing it: nothing was delivered, the sender may try again.
    LOST = "lost"
    #: Queued it and then hung up: delivered, but the sender cannot know (its resend is the
    #: one duplicate SMTP cannot rule out).
    KEPT = "kept"


class _Handler:
    def __init__(self, owner: SMTPServer) -> None:
        self.owner = owner

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, mail_options: list[str]
    ) -> str:
        if self.owner.mail_reply:
            return self.owner.mail_reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

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
        if owner.data_reply:
            return owner.data_reply
        drop = owner.drop_take()
        if drop is not Drop.LOST:
            owner.record(envelope)
        if drop is not None:
            # Hang up without a reply: the client is left waiting after its final dot.
            owner.dropped.append(drop)
            server.transport.abort()
            return "421 4.4.2 Connection dropped"  # written to a closed transport: never read
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
        #: The reply to every MAIL FROM instead of 250 (the server refuses everyone).
        self.mail_reply = ""
        #: The reply to every message instead of 250 (the server rejects every message).
        self.data_reply = ""
        #: Drops still to make, in order (:meth:`drop`), and those made.
        self.drops: list[Drop] = []
        self.dropped: list[Drop] = []
        self._running = False
        self._controller: Controller | None = None

    def start(self) -> SMTPServer:
        """Listen (again, after :meth:`stop`) on the same port."""
        if not self._running:
            self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
            self._controller.start()
            self._running = True
        return self

    def stop(self) -> None:
        if self._running and self._controller is not None:  # a test may have stopped it already
            self._controller.stop()
            self._running = False

    def refuse(self, address: str, reply: str) -> None:
        self.refusals[address.lower()] = reply

    def drop(self, how: Drop, times: int = 1) -> None:
        """Drop the connection of the next ``times`` messages after their data, before the
        final reply, keeping each message (:attr:`Drop.KEPT`) or not (:attr:`Drop.LOST`)."""
        with self.lock:
            self.drops.extend([how] * times)

    def drop_take(self) -> Drop | None:
        with self.lock:
            return self.drops.pop(0) if self.drops else None

    def record(self, envelope: Any) -> None:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))

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
