from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"

    def ready(self) -> None:
        # The default admin site keeps every @admin.register in the project; only its login
        # form and page change, so that users with a second factor are asked for a code.
        from django.contrib import admin

        from .forms import StaffLoginForm

        admin.site.login_form = StaffLoginForm
        admin.site.login_template = "accounts/login.html"
