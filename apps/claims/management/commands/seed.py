"""Load the demo record (apps/claims/seed_record.toml). Idempotent: every row is found by its
natural key before it is made, and what editors have changed since is left as it is."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError
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
from apps.claims import commitments, services
from apps.claims.models import Commitment, EditorialState, Statement, StatementLink
from apps.claims.seed_record import SeedError, SeedRecord, seed_record_load

Count = Callable[[str, bool], None]


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


class Command(BaseCommand):
    help = "Load the demo data: the Meta story of July 2025 and one sourced fact per lab."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            record = seed_record_load()
        except SeedError as error:
            raise CommandError(str(error)) from error
        created: dict[str, int] = {}

        def count(label: str, was_created: bool) -> None:
            if was_created:
                created[label] = created.get(label, 0) + 1

        with transaction.atomic():
            companies = self._companies(record, count)
            for person in record.people:
                _, was = Person.objects.get_or_create(
                    slug=person.slug,
                    defaults={
                        "name": person.name,
                        "company": companies[person.company],
                        "role": person.role,
                    },
                )
                count("people", was)
            for publisher in record.publishers:
                _, was = Publisher.objects.get_or_create(
                    slug=publisher.slug,
                    defaults={
                        "name": publisher.name,
                        "domain": publisher.domain,
                        "language": publisher.language,
                        "website": f"https://{publisher.domain}/",
                        "company": companies.get(publisher.company),
                    },
                )
                count("publishers", was)
            sources = self._sources(record, count)
            self._models(record, companies, sources, count)
            statements = self._statements(record, companies, sources, count)
            for statement in sorted(statements, key=lambda s: s.occurred_on):
                # An editor may have retracted a seeded statement since: that stands.
                if statement.state in (EditorialState.DRAFT, EditorialState.IN_REVIEW):
                    services.statement_publish(statement=statement, user=None)
                    count("published statements", True)
            self._commitments(record, {s.import_key: s for s in statements}, count)

        if created:
            summary = ", ".join(f"{n} {label}" for label, n in created.items())
            self.stdout.write(self.style.SUCCESS(f"Seeded: {summary}."))
        else:
            self.stdout.write("Seed data already present; nothing changed.")

    def _companies(self, record: SeedRecord, count: Count) -> dict[str, Company]:
        companies: dict[str, Company] = {}
        for row in record.companies:
            company, was = Company.objects.get_or_create(
                slug=row.slug,
                defaults={
                    "name": row.name,
                    "parent": companies.get(row.parent),
                    "is_lab": row.is_lab,
                    "website": row.website,
                    "description": row.description,
                    "description_ja": row.description_ja,
                },
            )
            count("companies", was)
            companies[row.slug] = company
            for alias in row.aliases:
                _, was = Alias.objects.get_or_create(
                    company=company, name=alias.name, defaults={"language": alias.language}
                )
                count("aliases", was)
        return companies

    def _sources(self, record: SeedRecord, count: Count) -> dict[str, Source]:
        """The record's sources by their key in the file."""
        publishers = {p.slug: p for p in Publisher.objects.all()}
        sources: dict[str, Source] = {}
        for row in record.sources:
            source, was = catalog_services.source_create(
                url=row.url,
                title=row.title,
                publisher=publishers[row.publisher],
                language=row.language,
                kind=row.kind,
                published_at=_midnight(row.published),
                retrieved_at=_midnight(row.published),
                snapshot_text=row.snapshot_text,
                cites=[sources[key] for key in row.cites],
            )
            count("sources", was)
            sources[row.key] = source
        return sources

    def _models(
        self,
        record: SeedRecord,
        companies: dict[str, Company],
        sources: dict[str, Source],
        count: Count,
    ) -> None:
        for row in record.models:
            family = (
                catalog_services.model_family_get_or_create(
                    name=row.family, developer=companies[row.developer]
                )
                if row.family.strip()
                else None
            )
            model, was = AIModel.objects.get_or_create(
                slug=row.slug,
                defaults={
                    "name": row.name,
                    "family": family,
                    "developer": companies[row.developer],
                    "parameter_count": row.parameter_count,
                    "active_parameter_count": row.active_parameter_count,
                    "access_level": row.access_level,
                    "licence": row.licence,
                },
            )
            count("models", was)
            for alias in row.aliases:
                _, was = Alias.objects.get_or_create(
                    model=model, name=alias.name, defaults={"language": alias.language}
                )
                count("aliases", was)
            for status in row.status_history:
                _, was = ModelStatusChange.objects.get_or_create(
                    model=model,
                    status=status.status,
                    date=status.date,
                    defaults={
                        "date_precision": status.precision,
                        "is_reported": status.reported,
                        "note": status.note,
                        "source": sources[status.source],
                    },
                )
                count("model status entries", was)
            for component in row.components:
                _, was = OpennessComponent.objects.get_or_create(
                    model=model,
                    component=component.component,
                    defaults={
                        "openness": component.openness,
                        "note": component.note,
                        "source": sources[component.source],
                    },
                )
                count("openness components", was)

    def _statements(
        self,
        record: SeedRecord,
        companies: dict[str, Company],
        sources: dict[str, Source],
        count: Count,
    ) -> list[Statement]:
        people = {p.slug: p for p in Person.objects.all()}
        models = {m.slug: m for m in AIModel.objects.all()}
        by_key: dict[str, Statement] = {}
        for row in record.statements:
            statement = Statement.objects.filter(import_key=row.key).first()
            if statement is None:
                statement = services.statement_create(
                    user=None,
                    company=companies[row.company],
                    kind=row.kind,
                    stance=row.stance,
                    verification=row.verification,
                    occurred_on=row.occurred_on,
                    summary=row.summary,
                    summary_ja=row.summary_ja,
                    speaker=people.get(row.speaker),
                    speaker_label=row.speaker_label,
                    quote=row.quote,
                    quote_language=row.quote_language,
                    translation=row.translation,
                    translation_language=row.translation_language,
                    ai_models=[models[slug] for slug in row.models],
                    citations=[(sources[c.source], c.excerpt) for c in row.citations],
                    import_key=row.key,
                )
                count("statements", True)
            by_key[row.key] = statement
        for row in record.statements:
            for link in row.links:
                _, was = StatementLink.objects.get_or_create(
                    from_statement=by_key[row.key], to_statement=by_key[link.to], kind=link.kind
                )
                count("statement links", was)
        return list(by_key.values())

    def _commitments(
        self, record: SeedRecord, statements: dict[str | None, Statement], count: Count
    ) -> None:
        """Mark the file's commitments, pending, once: what reviewers decided since stands."""
        models = {m.slug: m for m in AIModel.objects.all()}
        for row in record.commitments:
            statement = statements[row.statement]
            if Commitment.objects.filter(statement=statement).exists():
                continue
            commitments.commitment_mark(
                user=None,
                statement=statement,
                promise=row.promise,
                promise_ja=row.promise_ja,
                promised_by=row.promised_by,
                due_on=row.due_on,
                condition=row.condition,
                condition_ja=row.condition_ja,
                evidence_rule=row.evidence_rule,
                evidence_rule_ja=row.evidence_rule_ja,
                keywords=row.keywords,
                ai_models=[models[slug] for slug in row.models],
            )
            count("commitments", True)
