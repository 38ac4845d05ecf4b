"""The first run's console mailer prints mail decoded, with every link whole on its line."""

from __future__ import annotations

import io

import pytest
from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend

from apps.alerts.mails import confirmation_mail
from apps.lib.console_mail import EmailBackend

# Long enough for quoted-printable to break it, with "=" that it would write as "=3D".
CONFIRM_URL = (
    "http://127.0.0.1:8000/alerts/confirm/"
    "12:1xaTUP:OpEIcfGN_ML38LqIGiBb5PavMNIRH1BzN08A7TQs5rM=abcdefghijklmnopqrstuvwxyz/"
)


def printed(backend_class: type[DjangoConsoleBackend], language: str) -> str:
    stream = io.StringIO()
    message = confirmation_mail(
        email="reader@example.org", language=language, confirm_url=CONFIRM_URL, scope="Meta"
    )
    assert backend_class(stream=stream).send_messages([message]) == 1
    return stream.getvalue()


def test_djangos_console_mailer_breaks_the_link_that_ours_prints_whole() -> None:
    # The reason this mailer exists: Django's prints the quoted-printable form.
    assert CONFIRM_URL not in printed(DjangoConsoleBackend, "en")


@pytest.mark.parametrize(
    ("language", "subject"),
    [("en", "Confirm your Aperture alerts"), ("ja", "Aperture のアラート登録の確認")],
)
def test_the_console_shows_the_subject_and_text_decoded_with_the_link_on_its_own_line(
    language: str, subject: str
) -> None:
    output = printed(EmailBackend, language)
    lines = output.splitlines()
    assert CONFIRM_URL in lines, output
    assert f"Subject: {subject}" in lines
    assert "To: reader@example.org" in lines
    assert "(also: text/html)" in lines
    assert "=3D" not in output and "Content-Transfer-Encoding" not in output
    assert lines[0] == lines[-1] == "-" * 79
