"""The admin login form with an optional second factor, and the form that takes one code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _

from .services import SecondFactorError, second_factor_required, second_factor_verify

# For codes from an app or a backup sheet: no autocorrection, and the browser's one-time-code fill.
CODE_INPUT_ATTRS = {"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}


class StaffLoginForm(AdminAuthenticationForm):
    """Django's admin login, plus a code for users who turned two-factor login on.

    A wrong code counts as a failed login for the throttle (it is reported the way Django
    reports a wrong password), so that the code cannot be guessed faster than a password.
    """

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "code_required": _(
            "This account has two-factor login: enter the code from your authenticator app, "
            "or one of your backup codes."
        ),
    }

    otp_token = forms.CharField(
        label=_("Two-factor code"),
        required=False,
        max_length=32,
        help_text=_(
            "Only if you have turned on two-factor login: the code from your app, or a backup code."
        ),
        widget=forms.TextInput(attrs=CODE_INPUT_ATTRS),
    )

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        user = self.get_user()
        if user is None or not second_factor_required(user):
            return cleaned_data
        token = cleaned_data.get("otp_token") or ""
        if not token:
            raise forms.ValidationError(self.error_messages["code_required"], code="code_required")
        try:
            second_factor_verify(user=user, token=token)
        except SecondFactorError as error:
            user_login_failed.send(
                sender=__name__,
                credentials={"username": cleaned_data.get("username")},
                request=self.request,
            )
            raise forms.ValidationError(error.message, code="invalid_code") from error
        return cleaned_data


class CodeForm(forms.Form):
    """One code from the authenticator app (or a backup code, where one is accepted)."""

    code = forms.CharField(
        label=_("Code"), max_length=32, widget=forms.TextInput(attrs=CODE_INPUT_ATTRS)
    )
