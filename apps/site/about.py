"""What the about page computes rather than states: the formula's tables and the worked example.

The weights and the access-level table come from the stance engine's own constants, so the page
cannot drift from the formula. The worked example is the Meta story as the demo record tells it
(apps/claims/seed_record.toml), run through the engine on EXAMPLE_ON: the numbers on the page are
the engine's. The record on the site may hold more about Meta (datasets' releases, later
statements), so the example reads the file, not the database, and says so.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from apps.claims import stance as engine
from apps.claims.explain import Contribution, Explanation, stance_explain
from apps.claims.models import Stance, StatementKind, Verification
from apps.claims.seed_record import seed_record_load
from apps.datasets.registry import DATASETS, DatasetInfo

EXAMPLE_LAB = "meta"
#: The day of the New York Times report and Meta's reply.
EXAMPLE_ON = datetime.date(2025, 7, 14)
#: The statements the page's prose talks about, by the names the templates use.
EXAMPLE_NAMES = {
    "letter": "meta-2024-open-source-letter",
    "release": "meta-2025-llama-4-release",
    "report": "meta-2025-nyt-closed-report",
    "reply": "meta-2025-spokesperson-reply",
}
#: Access levels as Epoch AI's data writes them, for the table of what an imported act implies.
ACCESS_LEVELS = [
    "Open weights (unrestricted)",
    "Open weights (restricted use)",
    "Open weights (non-commercial)",
    "API access",
    "Hosted access (no API)",
    "Unreleased",
]


@dataclass(frozen=True)
class ExampleRow:
    """One statement of the example: its key in the seed record, who spoke, and its part."""

    key: str
    speaker: str
    contribution: Contribution


@dataclass(frozen=True)
class WorkedExample:
    on: datetime.date
    day_before: Explanation
    explanation: Explanation
    rows: list[ExampleRow]

    @property
    def day_before_date(self) -> datetime.date:
        return self.day_before.on

    @property
    def named(self) -> dict[str, ExampleRow]:
        """The rows the prose names (EXAMPLE_NAMES), for the templates."""
        by_key = {row.key: row for row in self.rows}
        return {name: by_key[key] for name, key in EXAMPLE_NAMES.items()}


@functools.cache
def worked_example() -> WorkedExample:
    """The engine on the demo record's statements about EXAMPLE_LAB, on EXAMPLE_ON and the day
    before (read once per process: the file ships with the code)."""
    record = seed_record_load()
    people = {person.slug: person.name for person in record.people}
    rows = [row for row in record.statements if row.company == EXAMPLE_LAB]
    ids = {row.key: index for index, row in enumerate(rows, start=1)}
    evidence = [
        engine.Evidence(
            id=ids[row.key],
            occurred_on=row.occurred_on,
            stance=row.stance,
            kind=row.kind,
            verification=row.verification,
        )
        for row in rows
    ]
    links = [
        engine.Link(from_id=ids[row.key], to_id=ids[link.to], kind=link.kind)
        for row in rows
        for link in row.links
        if link.to in ids
    ]
    explanation = stance_explain(evidence, links, on=EXAMPLE_ON)
    by_id = {ids[row.key]: row for row in rows}
    return WorkedExample(
        on=EXAMPLE_ON,
        day_before=stance_explain(evidence, links, on=EXAMPLE_ON - datetime.timedelta(days=1)),
        explanation=explanation,
        rows=[
            ExampleRow(
                key=by_id[c.item.id].key,
                speaker=people.get(by_id[c.item.id].speaker, "") or by_id[c.item.id].speaker_label,
                contribution=c,
            )
            for c in explanation.contributions
        ],
    )


@dataclass(frozen=True)
class Weight:
    label: str
    weight: float


def kind_weights() -> list[Weight]:
    """The kind weights of the formula, heaviest first, with the kinds' names."""
    return sorted(
        (Weight(str(label), engine.KIND_WEIGHT[value]) for value, label in StatementKind.choices),
        key=lambda w: -w.weight,
    )


def verification_weights() -> list[Weight]:
    return [
        Weight(str(label), engine.VERIFICATION_WEIGHT[value])
        for value, label in Verification.choices
    ]


@dataclass(frozen=True)
class ScaleStep:
    value: str
    label: str
    score: int


def stance_scale() -> list[ScaleStep]:
    return [
        ScaleStep(value, str(label), engine.STANCE_SCORE[value]) for value, label in Stance.choices
    ]


def imported_act_weight() -> float:
    return engine.KIND_WEIGHT[engine.IMPORTED_ACT] * engine.VERIFICATION_WEIGHT[engine.IMPORTED]


def datasets() -> list[DatasetInfo]:
    return list(DATASETS.values())


@dataclass(frozen=True)
class AccessStance:
    access_level: str
    stance: str
    label: str
    score: int


def access_stances() -> list[AccessStance]:
    """What an imported act's access level implies, by the engine's own rule."""
    rows = []
    for level in ACCESS_LEVELS:
        stance = engine.stance_for_access(level)
        if stance is not None:
            rows.append(
                AccessStance(level, stance, str(Stance(stance).label), engine.STANCE_SCORE[stance])
            )
    return rows
