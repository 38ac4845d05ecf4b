"""Sentences and the stance a careful reader gives them, one construct per row (EN and JA).

Written before the stance reader was run on them (issue 13). Each row: the sentence, the lab
it is read for (its name appears in the sentence), the expected stance and, where the
construct is about the speaker, the expected statement kind. ``side`` groups the five steps
into open, mixed and closed, for the same-side agreement figure.
"""

from __future__ import annotations

from typing import NamedTuple


class Row(NamedTuple):
    construct: str
    sentence: str
    lab: str
    stance: str
    kind: str = ""
    #: Models the linker finds in the sentence: their spans are passed as model mentions.
    models: tuple[str, ...] = ()


def side(stance: str) -> str:
    return {"leaning_open": "open", "leaning_closed": "closed"}.get(stance, stance)


TABLE: list[Row] = [
    # Negation and its scope.
    Row("negation", "Meta will not release the weights of Llama 4 Behemoth.", "Meta", "closed"),
    Row("negation", "Meta has no plans to open-source its next frontier model.", "Meta", "closed"),
    Row("negation", "Anthropic has not released model weights for Claude.", "Anthropic", "closed"),
    Row(
        "negation", "Mistral declined to release the weights of Mistral Large.", "Mistral", "closed"
    ),
    Row(
        "negation",
        "xAI has yet to open-source Grok 2 despite its promise.",
        "xAI",
        "leaning_closed",
    ),
    Row("negation", "Metaは次世代モデルの重みを公開しない方針だ。", "Meta", "closed"),
    Row("negation", "Mistralは最大モデルをオープンソース化しない。", "Mistral", "closed"),
    Row(
        "negation",
        "AnthropicはClaudeの重みを公開しておらず、API経由でのみ提供している。",
        "Anthropic",
        "closed",
    ),
    # Double negation.
    Row(
        "double negation",
        "Meta will not stop releasing open-source models, its chief AI scientist said.",
        "Meta",
        "open",
    ),
    Row(
        "double negation",
        "OpenAI said it would no longer keep its reasoning models closed.",
        "OpenAI",
        "open",
    ),
    Row(
        "double negation", "Metaはオープンソースモデルの公開をやめないと強調した。", "Meta", "open"
    ),
    # Conditions and hedges soften the step, never flip the side.
    Row("hedge", "Meta may keep some of its most capable models closed.", "Meta", "leaning_closed"),
    Row(
        "hedge",
        "Mistral could release the weights of its largest model later this year.",
        "Mistral",
        "leaning_open",
    ),
    Row(
        "hedge",
        "Google is considering open-sourcing parts of Gemma's training code.",
        "Google",
        "leaning_open",
    ),
    Row(
        "condition",
        "xAI will open-source Grok 3 if safety reviews allow it.",
        "xAI",
        "leaning_open",
    ),
    Row("hedge", "Metaは一部のモデルを非公開にする可能性がある。", "Meta", "leaning_closed"),
    Row("hedge", "Googleは、Gemmaの学習コードの公開を検討している。", "Google", "leaning_open"),
    Row(
        "condition",
        "安全性が確認されれば、xAIはGrokの重みを公開する。",
        "xAI",
        "leaning_open",
    ),
    # Reported speech versus the lab's own words.
    Row(
        "reported",
        "The New York Times reported that Meta would stop releasing its most powerful models "
        "openly.",
        "Meta",
        "closed",
        "unnamed_report",
    ),
    Row(
        "own words",
        "Meta said it will keep releasing Llama models under an open licence.",
        "Meta",
        "open",
        "official",
    ),
    Row(
        "reported",
        "According to people familiar with the matter, Meta is discussing abandoning its "
        "open-source approach.",
        "Meta",
        "leaning_closed",
        "unnamed_report",
    ),
    Row(
        "own words",
        "Meta's chief executive said the company would keep its open-source commitment.",
        "Meta",
        "open",
        "executive",
    ),
    Row(
        "own words",
        "Metaの広報担当者は「今後も主要なオープンソースAIモデルのリリースを継続していく予定です」"
        "と述べました。",
        "Meta",
        "open",
        "official",
    ),
    Row(
        "reported",
        "関係者によると、MetaはLlama 4 Behemothの公開を見送る方針だという。",
        "Meta",
        "closed",
        "unnamed_report",
        ("Llama 4 Behemoth",),
    ),
    Row(
        "reported",
        "ニューヨーク・タイムズは、Metaがオープンソースからクローズドモデルへ移行すると報じた。",
        "Meta",
        "closed",
        "unnamed_report",
    ),
    Row(
        "own words",
        "Metaは今後もオープンソースモデルの公開を継続すると発表した。",
        "Meta",
        "open",
        "official",
    ),
    # A critic's opinion is about the lab, not the lab's position.
    Row(
        "opinion",
        "Critics say Meta's Llama is not truly open source because of its licence.",
        "Meta",
        "mixed",
        "analysis",
    ),
    Row(
        "opinion",
        "Analysts argue that Mistral has moved away from open weights.",
        "Mistral",
        "leaning_closed",
        "analysis",
    ),
    Row(
        "opinion",
        "批評家は、MetaのLlamaは真のオープンソースではないと指摘している。",
        "Meta",
        "mixed",
        "analysis",
    ),
    Row(
        "opinion",
        "アナリストは、Mistralがオープンウェイト路線から離れつつあるとみている。",
        "Mistral",
        "leaning_closed",
        "analysis",
    ),
    # Plain claims, mixtures and the clause that carries the claim.
    Row("plain", "Meta will continue to release open-source models.", "Meta", "open"),
    Row(
        "action",
        "DeepSeek released the weights of DeepSeek-R1 under the MIT licence.",
        "DeepSeek",
        "open",
    ),
    Row(
        "plain",
        "Anthropic offers Claude only through its API and keeps the weights private.",
        "Anthropic",
        "closed",
    ),
    Row("mixed", "Meta will train a mix of open and closed models going forward.", "Meta", "mixed"),
    Row(
        "clause",
        "OpenAI, which has kept its frontier models closed, released open-weight models under "
        "the Apache 2.0 licence.",
        "OpenAI",
        "open",
    ),
    Row(
        "clause",
        "Meta will release smaller Llama models openly but keep Behemoth closed.",
        "Meta",
        "mixed",
    ),
    Row("shift", "Meta is shifting from open-source models to closed ones.", "Meta", "closed"),
    Row("mixed", "Metaはオープンとクローズドのモデルを組み合わせて開発する。", "Meta", "mixed"),
    Row("action", "OpenAIはgpt-ossの重みをApache 2.0ライセンスで公開した。", "OpenAI", "open"),
]
