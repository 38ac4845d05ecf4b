"""Finding labs, model families, models and people in text by their names and aliases.

Spelling: names and text are compared after NFKC normalisation (full-width Latin letters,
digits and punctuation in Japanese text read as their ordinary forms), and where a name joins a
word and a number ("Llama 4", "GPT-4o") any one separator or none matches ("Llama-4",
"Llama4", "GPT 4o"). Offsets and matched text are always those of the original text.

Boundaries: Japanese and Chinese write without spaces, so a name in a CJK script is matched as a
plain substring, except that a katakana name is not matched inside a longer katakana word ("メタ"
not in "メタデータ"), and before kanji it waits for its lab named elsewhere unless a word about a
company follows ("メタ社"; not "メタ認知"). A Latin name must stand on its own: not preceded or
followed by a Latin letter or digit ("Meta" in "Metaの" and "Meta's", not in "Metaverse"); a name
ending in a number does not match the start of a longer one ("Llama 4" not in "Llama 4.1").

Rules (apps/catalog/naming.py): a name matches anywhere, in exact case (an acronym of four
letters or more also capitalised: "Nvidia" for "NVIDIA"), only near its lab (the lab, or a model
or family of it, named in the same sentence, or a version number right after it: "Phi-3",
"Microsoft's Phi"; for a lab's own name or alias: the lab named elsewhere in the article), or as
a proper name (apps/ingest/proper_names.py: capitalised, and where the capital proves nothing,
with a cue or the lab named for sure elsewhere in the article). Two rules are derived here: a
model's name without its family or lab prefix ("Behemoth" for "Llama 4 Behemoth") links when the
family or the lab is named in the same or the previous sentence, and a person's surname links
once the full name has been written earlier in the text. A person's mention carries their
company, so that a statement by a lab's executive links to the lab where the lab itself is not
named.

Overlapping matches keep the longest ("Llama 4 Behemoth" over "Behemoth"); at the same span a
lab beats a family, and a family beats a model ("Gemma" is the family, not one member).

Speed: the text is split into Latin tokens once, and only the names whose first token is that
token are tried there (a dict look-up per token); names that begin in another script are
searched for only in text that has such characters.

The catalogue's names and their rules are read in apps/ingest/names.py (matcher_build).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from apps.catalog.naming import MatchRule, acronym_capitalised, common_words
from apps.lib.language import CJK_CHARACTER

from .proper_names import (
    KATAKANA_AFTER,
    KATAKANA_BEFORE,
    Reading,
    katakana_reading,
    proper_name_reading,
)
from .suggest import sentences_split

_LATIN_WORD = r"0-9A-Za-z\u00c0-\u024f"
_IS_LATIN_WORD = re.compile(rf"[{_LATIN_WORD}]")
SEPARATOR = r"[\s\-\u2010-\u2015._\u00b7\u30fb]"
PIECES = re.compile(
    rf"(?P<letters>[^\W\d_]+)|(?P<digits>\d+)|(?P<sep>{SEPARATOR}+)|(?P<other>.)", re.S
)
TEXT_TOKEN = re.compile(r"[A-Za-z\u00c0-\u024f]+|[0-9]+")
_VERSION_AFTER = re.compile(rf"[\s\-_]?v?\d+(?:\.\d+)*[A-Za-z]?(?![{_LATIN_WORD}])")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_IS_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc-\u30ff]")

ANYWHERE, EXACT_CASE, NEAR_LAB = MatchRule.ANYWHERE, MatchRule.EXACT_CASE, MatchRule.NEAR_LAB
PROPER_NAME = MatchRule.PROPER_NAME
#: The lab named for sure elsewhere in the article: a lab's short acronym alias ("MSL"), and a
#: match whose reading is unsure (apps/ingest/proper_names.py).
IN_ARTICLE = "in_article"
#: A model's name without its family or lab prefix: the family or lab in this or the last sentence.
AFTER_PREFIX = "after_prefix"
#: A person's surname: their full name earlier in the text.
AFTER_FULL_NAME = "after_full_name"
_UNCONDITIONAL = frozenset({ANYWHERE, EXACT_CASE})

#: What a mention names, as (kind, id): ("company", 3), ("family", 7), ("model", 9), ("person", 2).
Key = tuple[str, int]
_PRIORITY = {"company": 0, "family": 1, "model": 2, "person": 3}


@dataclass(frozen=True)
class Name:
    """One name of one thing and how it may match. ``provides`` is what a mention of it tells
    nearby names (its thing, its family and its lab, with the lab's parents); ``needs`` is what a
    conditional rule waits for (one of these named nearby)."""

    text: str
    company_id: int | None = None
    model_id: int | None = None
    alias_id: int | None = None
    rule: str = ANYWHERE
    family_id: int | None = None
    person_id: int | None = None
    provides: frozenset[Key] = frozenset()
    needs: frozenset[Key] = frozenset()

    @property
    def kind(self) -> str:
        if self.model_id is not None:
            return "model"
        if self.family_id is not None:
            return "family"
        if self.person_id is not None:
            return "person"
        return "company"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    name: Name
    matched: str


@dataclass(frozen=True)
class _Found:
    start: int  # in the original text
    end: int
    after: int  # the end in the normalised text, where a version number would follow
    name: Name
    provides: frozenset[Key]
    at: int  # the start in the normalised text
    rule: str  # the name's rule, or IN_ARTICLE where its reading is unsure


def normalise(text: str) -> tuple[str, list[int] | None]:
    """NFKC text and, when it differs, each of its characters' offset in the original (plus one
    past the end). Only non-ASCII runs that are not already normal are rewritten."""
    if text.isascii():
        return text, None
    runs = [
        m.span()
        for m in _NON_ASCII.finditer(text)
        if not unicodedata.is_normalized("NFKC", m.group())
    ]
    if not runs:
        return text, None
    pieces: list[str] = []
    origin: list[int] = []
    last = 0
    for start, end in runs:
        pieces.append(text[last:start])
        origin.extend(range(last, start))
        for index in range(start, end):
            normal = unicodedata.normalize("NFKC", text[index])
            pieces.append(normal)
            origin.extend([index] * len(normal))
        last = end
    pieces.append(text[last:])
    origin.extend(range(last, len(text)))
    origin.append(len(text))
    return "".join(pieces), origin


def pieces(text: str) -> list[tuple[str, str, int]]:
    """(kind, value, end) of each letters, digits, separator or other piece of normalised text."""
    return [(str(m.lastgroup), m.group(), m.end()) for m in PIECES.finditer(text)]


def is_cjk(value: str) -> bool:
    return bool(CJK_CHARACTER.search(value))


def _joint(before: tuple[str, str], after: tuple[str, str], separated: bool) -> str:
    """What may stand between two pieces of a name in text."""
    (kind_a, value_a), (kind_b, value_b) = before, after
    if "other" in (kind_a, kind_b):
        return f"{SEPARATOR}*" if separated else ""
    if kind_a == kind_b == "digits":  # "3.5" is not "35"
        return SEPARATOR
    if kind_a == kind_b:  # two words
        return f"{SEPARATOR}*" if is_cjk(value_a + value_b) else f"{SEPARATOR}+"
    return f"{SEPARATOR}{{0,2}}"  # a word and a number: "Llama 4", "Llama-4", "Llama4"


def name_pattern(text: str, *, exact_case: bool) -> tuple[re.Pattern[str], str | None] | None:
    """The pattern of a name, and the lowercase Latin token it starts with (None: search for it)."""
    parts = [(kind, value) for kind, value, _end in pieces(unicodedata.normalize("NFKC", text))]
    while parts and parts[0][0] == "sep":
        parts.pop(0)
    while parts and parts[-1][0] == "sep":
        parts.pop()
    if not parts:
        return None
    body: list[str] = []
    previous: tuple[str, str] | None = None
    separated = False
    for kind, value in parts:
        if kind == "sep":
            separated = True
            continue
        if previous is not None:
            body.append(_joint(previous, (kind, value), separated))
        body.append(re.escape(value))
        previous, separated = (kind, value), False
    first, last = parts[0][1][0], parts[-1][1][-1]
    pattern = "".join(body)
    if _IS_LATIN_WORD.match(first):
        pattern = rf"(?<![{_LATIN_WORD}]){pattern}"
    elif _IS_KATAKANA.match(first):  # not inside a longer katakana word ("メタデータ")
        pattern = KATAKANA_BEFORE + pattern
    if _IS_LATIN_WORD.match(last):
        pattern += rf"(?![{_LATIN_WORD}]|[.,]\d)" if last.isdigit() else rf"(?![{_LATIN_WORD}])"
    elif _IS_KATAKANA.match(last):
        pattern += KATAKANA_AFTER
    token = TEXT_TOKEN.match(parts[0][1])
    return (
        re.compile(pattern, 0 if exact_case else re.IGNORECASE),
        token.group().lower() if token else None,
    )


class Matcher:
    def __init__(self, names: Iterable[Name]) -> None:
        self._by_token: dict[str, list[tuple[re.Pattern[str], Name, frozenset[Key]]]] = {}
        self._searched: list[tuple[re.Pattern[str], Name, frozenset[Key]]] = []
        self._ordinary: set[Name] = set()
        for name in names:
            if name.rule == PROPER_NAME and name.text.strip().lower() in common_words():
                self._ordinary.add(name)
            spellings = [name.text]
            capitalised = acronym_capitalised(name.text) if name.rule == EXACT_CASE else None
            if capitalised:  # "NVIDIA" also as "Nvidia", never as "nvidia"
                spellings.append(capitalised)
            for spelling in spellings:
                built = name_pattern(spelling, exact_case=name.rule not in (ANYWHERE, PROPER_NAME))
                if built is None:
                    continue
                pattern, token = built
                entry = (pattern, name, name.provides or _own_keys(name))
                if token is None:
                    self._searched.append(entry)
                else:
                    self._by_token.setdefault(token, []).append(entry)

    def find(self, text: str) -> list[Span]:
        normal, origin = normalise(text)
        found: list[_Found] = []

        def add(match: re.Match[str], name: Name, provides: frozenset[Key]) -> None:
            start, end = match.span()
            if origin is not None:
                start, end = origin[start], origin[end - 1] + 1
            found.append(_Found(start, end, match.end(), name, provides, match.start(), name.rule))

        for token in TEXT_TOKEN.finditer(normal):
            for pattern, name, provides in self._by_token.get(token.group().lower(), ()):
                match = pattern.match(normal, token.start())
                if match is not None:
                    add(match, name, provides)
        if self._searched and not normal.isascii():
            for pattern, name, provides in self._searched:
                for match in pattern.finditer(normal):
                    add(match, name, provides)
        if not normal.isascii() or any(f.rule == PROPER_NAME for f in found):
            found = self._read_as_names(normal, found)
        accepted = [f for f in found if f.rule in _UNCONDITIONAL]
        waiting = [f for f in found if f.rule not in _UNCONDITIONAL]
        if waiting:
            accepted = _conditions_apply(text, normal, accepted, waiting)
        return [Span(f.start, f.end, f.name, text[f.start : f.end]) for f in _longest(accepted)]

    def _read_as_names(self, normal: str, found: list[_Found]) -> list[_Found]:
        """Each match as a careful reader takes it (apps/ingest/proper_names.py): dropped where
        it is an ordinary word, waiting for its lab named elsewhere where that is unsure."""
        in_lowercase = {
            f.name for f in found if f.rule == PROPER_NAME and normal[f.at : f.after].islower()
        }
        names_at = {f.at for f in found}
        title_lines: dict[int, bool] = {}
        read: list[_Found] = []
        for item in found:
            if item.rule == PROPER_NAME:
                reading = proper_name_reading(
                    normal,
                    item.at,
                    item.after,
                    name=unicodedata.normalize("NFKC", item.name.text).strip(),
                    ordinary=item.name in self._ordinary or item.name in in_lowercase,
                    model_like=item.name.kind in ("model", "family"),
                    names_at=names_at,
                    title_lines=title_lines,
                )
            elif item.rule in _UNCONDITIONAL and item.name.kind != "person":
                reading = katakana_reading(normal, item.at, item.after)
            else:  # a conditional rule already asks for the lab nearby; a person's full name
                reading = Reading.SURE  # before kanji is before a title ("氏", "会長")
            if reading is Reading.NOT_A_NAME:
                continue
            if reading is Reading.UNSURE:
                read.append(replace(item, rule=IN_ARTICLE))
            elif item.rule == PROPER_NAME:
                read.append(replace(item, rule=ANYWHERE))
            else:
                read.append(item)
        return read


def _own_keys(name: Name) -> frozenset[Key]:
    keys = {("company", name.company_id)} if name.company_id is not None else set()
    for kind, value in (("model", name.model_id), ("family", name.family_id)):
        if value is not None:
            keys.add((kind, value))
    if name.person_id is not None:
        keys.add(("person", name.person_id))
    return frozenset(keys)


def _longest(found: list[_Found]) -> list[_Found]:
    """Leftmost, then longest, then lab before family before model, without overlaps."""
    ordered = sorted(found, key=lambda f: (f.start, f.start - f.end, _PRIORITY[f.name.kind]))
    kept: list[_Found] = []
    taken_until = -1
    for item in ordered:
        if item.start >= taken_until:
            kept.append(item)
            taken_until = item.end
    return kept


def _conditions_apply(
    text: str, normal: str, accepted: list[_Found], waiting: list[_Found]
) -> list[_Found]:
    """Accept the conditional matches whose condition the accepted ones meet; a match accepted
    this way may in turn meet another's ("Phi-3 ... Phi"), so repeat while anything changes.
    Where none is met, two waiting names of one lab in one sentence meet each other's ("TII
    said Falcon would stay open")."""
    starts = [sentence.start for sentence in sentences_split(text)]

    def sentence_of(position: int) -> int:
        return bisect.bisect_right(starts, position)

    for _round in range(4):
        anchors = _longest(accepted)
        newly = [f for f in waiting if _condition_met(f, anchors, normal, sentence_of)]
        if not newly:
            newly = _each_others(waiting, sentence_of)
        if not newly:
            break
        accepted = accepted + newly
        waiting = [f for f in waiting if f not in newly]
    return accepted


def _each_others(waiting: list[_Found], sentence_of: Callable[[int], int]) -> list[_Found]:
    """The waiting matches that another one, of a different name of the same lab in the same
    sentence, supports as they support it."""
    return [
        f
        for f in waiting
        if any(
            other.start != f.start
            and other.name.text != f.name.text
            and other.provides & f.name.needs
            and f.provides & other.name.needs
            and sentence_of(other.start) == sentence_of(f.start)
            for other in waiting
        )
    ]


def _condition_met(
    found: _Found, anchors: list[_Found], normal: str, sentence_of: Callable[[int], int]
) -> bool:
    rule, needs = found.rule, found.name.needs
    if rule == NEAR_LAB and _VERSION_AFTER.match(normal, found.after):
        return True
    here = sentence_of(found.start)
    for anchor in anchors:
        if anchor.start == found.start or not anchor.provides & needs:
            continue
        if rule == IN_ARTICLE:
            return True
        if rule == AFTER_FULL_NAME:
            if anchor.start < found.start:
                return True
        elif rule == AFTER_PREFIX:
            if here - 1 <= sentence_of(anchor.start) <= here:
                return True
        elif sentence_of(anchor.start) == here:
            return True
    return False


def loose(text: str) -> str:
    """A name's letters and digits, lowercase, for comparing spellings."""
    return " ".join(
        value.lower()
        for kind, value, _end in pieces(unicodedata.normalize("NFKC", text))
        if kind in ("letters", "digits")
    )
