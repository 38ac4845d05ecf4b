"""Two tables for issue 13's precision work, written before the reader was changed for them.

NO_CLAIM: sentences that name a lab and use a word the openness cues know ("closed",
"released", "公開", "private", "リリース") in another sense: a funding round, a product, a
document, a press release, a closed-door meeting, a model described in passing. The reader must
find no openness cue in them, so that they never become suggestions.

STANCE: denials of a report or a claim (the lab's position is the opposite of what is denied),
ruling out, delays and hedges on an open plan, a release only through an API, holding back,
"has not changed" its course, and offering or distributing weights. ``model`` is a model name
the linker would have found in the sentence (its span is passed as a model mention).
"""

from __future__ import annotations

from typing import NamedTuple

from tests.ingest.stance_table import Row


class NoClaim(NamedTuple):
    sense: str
    sentence: str
    lab: str
    model: str = ""


NO_CLAIM: list[NoClaim] = [
    NoClaim("funding round", "Mistral closed a €600 million funding round on Monday.", "Mistral"),
    NoClaim("deal", "The acquisition xAI agreed in March closed last week, xAI said.", "xAI"),
    NoClaim("stock", "Meta's shares closed 3% higher after the results.", "Meta"),
    NoClaim("product", "Google released a redesigned Pixel phone on Tuesday.", "Google"),
    NoClaim(
        "product in passing",
        "The chatbot app, which Mistral released last year, now has ten million users.",
        "Mistral",
    ),
    NoClaim("document", "Meta published its quarterly earnings report on Wednesday.", "Meta"),
    NoClaim(
        "press release",
        "OpenAI said in a press release that its revenue had doubled.",
        "OpenAI",
    ),
    NoClaim(
        "release notes",
        "Mistral said in its release notes that the app now supports voice input.",
        "Mistral",
    ),
    NoClaim(
        "closed-door meeting",
        "DeepSeek held a closed-door meeting with regulators in Beijing.",
        "DeepSeek",
    ),
    NoClaim("private company", "Anthropic has been a private company since 2021.", "Anthropic"),
    NoClaim("privacy", "Microsoft said the new assistant keeps user chats private.", "Microsoft"),
    NoClaim(
        "press release",
        "Anthropicは、韓国法人を設立したとプレスリリースで発表した。",
        "Anthropic",
    ),
    NoClaim("document", "OpenAIは、国内企業の導入事例をまとめた報告書を公開した。", "OpenAI"),
    NoClaim("product", "Metaは新型のスマートグラスを9月に公開した。", "Meta"),
    NoClaim("closed-door meeting", "xAIは非公開の会合で投資家に事業計画を説明した。", "xAI"),
    NoClaim(
        "model in passing",
        "Google DeepMindが昨年公開した天気予報モデルは、予測の精度で注目を集めた。",
        "Google DeepMind",
    ),
    NoClaim(
        "model in passing",
        "Mistralは、2024年に公開した「Mistral Large」の利用企業が倍増したと述べた。",
        "Mistral",
        "Mistral Large",
    ),
    NoClaim("office", "OpenAI、ソウルにオフィスをオープン", "OpenAI"),
]


class ModelRow(NamedTuple):
    row: Row
    model: str = ""


STANCE: list[ModelRow] = [
    # A denial of a report or claim: the lab says the opposite of what is denied.
    ModelRow(
        Row(
            "denial",
            "Mistral denied a report that it would stop publishing open-weight models.",
            "Mistral",
            "open",
            "official",
        )
    ),
    ModelRow(Row("denial", "xAI denies reports it plans to keep Grok 5 closed.", "xAI", "open")),
    ModelRow(
        Row(
            "denial",
            "Google rejected claims that it had abandoned open-source releases of Gemma.",
            "Google",
            "open",
        )
    ),
    ModelRow(
        Row(
            "denial",
            "A DeepSeek spokesperson dismissed speculation that the company would withhold the "
            "weights of its next model.",
            "DeepSeek",
            "open",
            "official",
        )
    ),
    ModelRow(
        Row(
            "denial",
            "Anthropic denied that it plans to release the weights of Claude.",
            "Anthropic",
            "closed",
        )
    ),
    ModelRow(
        Row(
            "denial",
            "Mistralは、オープンソース戦略を放棄するとの報道を否定した。",
            "Mistral",
            "open",
            "official",
        )
    ),
    ModelRow(
        Row(
            "denial",
            "xAIは、次期モデルの重みを非公開にするという一部報道を否定した。",
            "xAI",
            "open",
        )
    ),
    ModelRow(
        Row(
            "denial", "Google、「Gemmaの公開は続ける」 一部報道を否定", "Google", "open", "official"
        ),
        "Gemma",
    ),
    # Ruling out, rejecting calls.
    ModelRow(
        Row(
            "rule out",
            "Microsoft ruled out releasing the weights of its largest model.",
            "Microsoft",
            "closed",
        )
    ),
    ModelRow(
        Row(
            "rule out",
            "Google DeepMind rules out open-sourcing Gemini, its chief executive said.",
            "Google DeepMind",
            "closed",
            "executive",
        )
    ),
    ModelRow(
        Row(
            "rule out",
            "OpenAI rejected calls to open-source its reasoning models.",
            "OpenAI",
            "closed",
        )
    ),
    # Hedged or delayed open plans stay on the open side.
    ModelRow(
        Row(
            "hedge",
            "Anthropic may share the weights of older Claude models with outside researchers, "
            "its chief executive said on Thursday.",
            "Anthropic",
            "leaning_open",
            "executive",
        )
    ),
    ModelRow(
        Row(
            "delay",
            "OpenAI is delaying the release of its open-weight model to run more safety tests.",
            "OpenAI",
            "leaning_open",
        )
    ),
    ModelRow(
        Row(
            "delay",
            "Metaは、安全性の評価が終わるまでオープンモデルの公開を延期すると発表した。",
            "Meta",
            "leaning_open",
            "official",
        )
    ),
    ModelRow(
        Row(
            "promise",
            "xAI would release the weights of Grok 3 once Grok 5 is stable, Elon Musk said.",
            "xAI",
            "open",
        )
    ),
    # Closed acts: an API-only release, holding back.
    ModelRow(
        Row(
            "api only",
            "DeepSeek may release its next model only through an API.",
            "DeepSeek",
            "leaning_closed",
        )
    ),
    ModelRow(
        Row(
            "hold back",
            "Anthropic is holding back the weights of its newest model.",
            "Anthropic",
            "closed",
        )
    ),
    # Not changing course is continuing it.
    ModelRow(
        Row(
            "unchanged",
            "Metaは、Llamaの重みを公開する方針を変えていないと述べた。",
            "Meta",
            "open",
            "official",
        )
    ),
    ModelRow(
        Row(
            "unchanged",
            "Mistral has not changed its commitment to open weights, the company said.",
            "Mistral",
            "open",
            "official",
        )
    ),
    # Offering or distributing weights, openly.
    ModelRow(
        Row("offer", "Alibabaはモデルの重みを研究者向けに無償で配布している。", "Alibaba", "open")
    ),
    ModelRow(
        Row(
            "offer",
            "Google DeepMindは、Gemmaシリーズを今後もオープンに提供するとしている。",
            "Google DeepMind",
            "open",
            "official",
        ),
        "Gemma",
    ),
    ModelRow(
        Row(
            "press release",
            "Meta said in a press release that it will keep releasing Llama models openly.",
            "Meta",
            "open",
            "official",
        )
    ),
]
