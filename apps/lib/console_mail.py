"""A console mailer for the local first run that prints mail as a person reads it.

Django's console backend prints the raw MIME message: quoted-printable bodies, where a long
link is cut with "=" at 76 characters and "=3D" stands for "=", so a newcomer who copies the
confirmation link from the console gets a broken one. This one builds the same message, then
prints its headers decoded and its text part decoded, each link whole on its own line. The
message is built exactly as for sending, so a mail that could not be sent fails here too.
"""

from __future__ import annotations

import sys
from email.message import EmailMessage as MIMEMessage
from typing import Any

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend
from django.core.mail.message import EmailMessage

#: The headers worth reading on a console; the rest (Message-ID, MIME-Version) are noise.
SHOWN_HEADERS = ("From", "To", "Cc", "Reply-To", "Subject", "List-Unsubscribe")
RULE = "-" * 79


def mail_readable(message: MIMEMessage) -> str:
    """The message as text: decoded headers, the decoded text part, and what else it holds."""
    lines = [f"{name}: {message[name]}" for name in SHOWN_HEADERS if message[name] is not None]
    body = message.get_body(preferencelist=("plain", "html"))
    others = [
        part.get_content_type()
        for part in message.walk()
        if not part.is_multipart() and part is not body
    ]
    if others:
        lines.append(f"(also: {', '.join(others)})")
    lines.append("")
    if body is not None:
        lines.append(str(body.get_content()).replace("\r\n", "\n").rstrip("\n"))
    return "\n".join(lines)


class EmailBackend(DjangoConsoleBackend):
    """``MAILERS`` backend for the first run: each message decoded, between two rules.

    It writes to the process's real standard output: a Celery worker replaces ``sys.stdout``
    with a logger that would print every line of the mail as a WARNING with a log prefix.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stream", sys.__stdout__)
        super().__init__(*args, **kwargs)

    def write_message(self, message: EmailMessage) -> None:
        self.stream.write(f"{RULE}\n{mail_readable(message.message())}\n{RULE}\n")
