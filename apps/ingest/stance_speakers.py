"""Who says what in a sentence: the saying verb and its subject, the clause that is said, and
the statement kind and speaker label that follow (step 1 of the stance reader, apps/ingest/
stance.py): "the NYT reported that …" is a report about the lab, "Meta said it will …" the lab's
own words, "critics say …" an outside opinion, "according to people familiar …" an unnamed
report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import stance_cues as cues

Span = tuple[int, int]

_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
_NEGATED_BEFORE = re.compile(r"\bnot\b|n['\u2019]t\b|\bnever\b", re.IGNORECASE)


@dataclass(frozen=True)
class Attribution:
    category: str  # own, reported, unnamed, opinion, third
    speaker: str
    cue: str
    claim: tuple[Span, ...]


def attribution_find(
    sentence: str, lab_spans: Sequence[Span], other_spans: Sequence[Span]
) -> Attribution | None:
    japanese = _JAPANESE.search(sentence)
    found = _attribution_ja(sentence) if japanese else _attribution_en(sentence)
    if found is None:
        return None
    speaker_span, cue, claim = found
    speaker = sentence[speaker_span[0] : speaker_span[1]].strip(' ,、は「」"“”')
    category = _speaker_category(sentence, speaker, speaker_span, cue, lab_spans, other_spans)
    return Attribution(category, speaker, cue, claim)


def _attribution_en(text: str) -> tuple[Span, str, tuple[Span, ...]] | None:
    match = cues.SAY_EN.search(text)
    if match is None:
        return None
    cue = match.group(0)
    low = cue.casefold()
    if low == "according to":
        comma = text.find(",", match.end())
        if match.start() < 3 and comma > 0:  # "According to X, claim"
            return (match.end(), comma), cue, ((comma + 1, len(text)),)
        if comma > 0:  # "claim, according to X, and more claim"
            return (match.end(), comma), cue, ((0, match.start()), (comma + 1, len(text)))
        return (match.end(), len(text)), cue, ((0, match.start()),)
    if "report" in low and low not in ("reported", "reports"):  # reportedly, was reported
        return (match.start(), match.start()), cue, ((0, match.start()), (match.end(), len(text)))
    before, after = text[: match.start()], text[match.end() :]
    separator = max(before.rfind(","), before.rfind("”"), before.rfind('"'))
    trailing = (
        not after.strip(' .!?"”')
        or after.lstrip().startswith(",")
        or bool(_TRAILING_CIRCUMSTANCE.match(after))
    )
    if separator > 0 and trailing and len(before[separator:].split()) <= 8:
        # "claim, X said" / "“quote,” X said, adding that …"; not "…, citing the risk …"
        continues = cues.CONTINUES_CLAIM.search(after)
        rest = (match.end(), len(text)) if continues else (len(text), len(text))
        return (separator + 1, match.start()), cue, ((0, separator), rest)
    start = max(before.rfind(";"), before.rfind("—")) + 1
    if cues.DENIAL_EN.fullmatch(cue):  # what is denied is read with its denial
        return (start, match.start()), cue, ((match.start(), len(text)),)
    claim_start = match.end()
    that = re.match(r"[\s,:]*(?:that\b)?", text[claim_start:])
    if that:
        claim_start += that.end()
    return (start, match.start()), cue, ((claim_start, len(text)),)


#: What may follow "…, X said" and still leave the claim before it: when, where, how it was said.
_TRAILING_CIRCUMSTANCE = re.compile(
    r"\s*(?:(?:on|in|at|during|last|this|earlier|late|later|yesterday|today|to|from|after|"
    r"before|via|through|by)\b[^,;:\"\u201c\u201d]{0,60}?|(?:[A-Z]\w*day|\w+ (?:ago|earlier))"
    r"[^,;:\"\u201c\u201d]{0,40}?)\s*(?:[.,!?]|$)"
)


def _attribution_ja(text: str) -> tuple[Span, str, tuple[Span, ...]] | None:
    after_speaker = cues.SAY_JA_AFTER_SPEAKER.search(text)
    if after_speaker:
        return after_speaker.span("speaker"), after_speaker.group(0), ((0, after_speaker.start()),)
    matches = list(cues.SAY_JA.finditer(text))
    if not matches:
        return None
    first = matches[0]
    if first.group(0) in ("によると", "によれば"):
        comma = first.end() + (1 if text[first.end() : first.end() + 1] in "、\uff0c" else 0)
        return (0, first.start()), first.group(0), ((comma, len(text)),)
    match = matches[-1]
    cue = match.group(0)
    if "られ" in cue or "とされ" in cue or cue == "という":
        return (match.start(), match.start()), cue, ((0, match.start()),)
    denial = "否定" in cue
    before = text[: match.start()].rstrip()
    if denial:
        # "「…」 一部報道を否定": a report named without its content; the quote is the lab's.
        before = cues.REPORT_NOUN_JA.sub("", before)
    if before.endswith("」") and "「" in before:
        opening = before.rfind("「")
        return (0, opening), cue, ((opening + 1, len(before) - 1),)
    # A denial's claim keeps the denial: it negates what it follows ("…との報道を否定").
    claim_end = match.end() if denial else match.start()
    topic = before.find("は")
    if topic > 0:
        return (0, topic), cue, ((topic + 1, claim_end),)
    return (match.start(), match.start()), cue, ((0, claim_end),)


def _speaker_category(
    sentence: str,
    speaker: str,
    span: Span,
    cue: str,
    lab_spans: Sequence[Span],
    other_spans: Sequence[Span],
) -> str:
    if cues.UNNAMED.search(speaker):
        return "unnamed"
    if cues.CRITIC.search(speaker) or (
        not speaker and cues.CRITIC.search(cue)
    ):  # "と批判" with no subject
        return "opinion"
    if spans_overlap(span, lab_spans):
        return "own"
    if spans_overlap(span, other_spans):
        return "third"
    if speaker and (
        cues.SPOKESPERSON.search(speaker)
        or cues.OWN.search(speaker)
        or cues.EXECUTIVE.search(speaker)
    ):
        return "own"
    if not speaker or cues.NEWS.search(speaker) or cues.NEWS.search(cue):
        return "reported"
    return "third"


def spans_overlap(span: Span, spans: Sequence[Span]) -> bool:
    return any(start < span[1] and span[0] < end for start, end in spans)


def claim_masked(sentence: str, claim: Sequence[Span]) -> str:
    """The sentence with everything outside the claim blanked: offsets stay as they were, and
    a comma where a blank starts keeps the claim's parts in separate clauses."""
    keep = [False] * len(sentence)
    for start, end in claim:
        for index in range(max(0, start), min(len(sentence), end)):
            keep[index] = True
    out = []
    for index, char in enumerate(sentence):
        if keep[index]:
            out.append(char)
        else:
            out.append("," if index == 0 or keep[index - 1] else " ")
    return "".join(out)


def kind_and_label_read(
    sentence: str,
    attribution: Attribution | None,
    lab_name: str,
    lab_spans: Sequence[Span],
    person_named: bool,
) -> tuple[str, str]:
    category = attribution.category if attribution else ""
    if category == "unnamed":
        return "unnamed_report", "people familiar with the matter"
    if category == "opinion":
        critic = cues.CRITIC.search(attribution.speaker if attribution else "")
        return "analysis", critic.group(0) if critic else ""
    if category == "reported":
        return "unnamed_report", "news report"
    if person_named:
        return "executive", ""
    if category == "own" and attribution is not None:
        if cues.SPOKESPERSON.search(attribution.speaker):
            return "official", f"{lab_name} spokesperson"
        if cues.EXECUTIVE.search(attribution.speaker):
            return "executive", attribution.speaker[:200]
        return "official", lab_name
    if category == "third":
        return "analysis", ""
    if cues.SPOKESPERSON.search(sentence):
        return "official", f"{lab_name} spokesperson"
    act = cues.ACT.search(sentence)
    if (
        act
        and any(start < act.start() for start, _end in lab_spans)
        and not _NEGATED_BEFORE.search(sentence[max(0, act.start() - 12) : act.start()])
    ):
        return "action", ""
    return "analysis", ""


# Reading the claim -----------------------------------------------------------------------
