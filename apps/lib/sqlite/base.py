"""Django's SQLite backend, which makes the folder of its database file when it first connects.

The embedded default keeps its file in var/, which a fresh clone does not have: `make run`
creates it (manage.py preparelocal), but `manage.py check` or `makemigrations --check` run
first would fail to open the file. Settings cannot make the folder (importing them writes
nothing), so the first connection does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        name = str(conn_params.get("database", ""))
        if name and name != ":memory:" and not name.startswith("file:"):
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        return super().get_new_connection(conn_params)
