"""The mail transport: Django's mailers (settings.MAILERS), with one error type.

Every SMTP failure becomes a :class:`MailError` whose ``permanent`` flag says whether trying again
can help: 5xx replies (the address does not exist, the message is refused) are permanent; 4xx
replies and connection trouble are temporary and retried. Only a 5xx refusal of the recipient
marks the address as bouncing (:attr:`MailError.bounces`). A server that refuses us as a whole
(at its greeting, our login or our MAIL FROM, even with a 5xx) says nothing of any reader: that
is the server's or our configuration's trouble, retried with backoff like an unreachable server
(:attr:`MailError.server_wide`), and never a reason to stop mail to anyone.
"""

from __future__ import annotations

import contextlib
import enum
import smtplib
from types import TracebackType

from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

MAILER_ALIAS = "default"


class MailErrorReason(enum.StrEnum):
    SMTP = "smtp"  # the server answered, or smtplib refused
    RECIPIENT = "recipient"  # the server refused the recipient's address
    SERVER = "server"  # the server refused us: greeting, login or sender
    CONNECTION = "connection"
    TIMEOUT = "timeout"
    ADDRESS = "address"  # Django refused the address before sending


class MailError(Exception):
    def __init__(
        self, reason: MailErrorReason, message: str, *, permanent: bool, code: int | None = None
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.permanent = permanent
        self.code = code

    def __str__(self) -> str:
        return self.message

    @property
    def bounces(self) -> bool:
        """Only the receiving server's 5xx refusal of the recipient says the address is bad; a
        message we could not build, a refused message or sender, or a refusal before any reply,
        says nothing about the reader's address."""
        return (
            self.permanent
            and self.reason is MailErrorReason.RECIPIENT
            and self.code is not None
            and self.code >= 500
        )

    @property
    def unreachable(self) -> bool:
        """The server could not be reached at all: the next mail would fail the same way."""
        return self.reason in (MailErrorReason.CONNECTION, MailErrorReason.TIMEOUT)

    @property
    def server_wide(self) -> bool:
        """Unreachable, or refusing us whoever the mail is for: the next mail would fail the
        same way, so a sender stops and backs off instead of trying each of its batch."""
        return self.unreachable or self.reason is MailErrorReason.SERVER

    def __repr__(self) -> str:
        return (
            f"MailError(reason={self.reason!r}, permanent={self.permanent!r}, "
            f"code={self.code!r}, message={self.message!r})"
        )


def _reply(
    code: int, text: bytes | str, reason: MailErrorReason = MailErrorReason.SMTP
) -> MailError:
    shown = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return MailError(
        reason,
        f"The mail server answered {code} {shown}".strip(),
        # A refusal of us as a whole is retried whatever its code: see the module's docstring.
        permanent=code >= 500 and reason is not MailErrorReason.SERVER,
        code=code,
    )


#: Replies that refuse us, not one recipient or one message.
_SERVER_REFUSALS = (
    smtplib.SMTPSenderRefused,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
)


def mail_error_from(exc: BaseException) -> MailError:
    """Map whatever smtplib or the socket raised to a MailError."""
    if isinstance(exc, MailError):
        return exc
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()), (550, b"recipient refused"))
        return _reply(int(code), text, MailErrorReason.RECIPIENT)
    if isinstance(exc, _SERVER_REFUSALS):
        return _reply(int(exc.smtp_code), exc.smtp_error, MailErrorReason.SERVER)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return MailError(MailErrorReason.CONNECTION, "The mail server hung up.", permanent=False)
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply(int(exc.smtp_code), exc.smtp_error)
    if isinstance(exc, smtplib.SMTPException):
        return MailError(
            MailErrorReason.SMTP, f"The mail could not be sent: {exc}", permanent=False
        )
    if isinstance(exc, ValueError):  # Django refuses a malformed address before sending
        return MailError(
            MailErrorReason.ADDRESS, f"The address is not usable: {exc}", permanent=True
        )
    if isinstance(exc, TimeoutError):
        return MailError(
            MailErrorReason.TIMEOUT, "The mail server took too long to answer.", permanent=False
        )
    if isinstance(exc, OSError):
        return MailError(
            MailErrorReason.CONNECTION,
            f"Could not talk to the mail server ({exc}).",
            permanent=False,
        )
    return MailError(MailErrorReason.SMTP, f"The mail could not be sent: {exc!r}", permanent=False)


class MailSession:
    """One SMTP connection reused for many messages; each send raises MailError or returns.

    After a connection-level failure the connection is dropped and the next send reconnects, so
    one bad moment does not fail the whole batch's remaining messages with stale errors.
    """

    def __init__(self, alias: str = MAILER_ALIAS) -> None:
        self.alias = alias
        self._backend: BaseEmailBackend | None = None
        #: The error of the last send, None after a success.
        self.last_error: MailError | None = None

    def __enter__(self) -> MailSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._backend is not None:
            backend, self._backend = self._backend, None
            with contextlib.suppress(smtplib.SMTPException, OSError):
                backend.close()

    def send(self, message: EmailMessage) -> None:
        try:
            if self._backend is None:
                self._backend = mail.mailers[self.alias]
                self._backend.open()
            prebuilt = getattr(message, "prebuilt", None)
            if prebuilt is not None and isinstance(self._backend, SMTPBackend):
                # The bytes are the message: sent as Django's backend would send them.
                backend = self._backend
                assert backend.connection is not None
                backend.connection.sendmail(
                    backend.prep_address(message.from_email),
                    [backend.prep_address(address) for address in message.recipients()],
                    prebuilt,
                )
            else:
                self._backend.send_messages([message])
        # Only what a transport raises: anything else (Celery's SoftTimeLimitExceeded above
        # all) is not a mail error and must reach the caller as itself.
        except (smtplib.SMTPException, OSError, ValueError) as exc:
            error = mail_error_from(exc)
            self.last_error = error
            if error.code is None:  # not an SMTP reply: the connection is in an unknown state
                self.close()
            raise error from exc
        self.last_error = None
