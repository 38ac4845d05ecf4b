"""Small builders for test data: real rows in the real database, made through our services."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from apps.catalog import services as catalog_services
from apps.catalog.models import AIModel, Company, Publisher, Source
from apps.claims import services
from apps.claims.models import Statement

_numbers = itertools.count(1)


def company_make(**fields: Any) -> Company:
    n = next(_numbers)
    fields.setdefault("name", f"Lab {n}")
    fields.setdefault("slug", f"lab-{n}")
    return Company.objects.create(**fields)


def model_make(*, developer: Company, **fields: Any) -> AIModel:
    n = next(_numbers)
    fields.setdefault("name", f"Model {n}")
    fields.setdefault("slug", f"model-{n}")
    return AIModel.objects.create(developer=developer, **fields)


def publisher_make(**fields: Any) -> Publisher:
    n = next(_numbers)
    fields.setdefault("name", f"Publisher {n}")
    fields.setdefault("slug", f"publisher-{n}")
    return Publisher.objects.create(**fields)


def source_make(**fields: Any) -> Source:
    n = next(_numbers)
    fields.setdefault("url", f"https://news.example/{n}")
    fields.setdefault("title", f"Story {n}")
    source, _ = catalog_services.source_create(**fields)
    return source


def statement_make(
    *,
    company: Company,
    stance: str = "open",
    kind: str = "official",
    verification: str = "confirmed",
    occurred_on: datetime.date = datetime.date(2025, 7, 14),
    cited: bool = True,
    publish: bool = False,
    **fields: Any,
) -> Statement:
    fields.setdefault("speaker_label", "Spokesperson")
    fields.setdefault("summary", f"Statement {next(_numbers)}")
    statement = services.statement_create(
        user=None,
        company=company,
        stance=stance,
        kind=kind,
        verification=verification,
        occurred_on=occurred_on,
        citations=[(source_make(), "")] if cited else [],
        **fields,
    )
    if publish:
        services.statement_publish(statement=statement, user=None)
        statement.refresh_from_db()
    return statement
