"""The stance reader on tables of sentences whose expected stance was written down first.

stance_table.TABLE was written before the reader existed; stance_heldout.HELD_OUT after it was
built, and measured once before any change (22 of 24 exact then, both misses a double negation
over a single weak cue; the firm-denial rule in apps/ingest/stance.py was generalised after).
"""

from __future__ import annotations

import re

import pytest

from apps.ingest.stance import StanceReading, stance_read
from tests.ingest.stance_heldout import HELD_OUT
from tests.ingest.stance_precision import NO_CLAIM, STANCE, ModelRow, NoClaim
from tests.ingest.stance_table import TABLE, Row


def read(row: Row) -> StanceReading:
    spans = [(m.start(), m.end()) for m in re.finditer(re.escape(row.lab), row.sentence)]
    assert spans, f"{row.lab} is not named in {row.sentence!r}"
    models = [span for model in row.models for span in spans_of(model, row.sentence)]
    return stance_read(row.sentence, lab_name=row.lab, lab_spans=spans, model_spans=models)


@pytest.mark.parametrize("row", TABLE + HELD_OUT, ids=lambda row: row.sentence[:50])
def test_the_reader_gives_the_stance_a_careful_reader_gives(row: Row) -> None:
    reading = read(row)
    assert reading.stance == row.stance
    if row.kind:
        assert reading.kind == row.kind


def rules(sentence: str, lab: str) -> dict[str, tuple[str, str]]:
    spans = [(m.start(), m.end()) for m in re.finditer(re.escape(lab), sentence)]
    reading = stance_read(sentence, lab_name=lab, lab_spans=spans)
    return {reason.rule: (reason.cue, reason.target) for reason in reading.reasons}


def test_the_reasons_name_the_negation_and_what_it_scopes() -> None:
    assert rules("Meta will not release the weights of Behemoth.", "Meta")["negated"] == (
        "not",
        "release the weights",
    )
    assert rules("Mistralは最大モデルをオープンソース化しない。", "Mistral")["negated"] == (
        "ない",
        "オープンソース化",
    )


def test_the_reasons_name_a_double_negation_a_hedge_and_the_speaker() -> None:
    found = rules("Meta will not stop releasing open models, its chief scientist said.", "Meta")
    assert found["double_negation"][0] == "not … stop"
    assert "own_words" in found
    assert rules("Meta may keep some models closed.", "Meta")["hedged"] == ("may", "")
    assert "opinion" in rules("Critics say Meta's Llama is not truly open.", "Meta")
    assert "reported" in rules("The Times reported that Meta will stop releasing.", "Meta")


def test_a_hedge_softens_the_step_and_never_changes_the_side() -> None:
    firm = read(Row("", "Meta will keep its largest models closed.", "Meta", ""))
    hedged = read(Row("", "Meta may keep its largest models closed.", "Meta", ""))
    assert (firm.stance, hedged.stance) == ("closed", "leaning_closed")


def test_a_lab_named_in_a_clause_of_its_own_is_read_from_that_clause() -> None:
    sentence = "Meta will release Llama openly, while Anthropic keeps Claude closed."
    meta = stance_read(sentence, lab_name="Meta", lab_spans=[(0, 4)], other_spans=[(38, 47)])
    anthropic = stance_read(
        sentence, lab_name="Anthropic", lab_spans=[(38, 47)], other_spans=[(0, 4)]
    )
    assert (meta.stance, anthropic.stance) == ("open", "closed")


def test_a_sentence_with_no_cue_says_so_and_is_not_given_a_side() -> None:
    reading = read(Row("", "Meta held its developer conference in Menlo Park.", "Meta", ""))
    assert (reading.stance, reading.cued) == ("mixed", False)
    assert [reason.rule for reason in reading.reasons] == ["no_cue"]


def spans_of(name: str, sentence: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(name), sentence)] if name else []


@pytest.mark.parametrize("case", NO_CLAIM, ids=lambda case: case.sentence[:50])
def test_a_sentence_using_an_openness_word_in_another_sense_has_no_cue(case: NoClaim) -> None:
    reading = stance_read(
        case.sentence,
        lab_name=case.lab,
        lab_spans=spans_of(case.lab, case.sentence),
        model_spans=spans_of(case.model, case.sentence),
    )
    assert not reading.cued, reading.reasons


@pytest.mark.parametrize("case", STANCE, ids=lambda case: case.row.sentence[:50])
def test_denials_delays_and_closed_acts_are_read_as_a_careful_reader_does(
    case: ModelRow,
) -> None:
    row = case.row
    reading = stance_read(
        row.sentence,
        lab_name=row.lab,
        lab_spans=spans_of(row.lab, row.sentence),
        model_spans=spans_of(case.model, row.sentence),
    )
    assert (reading.stance, reading.cued) == (row.stance, True), reading.reasons
    if row.kind:
        assert reading.kind == row.kind


def test_a_denial_is_named_in_the_reasons() -> None:
    found = rules("Mistral denied a report that it would stop releasing open models.", "Mistral")
    assert found["double_negation"][0] == "denied … stop"
