"""Whether a name found in text is written as a name, as a careful reader tells: for the rule
"as a proper name" (apps/catalog/naming.py) and for names in katakana.

A proper name is capitalised. Lowercase ("meta description", "together with", "cohere") is an
ordinary word. A capital proves nothing where every word has one: the first word of a sentence,
of a line, of a quotation or after a colon or dash, a headline in title case, text in capitals.
There, and where the word is one the text also uses in lowercase or one of the common words,
the match is unsure; and so is such a word right after another capitalised word ("the Big
Apple"), and a model's name right before another capitalised word that no name continues
("Gemma Hughes" is a person). An unsure match links when a cue right after it
says that a company is meant (a possessive, "Inc.", a verb of speaking or dealing: "Apple's",
"Apple said") or, in apps/ingest/linking.py, where the article names the same lab for sure
elsewhere. A Latin name in a line of Japanese or Chinese is a name wherever it stands.

A name in katakana never matches inside a longer katakana word ("メタ" in "メタデータ"; the
pattern says so); before kanji it may be a compound ("メタ認知", "メタ情報") or the name before
a word about it ("メタ社", "メタ幹部"), so there it is unsure unless a word that follows company
names comes next. A person's full name is read as sure (linking.py): kanji after it is a title
("ザッカーバーグ氏", "会長").
"""

from __future__ import annotations

import enum
import re

from apps.lib.language import CJK_CHARACTER


class Reading(enum.Enum):
    SURE = "sure"
    UNSURE = "unsure"  # links where the article names the same lab for sure elsewhere
    NOT_A_NAME = "not a name"


_KATAKANA = "\u30a1-\u30fa\u30fc-\u30ff"  # without "・", which separates names
KATAKANA_BEFORE = rf"(?<![{_KATAKANA}])"
KATAKANA_AFTER = rf"(?![{_KATAKANA}])"
_KATAKANA_END = re.compile(rf"[{_KATAKANA}]")
_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
#: Words that follow a company's name in Japanese news: its company, make, side, shares, staff.
_COMPANY_WORDS_JA = re.compile(
    r"社|製|側|株|傘下|幹部|首脳|広報|本社|日本法人|会長|社長|最高|創業|共同創業|研究所|研究者|従業員"
)
#: Right after a name: what only a company (or a person) takes.
_CUE_AFTER = re.compile(
    r"['\u2019]s(?![A-Za-z])"
    r"|,?\s+(?:Inc|Corp|Corporation|Ltd|LLC|PLC|GmbH|Co)\b"
    r"|\s+(?:said|says|announced|announces|unveiled|unveils|launched|launches|released|releases"
    r"|confirmed|confirms|denied|denies|declined|told|tells|reported|reports|introduced"
    r"|introduces|acquired|acquires|hired|hires|sold|sells|shares|stock|spokesperson"
    r"|spokesman|spokeswoman|CEO|executives?|employees|engineers|researchers)\b",
    re.IGNORECASE,
)
_CAPITALISED_NEXT = re.compile(r" [A-Z][a-z]+(?![A-Za-z])")
_CAPITALISED_BEFORE = re.compile(r"(?<![A-Za-z])[A-Z][a-z]+ $")
#: What may stand between a starting point and the first word: space, quotes, brackets, bullets.
_OPENING = " \t\u00a0\"'\u201c\u2018\u00ab([{*\u2022"
_STARTS = ".!?:|\n\u2014\u2013\u2022\u00b7"
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]{4,}")


def proper_name_reading(
    normal: str,
    start: int,
    end: int,
    *,
    name: str,
    ordinary: bool,
    model_like: bool,
    names_at: frozenset[int] | set[int],
    title_lines: dict[int, bool],
) -> Reading:
    """How a match at [start, end) of normalised text reads for a name matched as a proper
    name. ``ordinary``: the name is a common word or the text also uses it in lowercase;
    ``model_like``: a model's or family's name (before another capitalised word it may be part
    of a person's name); ``names_at``: where other matches start; ``title_lines`` caches which
    lines are headlines in title case."""
    matched = normal[start:end]
    if matched != name and not (matched.isupper() and matched == name.upper()):
        return Reading.NOT_A_NAME
    line_start = normal.rfind("\n", 0, start) + 1
    line_end = normal.find("\n", end)
    line = normal[line_start : len(normal) if line_end < 0 else line_end]
    if CJK_CHARACTER.search(line):
        return Reading.SURE
    unsure = False
    if ordinary:
        unsure = (
            (matched.isupper() and len(matched) > 1)
            or _at_a_start(normal, start)
            or _is_title_case(line, line_start, title_lines)
        )
    if not unsure and ordinary:  # after another capitalised word: "the Big Apple"
        before = _CAPITALISED_BEFORE.search(normal, max(0, start - 40), start)
        unsure = before is not None and before.start() not in names_at
    if not unsure and (ordinary or model_like):  # before one: "Gemma Hughes"
        following = _CAPITALISED_NEXT.match(normal, end)
        unsure = following is not None and end + 1 not in names_at
    if not unsure or _CUE_AFTER.match(normal, end):
        return Reading.SURE
    return Reading.UNSURE


def katakana_reading(normal: str, start: int, end: int) -> Reading:
    """A katakana name's match followed by kanji is unsure unless a word about a company
    follows (see the module's docstring); any other match is sure."""
    if (
        end >= len(normal)
        or not _KATAKANA_END.match(normal, end - 1)
        or not _KANJI.match(normal, end)
    ):
        return Reading.SURE
    return Reading.SURE if _COMPANY_WORDS_JA.match(normal, end) else Reading.UNSURE


def _at_a_start(normal: str, start: int) -> bool:
    """Whether a word is the first of a sentence, a line, a quotation or a clause after a
    colon or a dash, where every word is capitalised."""
    index = start - 1
    spaced = False
    while index >= 0 and normal[index] in _OPENING:
        spaced = spaced or normal[index].isspace()
        index -= 1
    if index < 0:
        return True
    return normal[index] in _STARTS or (normal[index] == "-" and spaced)


def _is_title_case(line: str, line_start: int, cache: dict[int, bool]) -> bool:
    """A headline in title case: three or more words of four letters or more, all capitalised
    ("Apple Pie Recipes For The Busy Holidays")."""
    if line_start not in cache:
        words = _WORD.findall(line)
        cache[line_start] = len(words) >= 3 and all(word[0].isupper() for word in words)
    return cache[line_start]
