"""How a name of a lab, a model or a family may be matched in text: the rule an editor sets, and
the default ("decided by the name") that keeps a name which is also an ordinary word from
matching ordinary prose.

The default is a function of the name's shape, of what it names (a lab, or a model or family)
and of a small committed list of common English words (data/common_words.txt), so that a lab or
model imported from a dataset with a common-word name ("Falcon", "Phi", "Command", "Apple") is
careful from its first article on:

- a name in Chinese, Japanese or Korean script, or of several words, or with digits: anywhere;
  but a code of three characters or fewer ("R1", "o3", "K2"), which many other things are also
  called, only near its lab;
- an acronym in capitals ("IBM", "LG", "BLOOM"): exact case, and capitalised as well when it has
  four letters or more and is not a word then ("NVIDIA" as "Nvidia"; not "BLOOM" as "Bloom");
  a lab's acronym alias of three letters or fewer ("MSL" for Meta Superintelligence Labs) only
  where the article names the lab otherwise, as a writer spells an acronym out first;
- one or two letters ("Yi", "Pi"): only near its lab;
- a lab's capitalised single word ("Apple", "Together", "Meta", "Anthropic"): as a proper name
  (apps/ingest/proper_names.py), because "near its lab" means nothing for the lab itself;
- a model's or family's ordinary word ("falcon", "phi", "command"): only near its lab (the lab
  named in the same sentence) or before a version number ("Phi-3", "Falcon 2B"), in exact case;
- any other capitalised single word ("Qwen", "Gemma", "Maverick"): as a proper name;
- any other name ("DeepSeek", "OpenAI", "xAI", "vivo"): anywhere; capitals inside a word are a
  name's own spelling that no ordinary word has.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.lib.language import CJK_CHARACTER

_WORDS_FILE = Path(__file__).resolve().parent / "data" / "common_words.txt"
_LETTERS = re.compile(r"[^\W\d_]+")


class MatchRule(models.TextChoices):
    DEFAULT = "default", _("decided by the name (common words only near their lab)")
    ANYWHERE = "anywhere", _("anywhere, in any case")
    EXACT_CASE = "exact_case", _("anywhere, in exactly this case")
    NEAR_LAB = "near_lab", _("only near its lab's name or before a version number")
    PROPER_NAME = (
        "proper_name",
        _("as a proper name: capitalised; where that proves nothing, with a cue or its lab named"),
    )


MATCH_RULE_HELP = _(
    "How ingestion finds this name in articles. Near its lab: only in a sentence that also "
    "names the lab (or one of its models), or right before a version number such as 3, 3.5, "
    "2B or v2; in exactly this case either way; for a lab's own name or alias: only where the "
    "article names the lab otherwise. As a proper name: as written or in capitals, never in "
    "lowercase; where a capital proves nothing (the first word of a sentence or a headline, a "
    "word the article also uses in lowercase, a model's name before another capitalised word) "
    "only with a cue such as “Apple's”, “Apple said” or “Inc.”, or where "
    "the article names the lab otherwise."
)


@functools.cache
def common_words() -> frozenset[str]:
    """The committed list of common English words, lowercase."""
    words: set[str] = set()
    for line in _WORDS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(word.lower() for word in line.split())
    return frozenset(words)


def is_capitalised_word(text: str) -> bool:
    """One word of letters written as a name: a capital, then lowercase ("Apple", "Qwen")."""
    return (
        len(text) >= 2
        and bool(_LETTERS.fullmatch(text))
        and text[0].isupper()
        and (text[1:].islower())
    )


def acronym_capitalised(name: str) -> str | None:
    """The capitalised form an acronym of four letters or more is also written in ("NVIDIA" as
    "Nvidia"), unless that form is an ordinary word ("BLOOM", "FAIR"). Shorter acronyms are
    spelt letter by letter and never written so ("IBM", "LG")."""
    text = name.strip()
    if len(text) < 4 or not _LETTERS.fullmatch(text) or not text.isupper():
        return None
    if text.lower() in common_words():
        return None
    return text.capitalize()


def rule_by_name(name: str, *, lab: bool = False, alias: bool = False) -> MatchRule:
    """The rule a name gets when an editor has not chosen one (see the module's docstring):
    ``lab`` for a lab's name or alias, ``alias`` for an alias."""
    text = name.strip()
    if not text or CJK_CHARACTER.search(text):
        return MatchRule.ANYWHERE
    if not _LETTERS.fullmatch(text):  # several words, digits or punctuation: distinctive enough
        if len(text) <= 3 and re.fullmatch(r"[^\W_]+", text) and not text.isdigit():
            return MatchRule.NEAR_LAB  # a code ("R1", "o3") that many other things are called
        return MatchRule.ANYWHERE
    if len(text) >= 2 and text.isupper():
        return MatchRule.NEAR_LAB if lab and alias and len(text) <= 3 else MatchRule.EXACT_CASE
    if len(text) <= 2:
        return MatchRule.NEAR_LAB
    if lab and is_capitalised_word(text):
        return MatchRule.PROPER_NAME
    if text.lower() in common_words():
        return MatchRule.NEAR_LAB
    if is_capitalised_word(text):
        return MatchRule.PROPER_NAME
    return MatchRule.ANYWHERE


def rule_effective(*, rule: str, name: str, lab: bool = False, alias: bool = False) -> MatchRule:
    """The rule that applies: the editor's, or the one decided by the name."""
    if rule == MatchRule.DEFAULT:
        return rule_by_name(name, lab=lab, alias=alias)
    return MatchRule(rule)
