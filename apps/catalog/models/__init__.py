"""What Aperture talks about: labs, their models and people, who publishes about them, and the
sources they publish.

One module per subdomain: labs (labs, people), ai_models (models, families, aliases, status,
openness), sources (publishers, sources); everything is importable from here as before.
"""

from __future__ import annotations

from .ai_models import (
    AccessLevel,
    AIModel,
    Alias,
    Component,
    ModelFamily,
    ModelStatus,
    ModelStatusChange,
    Openness,
    OpennessComponent,
)
from .common import DESCRIPTION_MAX, JAPANESE_HELP
from .labs import Company, Person
from .sources import Publisher, Source, SourceKind

__all__ = [
    "DESCRIPTION_MAX",
    "JAPANESE_HELP",
    "AIModel",
    "AccessLevel",
    "Alias",
    "Company",
    "Component",
    "ModelFamily",
    "ModelStatus",
    "ModelStatusChange",
    "Openness",
    "OpennessComponent",
    "Person",
    "Publisher",
    "Source",
    "SourceKind",
]
