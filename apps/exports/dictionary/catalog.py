"""The tables of the catalogue: labs, models, their components, and the datasets' claims."""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import AccessLevel, Component, ModelStatus, Openness
from apps.claims.models import Stance

from .columns import Column, ColumnType, Table, updated_at_column

LABS = Table(
    name="labs",
    title=_("Labs"),
    description=_(
        "Every company the record names: the labs whose stance Aperture follows, their parent "
        "companies and the developers the datasets name, with each lab's stance now."
    ),
    key_columns=("slug",),
    columns=(
        Column("slug", ColumnType.TEXT, _("The lab's identifier in URLs and in the other files.")),
        Column("name", ColumnType.TEXT, _("The lab's name.")),
        Column("url", ColumnType.URL, _("The lab's page on Aperture.")),
        Column("parent", ColumnType.TEXT, _("The parent company (labs.slug), if any.")),
        Column("website", ColumnType.URL, _("The lab's own website.")),
        Column(
            "tracked_as_lab",
            ColumnType.BOOLEAN,
            _("True for a lab with a stance timeline; false for a company only referenced."),
        ),
        Column(
            "aliases",
            ColumnType.LIST,
            _("Other names of the lab, in any language, as editors recorded them."),
            items=ColumnType.TEXT,
        ),
        Column(
            "stance",
            ColumnType.TEXT,
            _(
                "The lab's stance now, derived from its published statements and recorded acts "
                "by Aperture's formula (or pinned by an editor); empty when there is none yet."
            ),
            choices=Stance,
        ),
        Column(
            "stance_since",
            ColumnType.DATE,
            _("Since when the stance holds (stance_history.date of its last change)."),
        ),
        Column(
            "published_statements",
            ColumnType.INTEGER,
            _("How many published statements are about the lab."),
        ),
        Column(
            "recorded_acts",
            ColumnType.INTEGER,
            _("How many releases the outside datasets record for the lab."),
        ),
        updated_at_column(_("When the lab's entry was last edited.")),
    ),
)

MODELS = Table(
    name="models",
    title=_("Models"),
    description=_(
        "Every model in the catalogue, with its status and how open each of its components is "
        "as Aperture's editors recorded it (model_components has the evidence; dataset_claims "
        "what the outside datasets say)."
    ),
    key_columns=("slug",),
    columns=(
        Column(
            "slug", ColumnType.TEXT, _("The model's identifier in URLs and in the other files.")
        ),
        Column("name", ColumnType.TEXT, _("The model's name.")),
        Column("url", ColumnType.URL, _("The model's page on Aperture.")),
        Column("family", ColumnType.TEXT, _("The model family, e.g. Llama 4.")),
        Column("developer", ColumnType.TEXT, _("The lab that develops it (labs.slug).")),
        Column("parameters", ColumnType.INTEGER, _("Total parameters; empty when unknown.")),
        Column(
            "active_parameters",
            ColumnType.INTEGER,
            _("Parameters active per token, for a mixture of experts; empty when unknown."),
        ),
        Column(
            "access_level", ColumnType.TEXT, _("How the model can be used."), choices=AccessLevel
        ),
        Column("licence", ColumnType.TEXT, _("The model's licence, as its developer names it.")),
        Column(
            "status",
            ColumnType.TEXT,
            _("The latest entry of the model's status history; empty when it has none."),
            choices=ModelStatus,
        ),
        Column("status_date", ColumnType.DATE, _("The date of that status.")),
        *(
            Column(
                f"openness_{component.value}",
                ColumnType.TEXT,
                format_lazy(
                    _("How open the model's {component} is; unknown when not recorded."),
                    component=component.label,
                ),
                choices=Openness,
            )
            for component in Component
        ),
        updated_at_column(_("When the model's entry was last edited.")),
    ),
)

MODEL_COMPONENTS = Table(
    name="model_components",
    title=_("Model components"),
    description=_(
        "How open each component of each model is, with the source that shows it: one row per "
        "model and component (the components of the Model Openness Framework and the European "
        "Open Source AI Index)."
    ),
    key_columns=("model", "component"),
    columns=(
        Column("model", ColumnType.TEXT, _("The model (models.slug).")),
        Column("component", ColumnType.TEXT, _("The component."), choices=Component),
        Column("openness", ColumnType.TEXT, _("How open it is."), choices=Openness),
        Column("note", ColumnType.TEXT, _("The editor's note.")),
        Column(
            "evidence_url",
            ColumnType.URL,
            _("The source that shows it; empty only when openness is unknown."),
        ),
        Column("evidence_title", ColumnType.TEXT, _("That source's title.")),
        updated_at_column(_("When the row was last edited.")),
    ),
)

DATASET_CLAIMS = Table(
    name="dataset_claims",
    title=_("Dataset claims"),
    description=_(
        "What the outside datasets say about the models in the catalogue: one row per value, "
        "for each dataset record matched to one of Aperture's models. A value is the "
        "dataset's word as read, never Aperture's; it is under the dataset's licence and "
        "needs the dataset's attribution (both on every row)."
    ),
    licence=_("each dataset's own (the licence column), with its attribution"),
    key_columns=("dataset", "record_key", "field"),
    columns=(
        Column("model", ColumnType.TEXT, _("The model the record was matched to (models.slug).")),
        Column("dataset", ColumnType.TEXT, _("The dataset's key: epoch, mot or osai.")),
        Column("dataset_name", ColumnType.TEXT, _("The dataset's name.")),
        Column("record_key", ColumnType.TEXT, _("The record's key in the dataset.")),
        Column("record_url", ColumnType.URL, _("The record's page or file upstream.")),
        Column(
            "field",
            ColumnType.TEXT,
            _(
                "What the value is about: developer, release_date, parameters, access_level, "
                "training_code, training_data, licence:<component> (Model Openness Tool) or "
                "class:<dimension> (Open Source AI Index)."
            ),
        ),
        Column("value", ColumnType.TEXT, _("The value, in the dataset's own words.")),
        Column("evidence_url", ColumnType.URL, _("The evidence the dataset gives for it.")),
        Column(
            "dataset_version",
            ColumnType.TEXT,
            _("The dataset's version when the value was read (Last-Modified or content hash)."),
        ),
        Column("read_at", ColumnType.DATETIME, _("When Aperture first read this record as it is.")),
        Column("licence", ColumnType.TEXT, _("The dataset's licence.")),
        Column(
            "attribution", ColumnType.TEXT, _("The attribution the dataset's licence asks for.")
        ),
    ),
)
