"""A second table, written after the reader was built and measured once without changes to the
reader: the honest figure for sentences it was not developed against (see the report in
tests/ingest/test_stance_reader.py)."""

from __future__ import annotations

from tests.ingest.stance_table import Row

HELD_OUT: list[Row] = [
    Row("negation", "Google does not intend to publish the Gemini weights.", "Google", "closed"),
    Row(
        "negation",
        "Anthropic will never open-source Claude, its founder said.",
        "Anthropic",
        "closed",
        "executive",
    ),
    Row("negation", "Meta won't make Behemoth available for download.", "Meta", "closed"),
    Row("negation", "OpenAIはGPT-5の重みを公開する予定はありません。", "OpenAI", "closed"),
    Row(
        "negation",
        "Googleは、Geminiをオープンソースにしないと明らかにした。",
        "Google",
        "closed",
        "official",
    ),
    Row(
        "double negation",
        "Mistral has not abandoned open weights, the company said.",
        "Mistral",
        "open",
        "official",
    ),
    Row(
        "double negation",
        "DeepSeekはオープンソース路線を放棄しないと述べた。",
        "DeepSeek",
        "open",
        "official",
    ),
    Row(
        "hedge",
        "OpenAI might publish a second open-weight model next year.",
        "OpenAI",
        "leaning_open",
    ),
    Row(
        "hedge",
        "Meta could shelve its open-source plans for the largest models.",
        "Meta",
        "leaning_closed",
    ),
    Row(
        "condition",
        "Mistral will release the weights unless regulators object.",
        "Mistral",
        "leaning_open",
    ),
    Row(
        "hedge",
        "xAIはGrok 3をオープンソース化することを検討しているという。",
        "xAI",
        "leaning_open",
        "unnamed_report",
    ),
    Row("hedge", "Metaは最上位モデルの公開を取りやめる可能性がある。", "Meta", "leaning_closed"),
    Row(
        "reported",
        "Bloomberg reported that Google plans to keep Gemini Ultra proprietary.",
        "Google",
        "closed",
        "unnamed_report",
    ),
    Row(
        "reported",
        "Meta is reportedly moving away from releasing open models.",
        "Meta",
        "closed",
        "unnamed_report",
    ),
    Row(
        "own words",
        "OpenAI announced that it will release an open-weight reasoning model.",
        "OpenAI",
        "open",
        "official",
    ),
    Row(
        "reported",
        "ロイターは、Anthropicがモデルの重みを非公開のままにすると伝えた。",
        "Anthropic",
        "closed",
        "unnamed_report",
    ),
    Row(
        "opinion",
        "Researchers argue that Llama's licence is not fully open.",
        "Llama",
        "mixed",
        "analysis",
    ),
    Row(
        "opinion",
        "Experts say OpenAI has become a closed company.",
        "OpenAI",
        "leaning_closed",
        "analysis",
    ),
    Row(
        "opinion",
        "専門家は、Metaがクローズドモデルに移行したと批判している。",
        "Meta",
        "leaning_closed",
        "analysis",
    ),
    Row(
        "action",
        "Alibaba released Qwen 3 under the Apache 2.0 licence.",
        "Alibaba",
        "open",
        "action",
    ),
    Row(
        "plain",
        "Anthropic keeps Claude's weights closed and sells access through its API.",
        "Anthropic",
        "closed",
    ),
    Row(
        "mixed",
        "Google releases small Gemma models openly while keeping Gemini closed.",
        "Google",
        "mixed",
    ),
    Row("plain", "Metaは今後もLlamaの重みを公開し続ける。", "Meta", "open"),
    Row("shift", "Meta's new lab is moving from open models toward closed ones.", "Meta", "closed"),
]
