"""A small multinomial naive Bayes classifier over character 1-3 grams, in pure Python.

Character n-grams need no tokenizer, so Japanese works as well as English. The model is a set of
counts, stored as JSON in the database (apps.ingest.models.Classifier) and rebuilt from editors'
decisions by services.classifier_retrain.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import Any

_SPACE = re.compile(r"\s+")
NGRAM_SIZES = (1, 2, 3)


def features(text: str) -> Counter[str]:
    normal = _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()
    padded = f" {normal} "
    grams: Counter[str] = Counter()
    for size in NGRAM_SIZES:
        grams.update(padded[i : i + size] for i in range(len(padded) - size + 1))
    return grams


def train(examples: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Counts per label from (text, label) pairs: the whole model, JSON-serialisable."""
    labels: dict[str, dict[str, Any]] = {}
    vocabulary: set[str] = set()
    for text, label in examples:
        entry = labels.setdefault(label, {"docs": 0, "total": 0, "counts": Counter()})
        grams = features(text)
        entry["docs"] += 1
        entry["total"] += sum(grams.values())
        entry["counts"].update(grams)
        vocabulary.update(grams)
    return {
        "kind": "multinomial-nb-char-1-3",
        "vocabulary": len(vocabulary),
        "labels": {
            label: {"docs": e["docs"], "total": e["total"], "counts": dict(e["counts"])}
            for label, e in labels.items()
        },
    }


def predict(model: dict[str, Any], text: str) -> dict[str, float]:
    """Probability of each label for ``text`` (Laplace smoothing); empty for an empty model."""
    labels: dict[str, dict[str, Any]] = model.get("labels") or {}
    if not labels:
        return {}
    documents = sum(entry["docs"] for entry in labels.values())
    vocabulary = int(model.get("vocabulary") or 1) + 1
    grams = features(text)
    scores: dict[str, float] = {}
    for label, entry in labels.items():
        counts: dict[str, int] = entry["counts"]
        denominator = math.log(entry["total"] + vocabulary)
        score = math.log(entry["docs"] / documents)
        for gram, count in grams.items():
            score += count * (math.log(counts.get(gram, 0) + 1) - denominator)
        scores[label] = score
    top = max(scores.values())
    exps = {label: math.exp(score - top) for label, score in scores.items()}
    total = sum(exps.values())
    return {label: value / total for label, value in exps.items()}
