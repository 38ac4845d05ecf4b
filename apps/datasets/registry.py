"""The three datasets we read: who publishes each, its licence and the attribution it asks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from apps.datasets.parsers import Files, Parsed, epoch, mot, osai


@dataclass(frozen=True)
class DatasetInfo:
    key: str
    name: str
    #: What a sentence calls the dataset ("Epoch AI now lists ..."), short enough for a subject.
    short_name: str
    homepage: str
    licence: str
    attribution: str
    url_setting: str
    parse: Callable[[Files], Iterator[Parsed]]


DATASETS: dict[str, DatasetInfo] = {
    "epoch": DatasetInfo(
        key="epoch",
        name="Epoch AI: Data on AI models",
        short_name="Epoch AI",
        homepage="https://epoch.ai/data/ai-models",
        licence="CC BY 4.0",
        attribution=(
            "Epoch AI, 'Parameter, Compute and Data Trends in Machine Learning'. "
            "Published online at epoch.ai. https://epoch.ai/data/notable-ai-models"
        ),
        url_setting="DATASETS_EPOCH_URL",
        parse=epoch.parse,
    ),
    "mot": DatasetInfo(
        key="mot",
        name="LF AI & Data: Model Openness Tool",
        short_name="Model Openness Tool",
        homepage="https://github.com/lfai/model_openness_tool",
        licence="MIT",
        attribution="Model Openness Tool, LF AI & Data Foundation (MIT licence).",
        url_setting="DATASETS_MOT_URL",
        parse=mot.parse,
    ),
    "osai": DatasetInfo(
        key="osai",
        name="Opening up ChatGPT / European Open Source AI Index",
        short_name="Open Source AI Index",
        homepage="https://opening-up-chatgpt.github.io",
        licence="CC BY 4.0 (data), Apache-2.0 (code)",
        attribution=(
            "Data from http://opening-up-chatgpt.github.io (CC BY 4.0). Liesenfeld, Andreas, "
            "Alianda Lopez, and Mark Dingemanse. 2023. “Opening up ChatGPT: Tracking Openness, "
            "Transparency, and Accountability in Instruction-Tuned Text Generators.” In CUI '23. "
            "doi: 10.1145/3571884.3604316"
        ),
        url_setting="DATASETS_OSAI_URL",
        parse=osai.parse,
    ),
}
