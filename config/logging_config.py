"""The LOGGING setting (config/settings.py chooses the format and the level)."""

from typing import Any


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """Console lines in ``log_format`` (the "plain" or "json" formatter), each with the request
    id it belongs to (apps/lib/request_id.py)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "apps.lib.request_id.RequestIdFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {"()": "apps.lib.logs.JSONFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }
