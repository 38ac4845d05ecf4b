"""A record with every XSS payload in every text an editor or an ingested page fills.

Each field gets the payloads packed to its length (payloads.pack), so a handful of rows of each
kind carry them all: labs and their aliases, models (name, family, licence, description), status
notes, openness notes, people, publishers, sources, statements (summary, quote, translation,
speaker label, citation excerpt, retraction reason), a pinned stance's rationale, a feed's title,
and an article fetched from a local page through the real ingestion, with the suggestions made
from it and a statement accepted from one.
"""

from __future__ import annotations

import datetime
import html
import itertools
from dataclasses import dataclass, field
from typing import Any

from apps.catalog.models import AIModel, Alias, Company, Component, Person, Publisher
from apps.catalog.services import model_family_get_or_create, model_status_add, source_create
from apps.claims import services as claims
from apps.claims.models import Statement
from apps.ingest import services as ingest
from apps.ingest.models import Feed, Suggestion
from tests.support.httpserver import LocalHTTPServer

from .payloads import PAYLOADS, pack

DAY = datetime.date(2025, 1, 1)
STATUSES = ["rumoured", "announced", "training", "delayed", "released", "cancelled"]


@dataclass
class Record:
    labs: list[Company] = field(default_factory=list)
    models: list[AIModel] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    publishers: list[Publisher] = field(default_factory=list)
    sources: list[Any] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    retracted: Statement | None = None
    others: dict[str, Any] = field(default_factory=dict)


def _cycle(texts: list[str], count: int) -> list[str]:
    return list(itertools.islice(itertools.cycle(texts), count))


def _story(server: LocalHTTPServer) -> str:
    """A news page that quotes every payload as text and carries each as markup too."""
    quoted = "".join(
        f"<p>Nimbus will keep releasing open weights, “{html.escape(payload)}” said a Nimbus "
        "spokesperson.</p>"
        for payload in PAYLOADS
    )
    markup = "".join(f"<p>Nimbus open source note {payload}</p>" for payload in PAYLOADS)
    title = html.escape(pack(300)[0])
    page = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"<meta property='og:site_name' content='{html.escape(pack(200)[0], quote=True)}'>"
        f"</head><body><article><h1>{title}</h1>{quoted}{markup}</article></body></html>"
    )
    server.route("/story", body=page.encode())
    return server.url("/story")


def record_build(server: LocalHTTPServer) -> Record:
    """Every payload in every field that an editor or an ingested page fills."""
    record = Record()
    short, names, notes = pack(100), pack(200), pack(500)
    long, quotes = pack(2000), pack(4000)
    for i, name in enumerate(names):
        record.labs.append(
            Company.objects.create(
                name=name,
                slug=f"xss-lab-{i}",
                description=quotes[i % len(quotes)],
                parent=record.labs[0] if i == 1 else None,
            )
        )
    lab = record.labs[0]
    for name in names:
        Alias.objects.create(company=lab, name=name)
    for i in range(max(len(short), len(names))):
        record.models.append(
            AIModel.objects.create(
                developer=lab,
                slug=f"xss-model-{i}",
                name=names[i % len(names)],
                family=model_family_get_or_create(name=short[i % len(short)], developer=lab),
                licence=names[i % len(names)],
                description=quotes[i % len(quotes)],
            )
        )
    for name in names:
        Alias.objects.create(model=record.models[0], name=name)
    for i, name in enumerate(names):
        record.publishers.append(Publisher.objects.create(name=name, slug=f"xss-pub-{i}"))
    titles = _cycle(notes, max(len(notes), len(names)))
    for i, title in enumerate(titles):
        source, _created = source_create(
            url=f"https://news.example/xss/{i}",
            title=title,
            publisher=record.publishers[i % len(record.publishers)],
            language="en",
            snapshot_text=quotes[0],
            cites=record.sources[-1:],
        )
        record.sources.append(source)
    for i, note in enumerate(notes):
        model_status_add(
            model=record.models[0],
            status=STATUSES[i % len(STATUSES)],
            date=DAY + datetime.timedelta(days=i),
            note=note,
            source=record.sources[i % len(record.sources)],
        )
    components = list(Component.values)
    for i, note in enumerate(notes):
        record.models[i // len(components)].components.create(
            component=components[i % len(components)],
            openness="open",
            note=note,
            source=record.sources[i],
        )
    for i, name in enumerate(names):
        record.people.append(
            Person.objects.create(name=name, slug=f"xss-person-{i}", company=lab, role=name)
        )
    count = 2 * len(names)
    summaries, labels = _cycle(long, count), _cycle(names, count)
    for i in range(count):
        statement = claims.statement_create(
            user=None,
            company=lab,
            kind="official",
            stance=["open", "closed"][i % 2],
            occurred_on=DAY + datetime.timedelta(days=i),
            summary=summaries[i],
            speaker=record.people[i // 2] if i % 2 == 0 else None,
            speaker_label=labels[i],
            quote=quotes[i % len(quotes)],
            quote_language="en",
            translation=quotes[i % len(quotes)],
            translation_language="ja",
            citations=[(record.sources[i % len(record.sources)], quotes[i % len(quotes)])],
            ai_models=[record.models[i % len(record.models)]],
        )
        record.statements.append(claims.statement_publish(statement=statement, user=None))
    first, second = record.statements[:2]
    claims.statement_link_create(from_statement=second, to_statement=first, kind="denies")
    record.retracted = claims.statement_retract(
        statement=record.statements[-1], user=None, reason=long[0]
    )
    record.others["assessment"] = claims.assessment_pin(
        user=None, company=lab, effective_from=DAY, stance="mixed", rationale=quotes[0]
    )
    record.others["feed"] = Feed.objects.create(url=server.url("/feed.xml"), title=notes[0])
    nimbus = Company.objects.create(name="Nimbus", slug="nimbus")
    Alias.objects.create(company=nimbus, name="Nimbus")
    accepted, refused = ingest.article_urls_add(urls=[_story(server)])
    assert refused == [] and len(accepted) == 1
    result = ingest.article_ingest(article_url_id=accepted[0].pk)
    assert result.article_id is not None, result.message
    record.others["article"] = result.article_id
    suggestions = list(Suggestion.objects.filter(article_id=result.article_id).order_by("pk"))
    assert len(suggestions) >= len(PAYLOADS) // 2, "the page's sentences are suggested"
    record.others["suggestion"] = suggestions[0].pk
    from_page = ingest.suggestion_accept(suggestion=suggestions[1], user=None)
    claims.statement_publish(statement=from_page, user=None)
    record.others["from_page"] = from_page
    return record
