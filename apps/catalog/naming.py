"""How a name of a lab, a model or a family may be matched in text: the rule an editor sets, and
the default ("decided by the name") that keeps a name which is also an ordinary word from
matching ordinary prose.

The default is a function of the name's shape and of a small committed list of common English
words (data/common_words.txt), so that a lab or model imported from a dataset with a common-word
name ("Falcon", "Phi", "Command") is careful from its first article on:

- a name in Chinese, Japanese or Korean script, or of several words, or with digits: anywhere;
- an acronym in capitals ("IBM", "LG", "BLOOM"): exact case;
- one ordinary word ("falcon", "phi", "command"), or one or two letters ("Yi", "Pi"): only near
  its lab (the lab named in the same sentence) or before a version number ("Phi-3", "Falcon 2B");
  exact case either way, because the word written as a name is capitalised;
- any other single word ("Qwen", "Gemini", "Mistral"): anywhere.
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


MATCH_RULE_HELP = _(
    "How ingestion finds this name in articles. Near its lab: only in a sentence that also "
    "names the lab (or one of its models), or right before a version number such as 3, 3.5, "
    "2B or v2; in exactly this case either way."
)


@functools.cache
def common_words() -> frozenset[str]:
    """The committed list of common English words, lowercase."""
    words: set[str] = set()
    for line in _WORDS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(word.lower() for word in line.split())
    return frozenset(words)


def rule_by_name(name: str) -> MatchRule:
    """The rule a name gets when an editor has not chosen one (see the module's docstring)."""
    text = name.strip()
    if not text or CJK_CHARACTER.search(text):
        return MatchRule.ANYWHERE
    if not _LETTERS.fullmatch(text):  # several words, digits or punctuation: distinctive enough
        return MatchRule.ANYWHERE
    if len(text) >= 2 and text.isupper():
        return MatchRule.EXACT_CASE
    if len(text) <= 2 or text.lower() in common_words():
        return MatchRule.NEAR_LAB
    return MatchRule.ANYWHERE


def rule_effective(*, rule: str, name: str) -> MatchRule:
    """The rule that applies: the editor's, or the one decided by the name."""
    return rule_by_name(name) if rule == MatchRule.DEFAULT else MatchRule(rule)
