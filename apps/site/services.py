"""A generated record for one lab, big enough to show that pages do not slow down as it grows.

Used by the tests (query counts, keyset paging to the end), by bench/bench_pages.py, and by
`manage.py generate_timeline` for a look at a long timeline. Rows are made with bulk_create, not
through statement_create one by one, and the stance is recomputed once at the end: a real
editor's publishing path is tested elsewhere; here only the shape and the size matter.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from apps.catalog.models import AIModel, Company, Publisher, Source, SourceKind
from apps.claims import services as claims_services
from apps.claims.models import (
    Citation,
    EditorialState,
    LinkKind,
    Stance,
    Statement,
    StatementKind,
    StatementLink,
    Verification,
)
from apps.site.generated_text import texts_generate

STANCES = list(Stance.values)


@dataclass(frozen=True)
class GeneratedTimeline:
    company: Company
    models: list[AIModel]
    statement_ids: list[int]


def timeline_generate(
    *,
    count: int,
    slug: str = "synthetic-lab",
    name: str = "Synthetic Lab",
    start: datetime.date = datetime.date(2022, 1, 1),
    days: int = 1000,
    distinct_days: int = 400,
    seed: int = 7,
) -> GeneratedTimeline:
    """``count`` published statements for one lab, spread over ``distinct_days`` dates.

    The stance drifts from open to closed over the period so the band has changes to show;
    many statements share a date, which is what the (occurred_on, id) keyset must handle. Every
    statement cites a source, every other one concerns one of three models, and statement 1 of
    every five responds to the one before it and is contradicted by the one after it. Quotes,
    translations and summaries are sentences of common and rare words in both languages
    (generated_text.py); every other statement has a Japanese summary.
    """
    rng = random.Random(seed)
    words = random.Random(seed + 1)  # a stream of its own: the rest of the record stays as it was
    now = timezone.now()
    with transaction.atomic():
        company, _ = Company.objects.get_or_create(slug=slug, defaults={"name": name})
        publisher, _ = Publisher.objects.get_or_create(
            slug=f"{slug}-wire", defaults={"name": f"{name} Wire", "language": "en"}
        )
        models = [
            AIModel.objects.get_or_create(
                slug=f"{slug}-model-{n}",
                defaults={"name": f"{name} Model {n}", "developer": company},
            )[0]
            for n in range(1, 4)
        ]
        source_count = max(1, count // 10)
        first_source = Source.objects.filter(url__startswith=f"https://{slug}.example/").count()
        sources = Source.objects.bulk_create(
            [
                Source(
                    url=f"https://{slug}.example/story/{first_source + n}",
                    title=f"{name} story {first_source + n}",
                    publisher=publisher,
                    language="en",
                    kind=SourceKind.SECONDARY,
                    published_at=now,
                )
                for n in range(source_count)
            ]
        )
        dates = sorted(
            start + datetime.timedelta(days=d)
            for d in rng.sample(range(days), min(distinct_days, days))
        )
        statements = []
        for n in range(count):
            day = dates[rng.randrange(len(dates))]
            progress = (day - start).days / days
            # Early statements lean open, late ones closed: a story with turns in it.
            centre = 4 * progress
            stance = STANCES[min(4, max(0, round(rng.gauss(centre, 0.8))))]
            language = "ja" if n % 4 == 0 else "en"
            texts = texts_generate(words, n=n, name=name, language=language)
            statements.append(
                Statement(
                    company=company,
                    speaker_label="Spokesperson" if n % 3 else "People familiar with the matter",
                    kind=rng.choice(StatementKind.values),
                    stance=stance,
                    verification=rng.choice(Verification.values),
                    quote=texts.quote,
                    quote_language=language,
                    translation=texts.translation,
                    translation_language="en" if language == "ja" else "ja",
                    occurred_on=day,
                    summary=texts.summary,
                    summary_ja=texts.summary_ja,
                    state=EditorialState.PUBLISHED,
                    published_at=now,
                )
            )
        created = Statement.objects.bulk_create(statements, batch_size=2000)
        Citation.objects.bulk_create(
            [
                Citation(statement=s, source=sources[i % len(sources)])
                for i, s in enumerate(created)
            ],
            batch_size=2000,
        )
        through = Statement.ai_models.through
        through.objects.bulk_create(
            [
                through(statement_id=s.pk, aimodel_id=models[i % len(models)].pk)
                for i, s in enumerate(created)
                if i % 2 == 0
            ],
            batch_size=2000,
        )
        # Chains of replies (n responds to n-1, n+1 contradicts n), so statements have links
        # both ways; neither kind moves the stance.
        StatementLink.objects.bulk_create(
            [
                StatementLink(
                    from_statement=created[i],
                    to_statement=created[i - 1],
                    kind=LinkKind.RESPONDS_TO if i % 5 == 1 else LinkKind.CONTRADICTS,
                )
                for i in range(1, len(created))
                if i % 5 in (1, 2)
            ],
            batch_size=2000,
        )
        claims_services.stance_history_recompute(company=company)
    return GeneratedTimeline(company=company, models=models, statement_ids=[s.pk for s in created])
