"""Log formatting: one JSON object per line, for production's log collector (settings.LOGGING).

Plain stdlib, so that no package is needed for it. The fields are fixed: a record's ``extra``
attributes are left out on purpose, because libraries put task arguments there (Celery does),
and those may hold tokens or addresses that the readable format never printed either.
"""

from __future__ import annotations

import datetime
import json
import logging


class JSONFormatter(logging.Formatter):
    """time (UTC, ISO 8601), level, logger, message, request_id; exception and stack if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or "-",
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # ensure_ascii keeps each line plain ASCII whatever language the message is in.
        return json.dumps(entry, default=str)
