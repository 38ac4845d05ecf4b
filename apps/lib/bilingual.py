"""Texts editors write in both languages: ``summary`` (English) beside ``summary_ja``.

A page shows the reader's language, or the other one when that is all there is, and says so
(templates/site/_fallback.html: "(shown in English)", in Japanese 英語で表示). English stays the
record's first language, the one a summary must have; the Japanese version is optional.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation

JAPANESE_SUFFIX = "_ja"


@dataclass(frozen=True)
class Shown:
    """A text as a reader sees it: in which language, and whether that is not theirs."""

    text: str
    language: str
    fallback: bool

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


def text_for_reader(obj: object, field: str, language: str | None = None) -> Shown:
    """``obj.<field>`` (English) or ``obj.<field>_ja``, whichever suits ``language`` (the
    active language by default) and is not empty."""
    language = (language or translation.get_language() or "en").split("-")[0]
    english = getattr(obj, field, "") or ""
    japanese = getattr(obj, field + JAPANESE_SUFFIX, "") or ""
    if language == "ja":
        return Shown(japanese, "ja", False) if japanese else Shown(english, "en", bool(english))
    return Shown(english, "en", False) if english else Shown(japanese, "ja", bool(japanese))
