"""Candidate statements from an article's text: sentences and quotes.

Everything here is a pure function of text, so the rules can be read and tested on their own.
Whether a sentence speaks of openness at all, the stance, the kind and the speaker are read by
apps.ingest.stance; once editors have decided
enough suggestions, the classifiers (apps.ingest.classifier) take over the score, and the
stance where the reader found no cue (see services/suggestions.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .stance import stance_read

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


def stance_guess(sentence: str) -> tuple[str, float]:
    """A stance and a confidence in 0..1 from the stance reader (apps.ingest.stance), for a
    sentence read on its own; the pipeline calls stance_read with where each lab is named."""
    reading = stance_read(sentence)
    return reading.stance, reading.confidence


def quote_find(sentence: str) -> str:
    match = QUOTE.search(sentence)
    if match is None:
        return ""
    return next(group for group in match.groups() if group)
