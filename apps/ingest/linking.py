"""Finding companies and models in text by their names and aliases, in any language.

Japanese and Chinese write without spaces, so an alias in a CJK script is matched as a plain
substring. A Latin alias must stand on its own: not preceded or followed by a Latin letter or
digit ("Meta" in "Metaの" and "Meta's", not in "Metaverse"). Kana and kanji do not count as word
characters here, which is why the boundary is spelled out instead of using \\b.
Overlapping matches keep the longest ("Llama 4 Behemoth" over "Behemoth").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from apps.catalog.models import AIModel, Alias, Company
from apps.lib.language import CJK_CHARACTER

_LATIN_WORD = r"0-9A-Za-z\u00c0-\u024f"


@dataclass(frozen=True)
class Name:
    text: str
    company_id: int | None
    model_id: int | None
    alias_id: int | None
    case_sensitive: bool


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    name: Name
    matched: str


class Matcher:
    def __init__(self, names: list[Name]) -> None:
        self._patterns: list[tuple[re.Pattern[str], Name]] = []
        for name in names:
            text = name.text.strip()
            if not text:
                continue
            body = re.escape(text).replace(r"\ ", r"\s+")
            if not CJK_CHARACTER.search(text):
                body = rf"(?<![{_LATIN_WORD}]){body}(?![{_LATIN_WORD}])"
            flags = 0 if name.case_sensitive else re.IGNORECASE
            self._patterns.append((re.compile(body, flags), name))

    def find(self, text: str) -> list[Span]:
        found = [
            Span(match.start(), match.end(), name, match.group(0))
            for pattern, name in self._patterns
            for match in pattern.finditer(text)
        ]
        found.sort(key=lambda span: (span.start, -(span.end - span.start)))
        kept: list[Span] = []
        taken_until = -1
        for span in found:
            if span.start >= taken_until:
                kept.append(span)
                taken_until = span.end
        return kept


def matcher_build() -> Matcher:
    """A matcher over every company and model name and alias in the catalogue (three queries)."""
    names: list[Name] = [
        Name(row["name"], row["id"], None, None, False)
        for row in Company.objects.values("id", "name")
    ]
    names += [
        Name(row["name"], None, row["id"], None, False)
        for row in AIModel.objects.values("id", "name")
    ]
    names += [
        Name(row["name"], row["company_id"], row["model_id"], row["id"], row["case_sensitive"])
        for row in Alias.objects.values("id", "name", "company_id", "model_id", "case_sensitive")
    ]
    return Matcher(names)
