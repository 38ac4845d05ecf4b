"""The rule a name is matched by in articles, when an editor has not chosen one."""

from __future__ import annotations

import pytest

from apps.catalog.models import Alias
from apps.catalog.naming import (
    MatchRule,
    acronym_capitalised,
    common_words,
    rule_by_name,
    rule_effective,
)
from apps.catalog.services import company_create


@pytest.mark.parametrize("name", ["Falcon", "Phi", "phi", "Command", "Orca", "Dolly", "Bloom"])
def test_a_name_that_is_one_ordinary_word_matches_only_near_its_lab(name: str) -> None:
    assert name.lower() in common_words()
    assert rule_by_name(name) == MatchRule.NEAR_LAB


@pytest.mark.parametrize("name", ["Yi", "Pi"])
def test_a_name_of_one_or_two_letters_matches_only_near_its_lab(name: str) -> None:
    assert rule_by_name(name) == MatchRule.NEAR_LAB


@pytest.mark.parametrize("name", ["IBM", "LG", "BLOOM", "MSL"])
def test_an_acronym_in_capitals_matches_in_exact_case(name: str) -> None:
    assert rule_by_name(name) == MatchRule.EXACT_CASE


@pytest.mark.parametrize(
    "name", ["DeepSeek", "OpenAI", "xAI", "Llama 4", "GPT-4o", "Phi-3", "gpt-oss", "メタ"]
)
def test_a_distinctive_name_or_one_with_a_number_matches_anywhere(name: str) -> None:
    assert rule_by_name(name) == MatchRule.ANYWHERE
    assert rule_by_name(name, lab=True) == MatchRule.ANYWHERE


@pytest.mark.parametrize("name", ["Qwen", "Gemini", "Gemma", "Maverick", "Grok"])
def test_a_models_capitalised_single_word_name_matches_as_a_proper_name(name: str) -> None:
    assert rule_by_name(name) == MatchRule.PROPER_NAME


@pytest.mark.parametrize("name", ["Apple", "Together", "Meta", "Cohere", "Anthropic", "Sber"])
def test_a_labs_capitalised_single_word_name_matches_as_a_proper_name_even_an_ordinary_word(
    name: str,
) -> None:
    """Near its lab means nothing for the lab itself: a careful reader goes by the capital."""
    assert rule_by_name(name, lab=True) == MatchRule.PROPER_NAME


@pytest.mark.parametrize("name", ["R1", "o3", "K2"])
def test_a_code_of_three_characters_matches_only_near_its_lab(name: str) -> None:
    assert rule_by_name(name) == MatchRule.NEAR_LAB


def test_a_labs_short_acronym_alias_needs_its_lab_but_its_own_acronym_name_does_not() -> None:
    assert rule_by_name("MSL", lab=True, alias=True) == MatchRule.NEAR_LAB
    assert rule_by_name("IBM", lab=True) == MatchRule.EXACT_CASE
    assert rule_by_name("BAAI", lab=True, alias=True) == MatchRule.EXACT_CASE


@pytest.mark.parametrize(
    ("name", "form"),
    [("NVIDIA", "Nvidia"), ("NCSOFT", "Ncsoft"), ("IBM", None), ("BLOOM", None), ("Qwen", None)],
)
def test_an_acronym_of_four_letters_or_more_also_matches_capitalised_unless_that_is_a_word(
    name: str, form: str | None
) -> None:
    assert acronym_capitalised(name) == form


def test_an_editors_rule_wins_over_the_rule_decided_by_the_name() -> None:
    assert rule_effective(rule=MatchRule.DEFAULT, name="Falcon") == MatchRule.NEAR_LAB
    assert rule_effective(rule=MatchRule.ANYWHERE, name="Falcon") == MatchRule.ANYWHERE
    assert rule_effective(rule=MatchRule.EXACT_CASE, name="Qwen") == MatchRule.EXACT_CASE


@pytest.mark.django_db
def test_a_lab_made_by_an_import_and_a_new_alias_start_with_the_rule_decided_by_their_name() -> (
    None
):
    lab = company_create(name="Together")
    alias = Alias.objects.create(company=lab, name="Together AI")
    assert lab.match_rule == alias.match_rule == MatchRule.DEFAULT
    assert rule_effective(rule=lab.match_rule, name=lab.name, lab=True) == MatchRule.PROPER_NAME
    assert rule_effective(rule=alias.match_rule, name=alias.name) == MatchRule.ANYWHERE
