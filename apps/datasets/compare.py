"""What the datasets say about one model, claim by claim, beside each other and the editor.

Each dataset's claim stays in its own words; only to *flag* a disagreement are values brought to
a comparable form (an access level, a component's openness, a date's prefix, a number). A value
that has no comparable form is shown and never flagged. The editor's value is never changed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from apps.catalog.models import AccessLevel, AIModel, Component, ModelStatus, Openness
from apps.datasets.models import Dataset, DatasetClaim, DatasetRecord
from apps.datasets.selectors import name_key
from apps.lib.urls import web_link

#: Epoch's access vocabulary, in the catalogue's words.
ACCESS = {
    "open source": AccessLevel.OPEN_SOURCE,
    "open weights (unrestricted)": AccessLevel.OPEN_WEIGHTS,
    "open weights (restricted use)": AccessLevel.OPEN_WEIGHTS,
    "open weights (non-commercial)": AccessLevel.OPEN_WEIGHTS,
    "api access": AccessLevel.API_ONLY,
    "hosted access (no api)": AccessLevel.PRODUCT_ONLY,
    "unreleased": AccessLevel.UNRELEASED,
}
#: The Open Source AI Index's dimensions that name one of the catalogue's components.
OSAI_COMPONENTS = {
    "class:llmweights": Component.WEIGHTS,
    "class:opencode": Component.TRAINING_CODE,  # OSAI's "code" is code documentation
    "class:llmdata": Component.TRAINING_DATA,
    "class:datasheet": Component.DATA_CARD,
    "class:modelcard": Component.MODEL_CARD,
    "class:paper": Component.PAPER,
    "class:license": Component.LICENCE,
}
OSAI_CLASSES = {"open": Openness.OPEN, "partial": Openness.RESTRICTED, "closed": Openness.CLOSED}
FIELD_LABELS = {
    "developer": _("developer"),
    "release_date": _("release date"),
    "parameters": _("parameters"),
    "access_level": _("access level"),
    "training_code": _("training code"),
    "training_data": _("training data"),
}


def field_label(field: str) -> str:
    """A claim's field in the reader's words: "licence: Datasets", "class: llmweights"."""
    if field in FIELD_LABELS:
        return str(FIELD_LABELS[field])
    kind, _sep, name = field.partition(":")
    return f"{_('licence') if kind == 'licence' else _('class')}: {name}"


def comparable(field: str, value: str) -> str | None:
    """``value`` in a form two sources can be compared in, or None when it has none."""
    value = value.strip()
    if not value:
        return None
    if field == "access_level":
        return ACCESS.get(value.casefold())
    if field.startswith("class:"):
        return OSAI_CLASSES.get(value.casefold())
    if field == "parameters":
        try:
            return str(int(float(value)))
        except ValueError:
            return None
    if field == "developer":
        return "; ".join(sorted(name_key(name) for name in value.split(";")))
    return value.casefold()


def agree(field: str, one: str | None, other: str | None) -> bool:
    """Whether two comparable values agree; a date agrees with a more precise one it begins."""
    if one is None or other is None:
        return True
    if field == "release_date":
        return one.startswith(other) or other.startswith(one)
    return one == other


@dataclass(frozen=True)
class EditorValue:
    shown: str
    comparable: str | None


def editor_values(ai_model: AIModel) -> dict[str, EditorValue]:
    """The editor's own values that datasets make claims about, from prefetched rows."""
    values = {
        "access_level": EditorValue(ai_model.get_access_level_display(), ai_model.access_level)
    }
    released = [
        entry.date
        for entry in ai_model.status_history.all()
        if entry.status == ModelStatus.RELEASED and not entry.is_reported
    ]
    if released:
        values["release_date"] = EditorValue(released[0].isoformat(), released[0].isoformat())
    if ai_model.parameter_count:
        values["parameters"] = EditorValue(
            f"{ai_model.parameter_count:,}", str(ai_model.parameter_count)
        )
    components = {c.component: c for c in ai_model.components.all()}
    for field, component in OSAI_COMPONENTS.items():
        row = components.get(component)
        if row is not None and row.openness != Openness.UNKNOWN:
            values[field] = EditorValue(
                f"{row.get_component_display()}: {row.get_openness_display()}", row.openness
            )
    return values


@dataclass(frozen=True)
class ClaimCell:
    claim: DatasetClaim
    link: str


@dataclass(frozen=True)
class RecordColumn:
    record: DatasetRecord
    link: str


@dataclass(frozen=True)
class ClaimRow:
    field: str
    label: str
    #: One per record, in the order of ``ModelClaims.records``; None where it says nothing.
    claims: list[ClaimCell | None]
    editor: EditorValue | None
    datasets_disagree: bool
    editor_disagrees: bool


@dataclass(frozen=True)
class ModelClaims:
    records: list[RecordColumn]
    datasets: list[Dataset]
    rows: list[ClaimRow]


def claim_rows(claims: list[DatasetClaim], editor: dict[str, EditorValue]) -> ModelClaims:
    """``claims`` (with record and dataset) as rows of one field, a column per record."""
    records = list({claim.record_id: claim.record for claim in claims}.values())
    column = {record.pk: index for index, record in enumerate(records)}
    by_field: dict[str, list[ClaimCell | None]] = {}
    for claim in claims:
        if claim.value:
            cells = by_field.setdefault(claim.field, [None] * len(records))
            cells[column[claim.record_id]] = ClaimCell(claim, web_link(claim.evidence_url))
    rows = []
    for field in sorted(by_field, key=_field_order):
        cells = by_field[field]
        values = [comparable(field, c.claim.value) for c in cells if c is not None]
        mine = editor.get(field)
        rows.append(
            ClaimRow(
                field=field,
                label=field_label(field),
                claims=cells,
                editor=mine,
                datasets_disagree=any(
                    not agree(field, one, other) for one in values for other in values
                ),
                editor_disagrees=mine is not None
                and any(not agree(field, mine.comparable, value) for value in values),
            )
        )
    datasets = list({record.dataset_id: record.dataset for record in records}.values())
    return ModelClaims(
        records=[RecordColumn(record, web_link(record.upstream_url)) for record in records],
        datasets=datasets,
        rows=rows,
    )


def _field_order(field: str) -> tuple[int, str]:
    known = list(FIELD_LABELS)
    return (known.index(field), "") if field in known else (len(known), field)


def model_claims(ai_model: AIModel) -> ModelClaims:
    """What every matched record says about ``ai_model``: one query (the model's status history
    and components must be prefetched)."""
    claims = list(
        DatasetClaim.objects.filter(record__model=ai_model)
        .exclude(value="")
        .select_related("record__dataset")
        .order_by("record__dataset__key", "record__key", "field")
    )
    return claim_rows(claims, editor_values(ai_model))


def disagreeing_claim_ids() -> list[int]:
    """Every matched claim that disagrees with another dataset's or with the editor's value.

    Three queries: the matched claims, their models, and the models' status and components.
    """
    claims = list(
        DatasetClaim.objects.filter(record__model__isnull=False)
        .exclude(value="")
        .select_related("record__dataset")
        .order_by("record__dataset__key", "record__key", "field")
    )
    by_model: dict[int, list[DatasetClaim]] = {}
    for claim in claims:
        by_model.setdefault(claim.record.model_id or 0, []).append(claim)
    models = AIModel.objects.filter(pk__in=by_model).prefetch_related(
        "status_history", "components"
    )
    found: list[int] = []
    for ai_model in models:
        for row in claim_rows(by_model[ai_model.pk], editor_values(ai_model)).rows:
            if row.datasets_disagree or row.editor_disagrees:
                found.extend(cell.claim.pk for cell in row.claims if cell is not None)
    return found
