"""Which language a text is in. English and Japanese are what Aperture reads today."""

from __future__ import annotations

import functools
import re

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

SUPPORTED = {Language.ENGLISH: "en", Language.JAPANESE: "ja"}
KANA = re.compile(r"[\u3040-\u30ff]")
#: A character of Chinese, Japanese or Korean: kana (half-width too), CJK ideographs, Hangul.
CJK_CHARACTER = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff66-\uff9f]")


@functools.cache
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*SUPPORTED).build()


def language_detect(text: str) -> str:
    """'en', 'ja', or '' when the text is too short or in neither language.

    Kana settle it at once: only Japanese uses them, and the check is far cheaper than a model.
    """
    sample = text[:4000].strip()
    if not sample:
        return ""
    if KANA.search(sample):
        return "ja"
    detected = _detector().detect_language_of(sample)
    return SUPPORTED.get(detected, "") if detected is not None else ""
