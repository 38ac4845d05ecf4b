"""Word diffs between two texts, and how much changed.

A page "changed" when the share of its words that differ passes WATCH_CHANGE_THRESHOLD: words,
not bytes, so markup, whitespace and line wrapping never count, and one corrected typo in a long
policy does not raise an alarm. The diff is kept as ``[[op, text], ...]`` (op "=", "-", "+") and
drawn in the admin with <del> and <ins>; long unchanged stretches are cut to their ends.
"""

from __future__ import annotations

import difflib
import re

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

_WORD = re.compile(r"\S+")
#: Unchanged runs longer than this many words are shown as their first and last few words.
_CONTEXT_WORDS = 12

type DiffOps = list[list[str]]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def text_normalise(text: str) -> str:
    """The text as compared and hashed: words separated by single spaces, lines kept."""
    lines = (" ".join(words(line)) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def words_diff(old: str, new: str) -> tuple[DiffOps, float]:
    """The word diff from ``old`` to ``new`` and the share of words that changed (0..1)."""
    before, after = words(old), words(new)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    ops: DiffOps = []
    changed = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append(["=", _elide(before[i1:i2])])
            continue
        if i2 > i1:
            ops.append(["-", " ".join(before[i1:i2])])
        if j2 > j1:
            ops.append(["+", " ".join(after[j1:j2])])
        changed += max(i2 - i1, j2 - j1)
    total = max(len(before), len(after))
    return ops, (changed / total if total else 0.0)


def _elide(run: list[str]) -> str:
    if len(run) <= 2 * _CONTEXT_WORDS:
        return " ".join(run)
    return " ".join([*run[:_CONTEXT_WORDS], "…", *run[-_CONTEXT_WORDS:]])


def diff_html(ops: DiffOps) -> SafeString:
    """The diff as escaped HTML: removed words in <del>, added words in <ins>."""
    tags = {"=": "span", "-": "del", "+": "ins"}
    return format_html(
        '<p class="word-diff" dir="auto">{}</p>',
        format_html_join(" ", "<{0}>{1}</{0}>", ((tags.get(op, "span"), text) for op, text in ops)),
    )


def diff_counts(ops: DiffOps) -> tuple[int, int]:
    """How many words the diff adds and removes (unchanged runs, elided or not, do not count)."""
    added = sum(len(words(text)) for op, text in ops if op == "+")
    removed = sum(len(words(text)) for op, text in ops if op == "-")
    return added, removed


def diff_summary(ops: DiffOps, *, limit: int = 300) -> str:
    """The changes alone, as plain text ("- old words / + new words"), cut at ``limit``."""
    parts = [f"{op} {text}" for op, text in ops if op in "-+"]
    summary = " / ".join(parts)
    return summary if len(summary) <= limit else summary[: limit - 1] + "…"
