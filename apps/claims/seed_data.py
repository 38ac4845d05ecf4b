"""The demo record: the story Aperture was born from, and one sourced fact for each lab it names.

Everything here is true and sourced: the July 2025 reporting on Meta (The New York Times,
TechCrunch, GIGAZINE) and, for each other lab the GIGAZINE article names, one act on record in
the lab's own words. Quotes are verbatim; translations say whose they are.
"""

from __future__ import annotations

import datetime
from typing import Any

D = datetime.date

COMPANIES: list[dict[str, Any]] = [
    {
        "slug": "meta",
        "name": "Meta",
        "website": "https://about.meta.com/",
        "description": "Meta Platforms, developer of the Llama family of models.",
        "aliases": [("Meta", "en"), ("Meta Platforms", "en"), ("メタ", "ja")],
    },
    {
        "slug": "meta-superintelligence-labs",
        "name": "Meta Superintelligence Labs",
        "parent": "meta",
        "is_lab": False,
        "website": "https://ai.meta.com/",
        "description": (
            "Meta's lab for superintelligence, announced by Mark Zuckerberg on 30 June 2025 and "
            "led by Alexandr Wang after Meta's $14.8 billion investment in Scale AI. Its stance "
            "is tracked under Meta."
        ),
        "aliases": [
            ("Meta Superintelligence Labs", "en"),
            ("MSL", "en"),
            ("スーパーインテリジェンスラボ", "ja"),
        ],
    },
    {
        "slug": "scale-ai",
        "name": "Scale AI",
        "is_lab": False,
        "website": "https://scale.com/",
        "description": (
            "Data-labelling company. In June 2025 Meta invested $14.8 billion (about ¥2.19 "
            "trillion, as GIGAZINE put it) and its CEO Alexandr Wang moved to lead Meta's new AI "
            "lab."
        ),
        "aliases": [("Scale AI", "en")],
    },
    {
        "slug": "openai",
        "name": "OpenAI",
        "website": "https://openai.com/",
        "aliases": [("OpenAI", "en"), ("オープンAI", "ja")],
    },
    {
        "slug": "anthropic",
        "name": "Anthropic",
        "website": "https://www.anthropic.com/",
        "aliases": [("Anthropic", "en"), ("アンソロピック", "ja")],
    },
    {
        "slug": "google-deepmind",
        "name": "Google DeepMind",
        "website": "https://deepmind.google/",
        "aliases": [
            ("Google DeepMind", "en"),
            ("DeepMind", "en"),
            ("グーグル・ディープマインド", "ja"),
        ],
    },
    {
        "slug": "xai",
        "name": "xAI",
        "website": "https://x.ai/",
        "aliases": [("xAI", "en")],
    },
    {
        "slug": "deepseek",
        "name": "DeepSeek",
        "website": "https://www.deepseek.com/",
        "aliases": [("DeepSeek", "en"), ("ディープシーク", "ja")],
    },
    {
        "slug": "moonshot-ai",
        "name": "Moonshot AI",
        "website": "https://www.moonshot.ai/",
        "aliases": [("Moonshot AI", "en"), ("月之暗面", "zh"), ("ムーンショットAI", "ja")],
    },
]

PEOPLE: list[dict[str, Any]] = [
    {"slug": "mark-zuckerberg", "name": "Mark Zuckerberg", "company": "meta", "role": "CEO"},
    {
        "slug": "alexandr-wang",
        "name": "Alexandr Wang",
        "company": "meta-superintelligence-labs",
        "role": "Chief AI Officer; founder and former CEO of Scale AI",
    },
]

PUBLISHERS: list[dict[str, Any]] = [
    {"slug": "nytimes", "name": "The New York Times", "domain": "nytimes.com", "language": "en"},
    {"slug": "techcrunch", "name": "TechCrunch", "domain": "techcrunch.com", "language": "en"},
    {"slug": "gigazine", "name": "GIGAZINE", "domain": "gigazine.net", "language": "ja"},
    {"slug": "meta-ai-blog", "name": "Meta AI blog", "domain": "ai.meta.com", "company": "meta"},
    {"slug": "meta-newsroom", "name": "Meta Newsroom", "domain": "about.fb.com", "company": "meta"},
    {"slug": "openai", "name": "OpenAI", "domain": "openai.com", "company": "openai"},
    {"slug": "anthropic", "name": "Anthropic", "domain": "anthropic.com", "company": "anthropic"},
    {
        "slug": "google-blog",
        "name": "Google Blog",
        "domain": "blog.google",
        "company": "google-deepmind",
    },
    {"slug": "xai", "name": "xAI", "domain": "x.ai", "company": "xai"},
    {
        "slug": "deepseek-api-docs",
        "name": "DeepSeek API Docs",
        "domain": "api-docs.deepseek.com",
        "company": "deepseek",
    },
    {
        "slug": "moonshot-ai",
        "name": "Moonshot AI",
        "domain": "moonshotai.github.io",
        "company": "moonshot-ai",
    },
]

NYT = "https://www.nytimes.com/2025/07/14/technology/meta-superintelligence-lab-ai.html"
TECHCRUNCH = "https://techcrunch.com/2025/07/14/meta-built-its-ai-reputation-on-openness-that-may-be-changing/"
GIGAZINE = "https://gigazine.net/news/20250715-meta-built-ai-strategy-changes/"
META_LLAMA4 = "https://ai.meta.com/blog/llama-4-multimodal-intelligence/"
META_OPEN_SOURCE_LETTER = "https://about.fb.com/news/2024/07/open-source-ai-is-the-path-forward/"
OPENAI_GPT_OSS = "https://openai.com/index/introducing-gpt-oss/"
ANTHROPIC_CLAUDE4 = "https://www.anthropic.com/news/claude-4"
GOOGLE_GEMMA = "https://blog.google/technology/developers/gemma-open-models/"
XAI_GROK1 = "https://x.ai/news/grok-os"
DEEPSEEK_R1 = "https://api-docs.deepseek.com/news/news250120"
MOONSHOT_KIMI_K2 = "https://moonshotai.github.io/Kimi-K2/"

GIGAZINE_LEAD = (
    "Metaの新設したスーパーインテリジェンスラボのトップメンバーは、同社のオープンソースでのAI開発"
    "という方針を転換し、クローズドモデルの開発に移行することを検討しているとThe New York Timesが"
    "報じました。"
)
GIGAZINE_BEHEMOTH = (
    "The New York Timesの報道によると、MSLの設立によりMetaはLlama 4 Behemothの開発を中止し、"
    "代わりにクローズドソースでのAIモデルの開発について協議しているとのこと。"
)
GIGAZINE_SPOKESPERSON = (
    "「今後も主要なオープンソースAIモデルのリリースを継続していく予定です。これまで開発してきたもの"
    "すべてをリリースしたわけではなく、今後もオープンソースモデルとクローズドソースモデルを組み合わ"
    "せたトレーニングを継続していく予定です」"
)
GIGAZINE_NO_COMMENT = (
    "なお、Metaの広報担当者は同社がLlama 4 Behemothの開発を中止したのかについてはコメントして"
    "いません。"
)
GIGAZINE_OPENAI = (
    "一方、競合のOpenAIはMicrosoftとの提携後、より閉鎖的になっており、このことをザッカーバーグCEOは"
    "公然と批判しています。"
)
GIGAZINE_DELAY = (
    "Metaは総パラメーター数2兆の超大規模AIモデル「Llama 4 Behemoth」をリリース予定だが開発が難航し"
    "2025年秋以降に延期したとの報道"
)

SOURCES: list[dict[str, Any]] = [
    {
        "url": NYT,
        "title": "Meta's New Superintelligence Lab Is Discussing Major A.I. Strategy Changes",
        "publisher": "nytimes",
        "language": "en",
        "kind": "secondary",
        "published": D(2025, 7, 14),
    },
    {
        "url": TECHCRUNCH,
        "title": "Meta built its AI reputation on openness — that may be changing",
        "publisher": "techcrunch",
        "language": "en",
        "kind": "secondary",
        "published": D(2025, 7, 14),
        "cites": [NYT],
    },
    {
        "url": GIGAZINE,
        "title": (
            "MetaはオープンソースのAI開発路線を変更してクローズドモデルの開発に移行するとの報道、"
            "「Behemoth」の開発は中止か"
        ),
        "publisher": "gigazine",
        "language": "ja",
        "kind": "tertiary",
        "published": D(2025, 7, 15),
        "cites": [NYT, TECHCRUNCH],
        "snapshot": "\n\n".join(
            [GIGAZINE_LEAD, GIGAZINE_BEHEMOTH, GIGAZINE_SPOKESPERSON, GIGAZINE_NO_COMMENT]
        ),
    },
    {
        "url": META_OPEN_SOURCE_LETTER,
        "title": "Open Source AI Is the Path Forward",
        "publisher": "meta-newsroom",
        "language": "en",
        "kind": "primary",
        "published": D(2024, 7, 23),
    },
    {
        "url": META_LLAMA4,
        "title": (
            "The Llama 4 herd: The beginning of a new era of natively multimodal AI innovation"
        ),
        "publisher": "meta-ai-blog",
        "language": "en",
        "kind": "primary",
        "published": D(2025, 4, 5),
    },
    {
        "url": OPENAI_GPT_OSS,
        "title": "Introducing gpt-oss",
        "publisher": "openai",
        "language": "en",
        "kind": "primary",
        "published": D(2025, 8, 5),
    },
    {
        "url": ANTHROPIC_CLAUDE4,
        "title": "Introducing Claude 4",
        "publisher": "anthropic",
        "language": "en",
        "kind": "primary",
        "published": D(2025, 5, 22),
    },
    {
        "url": GOOGLE_GEMMA,
        "title": "Gemma: Introducing new state-of-the-art open models",
        "publisher": "google-blog",
        "language": "en",
        "kind": "primary",
        "published": D(2024, 2, 21),
    },
    {
        "url": XAI_GROK1,
        "title": "Open Release of Grok-1",
        "publisher": "xai",
        "language": "en",
        "kind": "primary",
        "published": D(2024, 3, 17),
    },
    {
        "url": DEEPSEEK_R1,
        "title": "DeepSeek-R1 Release",
        "publisher": "deepseek-api-docs",
        "language": "en",
        "kind": "primary",
        "published": D(2025, 1, 20),
    },
    {
        "url": MOONSHOT_KIMI_K2,
        "title": "Kimi K2: Open Agentic Intelligence",
        "publisher": "moonshot-ai",
        "language": "en",
        "kind": "primary",
        "published": D(2025, 7, 11),
    },
]

B = 1_000_000_000
MODELS: list[dict[str, Any]] = [
    {
        "slug": "llama-4-behemoth",
        "name": "Llama 4 Behemoth",
        "family": "Llama 4",
        "developer": "meta",
        "parameter_count": 2000 * B,
        "active_parameter_count": 288 * B,
        "access_level": "unreleased",
        "aliases": [("Behemoth", "en"), ("ビヒーモス", "ja"), ("ベヒモス", "ja")],
        "status": [
            (
                "training",
                D(2025, 4, 5),
                "day",
                False,
                "Previewed as still in training.",
                META_LLAMA4,
            ),
            (
                "delayed",
                D(2025, 5, 1),
                "month",
                True,
                "Release reported pushed back to autumn 2025 or later.",
                GIGAZINE,
            ),
            (
                "cancelled",
                D(2025, 7, 14),
                "day",
                True,
                "NYT: development reportedly stopped after MSL was set up; Meta declined to "
                "comment.",
                NYT,
            ),
        ],
        "components": [("weights", "closed", "Not released.", META_LLAMA4)],
    },
    {
        "slug": "llama-4-maverick",
        "name": "Llama 4 Maverick",
        "family": "Llama 4",
        "developer": "meta",
        "parameter_count": 400 * B,
        "active_parameter_count": 17 * B,
        "access_level": "open_weights",
        "licence": "Llama 4 Community License",
        "aliases": [("Maverick", "en")],
        "status": [("released", D(2025, 4, 5), "day", False, "", META_LLAMA4)],
        "components": [
            (
                "weights",
                "restricted",
                "Downloadable under the Llama 4 Community License.",
                META_LLAMA4,
            ),
            ("licence", "restricted", "Custom licence with use restrictions.", META_LLAMA4),
        ],
    },
    {
        "slug": "llama-4-scout",
        "name": "Llama 4 Scout",
        "family": "Llama 4",
        "developer": "meta",
        "parameter_count": 109 * B,
        "active_parameter_count": 17 * B,
        "access_level": "open_weights",
        "licence": "Llama 4 Community License",
        "aliases": [("Llama 4 Scout", "en")],
        "status": [("released", D(2025, 4, 5), "day", False, "", META_LLAMA4)],
        "components": [
            (
                "weights",
                "restricted",
                "Downloadable under the Llama 4 Community License.",
                META_LLAMA4,
            ),
            ("licence", "restricted", "Custom licence with use restrictions.", META_LLAMA4),
        ],
    },
    {
        "slug": "gpt-oss-120b",
        "name": "gpt-oss-120b",
        "family": "gpt-oss",
        "developer": "openai",
        "parameter_count": 117 * B,
        "access_level": "open_weights",
        "licence": "Apache 2.0",
        "aliases": [("gpt-oss", "en")],
        "status": [("released", D(2025, 8, 5), "day", False, "", OPENAI_GPT_OSS)],
        "components": [
            ("weights", "open", "Released under Apache 2.0.", OPENAI_GPT_OSS),
            ("licence", "open", "Apache 2.0.", OPENAI_GPT_OSS),
        ],
    },
    {
        "slug": "claude-opus-4",
        "name": "Claude Opus 4",
        "family": "Claude 4",
        "developer": "anthropic",
        "access_level": "api_only",
        "aliases": [("Claude Opus 4", "en")],
        "status": [("released", D(2025, 5, 22), "day", False, "", ANTHROPIC_CLAUDE4)],
        "components": [("weights", "closed", "Available through the API only.", ANTHROPIC_CLAUDE4)],
    },
    {
        "slug": "gemma-7b",
        "name": "Gemma 7B",
        "family": "Gemma",
        "developer": "google-deepmind",
        "parameter_count": 7 * B,
        "access_level": "open_weights",
        "licence": "Gemma Terms of Use",
        "aliases": [("Gemma", "en")],
        "status": [("released", D(2024, 2, 21), "day", False, "", GOOGLE_GEMMA)],
        "components": [
            ("weights", "restricted", "Open weights under the Gemma terms of use.", GOOGLE_GEMMA)
        ],
    },
    {
        "slug": "grok-1",
        "name": "Grok-1",
        "family": "Grok",
        "developer": "xai",
        "parameter_count": 314 * B,
        "access_level": "open_weights",
        "licence": "Apache 2.0",
        "aliases": [("Grok-1", "en")],
        "status": [("released", D(2024, 3, 17), "day", False, "Weights released.", XAI_GROK1)],
        "components": [
            ("weights", "open", "Weights and architecture released.", XAI_GROK1),
            ("licence", "open", "Apache 2.0.", XAI_GROK1),
        ],
    },
    {
        "slug": "deepseek-r1",
        "name": "DeepSeek-R1",
        "family": "DeepSeek",
        "developer": "deepseek",
        "parameter_count": 671 * B,
        "active_parameter_count": 37 * B,
        "access_level": "open_weights",
        "licence": "MIT",
        "aliases": [("DeepSeek-R1", "en"), ("R1", "en")],
        "status": [("released", D(2025, 1, 20), "day", False, "", DEEPSEEK_R1)],
        "components": [
            ("weights", "open", "Released under the MIT licence.", DEEPSEEK_R1),
            ("licence", "open", "MIT.", DEEPSEEK_R1),
        ],
    },
    {
        "slug": "kimi-k2",
        "name": "Kimi K2",
        "family": "Kimi",
        "developer": "moonshot-ai",
        "parameter_count": 1000 * B,
        "active_parameter_count": 32 * B,
        "access_level": "open_weights",
        "licence": "Modified MIT License",
        "aliases": [("Kimi K2", "en")],
        "status": [("released", D(2025, 7, 11), "day", False, "", MOONSHOT_KIMI_K2)],
        "components": [
            ("weights", "open", "Open weights under a modified MIT licence.", MOONSHOT_KIMI_K2)
        ],
    },
]

# Each statement is identified by its key, so that running the seed again changes nothing.
STATEMENTS: list[dict[str, Any]] = [
    {
        "key": "meta-2024-open-source-letter",
        "company": "meta",
        "speaker": "mark-zuckerberg",
        "kind": "executive",
        "stance": "open",
        "verification": "confirmed",
        "occurred_on": D(2024, 7, 23),
        "quote": "Open Source AI Is the Path Forward",
        "quote_language": "en",
        "translation": "オープンソースAIこそ進むべき道",
        "translation_language": "ja",
        "summary": (
            "Mark Zuckerberg publishes a letter, titled with the quote, arguing that open-source "
            "AI is the path forward for Meta and for the industry."
        ),
        "citations": [(META_OPEN_SOURCE_LETTER, "")],
    },
    {
        "key": "meta-2025-llama-4-release",
        "company": "meta",
        "speaker_label": "Meta",
        "kind": "action",
        "stance": "open",
        "verification": "confirmed",
        "occurred_on": D(2025, 4, 5),
        "summary": (
            "Meta releases Llama 4 Scout and Llama 4 Maverick as downloadable weights under the "
            "Llama 4 Community License, and previews Llama 4 Behemoth, still in training."
        ),
        "models": ["llama-4-scout", "llama-4-maverick", "llama-4-behemoth"],
        "citations": [(META_LLAMA4, "")],
    },
    {
        "key": "meta-2025-nyt-closed-report",
        "company": "meta",
        "speaker_label": "People familiar with the matter (The New York Times)",
        "kind": "unnamed_report",
        "stance": "leaning_closed",
        "verification": "reported",
        "occurred_on": D(2025, 7, 14),
        "summary": (
            "The New York Times reports that top members of Meta Superintelligence Labs have "
            "discussed moving away from open-source AI towards closed models, and that Meta "
            "stopped work on Llama 4 Behemoth, which had finished training but disappointed in "
            "internal tests."
        ),
        "models": ["llama-4-behemoth"],
        "citations": [(NYT, ""), (TECHCRUNCH, ""), (GIGAZINE, GIGAZINE_LEAD)],
    },
    {
        "key": "meta-2025-spokesperson-reply",
        "company": "meta",
        "speaker_label": "Meta spokesperson",
        "kind": "official",
        "stance": "mixed",
        "verification": "confirmed",
        "occurred_on": D(2025, 7, 14),
        "quote": (
            "We plan to continue releasing leading open source models. We haven't released "
            "everything we've developed historically and we expect to continue training a mix "
            "of open and closed models going forward."
        ),
        "quote_language": "en",
        "translation": GIGAZINE_SPOKESPERSON.strip("「」"),
        "translation_language": "ja",
        "summary": (
            "Meta's spokesperson tells TechCrunch that Meta will keep releasing leading "
            "open-source models while training a mix of open and closed ones, and declines to "
            "comment on whether Behemoth was shelved."
        ),
        "models": ["llama-4-behemoth"],
        "citations": [(TECHCRUNCH, ""), (GIGAZINE, GIGAZINE_SPOKESPERSON)],
        "links": [("denies", "meta-2025-nyt-closed-report")],
    },
    {
        "key": "openai-2025-more-closed-analysis",
        "company": "openai",
        "speaker_label": "GIGAZINE",
        "kind": "analysis",
        "stance": "leaning_closed",
        "verification": "reported",
        "occurred_on": D(2025, 7, 15),
        "quote": GIGAZINE_OPENAI,
        "quote_language": "ja",
        "translation": (
            "Rival OpenAI, on the other hand, has become more closed since its partnership with "
            "Microsoft, which CEO Zuckerberg has openly criticised. (Aperture's translation)"
        ),
        "translation_language": "en",
        "summary": (
            "GIGAZINE, summarising TechCrunch, notes that OpenAI has become more closed since its "
            "partnership with Microsoft."
        ),
        "citations": [(GIGAZINE, GIGAZINE_OPENAI)],
    },
    {
        "key": "openai-2025-gpt-oss",
        "company": "openai",
        "speaker_label": "OpenAI",
        "kind": "action",
        "stance": "open",
        "verification": "confirmed",
        "occurred_on": D(2025, 8, 5),
        "summary": (
            "OpenAI releases gpt-oss-120b and gpt-oss-20b, open-weight language models under the "
            "Apache 2.0 licence."
        ),
        "models": ["gpt-oss-120b"],
        "citations": [(OPENAI_GPT_OSS, "")],
    },
    {
        "key": "anthropic-2025-claude-4",
        "company": "anthropic",
        "speaker_label": "Anthropic",
        "kind": "action",
        "stance": "closed",
        "verification": "confirmed",
        "occurred_on": D(2025, 5, 22),
        "summary": (
            "Anthropic launches Claude Opus 4 and Claude Sonnet 4 through its API and cloud "
            "platforms, without releasing model weights."
        ),
        "models": ["claude-opus-4"],
        "citations": [(ANTHROPIC_CLAUDE4, "")],
    },
    {
        "key": "google-2024-gemma",
        "company": "google-deepmind",
        "speaker_label": "Google",
        "kind": "action",
        "stance": "leaning_open",
        "verification": "confirmed",
        "occurred_on": D(2024, 2, 21),
        "summary": (
            "Google releases Gemma, open models built from the research behind Gemini, with "
            "weights available under its own terms of use."
        ),
        "models": ["gemma-7b"],
        "citations": [(GOOGLE_GEMMA, "")],
    },
    {
        "key": "xai-2024-grok-1",
        "company": "xai",
        "speaker_label": "xAI",
        "kind": "action",
        "stance": "open",
        "verification": "confirmed",
        "occurred_on": D(2024, 3, 17),
        "summary": (
            "xAI releases the weights and architecture of Grok-1, a 314-billion-parameter "
            "mixture-of-experts model, under the Apache 2.0 licence."
        ),
        "models": ["grok-1"],
        "citations": [(XAI_GROK1, "")],
    },
    {
        "key": "deepseek-2025-r1",
        "company": "deepseek",
        "speaker_label": "DeepSeek",
        "kind": "action",
        "stance": "open",
        "verification": "confirmed",
        "occurred_on": D(2025, 1, 20),
        "summary": "DeepSeek releases DeepSeek-R1 with open weights under the MIT licence.",
        "models": ["deepseek-r1"],
        "citations": [(DEEPSEEK_R1, "")],
    },
    {
        "key": "moonshot-2025-kimi-k2",
        "company": "moonshot-ai",
        "speaker_label": "Moonshot AI",
        "kind": "action",
        "stance": "open",
        "verification": "confirmed",
        "occurred_on": D(2025, 7, 11),
        "summary": (
            "Moonshot AI releases Kimi K2, a mixture-of-experts model with one trillion "
            "parameters, with open weights under a modified MIT licence."
        ),
        "models": ["kimi-k2"],
        "citations": [(MOONSHOT_KIMI_K2, "")],
    },
]
