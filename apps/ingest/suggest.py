"""Candidate statements from an article's text: sentences, keyword rules, quotes and speakers.

Everything here is a pure function of text, so the rules can be read and tested on their own.
The rules are the starting point; once editors have decided enough suggestions, the classifier
(apps.ingest.classifier) takes over the score and the stance guess (see services).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Words that make a sentence about openness at all (English, Japanese).
TOPIC = re.compile(
    r"open[\s-]?source|open[\s-]?weights?|closed|proprietary|releas|licen[cs]e|weights|"
    r"オープンソース|オープン|クローズド|非公開|公開|リリース|ライセンス|閉鎖的|重み",
    re.IGNORECASE,
)

#: (pattern, weight): positive leans open, negative leans closed.
STANCE_RULES: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"continue to release|keep releasing|will release|released?\b.*open", re.I), 2),
    (re.compile(r"open[\s-]?source|open[\s-]?weights?", re.I), 1),
    (re.compile(r"apache|mit licen[cs]e", re.I), 1),
    (re.compile(r"closed|proprietary|api[\s-]only", re.I), -1),
    (re.compile(r"abandon|shelv|move away from|no longer|stop(ped)? (releasing|work)", re.I), -1),
    (re.compile(r"not (be )?release|won't release|withh[eo]ld|keep .* private", re.I), -2),
    (re.compile(r"オープンソース|オープンモデル|オープンウェイト"), 1),
    (re.compile(r"公開する|公開を継続|リリースを継続|継続していく"), 2),
    (re.compile(r"クローズド|非公開|閉鎖的"), -1),
    (re.compile(r"中止|転換|移行|見送"), -1),
]
MIXED = re.compile(r"mix of open and closed|both open and closed|組み合わせ", re.I)

SPOKESPERSON = re.compile(r"spokes(person|man|woman)|representative|広報担当者|広報", re.I)
UNNAMED = re.compile(
    r"people familiar|according to (people|sources|a person)|sources (said|say)|"
    r"anonymous|関係者|情報筋|匿名",
    re.I,
)
REPORTED = re.compile(r"reported|according to|報じ|報道|によると", re.I)
QUOTE = re.compile(r"“([^”]{8,})”|\"([^\"]{8,})\"|「([^」]{8,})」")


#: Japanese sentence ends: full stop, full-width exclamation and question marks.
_FULL_STOPS = "\u3002\uff01\uff1f"


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def sentences_split(text: str) -> list[Sentence]:
    """Split into sentences, never inside quotation marks (a quote may hold several 。)."""
    found: list[Sentence] = []
    depth = 0
    start = 0
    opening, closing = "「『“", "」』”"
    length = len(text)
    for index, char in enumerate(text):
        if char in opening:
            depth += 1
        elif char in closing:
            depth = max(0, depth - 1)
        end = None
        if char == "\n":
            end = index
        elif (depth == 0 and char in _FULL_STOPS) or (
            depth == 0
            and char in ".!?"
            and index + 1 < length
            and text[index + 1] in " \n"
            and not _abbreviation(text, index)
        ):
            end = index + 1
        if end is not None:
            _add(found, text, start, end)
            start = end
    _add(found, text, start, length)
    return found


def _abbreviation(text: str, index: int) -> bool:
    word = text[max(0, index - 4) : index + 1].split()[-1:]
    return bool(word) and word[0] in {"Mr.", "Ms.", "Dr.", "St.", "Inc.", "U.S.", "A.I.", "vs."}


def _add(found: list[Sentence], text: str, start: int, end: int) -> None:
    raw = text[start:end]
    stripped = raw.strip()
    if len(stripped) >= 12:
        offset = start + (len(raw) - len(raw.lstrip()))
        found.append(Sentence(offset, offset + len(stripped), stripped))


def is_on_topic(sentence: str) -> bool:
    return bool(TOPIC.search(sentence))


def stance_guess(sentence: str) -> tuple[str, float]:
    """A stance from keyword rules and a confidence in 0..1."""
    if MIXED.search(sentence):
        return "mixed", 0.6
    total = 0
    hits = 0
    for pattern, weight in STANCE_RULES:
        if pattern.search(sentence):
            total += weight
            hits += 1
    if total >= 2:
        stance = "open"
    elif total == 1:
        stance = "leaning_open"
    elif total == -1:
        stance = "leaning_closed"
    elif total <= -2:
        stance = "closed"
    else:
        stance = "mixed"
    return stance, min(0.9, 0.3 + 0.15 * hits)


def quote_find(sentence: str) -> str:
    match = QUOTE.search(sentence)
    if match is None:
        return ""
    return next(group for group in match.groups() if group)


def kind_and_label(sentence: str, *, company_name: str, person_named: bool) -> tuple[str, str]:
    """A statement kind and a speaker label guessed from the sentence's wording."""
    if person_named:
        return "executive", ""
    if SPOKESPERSON.search(sentence):
        return "official", f"{company_name} spokesperson"
    if UNNAMED.search(sentence):
        return "unnamed_report", "people familiar with the matter"
    if REPORTED.search(sentence):
        return "unnamed_report", "news report"
    return "analysis", ""
