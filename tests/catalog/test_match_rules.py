"""The rule a name is matched by in articles, when an editor has not chosen one."""

from __future__ import annotations

import pytest

from apps.catalog.models import Alias
from apps.catalog.naming import MatchRule, common_words, rule_by_name, rule_effective
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
    "name", ["Qwen", "Gemini", "Mistral", "Anthropic", "Llama 4", "GPT-4o", "Phi-3", "メタ"]
)
def test_a_distinctive_name_or_one_with_a_number_matches_anywhere(name: str) -> None:
    assert rule_by_name(name) == MatchRule.ANYWHERE


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
    assert rule_effective(rule=lab.match_rule, name=lab.name) == MatchRule.NEAR_LAB
    assert rule_effective(rule=alias.match_rule, name=alias.name) == MatchRule.ANYWHERE
