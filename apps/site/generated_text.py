"""Words for generated statements (services.timeline_generate), in English and Japanese.

Sentences are put together from short lists, so a generated record has words common and rare
in both languages, as a real one does: search over it has something to find and something to
skip (bench/bench_search.py). Each list's entries are about equally likely, so a word's share
of the statements is roughly one over its list's length; ``RARE_*`` words are far rarer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

SUBJECTS_JA = ["{name}は", "{name}の広報担当者は", "同社の幹部は", "関係者によると{name}は"]
OBJECTS_JA = [
    "次世代モデル",
    "大規模言語モデル",
    "モデルの重み",
    "学習データ",
    "推論コード",
    "技術報告書",
    "ライセンス条項",
    "評価結果",
    "画像生成モデル",
    "音声認識モデル",
]
VERBS_JA = [
    "を公開すると発表した",
    "を非公開にする方針だ",
    "の公開を見送った",
    "をオープンソースで提供する",
    "の提供をAPIに限る",
    "を研究者向けに共有する",
    "を商用利用可能にした",
    "の公開を延期した",
]
SUBJECTS_EN = [
    "{name}",
    "A {name} spokesperson",
    "An executive at {name}",
    "People close to {name}",
]
OBJECTS_EN = [
    "its next models",
    "its large language model",
    "the model weights",
    "the training data",
    "the inference code",
    "the technical report",
    "the licence terms",
    "the evaluation results",
    "its image model",
    "its speech model",
]
VERBS_EN = [
    "will release {object} openly",
    "will keep {object} closed",
    "holds back {object}",
    "open-sources {object}",
    "offers {object} only through an API",
    "shares {object} with researchers",
    "allows commercial use of {object}",
    "delays the release of {object}",
]
#: One statement in RARE_EVERY mentions these (the bench's rare words).
RARE_JA = "巨獣"
RARE_EN = "behemoth"
RARE_EVERY = 1000


@dataclass(frozen=True)
class GeneratedTexts:
    quote: str
    translation: str
    summary: str
    summary_ja: str


def texts_generate(rng: random.Random, *, n: int, name: str, language: str) -> GeneratedTexts:
    """A quote in ``language`` with a translation into the other, and summaries: English always,
    Japanese for every other statement (so both fallbacks have rows to show)."""
    subject, item, verb = rng.randrange(4), rng.randrange(10), rng.randrange(8)
    rare = n % RARE_EVERY == RARE_EVERY // 2
    japanese = (
        SUBJECTS_JA[subject].format(name=name)
        + OBJECTS_JA[item]
        + VERBS_JA[verb]
        + (f"。{RARE_JA}と呼ばれる計画も明らかにした" if rare else "")
        + f"。第{n}報"
    )
    english = (
        SUBJECTS_EN[subject].format(name=name)
        + " "
        + VERBS_EN[verb].format(object=OBJECTS_EN[item])
        + (f", and names a plan called {RARE_EN.capitalize()}" if rare else "")
        + f". ({n})"
    )
    summary = f"{name} statement number {n}: {OBJECTS_EN[item]}, {VERBS_EN[verb].split()[0]}."
    summary_ja = f"{name}の発言{n}、{OBJECTS_JA[item]}{VERBS_JA[verb]}。" if n % 2 else ""
    if language == "ja":
        return GeneratedTexts(japanese, english, summary, summary_ja)
    return GeneratedTexts(english, japanese, summary, summary_ja)
