"""WCAG AA colour contrast, computed from the stylesheet the reader actually gets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

CSS = Path(settings.BASE_DIR, "static", "css", "site.css").read_text()
VARIABLES = {
    name: value if len(value) == 7 else "#" + "".join(c * 2 for c in value[1:])
    for name, value in re.findall(r"--([\w-]+):(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b", CSS)
}
STANCES = ["open", "leaning-open", "mixed", "leaning-closed", "closed"]


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_contrast_formula_matches_wcags_reference_values() -> None:
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54


@pytest.mark.parametrize("stance", STANCES)
def test_a_stance_badge_is_readable_white_on_its_colour(stance: str) -> None:
    assert contrast("#ffffff", VARIABLES[stance]) >= 4.5


@pytest.mark.parametrize("stance", STANCES)
def test_text_on_a_stance_tint_is_readable(stance: str) -> None:
    assert contrast(VARIABLES["fg"], VARIABLES[f"{stance}-bg"]) >= 4.5


@pytest.mark.parametrize("name", ["fg", "muted", "link"])
def test_body_text_and_links_are_readable_on_page_and_panel(name: str) -> None:
    assert contrast(VARIABLES[name], VARIABLES["bg"]) >= 4.5
    assert contrast(VARIABLES[name], VARIABLES["soft"]) >= 4.5
