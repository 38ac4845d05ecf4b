"""Load the demo record. Idempotent: every row is found by its natural key before it is made."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from apps.catalog import services as catalog_services
from apps.catalog.models import (
    AIModel,
    Alias,
    Company,
    ModelStatusChange,
    OpennessComponent,
    Person,
    Publisher,
    Source,
)
from apps.claims import seed_data, services
from apps.claims.models import EditorialState, Statement, StatementLink


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


class Command(BaseCommand):
    help = "Load the demo data: the Meta story of July 2025 and one sourced fact per lab."

    def handle(self, *args: Any, **options: Any) -> None:
        created: dict[str, int] = {}

        def count(label: str, was_created: bool) -> None:
            if was_created:
                created[label] = created.get(label, 0) + 1

        with transaction.atomic():
            companies = self._companies(count)
            for row in seed_data.PEOPLE:
                _, was = Person.objects.get_or_create(
                    slug=row["slug"],
                    defaults={
                        "name": row["name"],
                        "company": companies[row["company"]],
                        "role": row["role"],
                    },
                )
                count("people", was)
            for row in seed_data.PUBLISHERS:
                _, was = Publisher.objects.get_or_create(
                    slug=row["slug"],
                    defaults={
                        "name": row["name"],
                        "domain": row["domain"],
                        "language": row.get("language", "en"),
                        "website": f"https://{row['domain']}/",
                        "company": companies.get(row.get("company", "")),
                    },
                )
                count("publishers", was)
            sources = self._sources(count)
            self._models(companies, sources, count)
            statements = self._statements(companies, sources, count)
            for statement in sorted(statements, key=lambda s: s.occurred_on):
                # An editor may have retracted a seeded statement since: that stands.
                if statement.state in (EditorialState.DRAFT, EditorialState.IN_REVIEW):
                    services.statement_publish(statement=statement, user=None)
                    count("published statements", True)

        if created:
            summary = ", ".join(f"{n} {label}" for label, n in created.items())
            self.stdout.write(self.style.SUCCESS(f"Seeded: {summary}."))
        else:
            self.stdout.write("Seed data already present; nothing changed.")

    def _companies(self, count: Any) -> dict[str, Company]:
        companies: dict[str, Company] = {}
        for row in seed_data.COMPANIES:
            company, was = Company.objects.get_or_create(
                slug=row["slug"],
                defaults={
                    "name": row["name"],
                    "parent": companies.get(row.get("parent", "")),
                    "is_lab": row.get("is_lab", True),
                    "website": row.get("website", ""),
                    "description": row.get("description", ""),
                },
            )
            count("companies", was)
            companies[row["slug"]] = company
            for name, language in row["aliases"]:
                _, was = Alias.objects.get_or_create(
                    company=company, name=name, defaults={"language": language}
                )
                count("aliases", was)
        return companies

    def _sources(self, count: Any) -> dict[str, Source]:
        publishers = {p.slug: p for p in Publisher.objects.all()}
        sources: dict[str, Source] = {}
        for row in seed_data.SOURCES:
            source, was = catalog_services.source_create(
                url=row["url"],
                title=row["title"],
                publisher=publishers[row["publisher"]],
                language=row["language"],
                kind=row["kind"],
                published_at=_midnight(row["published"]),
                retrieved_at=_midnight(row["published"]),
                snapshot_text=row.get("snapshot", ""),
                cites=[sources[url] for url in row.get("cites", [])],
            )
            count("sources", was)
            sources[row["url"]] = source
        return sources

    def _models(
        self, companies: dict[str, Company], sources: dict[str, Source], count: Any
    ) -> None:
        for row in seed_data.MODELS:
            model, was = AIModel.objects.get_or_create(
                slug=row["slug"],
                defaults={
                    "name": row["name"],
                    "family": row["family"],
                    "developer": companies[row["developer"]],
                    "parameter_count": row.get("parameter_count"),
                    "active_parameter_count": row.get("active_parameter_count"),
                    "access_level": row["access_level"],
                    "licence": row.get("licence", ""),
                },
            )
            count("models", was)
            for name, language in row["aliases"]:
                _, was = Alias.objects.get_or_create(
                    model=model, name=name, defaults={"language": language}
                )
                count("aliases", was)
            for status, day, precision, reported, note, url in row["status"]:
                _, was = ModelStatusChange.objects.get_or_create(
                    model=model,
                    status=status,
                    date=day,
                    defaults={
                        "date_precision": precision,
                        "is_reported": reported,
                        "note": note,
                        "source": sources[url],
                    },
                )
                count("model status entries", was)
            for component, openness, note, url in row["components"]:
                _, was = OpennessComponent.objects.get_or_create(
                    model=model,
                    component=component,
                    defaults={"openness": openness, "note": note, "source": sources[url]},
                )
                count("openness components", was)

    def _statements(
        self, companies: dict[str, Company], sources: dict[str, Source], count: Any
    ) -> list[Statement]:
        people = {p.slug: p for p in Person.objects.all()}
        models = {m.slug: m for m in AIModel.objects.all()}
        by_key: dict[str, Statement] = {}
        for row in seed_data.STATEMENTS:
            statement = Statement.objects.filter(import_key=row["key"]).first()
            if statement is None:
                statement = services.statement_create(
                    user=None,
                    company=companies[row["company"]],
                    kind=row["kind"],
                    stance=row["stance"],
                    verification=row["verification"],
                    occurred_on=row["occurred_on"],
                    summary=row["summary"],
                    speaker=people.get(row.get("speaker", "")),
                    speaker_label=row.get("speaker_label", ""),
                    quote=row.get("quote", ""),
                    quote_language=row.get("quote_language", ""),
                    translation=row.get("translation", ""),
                    translation_language=row.get("translation_language", ""),
                    ai_models=[models[slug] for slug in row.get("models", [])],
                    citations=[(sources[url], excerpt) for url, excerpt in row["citations"]],
                    import_key=row["key"],
                )
                count("statements", True)
            by_key[row["key"]] = statement
        for row in seed_data.STATEMENTS:
            for kind, target in row.get("links", []):
                _, was = StatementLink.objects.get_or_create(
                    from_statement=by_key[row["key"]], to_statement=by_key[target], kind=kind
                )
                count("statement links", was)
        return list(by_key.values())
