"""Near-duplicate texts: the same story republished with its own headline, byline, credit or
"distributed by" note (a syndicated copy), told apart from a different story about the same
event.

The standard method, in three steps:

1. **Shingles.** The text, NFKC-normalised and case-folded, is cut into tokens: a word for
   scripts written with spaces, one character for Chinese and Japanese (which are not), so one
   rule serves both languages. A shingle is :data:`SHINGLE_TOKENS` consecutive tokens; two texts
   are as similar as the Jaccard index of their shingle sets.
2. **MinHash with LSH bands.** Each text gets a :data:`BINS`-value MinHash signature by one
   permutation hashing (Li, Owen and Zhang, 2012: one hash per shingle, the minimum kept in each
   of the bins, empty bins filled by optimal densification, Shrivastava 2017), so signing costs
   one pass over the shingles. The signature is cut into :data:`BANDS` bands of
   :data:`ROWS` values; each band is hashed to a key stored in an indexed table
   (ArticleBandKey), so finding the articles that share a band is an indexed lookup, never a
   scan of every article. Two texts with Jaccard index J share a given band with probability
   J^ROWS.
3. **Check.** Every stored article that shares a band with the text is a candidate: with
   probability 1 - (1 - J^ROWS)^BANDS, which is 0.88 at J = 0.4, 0.986 at 0.5 and above
   0.9995 from 0.6. Stories on one subject share a band by chance too (40% of pairs at
   J = 0.25), so a candidate's stored signature first estimates its Jaccard index (the share
   of bins that agree, read with the candidate's key counts); only one estimated within
   :data:`ESTIMATE_MARGIN` of the threshold or above has its stored text shingled and its exact
   Jaccard index computed, and the best one at or above :data:`THRESHOLD` is the article this
   text duplicates.

The threshold was measured on tests/ingest/data/near_duplicates/ (13 syndicated pairs, 7
English and 6 Japanese; 12 pairs of different stories about the same event, follow-ups that
repeat a background paragraph or a quote among them), rendered as whole pages and extracted as
ingestion does (tests/ingest/test_near_duplicates.py prints the table):

    syndicated copies          Jaccard 0.66 .. 0.93   (containment 0.87 .. 1.00)
    different, related stories Jaccard 0.00 .. 0.19   (containment 0.00 .. 0.33)

:data:`THRESHOLD` = 0.4 sits near the middle of the gap: 0.21 above the most similar pair of
different stories, 0.26 below the least similar syndicated copy. The pages are short (80 to 230
English words, 100 to 400 Japanese characters), so a copy's own headline, byline and note weigh
more than they do on a full-length article: real copies score higher.

Changing the tokens, the shingle hash or the banding changes every key: the stored ones must then
be computed again (migration 0006's ``keys_backfill`` does it from the stored texts).
"""

from __future__ import annotations

import operator
import re
import struct
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "BANDS",
    "BINS",
    "ESTIMATE_MARGIN",
    "MIN_SHINGLES",
    "ROWS",
    "SHINGLE_TOKENS",
    "THRESHOLD",
    "Sketch",
    "estimated_jaccard",
    "jaccard",
    "shingles",
    "sketch",
]

SHINGLE_TOKENS = 5
BANDS, ROWS = 32, 3
BINS = BANDS * ROWS
#: The least Jaccard index at which two texts are one story (see the module docstring).
THRESHOLD = 0.4
#: A candidate whose signature estimates a Jaccard index this far below THRESHOLD is not
#: checked against its text. The estimates of the measured pairs were at most 0.054 off; a copy
#: at J = 0.5 is estimated below THRESHOLD - ESTIMATE_MARGIN one time in a thousand.
ESTIMATE_MARGIN = 0.05
#: Texts with fewer shingles are too short to call near-duplicates; only an exact match counts.
MIN_SHINGLES = 20

#: A token: one CJK character (kana, kanji, hangul, full-width forms read as kana), or a run of
#: letters and digits of any other script.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")
_PACKED = struct.Struct(f">{BINS}Q")
_MASK64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def shingles(text: str) -> set[int]:
    """The text's shingles, each as a 64-bit hash: the CRC-32 of its tokens, spread over 64 bits
    by a multiplication by an odd constant (Fibonacci hashing), whose high bits are well mixed."""
    tokens = _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())
    if len(tokens) < SHINGLE_TOKENS:
        return {(zlib.crc32(" ".join(tokens).encode()) * _GOLDEN) & _MASK64} if tokens else set()
    return {
        (zlib.crc32(" ".join(tokens[n : n + SHINGLE_TOKENS]).encode()) * _GOLDEN) & _MASK64
        for n in range(len(tokens) - SHINGLE_TOKENS + 1)
    }


def jaccard(first: set[int], second: set[int]) -> float:
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


@dataclass(frozen=True)
class Sketch:
    """What the index keeps of a text: its MinHash signature (packed) and its band keys."""

    signature: bytes
    keys: tuple[int, ...]


def sketch(hashes: Iterable[int]) -> Sketch | None:
    """The sketch of a shingle set, or None for an empty one."""
    signature = _signature(hashes)
    if signature is None:
        return None
    keys = []
    for band in range(BANDS):
        # The band's number and values folded by multiply-xorshift steps (a blake2b digest per
        # band cost more than the rest of the sketch), as a signed 64-bit integer.
        key = band + 1
        for value in signature[band * ROWS : (band + 1) * ROWS]:
            key = ((key ^ value) * _GOLDEN) & _MASK64
            key ^= key >> 29
        keys.append(key - (1 << 64) if key >= 1 << 63 else key)
    return Sketch(_PACKED.pack(*signature), tuple(keys))


def estimated_jaccard(first: bytes, second: bytes) -> float:
    """The Jaccard index two packed signatures estimate: the share of bins that agree (standard
    error sqrt(J(1 - J) / BINS), 0.05 at J = 0.4), 0.0 for a signature of another shape."""
    if len(first) != _PACKED.size or len(second) != _PACKED.size:
        return 0.0
    # Only equality matters, so the machine's byte order does too little to unpack for.
    agree = sum(map(operator.eq, memoryview(first).cast("Q"), memoryview(second).cast("Q")))
    return agree / BINS


def _signature(hashes: Iterable[int]) -> list[int] | None:
    """One permutation hashing: a shingle hash's high 32 bits pick its bin, and each bin keeps
    its least hash. Empty bins borrow from a bin chosen by a hash of
    (bin, attempt), which keeps the estimate unbiased (optimal densification)."""
    bins: list[int | None] = [None] * BINS
    for value in hashes:
        index = ((value >> 32) * BINS) >> 32
        current = bins[index]
        if current is None or value < current:
            bins[index] = value
    if all(value is None for value in bins):
        return None
    signature = []
    for index, least in enumerate(bins):
        attempt = 0
        while least is None:
            attempt += 1
            least = bins[_mix(index * 0x10001 + attempt) % BINS]
        signature.append(least)
    return signature


def _mix(value: int) -> int:
    """SplitMix64's finaliser: spreads a 32-bit CRC over 64 well-mixed bits."""
    value = (value + 0x9E3779B97F4A7C15) & _MASK64
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK64
    return value ^ (value >> 31)
