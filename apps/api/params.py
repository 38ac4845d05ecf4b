"""Parameter types stricter than pydantic's lax defaults: a date or a time is ISO 8601 text,
as the OpenAPI document says, never a number read as a Unix timestamp (``since=0``)."""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"(Z|z|[+-][0-9]{2}:?[0-9]{2})"
)


def _date_text(value: Any) -> Any:
    if isinstance(value, datetime.date) or (isinstance(value, str) and _DATE.fullmatch(value)):
        return value
    raise ValueError("expected a date as YYYY-MM-DD")


def _datetime_text(value: Any) -> Any:
    if isinstance(value, datetime.datetime) or (
        isinstance(value, str) and _DATETIME.fullmatch(value)
    ):
        return value
    raise ValueError("expected an ISO 8601 date and time with its offset, e.g. 2025-07-14T00:00Z")


def _in_utc(value: datetime.datetime) -> datetime.datetime:
    # ISO 8601 allows offsets PostgreSQL refuses (beyond ±15:59): compare instants in UTC.
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError as error:
        raise ValueError("the date and time is out of range once its offset is applied") from error


IsoDate = Annotated[datetime.date, BeforeValidator(_date_text)]
IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_datetime_text), AfterValidator(_in_utc)]
