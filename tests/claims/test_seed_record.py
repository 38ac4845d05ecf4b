"""The demo record is data (apps/claims/seed_record.toml): every record in it is valid, and a
wrong one is refused by name before the seed writes anything."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.catalog.models import Company
from apps.claims import seed_record
from apps.claims.seed_record import SEED_FILE, SeedError, seed_record_load

SPOKESPERSON = 'key = "meta-2025-spokesperson-reply"'


def test_the_seed_file_loads_and_every_record_in_it_is_valid() -> None:
    record = seed_record_load()

    assert [len(record.companies), len(record.sources), len(record.statements)] == [9, 11, 11]
    behemoth = next(m for m in record.models if m.slug == "llama-4-behemoth")
    assert behemoth.parameter_count == 2_000_000_000_000
    assert [s.date for s in behemoth.status_history] == [
        datetime.date(2025, 4, 5),
        datetime.date(2025, 5, 1),
        datetime.date(2025, 7, 14),
    ]
    gigazine = next(s for s in record.sources if s.publisher == "gigazine")
    assert gigazine.snapshot_text.startswith("Metaの新設したスーパーインテリジェンスラボ")
    assert gigazine.snapshot_text.count("\n\n") == 3
    reply = next(s for s in record.statements if s.key == "meta-2025-spokesperson-reply")
    # A wrapped string keeps no line break or indentation from the file.
    assert reply.quote.startswith("We plan to continue releasing leading open source models. We")
    assert "\n" not in reply.quote and "  " not in reply.quote
    assert "\n" not in reply.translation and reply.translation.endswith("継続していく予定です")
    assert [(link.kind, link.to) for link in reply.links] == [
        ("denies", "meta-2025-nyt-closed-report")
    ]


def _wrong_file(tmp_path: Path, old: str, new: str) -> Path:
    text = SEED_FILE.read_text(encoding="utf-8")
    assert old in text, "the test's anchor is no longer in the seed file"
    path = tmp_path / "seed_record.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'to = "meta-2025-nyt-closed-report"',
            'to = "meta-2025-nyt-report"',
            'statements "meta-2025-spokesperson-reply": links: to: "meta-2025-nyt-report" is not '
            "a statement in the file",
        ),
        (
            'stance = "mixed"',
            'stance = "half-open"',
            "statements \"meta-2025-spokesperson-reply\": stance: 'half-open' is not one of open,",
        ),
        (
            "published = 2025-07-15",
            'published = "15 July 2025"',
            'sources "gigazine-closed-models": published: expected a date (YYYY-MM-DD, unquoted), '
            "found a string",
        ),
        (
            SPOKESPERSON,
            SPOKESPERSON + '\nsumary = "A typo."',
            "statements \"meta-2025-spokesperson-reply\": unknown field 'sumary'",
        ),
        (
            'slug = "xai"\nname = "xAI"\nwebsite = "https://x.ai/"\n',
            'slug = "xai"\nwebsite = "https://x.ai/"\n',
            'companies "xai": name: missing',
        ),
        (
            'slug = "openai"\nname = "OpenAI"\ndomain',
            'slug = "anthropic"\nname = "OpenAI"\ndomain',
            'publishers: "anthropic" appears twice',
        ),
        (
            'cites = ["nyt-msl-strategy"]',
            'cites = ["gigazine-closed-models"]',
            'sources "techcrunch-openness": cites: "gigazine-closed-models" is not a source above '
            "it",
        ),
        ("parameter_count = 2_000_000_000_000", "parameter_count = 2e12", "expected a whole"),
        ('kind = "tertiary"\n', 'kind = "tertiary\n', "not valid TOML"),
    ],
    ids=[
        "link-to-a-missing-statement",
        "stance-not-a-choice",
        "date-as-a-string",
        "unknown-field",
        "missing-field",
        "duplicate-slug",
        "cites-a-later-source",
        "float-for-an-integer",
        "broken-toml",
    ],
)
def test_a_wrong_record_is_refused_with_an_error_that_names_it(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    with pytest.raises(SeedError) as raised:
        seed_record_load(_wrong_file(tmp_path, old, new))
    assert str(raised.value).startswith("seed_record.toml: ")
    assert message in str(raised.value)


@pytest.mark.django_db
def test_a_wrong_seed_file_stops_the_seed_before_it_writes_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = _wrong_file(tmp_path, 'stance = "mixed"', 'stance = "half-open"')
    monkeypatch.setattr(seed_record, "SEED_FILE", wrong)
    with pytest.raises(CommandError, match="half-open"):
        call_command("seed", verbosity=0)
    assert not Company.objects.exists()
