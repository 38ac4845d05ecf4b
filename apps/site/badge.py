"""Geometry of a lab's stance badge: an SVG 20 pixels high, as shields.io draws them.

The lab's name on grey at the left, its current stance on the stance's colour at the right,
in white. An image has no stylesheet of ours, so the colours are written into the SVG: they
are the site's stance palette (the --open ... --closed variables of static/css/site.css, which
a test keeps in step), each readable in white at WCAG AA (4.5:1).

A server cannot measure text without the font, so each label's width is estimated from
Verdana's advance widths at 11 pixels (the font shields.io measures with; CJK characters are a
full em), and the SVG pins each text to that width with textLength, so whichever font the
reader's browser picks fills the same box.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.utils.text import Truncator

from apps.claims.models import Stance

HEIGHT = 20
FONT_SIZE = 11
PADDING = 6  # left and right of each text
LABEL_MAX_CHARS = 40
LABEL_FILL = "#555555"  # white on it: 7.5:1
NO_STANCE_FILL = "#4f4f4f"  # --muted: a lab with no published statement yet
#: The stance palette of static/css/site.css (--open, --leaning-open, ...).
STANCE_FILLS: dict[str, str] = {
    Stance.OPEN: "#0b6e3a",
    Stance.LEANING_OPEN: "#3a6e0b",
    Stance.MIXED: "#6b5b00",
    Stance.LEANING_CLOSED: "#a04a00",
    Stance.CLOSED: "#a8071a",
}
TEXT_FILL = "#ffffff"

# Verdana at 11 px: advance widths in pixels, by character; the rest by class below.
_WIDTHS = {
    " ": 3.87,
    "i": 3.02,
    "l": 3.02,
    "j": 3.3,
    ".": 3.6,
    ",": 3.6,
    "'": 2.9,
    ":": 4.5,
    ";": 4.5,
    "!": 4.5,
    "|": 4.9,
    "f": 3.9,
    "t": 4.3,
    "r": 4.6,
    "-": 4.6,
    "(": 4.9,
    ")": 4.9,
    "m": 10.7,
    "w": 8.9,
    "c": 5.7,
    "s": 5.7,
    "z": 5.8,
    "I": 4.6,
    "J": 5.0,
    "M": 9.3,
    "W": 10.9,
    "F": 6.3,
    "L": 6.1,
    "O": 8.7,
    "Q": 8.7,
    "D": 8.5,
    "G": 8.4,
    "H": 8.3,
    "N": 8.2,
}
_LOWER = 6.75
_UPPER = 7.5
_OTHER = 7.0
_WIDE = 11.0  # CJK and other full-width characters: one em


def text_width(text: str) -> float:
    """Estimated width in pixels of `text` in Verdana at 11 px."""
    width = 0.0
    for char in text:
        if char in _WIDTHS:
            width += _WIDTHS[char]
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            width += _WIDE
        elif char.islower():
            width += _LOWER
        elif char.isupper():
            width += _UPPER
        else:
            width += _OTHER
    return round(width, 1)


@dataclass(frozen=True)
class Part:
    """One half of the badge: a coloured box and its centred text."""

    text: str
    fill: str
    x: float
    width: float
    text_width: float

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True)
class Badge:
    label: Part
    message: Part
    height: int = HEIGHT
    font_size: int = FONT_SIZE
    text_fill: str = TEXT_FILL
    text_y: int = 14

    @property
    def width(self) -> float:
        return round(self.label.width + self.message.width, 1)


def badge_layout(*, label: str, message: str, stance: str | None) -> Badge:
    """The badge for `label` (a lab's name) and `message` (its stance, in words)."""
    label = Truncator(" ".join(label.split())).chars(LABEL_MAX_CHARS)
    label_text = text_width(label)
    message_text = text_width(message)
    left = Part(label, LABEL_FILL, 0.0, round(label_text + 2 * PADDING, 1), label_text)
    right = Part(
        message,
        STANCE_FILLS.get(stance or "", NO_STANCE_FILL),
        left.width,
        round(message_text + 2 * PADDING, 1),
        message_text,
    )
    return Badge(label=left, message=right)
