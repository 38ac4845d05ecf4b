"""An integer column of any size, exact on every database the project runs on.

The stance engine's exact sums run to some 330 digits a statement (apps/claims/stance). On
PostgreSQL a ``numeric`` column holds them exactly. SQLite, the embedded default of `make run`,
has no such type: its NUMERIC affinity turns an integer past 64 bits into a float, which loses
the digits and past 1e308 is infinite (Django's decimal converter then raised InvalidOperation
and the demo seed failed). There the column is TEXT, which SQLite keeps as written.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


class ExactIntegerField(models.Field):
    description = "An integer of up to max_digits digits, stored exactly"

    def __init__(self, *args: Any, max_digits: int, **kwargs: Any) -> None:
        self.max_digits = max_digits
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["max_digits"] = self.max_digits
        return name, path, args, kwargs

    def db_type(self, connection: BaseDatabaseWrapper) -> str:
        if connection.vendor == "postgresql":
            return f"numeric({self.max_digits}, 0)"
        return "text"

    def get_db_prep_value(
        self, value: Any, connection: BaseDatabaseWrapper, prepared: bool = False
    ) -> Any:
        if value is None:
            return None
        number = int(value)
        return number if connection.vendor == "postgresql" else str(number)

    def from_db_value(self, value: Any, expression: Any, connection: BaseDatabaseWrapper) -> Any:
        return None if value is None else int(value)

    def to_python(self, value: Any) -> int | None:
        return None if value is None else int(value)
