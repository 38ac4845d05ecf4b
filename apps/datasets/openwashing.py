"""Open-washing: a statement calls a model open source while a dataset lists the model's weights,
code or data as closed or restricted. The one rule, read by the statement and model pages.

**A statement calls a model open source** when all four hold:

1. the model is one of the statement's models (``Statement.ai_models``): a statement that names
   no model is about the lab, not about a model a dataset could describe;
2. the lab speaks for itself: an official statement, an executive's remark or an action. A report
   from unnamed sources or a third party's analysis is not the lab's claim;
3. its stance is open or leaning open. "Meta is discussing a move away from open source" says the
   words and makes no such claim; and
4. its summary, quote or translation says *open source* (also "open-source", "open sourced",
   "open-sourcing", "opensource") or *オープンソース*, compared after NFKC (half-width ｵｰﾌﾟﾝｿｰｽ
   too) and case folding, at least once not negated ("not open source", "non-open-source",
   "no longer open source", "オープンソースではない" do not count). "Open weights" is not open
   source, and says nothing here.

**A dataset lists the model's weights, code or data as closed or restricted** when a record that
matching tied to the model claims one of these (every other claim is ignored here):

- Epoch AI: ``access_level`` (the weights) "Open weights (restricted use)" or "(non-commercial)"
  is restricted; "API access", "Hosted access (no API)" and "Unreleased" are closed.
  ``training_code`` and ``training_data`` "Open (restricted use)" or "(non-commercial)" are
  restricted, "Unreleased" is closed.
- Model Openness Tool: the licence of "Model parameters (Final)" and the release's distribution
  licence (the weights); of "Model architecture", "Training code", "Inference code" and the
  release's code licence (code); of "Datasets" and the release's data licence (data). "unlicensed",
  "Pending evaluation", "Undisclosed", "Proprietary" and "Component not included" are closed; a
  licence with use restrictions (the Llama, Gemma and other vendors' community licences, RAIL
  licences, non-commercial and research-only terms) is restricted; an OSI-approved or open data
  licence (Apache-2.0, MIT, BSD, CC-BY, CC0, ODC-By, …) is open.
- Open Source AI Index: ``class:llmweights`` and ``class:rlweights`` (weights), ``class:opencode``
  (code), ``class:llmdata`` and ``class:rldata`` (data): "partial" is restricted, "closed" closed.

A value the rule cannot read (a licence name it does not know, free text) never flags: the flag
is a difference shown to the reader with its evidence, never a verdict reached by guessing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import AIModel, Openness
from apps.claims.models import Stance, Statement, StatementKind
from apps.datasets.compare import field_label
from apps.datasets.models import Dataset, DatasetClaim
from apps.lib.urls import web_link


class Aspect(models.TextChoices):
    WEIGHTS = "weights", _("weights")
    CODE = "code", _("code")
    DATA = "data", _("data")


#: Kinds in which the lab speaks for itself, and stances that claim openness.
OWN_VOICE = {StatementKind.OFFICIAL, StatementKind.EXECUTIVE, StatementKind.ACTION}
OPEN_STANCES = {Stance.OPEN, Stance.LEANING_OPEN}

# Hyphens: ASCII and U+2010 (NFKC makes the non-breaking U+2011 one).
_OPEN_SOURCE = re.compile(r"open[\s\-\u2010]?sourc(?:e[sd]?|ing)\b|オープンソース")
# A mention preceded (English) or followed (Japanese) by one of these is a negation.
_NEGATED_BEFORE = re.compile(
    r"(?:\bnot|\bnon|\bno longer|n['\u2019]t|\bnever|\baway from|\binstead of)[\s\-]*"
    r"(?:an?\s+|fully\s+|truly\s+|really\s+)?$"
)
_NEGATED_AFTER = re.compile(r"^(?:モデル)?(?:ではな|でな|じゃな|ではありません)")
_NOT_OPEN_SOURCE_JA = re.compile(r"非$")


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def mentions_open_source(text: str) -> bool:
    """Whether ``text`` says open source (English or Japanese) at least once not negated."""
    text = _folded(text)
    for found in _OPEN_SOURCE.finditer(text):
        before, after = text[max(0, found.start() - 24) : found.start()], text[found.end() :]
        if _NEGATED_BEFORE.search(before) or _NOT_OPEN_SOURCE_JA.search(before):
            continue
        if found.group().startswith("オ") and _NEGATED_AFTER.match(after):
            continue
        return True
    return False


def calls_open_source(statement: Statement) -> bool:
    """Conditions 2 to 4 of the rule: the lab's own voice, an open stance, the words."""
    return (
        statement.kind in OWN_VOICE
        and statement.stance in OPEN_STANCES
        and any(
            mentions_open_source(text)
            for text in (statement.summary, statement.quote, statement.translation)
        )
    )


# --- What the datasets list -------------------------------------------------------------------

EPOCH_FIELDS = {
    "access_level": Aspect.WEIGHTS,
    "training_code": Aspect.CODE,
    "training_data": Aspect.DATA,
}
EPOCH_READINGS = {
    "open weights (unrestricted)": Openness.OPEN,
    "open weights (restricted use)": Openness.RESTRICTED,
    "open weights (non-commercial)": Openness.RESTRICTED,
    "api access": Openness.CLOSED,
    "hosted access (no api)": Openness.CLOSED,
    "unreleased": Openness.CLOSED,
    "open source": Openness.OPEN,
    "open (restricted use)": Openness.RESTRICTED,
    "open (non-commercial)": Openness.RESTRICTED,
}
MOT_FIELDS = {
    "licence:Model parameters (Final)": Aspect.WEIGHTS,
    "licence:distribution": Aspect.WEIGHTS,
    "licence:Model architecture": Aspect.CODE,
    "licence:Training code": Aspect.CODE,
    "licence:Inference code": Aspect.CODE,
    "licence:code": Aspect.CODE,
    "licence:Datasets": Aspect.DATA,
    "licence:data": Aspect.DATA,
}
OSAI_FIELDS = {
    "class:llmweights": Aspect.WEIGHTS,
    "class:rlweights": Aspect.WEIGHTS,
    "class:opencode": Aspect.CODE,
    "class:llmdata": Aspect.DATA,
    "class:rldata": Aspect.DATA,
}
OSAI_READINGS = {"open": Openness.OPEN, "partial": Openness.RESTRICTED, "closed": Openness.CLOSED}
EVIDENCE_FIELDS = {**EPOCH_FIELDS, **MOT_FIELDS, **OSAI_FIELDS}

#: A licence name with its punctuation, spacing and the words "license"/"the"/"version" taken
#: out ("Apache License 2.0" and "apache-2.0" are both "apache20").
OPEN_LICENCES = {
    "apache20", "apache2", "mit", "bsd", "bsd2", "bsd2clause", "bsd3", "bsd3clause", "0bsd",
    "isc", "zlib", "unlicense", "mpl20", "epl20", "gpl", "gpl20", "gpl2", "gpl30", "gpl3",
    "lgpl", "lgpl21", "lgpl30", "lgpl3", "agpl30", "agpl3", "bsl10", "upl10", "artistic20",
    "cc0", "cc010", "ccby", "ccby30", "ccby40", "ccbysa", "ccbysa30", "ccbysa40",
    "creativecommonsattribution40", "creativecommonsattributionsharealike40",
    "odcby", "odcby10", "odbl", "odbl10", "pddl", "pddl10", "cdlapermissive10",
    "cdlapermissive20",
}  # fmt: skip
_LICENCE_NOISE = re.compile(r"\b(?:the|licen[cs]e[sd]?|version|v)\b|[^a-z0-9]")
_LICENCE_CLOSED = re.compile(
    r"^(?:unlicensed|pending evaluation|undisclosed|proprietary|none|not available)\b"
    r"|not includ"
)
_LICENCE_RESTRICTED = re.compile(
    r"\bllama\b|\bgemma\b|rail\b|\bnc\b|non[\s\-]?commercial|commercial use restr|research"
    r"|community licen[cs]e|open model licen[cs]e|licen[cs]e agreement|terms of use"
    r"|acceptable use|evaluation licen[cs]e"
    r"|\b(?:qwen|tongyi|deepseek|falcon|baichuan|chatglm|aquila|telechat|codefuse)"
)


def licence_reading(name: str) -> str | None:
    """How open a component's licence is, from its name: open, restricted, closed or None."""
    folded = " ".join(_folded(name).split())
    if not folded:
        return None
    if _LICENCE_CLOSED.search(folded):
        return Openness.CLOSED
    if _LICENCE_RESTRICTED.search(folded):
        return Openness.RESTRICTED
    if _LICENCE_NOISE.sub("", folded) in OPEN_LICENCES:
        return Openness.OPEN
    return None


def claim_reading(field: str, value: str) -> tuple[str, str] | None:
    """The aspect (weights, code, data) a claim speaks of and how open it says it is, or None
    when the claim is not about those or says nothing the rule can read."""
    aspect = EVIDENCE_FIELDS.get(field)
    if aspect is None:
        return None
    folded = " ".join(_folded(value).split())
    reading: str | None
    if field in EPOCH_FIELDS:
        reading = EPOCH_READINGS.get(folded)
    elif field in OSAI_FIELDS:
        reading = OSAI_READINGS.get(folded)
    else:
        reading = licence_reading(value)
    return None if reading is None else (aspect, reading)


@dataclass(frozen=True)
class Evidence:
    """One claim that lists a model's weights, code or data as closed or restricted."""

    claim: DatasetClaim
    aspect: str
    reading: str

    @property
    def dataset(self) -> Dataset:
        return self.claim.record.dataset

    @property
    def aspect_label(self) -> str:
        return str(Aspect(self.aspect).label)

    @property
    def reading_label(self) -> str:
        return str(Openness(self.reading).label)

    @property
    def field_label(self) -> str:
        return field_label(self.claim.field)

    @property
    def record_link(self) -> str:
        return web_link(self.claim.record.upstream_url)

    @property
    def evidence_link(self) -> str:
        return web_link(self.claim.evidence_url)


def datasets_quoted(evidence: list[Evidence]) -> list[Dataset]:
    """Each dataset the evidence quotes, once, for its licence and attribution."""
    return list({item.dataset.pk: item.dataset for item in evidence}.values())


@dataclass(frozen=True)
class ModelFlag:
    """A model a statement calls open source, and what the datasets list against that."""

    model: AIModel
    evidence: list[Evidence]

    @property
    def datasets(self) -> list[Dataset]:
        return datasets_quoted(self.evidence)


def _evidence_by_model(model_ids: Iterable[int]) -> dict[int, list[Evidence]]:
    """Closed or restricted claims about each model, by model id: one query."""
    claims = (
        DatasetClaim.objects.filter(record__model_id__in=list(model_ids))
        .filter(field__in=list(EVIDENCE_FIELDS))
        .exclude(value="")
        .select_related("record__dataset")
        .order_by("record__dataset__key", "record__key", "field")
    )
    found: dict[int, list[Evidence]] = {}
    for claim in claims:
        reading = claim_reading(claim.field, claim.value)
        if reading is not None and reading[1] in (Openness.CLOSED, Openness.RESTRICTED):
            assert claim.record.model_id is not None  # filtered on it
            found.setdefault(claim.record.model_id, []).append(Evidence(claim, *reading))
    return found


def statement_open_washing(statement: Statement) -> list[ModelFlag]:
    """The flag on one statement: each of its models it calls open source that a dataset lists
    as closed or restricted, with the evidence. None or one query (``ai_models`` prefetched)."""
    if not calls_open_source(statement):
        return []
    models = list(statement.ai_models.all())
    evidence = _evidence_by_model(model.pk for model in models) if models else {}
    return [ModelFlag(model, evidence[model.pk]) for model in models if model.pk in evidence]


@dataclass(frozen=True)
class ModelOpenWashing:
    """The flag on a model's page: its published statements that call it open source, and what
    the datasets list against that. Empty (falsy) when either is missing."""

    statements: list[Statement]
    evidence: list[Evidence]

    def __bool__(self) -> bool:
        return bool(self.statements and self.evidence)

    @property
    def datasets(self) -> list[Dataset]:
        return datasets_quoted(self.evidence)


def model_open_washing(ai_model: AIModel) -> ModelOpenWashing:
    """One query, two when a dataset lists the model as closed or restricted somewhere."""
    evidence = _evidence_by_model([ai_model.pk]).get(ai_model.pk, [])
    if not evidence:
        return ModelOpenWashing([], [])
    candidates = (
        Statement.objects.published()
        .filter(ai_models=ai_model, kind__in=OWN_VOICE, stance__in=OPEN_STANCES)
        .select_related("company")
        .order_by("-occurred_on", "-id")
    )
    return ModelOpenWashing([s for s in candidates if calls_open_source(s)], evidence)
