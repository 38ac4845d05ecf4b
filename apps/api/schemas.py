"""What the API answers, as typed schemas; the OpenAPI document is generated from these.

Plain pydantic models, not django-ninja's Schema: the views hand over dicts (apps/api/present/),
so ninja's per-field wrapper for reading ORM objects would only cost time on every nested item.

Every enumerated value is given as its stable code (``"leaning_closed"``) and, beside it, its
label in English and Japanese (``{"en": "leaning closed", "ja": "..."}``), from the same
translations as the site. Text the record holds in one language only (an editor's summary, a
source's title) is given as recorded, with its language where the record knows it.
"""

from __future__ import annotations

import datetime

from pydantic import BaseModel, Field

from apps.catalog.models import AccessLevel, Component, ModelStatus, Openness, SourceKind
from apps.claims.models import (
    CommitmentStatus,
    EditorialState,
    LinkKind,
    OutcomeKind,
    ShiftRating,
    Stance,
    StatementKind,
    Verification,
)
from apps.lib.dates import DatePrecision


class Labels(BaseModel):
    """The same words in English and in Japanese."""

    en: str
    ja: str


class Alias(BaseModel):
    name: str
    language: str = Field(description="ISO 639-1 code, or empty when not recorded.")


class PageUrls(BaseModel):
    """The record's page on the public site, in each language."""

    en: str
    ja: str


class LabRef(BaseModel):
    slug: str
    name: str


class ModelRef(BaseModel):
    slug: str
    name: str


class StanceNow(BaseModel):
    stance: Stance
    label: Labels
    since: datetime.date = Field(description="The date this stance took effect.")
    score: float = Field(description="The engine's weighted mean, +2 (open) to -2 (closed).")
    rating: ShiftRating = Field(description="How far the change that led here moved.")
    rating_label: Labels
    pinned: bool = Field(description="An editor's assessment pins it, whatever the formula says.")


class SeriesNow(BaseModel):
    stance: Stance
    label: Labels
    since: datetime.date
    score: float


class Lab(BaseModel):
    slug: str
    name: str
    name_ja: str | None = Field(description="The lab's Japanese name, where one is recorded.")
    aliases: list[Alias]
    parent: LabRef | None
    website: str
    description: str
    stance_now: StanceNow | None = Field(
        description="The lab's current derived (or pinned) stance; null before any statement."
    )
    page: PageUrls
    updated_at: datetime.datetime


class Divergence(BaseModel):
    start: datetime.date
    end: datetime.date | None = Field(description="Null: the two series still diverge.")
    says: Stance
    does: Stance


class KeptRatio(BaseModel):
    """A lab's published commitments counted by status. ``ratio`` is kept over resolved (kept,
    partly kept, broken, withdrawn), null when none is resolved: read it with its counts."""

    kept: int
    partly_kept: int
    broken: int
    withdrawn: int
    resolved: int
    pending: int
    overdue: int
    ratio: float | None


class LabDetail(Lab):
    says_now: SeriesNow | None = Field(
        description="The stance from the lab's words alone (every statement but acts)."
    )
    does_now: SeriesNow | None = Field(
        description="The stance from its acts alone (action statements and imported releases)."
    )
    divergences: list[Divergence] = Field(
        description="Periods when says and does are two steps or more apart."
    )
    models: list[ModelRef]
    subsidiaries: list[LabRef]
    commitments: KeptRatio = Field(description="Its promises kept, with the counts.")


class AssessmentRef(BaseModel):
    id: int
    stance: Stance
    effective_from: datetime.date
    effective_until: datetime.date | None
    rationale: str


class StancePoint(BaseModel):
    date: datetime.date
    stance: Stance
    label: Labels
    previous_stance: Stance | None
    rating: ShiftRating
    rating_label: Labels
    score: float


class StanceHistory(BaseModel):
    lab: LabRef
    combined: list[StancePoint] = Field(
        description="The stance over time: each entry holds from its date until the next."
    )
    says: list[StancePoint]
    does: list[StancePoint]
    divergences: list[Divergence]


class StanceChange(BaseModel):
    id: int
    date: datetime.date
    previous_stance: Stance | None
    stance: Stance
    label: Labels
    rating: ShiftRating
    rating_label: Labels
    score: float
    statement_ids: list[int] = Field(description="The published statements dated that day.")
    pinned_by: AssessmentRef | None
    created_at: datetime.datetime
    superseded_at: datetime.datetime | None = Field(
        description="Set when a later edit of the record means this change no longer holds."
    )


class Publisher(BaseModel):
    slug: str
    name: str
    website: str


class SourceRef(BaseModel):
    id: int
    url: str
    title: str
    publisher: Publisher | None
    language: str
    kind: SourceKind
    kind_label: Labels
    published_at: datetime.datetime | None


class Archive(BaseModel):
    archived_at: datetime.datetime | None
    sha256: str
    has_text: bool


class SourceWithChain(SourceRef):
    retrieved_at: datetime.datetime | None
    cites: list[SourceRef] = Field(description="The sources this one cites.")
    cited_by: list[SourceRef] = Field(description="The sources that cite this one.")
    archive: Archive | None = Field(description="The archived snapshot, if one was taken.")


class Source(SourceWithChain):
    statement_ids: list[int] = Field(description="Published statements that cite this source.")


class Citation(BaseModel):
    source: SourceRef
    excerpt: str


class Speaker(BaseModel):
    name: str
    role: str
    lab: str | None


class Statement(BaseModel):
    id: int
    state: EditorialState = Field(description="published, or retracted (only when asked for).")
    lab: LabRef
    models: list[ModelRef]
    speaker: Speaker | None
    speaker_label: str
    kind: StatementKind
    kind_label: Labels
    stance: Stance
    stance_label: Labels
    verification: Verification
    verification_label: Labels
    quote: str = Field(description="Verbatim, in its original language.")
    quote_language: str
    translation: str
    translation_language: str
    text_en: str | None = Field(description="The quote or its translation, whichever is English.")
    text_ja: str | None = Field(description="The quote or its translation, whichever is Japanese.")
    summary: str = Field(description="The editor's summary.")
    occurred_on: datetime.date
    date_precision: DatePrecision
    published_at: datetime.datetime | None
    updated_at: datetime.datetime
    retracted_at: datetime.datetime | None
    retraction_reason: str
    citations: list[Citation]
    page: PageUrls


class StatementLinkOut(BaseModel):
    kind: LinkKind
    kind_label: Labels
    statement_id: int


class StatementDetail(Statement):
    links_out: list[StatementLinkOut] = Field(
        description="This statement responds to, contradicts, supersedes or denies these."
    )
    links_in: list[StatementLinkOut] = Field(description="These link to this statement.")
    sources: list[SourceWithChain] = Field(description="Each cited source with its citation chain.")


class StatusEntry(BaseModel):
    status: ModelStatus
    label: Labels
    date: datetime.date
    date_precision: DatePrecision
    is_reported: bool = Field(description="Only reporting says so; the developer has not.")
    note: str
    source: SourceRef | None


class ComponentOut(BaseModel):
    component: Component
    label: Labels
    openness: Openness
    openness_label: Labels
    note: str
    evidence: SourceRef | None


class DatasetRef(BaseModel):
    key: str
    name: str
    homepage: str
    licence: str
    attribution: str


class RecordRef(BaseModel):
    key: str
    url: str = Field(description="The record upstream.")
    version: str
    read_at: datetime.datetime


class DatasetClaim(BaseModel):
    dataset: DatasetRef
    record: RecordRef
    value: str
    evidence_url: str


class ClaimRow(BaseModel):
    field: str
    label: Labels
    editor_value: str | None = Field(description="Aperture's own value, where it has one.")
    datasets_disagree: bool
    editor_disagrees: bool
    claims: list[DatasetClaim]


class Model(BaseModel):
    slug: str
    name: str
    name_ja: str | None
    aliases: list[Alias]
    family: str
    developer: LabRef
    parameter_count: int | None
    active_parameter_count: int | None
    access_level: AccessLevel
    access_level_label: Labels
    licence: str
    description: str
    status_now: StatusEntry | None
    status_history: list[StatusEntry]
    components: list[ComponentOut] = Field(
        description="Every component in the framework's order; unknown where not recorded."
    )
    dataset_claims: list[ClaimRow] = Field(
        description="What each outside dataset says, field by field, beside Aperture's value."
    )
    page: PageUrls
    updated_at: datetime.datetime


class Disagreement(BaseModel):
    id: int
    model: ModelRef
    field: str
    label: Labels
    value: str
    evidence_url: str
    dataset: DatasetRef
    record: RecordRef


class Resources(BaseModel):
    labs: str
    models: str
    statements: str
    sources: str
    disagreements: str
    commitments: str


class Index(BaseModel):
    name: str
    version: str
    docs: str
    openapi: str
    resources: Resources


class DecidingAct(BaseModel):
    """A release as an outside dataset records it (not an editor's statement)."""

    id: int
    subject: str
    access_level: str
    occurred_on: datetime.date
    origin: str
    origin_url: str


class CommitmentOutcome(BaseModel):
    outcome: OutcomeKind = Field(
        description="A reviewer's verdict (kept, partly_kept, broken, withdrawn), overdue "
        "(worked out from the due date) or reopened."
    )
    outcome_label: Labels
    recorded_at: datetime.datetime
    deciding_statement_id: int | None = Field(description="The published statement deciding it.")
    deciding_act: DecidingAct | None
    rationale: str
    rationale_ja: str


class Commitment(BaseModel):
    id: int
    lab: LabRef
    statement_id: int = Field(description="The published statement that made the promise.")
    promise: str = Field(description="What was promised, in one line.")
    promise_ja: str
    promised_by: str
    due_on: datetime.date | None
    condition: str = Field(description="What a later act must do to meet it, when no date.")
    condition_ja: str
    evidence_rule: str = Field(description="The evidence that decides it, written beforehand.")
    evidence_rule_ja: str
    models: list[ModelRef]
    status: CommitmentStatus
    status_label: Labels
    status_since: datetime.datetime
    outcomes: list[CommitmentOutcome] = Field(description="The whole history, oldest first.")
    page: PageUrls = Field(description="The lab's page, at this commitment.")
