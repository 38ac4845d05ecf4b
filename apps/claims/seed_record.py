"""The demo record (seed_record.toml) read into typed rows, every one checked before use.

`manage.py seed` applies the rows through the services. Reading checks each field's type, each
choice against the model's choices and each reference against the rows defined before it, so a
mistake in the file stops the seed before it writes anything, with an error naming the record:
``seed_record.toml: statements "meta-2025-spokesperson-reply": links: to: "meta-2025-nyt-report"
is not a statement in the file``.
"""

from __future__ import annotations

import dataclasses
import datetime
import tomllib
import types
import typing
from pathlib import Path
from typing import Annotated, Any

from django.db.models import TextChoices

from apps.catalog.models import AccessLevel, Component, ModelStatus, Openness, SourceKind
from apps.lib.dates import DatePrecision

from .models import LinkKind, Stance, StatementKind, Verification

SEED_FILE = Path(__file__).with_name("seed_record.toml")


class SeedError(ValueError):
    """The seed file is not valid TOML, or a record in it is wrong (the message says which)."""


@dataclasses.dataclass(frozen=True)
class OneOf:
    """Marks a string field whose value must be one of a model's choices."""

    choices: type[TextChoices]


SourceKindValue = Annotated[str, OneOf(SourceKind)]
StatusValue = Annotated[str, OneOf(ModelStatus)]
PrecisionValue = Annotated[str, OneOf(DatePrecision)]
ComponentValue = Annotated[str, OneOf(Component)]
OpennessValue = Annotated[str, OneOf(Openness)]
AccessLevelValue = Annotated[str, OneOf(AccessLevel)]
LinkKindValue = Annotated[str, OneOf(LinkKind)]
StatementKindValue = Annotated[str, OneOf(StatementKind)]
StanceValue = Annotated[str, OneOf(Stance)]
VerificationValue = Annotated[str, OneOf(Verification)]


@dataclasses.dataclass(frozen=True)
class AliasRow:
    name: str
    language: str


@dataclasses.dataclass(frozen=True)
class CompanyRow:
    slug: str
    name: str
    aliases: tuple[AliasRow, ...]
    parent: str = ""
    is_lab: bool = True
    website: str = ""
    description: str = ""
    description_ja: str = ""


@dataclasses.dataclass(frozen=True)
class PersonRow:
    slug: str
    name: str
    company: str
    role: str


@dataclasses.dataclass(frozen=True)
class PublisherRow:
    slug: str
    name: str
    domain: str
    language: str = "en"
    company: str = ""


@dataclasses.dataclass(frozen=True)
class SourceRow:
    key: str
    url: str
    title: str
    publisher: str
    language: str
    kind: SourceKindValue
    published: datetime.date
    cites: tuple[str, ...] = ()
    snapshot: tuple[str, ...] = ()

    @property
    def snapshot_text(self) -> str:
        return "\n\n".join(self.snapshot)


@dataclasses.dataclass(frozen=True)
class StatusRow:
    status: StatusValue
    date: datetime.date
    precision: PrecisionValue
    reported: bool
    source: str
    note: str = ""


@dataclasses.dataclass(frozen=True)
class ComponentRow:
    component: ComponentValue
    openness: OpennessValue
    note: str
    source: str


@dataclasses.dataclass(frozen=True)
class ModelRow:
    slug: str
    name: str
    family: str
    developer: str
    access_level: AccessLevelValue
    aliases: tuple[AliasRow, ...]
    status_history: tuple[StatusRow, ...]
    components: tuple[ComponentRow, ...]
    parameter_count: int | None = None
    active_parameter_count: int | None = None
    licence: str = ""


@dataclasses.dataclass(frozen=True)
class CitationRow:
    source: str
    excerpt: str = ""


@dataclasses.dataclass(frozen=True)
class LinkRow:
    kind: LinkKindValue
    to: str


@dataclasses.dataclass(frozen=True)
class StatementRow:
    key: str
    company: str
    kind: StatementKindValue
    stance: StanceValue
    verification: VerificationValue
    occurred_on: datetime.date
    summary: str
    citations: tuple[CitationRow, ...]
    summary_ja: str = ""
    speaker: str = ""
    speaker_label: str = ""
    quote: str = ""
    quote_language: str = ""
    translation: str = ""
    translation_language: str = ""
    models: tuple[str, ...] = ()
    links: tuple[LinkRow, ...] = ()


@dataclasses.dataclass(frozen=True)
class CommitmentRow:
    """A statement in the file marked as a commitment (it stays pending until a reviewer
    decides it): what was promised, on what term, and the evidence rule that will decide it."""

    statement: str
    promise: str
    evidence_rule: str
    promise_ja: str = ""
    promised_by: str = ""
    due_on: datetime.date | None = None
    condition: str = ""
    condition_ja: str = ""
    evidence_rule_ja: str = ""
    keywords: str = ""
    models: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class SeedRecord:
    companies: tuple[CompanyRow, ...]
    people: tuple[PersonRow, ...]
    publishers: tuple[PublisherRow, ...]
    sources: tuple[SourceRow, ...]
    models: tuple[ModelRow, ...]
    statements: tuple[StatementRow, ...]
    commitments: tuple[CommitmentRow, ...] = ()


def seed_record_load(path: Path | None = None) -> SeedRecord:
    """Read and check the seed file; raise :class:`SeedError` naming the first wrong record."""
    path = path or SEED_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise SeedError(f"{path.name}: not valid TOML: {error}") from error
    try:
        record = _row(SeedRecord, raw, "")
        _references_check(record)
    except SeedError as error:
        raise SeedError(f"{path.name}: {error}") from None
    return record


# Reading: one generic walk over the dataclasses above, driven by their type annotations.


def _row[T](cls: type[T], raw: object, where: str) -> T:
    if not isinstance(raw, dict):
        raise SeedError(f"{where}: expected a table, found {_kind(raw)}")
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    unknown = sorted(set(raw) - {f.name for f in fields})
    if unknown:
        raise SeedError(_at(where, f"unknown field {', '.join(map(repr, unknown))}"))
    hints = typing.get_type_hints(cls, include_extras=True)
    values: dict[str, Any] = {}
    for field in fields:
        here = _at(where, field.name)
        if field.name not in raw:
            if field.default is dataclasses.MISSING:
                raise SeedError(f"{here}: missing")
            continue
        values[field.name] = _value(hints[field.name], raw[field.name], here)
    return cls(**values)


def _value(annotation: Any, value: object, where: str) -> Any:
    origin = typing.get_origin(annotation)
    if origin is Annotated:  # a choice: a string, and one of the model's values
        text, one_of = typing.get_args(annotation)
        text = _value(text, value, where)
        if text not in one_of.choices.values:
            raise SeedError(f"{where}: {text!r} is not one of {', '.join(one_of.choices.values)}")
        return text
    if origin is types.UnionType:  # `int | None`: TOML has no null, so only the int can appear
        (annotation,) = (arm for arm in typing.get_args(annotation) if arm is not type(None))
        origin = None
    if origin is tuple:
        item_type = typing.get_args(annotation)[0]
        if not isinstance(value, list):
            raise SeedError(f"{where}: expected a list, found {_kind(value)}")
        return tuple(
            _value(item_type, item, f"{where} {_name(item, index)}")
            for index, item in enumerate(value, start=1)
        )
    if dataclasses.is_dataclass(annotation):
        return _row(annotation, value, where)  # type: ignore[arg-type]
    expected = {
        str: isinstance(value, str),
        bool: isinstance(value, bool),
        int: isinstance(value, int) and not isinstance(value, bool),
        datetime.date: type(value) is datetime.date,
    }[annotation]
    if not expected:
        raise SeedError(f"{where}: expected {_type_name(annotation)}, found {_kind(value)}")
    return value


def _at(where: str, what: str) -> str:
    return f"{where}: {what}" if where else what


def _name(item: object, index: int) -> str:
    """How an error names a row: by its slug or key when it has one, else by its position."""
    if isinstance(item, dict):
        for field in ("key", "slug", "statement"):
            if isinstance(item.get(field), str):
                return f'"{item[field]}"'
    return f"#{index}"


def _type_name(annotation: Any) -> str:
    if annotation is datetime.date:
        return "a date (YYYY-MM-DD, unquoted)"
    return {str: "a string", bool: "true or false", int: "a whole number"}[annotation]


def _kind(value: object) -> str:
    return {
        dict: "a table",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a decimal number",
        datetime.datetime: "a date and time",
        datetime.date: "a date",
    }.get(type(value), type(value).__name__)


# Cross-references: each row names rows defined before it, in the order the seed makes them.


def _references_check(record: SeedRecord) -> None:
    companies = _unique("companies", [c.slug for c in record.companies])
    for index, company in enumerate(record.companies):
        seen = {c.slug for c in record.companies[:index]}
        _refers(f'companies "{company.slug}": parent', company.parent, seen, "company", above=True)
    people = _unique("people", [p.slug for p in record.people])
    for person in record.people:
        _refers(f'people "{person.slug}": company', person.company, companies, "company")
    publishers = _unique("publishers", [p.slug for p in record.publishers])
    for publisher in record.publishers:
        where = f'publishers "{publisher.slug}": company'
        _refers(where, publisher.company, companies, "company")
    sources = _unique("sources", [s.key for s in record.sources])
    _unique("sources (by url)", [s.url for s in record.sources])
    for index, source in enumerate(record.sources):
        where = f'sources "{source.key}"'
        _refers(f"{where}: publisher", source.publisher, publishers, "publisher")
        seen = {s.key for s in record.sources[:index]}
        for cited in source.cites:
            _refers(f"{where}: cites", cited, seen, "source", above=True)
    models = _unique("models", [m.slug for m in record.models])
    for model in record.models:
        where = f'models "{model.slug}"'
        _refers(f"{where}: developer", model.developer, companies, "company")
        for status in model.status_history:
            _refers(f"{where}: status_history: source", status.source, sources, "source")
        for component in model.components:
            _refers(f"{where}: components: source", component.source, sources, "source")
    statements = _unique("statements", [s.key for s in record.statements])
    for statement in record.statements:
        where = f'statements "{statement.key}"'
        _refers(f"{where}: company", statement.company, companies, "company")
        _refers(f"{where}: speaker", statement.speaker, people, "person")
        if not (statement.speaker or statement.speaker_label):
            raise SeedError(f"{where}: needs a speaker or a speaker_label")
        if statement.quote and not statement.quote_language:
            raise SeedError(f"{where}: quote_language: missing (the quote needs its language)")
        for slug in statement.models:
            _refers(f"{where}: models", slug, models, "model")
        if not statement.citations:
            raise SeedError(f"{where}: citations: a statement is published, so it must cite one")
        for citation in statement.citations:
            _refers(f"{where}: citations: source", citation.source, sources, "source")
        for link in statement.links:
            _refers(f"{where}: links: to", link.to, statements, "statement")
            if link.to == statement.key:
                raise SeedError(f"{where}: links: to: a statement cannot link to itself")
    dates = {s.key: s.occurred_on for s in record.statements}
    marked: set[str] = set()
    for commitment in record.commitments:
        where = f'commitments "{commitment.statement}"'
        _refers(f"{where}: statement", commitment.statement, statements, "statement")
        if commitment.statement in marked:
            raise SeedError(f"{where}: the statement is marked as a commitment twice")
        marked.add(commitment.statement)
        for slug in commitment.models:
            _refers(f"{where}: models", slug, models, "model")
        if commitment.due_on is None and not commitment.condition:
            raise SeedError(f"{where}: needs a due_on or a condition")
        if commitment.due_on is not None and commitment.due_on < dates[commitment.statement]:
            raise SeedError(f"{where}: due_on: before the statement was made")


def _unique(section: str, names: list[str]) -> set[str]:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise SeedError(f'{section}: "{name}" appears twice')
        seen.add(name)
    return seen


def _refers(where: str, name: str, known: set[str], what: str, *, above: bool = False) -> None:
    if name and name not in known:
        place = "above it" if above else "in the file"
        raise SeedError(f'{where}: "{name}" is not a {what} {place}')
