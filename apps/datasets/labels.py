"""A dataset's words in a reader's sentence: what it is called, what each field and value means.

The values stay the dataset's own (a claim is its word): a label only puts a known value in the
reader's language ("API access", 「APIアクセス」); a value nobody labelled is shown as written.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.datasets.models import Dataset
from apps.datasets.registry import DATASETS

#: Fields that say how open a model is: whether and how its weights, code and data are released.
#: A change of one of these is news; release dates, parameter counts and developers' names are
#: corrections of the record, kept in its history but not announced.
OPENNESS_FIELDS = frozenset({"access_level", "training_code", "training_data"})
OPENNESS_PREFIXES = ("licence:", "class:")

#: Epoch AI's accessibility vocabulary (model, training code, dataset), by casefolded value.
ACCESS_VALUES = {
    "open source": _("open source"),
    "open weights (unrestricted)": _("open weights (unrestricted)"),
    "open weights (restricted use)": _("open weights (restricted use)"),
    "open weights (non-commercial)": _("open weights (non-commercial)"),
    "open (restricted use)": _("open (restricted use)"),
    "open (non-commercial)": _("open (non-commercial)"),
    "api access": _("API access"),
    "hosted access (no api)": _("hosted access (no API)"),
    "unreleased": _("unreleased"),
}
#: The Open Source AI Index's classes.
OSAI_CLASSES = {"open": _("open"), "partial": _("partial"), "closed": _("closed")}
#: The Open Source AI Index's dimensions, as its criteria (projects/readme.md) name them.
OSAI_DIMENSIONS = {
    "opencode": _("source code"),
    "llmdata": _("LLM training data"),
    "llmweights": _("LLM weights"),
    "rldata": _("RLHF training data"),
    "rlweights": _("RLHF weights"),
    "license": _("licence"),
    "code": _("code documentation"),
    "architecture": _("architecture documentation"),
    "preprint": _("preprint"),
    "paper": _("peer-reviewed paper"),
    "modelcard": _("model card"),
    "datasheet": _("datasheet"),
    "package": _("package"),
    "api": _("API"),
}
#: The Model Openness Tool's licences for a whole kind of component (``licence:<kind>``); any
#: other ``licence:`` field names one of its components as written ("Model parameters (Final)").
MOT_LICENCE_KINDS = {
    "distribution": _("release as a whole"),
    "code": _("code"),
    "data": _("data"),
    "document": _("documentation"),
}
#: Epoch AI's fields other than the access level, as the thing whose access they give.
EPOCH_SUBJECTS = {"training_code": _("training code"), "training_data": _("training data")}


def field_describes_openness(field: str) -> bool:
    return field in OPENNESS_FIELDS or field.startswith(OPENNESS_PREFIXES)


def dataset_short_name(dataset: Dataset) -> str:
    """ "Epoch AI" for the dataset the registry knows, else the name it was stored with."""
    info = DATASETS.get(dataset.key)
    return info.short_name if info is not None else dataset.name


def value_label(field: str, value: str) -> str:
    """``value`` of ``field`` in the active language where it is a known word, else as written."""
    known = OSAI_CLASSES if field.startswith("class:") else ACCESS_VALUES
    label = known.get(" ".join(value.split()).casefold())
    return str(label) if label is not None else value


def part_label(field: str) -> str:
    """What a field is about, in the active language: "LLM weights", "Model parameters
    (Final)", "training code"; "" for the access level, which is about the model itself."""
    kind, _sep, name = field.partition(":")
    if kind == "class":
        return str(OSAI_DIMENSIONS.get(name, name))
    if kind == "licence":
        return str(MOT_LICENCE_KINDS.get(name, name))
    return str(EPOCH_SUBJECTS.get(field, ""))
