"""Second-factor login for staff: an authenticator app (TOTP), and backup codes for a lost phone.

Optional per user. A user with a confirmed app must give a code from the app, or one unused
backup code, at the admin login (apps/accounts/forms.py); users without one log in with their
password alone. The devices are django-otp's own models (otp_totp, otp_static), so its
throttling applies on top of the login throttle: after each wrong code the device refuses to
check another for 1, 2, 4, 8... seconds. Turning the factor off, or getting new backup codes,
takes a current code, so that an open session alone cannot do either.
"""

from __future__ import annotations

from base64 import b32encode

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"
BACKUP_CODE_COUNT = 10


class SecondFactorError(Exception):
    """A code was refused, or the step does not apply; ``message`` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def second_factor_required(user: AbstractBaseUser) -> bool:
    """Whether logging in as this user takes a code: they have a confirmed authenticator app.

    Backup codes only stand in for the app, so a superuser who deletes a colleague's lost app
    (Admin -> TOTP devices) turns the second factor off for them.
    """
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_confirmed(user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_device_pending(user: AbstractBaseUser) -> TOTPDevice | None:
    """The app being set up: shown as a QR code until a code from it confirms it."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def backup_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret as people type it into an app without a camera: base32 in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _normalised(token: str) -> str:
    return "".join(token.split()).lower()


WRONG_CODE = _("That code is not right. Enter the current code from your app.")
TOO_MANY_CODES = _("Too many wrong codes in a row. Wait a minute, then try again.")


def _refusal(device: Device, token: str) -> str | None:
    """Why ``device`` refuses ``token``, or None if it accepts it (a failure is recorded)."""
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return str(TOO_MANY_CODES)
    return None if device.verify_token(token) else str(WRONG_CODE)


def second_factor_verify(*, user: AbstractBaseUser, token: str) -> Device:
    """The confirmed device that accepts ``token``: six digits from the app, or a backup code.

    A backup code works once (django-otp deletes it). Raises SecondFactorError with the reason.
    Never call it inside a transaction that the error rolls back: the device's count of wrong
    codes, which slows guessing down, must stay written.
    """
    token = _normalised(token)
    is_app_code = len(token) == 6 and token.isdigit()
    model: type[TOTPDevice] | type[StaticDevice] = TOTPDevice if is_app_code else StaticDevice
    refusal = str(WRONG_CODE)
    with transaction.atomic():
        for device in model.objects.filter(user=user, confirmed=True).select_for_update():
            refusal = _refusal(device, token) or ""
            if not refusal:
                return device
    raise SecondFactorError(refusal)


def totp_device_start(*, user: AbstractBaseUser) -> TOTPDevice:
    """A new, unconfirmed app secret for ``user`` (replacing an earlier unconfirmed one)."""
    with transaction.atomic():
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise SecondFactorError(str(_("Two-factor login is already on.")))
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def _backup_codes_replace(user: AbstractBaseUser) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def totp_device_confirm(*, user: AbstractBaseUser, token: str) -> list[str]:
    """Turn two-factor login on with a code from the app just set up; returns backup codes.

    The codes are shown to the user once and never again (only their count is).
    """
    refusal = str(_("Start again: there is no app being set up."))
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).select_for_update().first()
        if device is not None:
            refusal = _refusal(device, _normalised(token)) or ""
            if not refusal:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                return _backup_codes_replace(user)
    raise SecondFactorError(refusal)


def backup_codes_renew(*, user: AbstractBaseUser, token: str) -> list[str]:
    """New backup codes (the old ones stop working), for a current code."""
    second_factor_verify(user=user, token=token)
    with transaction.atomic():
        return _backup_codes_replace(user)


def second_factor_remove(*, user: AbstractBaseUser, token: str) -> None:
    """Turn two-factor login off, for a current code: the app's secret and backup codes go."""
    second_factor_verify(user=user, token=token)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
