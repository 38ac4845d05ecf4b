"""The MAILERS setting (Django 6.1), from the usual EMAIL_* environment variables."""

import os

from config.env import env_bool


def mailers(*, host: str) -> dict[str, dict[str, object]]:
    """SMTP on ``host``; without one (the first run only: config/settings.py), the console."""
    if not host:
        # The first run's console: each mail decoded, its links whole (apps/lib/console_mail.py).
        return {"default": {"BACKEND": "apps.lib.console_mail.EmailBackend"}}
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": host,
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS"),
                "timeout": 20,
            },
        }
    }
