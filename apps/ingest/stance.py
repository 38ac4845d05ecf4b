"""The stance reader: which way a sentence says a lab is going, who says it, and why we think so.

A pure function of the sentence (and where the lab is named in it), so each rule can be read and
tested on its own (tests/ingest/test_stance_reader.py). Steps:

1. Attribution. Find the saying verb and its subject: "the NYT reported that …" is a report
   about the lab, "Meta said it will …" or a Meta spokesperson's quote are the lab's own words,
   "critics say …" is an outside opinion, "according to people familiar …" an unnamed report.
   The claim is the clause that is said (the complement or the quote), and it is what is read.
2. Clauses. The claim is cut at clause boundaries ("but", ";", "、", "一方"); a clause that only
   describes ("which has kept …", "unlike …") is background, read only if nothing else speaks;
   where several labs are named, a lab is read from its own clauses.
3. Events and operators (apps.ingest.stance_cues): each open or closed cue is flipped once per
   negation or reversal that scopes it ("will not stop releasing" is two flips, so open),
   made partial by a limiter ("not truly open"), and firm by a commitment ("will", 予定) or
   a flat denial ("does not release", 公開しない; "has yet to" is not one).
4. The step. The clauses' open and closed weights give the side and the step; a hedge or a
   condition ("may", "if", 検討, 可能性) or an outside opinion softens closed to leaning closed
   and open to leaning open, never the other side.

Every rule that fired is returned as a Reason, stored on the suggestion and shown to the
editor ("negated: 'will not' scopes 'release'"). The classifier trained on editors' decisions
(apps.ingest.classifier) decides only where the reader found no cue (services/suggestions.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import stance_cues as cues
from .stance_speakers import (
    Attribution,
    Span,
    attribution_find,
    claim_masked,
    kind_and_label_read,
    spans_overlap,
)

_STEPS = {2: "open", 1: "leaning_open", 0: "mixed", -1: "leaning_closed", -2: "closed"}
_SOFTER = {"open": "leaning_open", "closed": "leaning_closed"}
MAX_REASONS = 10


@dataclass(frozen=True)
class Reason:
    """One rule that fired: ``rule`` is a code the admin explains, ``cue`` the words."""

    rule: str
    cue: str = ""
    target: str = ""

    def as_json(self) -> dict[str, str]:
        return {"rule": self.rule, "cue": self.cue, "target": self.target}


@dataclass(frozen=True)
class StanceReading:
    stance: str
    confidence: float
    reasons: tuple[Reason, ...]
    kind: str
    speaker_label: str
    #: False when no open or closed cue was found: the stance is only a default.
    cued: bool


@dataclass
class _Event:
    start: int
    end: int
    text: str
    polarity: int
    strength: int
    flips: list[str]
    partial: str = ""
    needs_object: bool = False


def stance_read(
    sentence: str,
    *,
    lab_name: str = "",
    lab_spans: Sequence[Span] = (),
    other_spans: Sequence[Span] = (),
    model_spans: Sequence[Span] = (),
    person_named: bool = False,
) -> StanceReading:
    """Read one sentence for one lab; spans are where the lab (or another lab) is named, and
    where the linker found a model (an openness object for a word with other senses)."""
    attribution = attribution_find(sentence, lab_spans, other_spans)
    claim = claim_masked(sentence, attribution.claim) if attribution else sentence
    reasons: list[Reason] = []
    value, cued, events_found = _claim_read(claim, lab_spans, other_spans, model_spans, reasons)
    if not cued and attribution is not None:  # nothing in the claim: read the whole sentence
        value, cued, events_found = _claim_read(
            sentence, lab_spans, other_spans, model_spans, reasons
        )
    stance = "mixed" if value is None else _STEPS[max(-2, min(2, value))]
    hedge = cues.HEDGE.search(claim)
    if hedge and stance in _SOFTER:
        stance = _SOFTER[stance]
        reasons.append(Reason("hedged", hedge.group(0)))
    elif hedge and cued:
        reasons.append(Reason("hedged", hedge.group(0)))
    if attribution is not None:
        reasons.append(Reason(_ATTRIBUTION_RULES[attribution.category], attribution.cue))
        if attribution.category == "opinion" and stance in _SOFTER:
            stance = _SOFTER[stance]
    if not cued:
        reasons.append(Reason("no_cue"))
    kind, label = kind_and_label_read(sentence, attribution, lab_name, lab_spans, person_named)
    earlier = bool(cues.PAST_PERFECT.search(sentence))
    confidence = _confidence(events_found, attribution, earlier) if cued else 0.3
    return StanceReading(
        stance=stance,
        confidence=confidence,
        reasons=tuple(reasons[:MAX_REASONS]),
        kind=kind,
        speaker_label=label,
        cued=cued,
    )


def _confidence(clauses: int, attribution: Attribution | None, earlier: bool) -> float:
    """More clauses that speak of openness, more confidence. A statement attributed to the lab
    or reported about it ranks above the article's own narration, and an outside opinion of the
    lab below it (it is not the lab's position); a saying in the past perfect ("had said",
    述べていた) is background to the news, not the news."""
    confidence = 0.3 + 0.15 * min(2, clauses)
    category = attribution.category if attribution else ""
    if earlier or category in ("opinion", "third"):
        confidence -= 0.1
    elif category in ("own", "reported", "unnamed"):
        confidence += 0.1
    return round(confidence, 2)


_ATTRIBUTION_RULES = {
    "own": "own_words",
    "reported": "reported",
    "unnamed": "unnamed",
    "opinion": "opinion",
    "third": "third_party",
}


# Attribution -----------------------------------------------------------------------------


def _segments(text: str) -> list[Span]:
    found: list[Span] = []
    start = 0
    for match in cues.BOUNDARY.finditer(text):
        if text[start : match.start()].strip():
            found.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        found.append((start, len(text)))
    return found


def _events(text: str) -> list[_Event]:
    taken: list[Span] = []
    found: list[_Event] = []
    for cue in cues.EVENTS:
        for match in cue.pattern.finditer(text):
            span = (match.start(), match.end())
            if spans_overlap(span, taken):
                continue
            taken.append(span)
            if match.groupdict().get("word"):  # "is not fully open": the event is "open"
                span = match.span("word")
            found.append(
                _Event(
                    *span,
                    text[span[0] : span[1]],
                    cue.polarity,
                    cue.strength,
                    [],
                    needs_object=cue.needs_object,
                )
            )
    return sorted(found, key=lambda event: event.start)


def _events_about_openness(
    text: str, segments: list[Span], model_spans: Sequence[Span]
) -> list[_Event]:
    """The events that speak of openness: a word with other senses counts only where its clause
    names a model, weights, code, data, a licence or access; and a weak act said in passing
    (a "which … released" clause, a Japanese attributive "公開した<noun>") not at all."""
    kept = []
    for event in _events(text):
        if not event.needs_object:
            kept.append(event)
            continue
        segment = next((s for s in segments if s[0] <= event.start < s[1]), None)
        if segment is None:
            continue
        clause = text[segment[0] : segment[1]]
        named = cues.OBJECT.search(clause) or spans_overlap(segment, model_spans)
        in_passing = event.strength == 1 and (
            cues.BACKGROUND.search(clause) or cues.ATTRIBUTIVE.match(text[event.end :])
        )
        if named and not in_passing:
            kept.append(event)
    return kept


def _operators(text: str) -> list[tuple[cues.OperatorCue, re.Match[str]]]:
    taken: list[Span] = []
    found = []
    for cue in cues.OPERATORS:
        for match in cue.pattern.finditer(text):
            span = (match.start(), match.end())
            if spans_overlap(span, taken):
                continue
            taken.append(span)
            found.append((cue, match))
    return found


def _claim_read(
    text: str,
    lab_spans: Sequence[Span],
    other_spans: Sequence[Span],
    model_spans: Sequence[Span],
    reasons: list[Reason],
) -> tuple[int | None, bool, int]:
    """The claim's value (-2..2, None for both sides at once), whether a cue was found, and
    how many clauses with a cue were read. Reasons are appended."""
    segments = _segments(text)
    events = _events_about_openness(text, segments, model_spans)
    if not events:
        return None, False, 0
    for cue, match in _operators(text):
        segment = next((s for s in segments if s[0] <= match.start() < s[1]), None)
        if segment is None:
            continue
        for event in events:
            if not _in_scope(cue, match, segment, event, text):
                continue
            if cue.role == "partial":
                event.partial = match.group(0)
            else:
                event.flips.append(match.group(0))
    firm = cues.COMMITMENT.search(text)
    chosen = _segments_for_lab(segments, lab_spans, other_spans)
    main = [s for s in chosen if not cues.BACKGROUND.search(text[s[0] : s[1]])]
    background = [s for s in chosen if s not in main]
    read = _segments_with_events(main, events) or _segments_with_events(background, events)
    if not read:
        return None, False, 0
    if read[0] in background:
        reasons.append(Reason("background", text[read[0][0] : read[0][1]].strip()[:80]))
    elif background and _segments_with_events(background, events):
        reasons.append(
            Reason("background_skipped", text[background[0][0] : background[0][1]].strip()[:80])
        )
    open_weight = closed_weight = 0
    count = 0
    mixed_cue = ""
    for segment in read:
        side_open = side_closed = 0
        count += 1  # clauses read, not cues: "released … under Apache" is one act
        for event in (e for e in events if segment[0] <= e.start < segment[1]):
            # A flat denial ("does not release", "has not abandoned", "公開しない") is firm,
            # unless it is only "not yet".
            denied = any(_is_negation(flip) for flip in event.flips)
            flat = denied and not cues.NOT_YET.search(text, segment[0], segment[1])
            strength = 2 if firm or flat else event.strength
            polarity = event.polarity * (-1) ** len(event.flips)
            reasons.append(_event_reason(event, polarity))
            if event.polarity == 0:
                mixed_cue = event.text
                side_open, side_closed = side_open + 2, side_closed + 2
            elif event.partial:
                side_open, side_closed = side_open + 1, side_closed + 1
            elif polarity > 0:
                side_open += strength
            else:
                side_closed += strength
        open_weight += min(2, side_open)
        closed_weight += min(2, side_closed)
    if firm:
        reasons.append(Reason("committed", firm.group(0)))
    if mixed_cue or (open_weight and closed_weight and abs(open_weight - closed_weight) <= 1):
        if not mixed_cue:
            reasons.append(Reason("both_sides"))
        return 0, True, count
    return open_weight - closed_weight, True, count


def _in_scope(
    cue: cues.OperatorCue, match: re.Match[str], segment: Span, event: _Event, text: str
) -> bool:
    if not segment[0] <= event.start < segment[1]:
        return False
    if cue.forward:
        end = segment[1]
        if cue.until is not None:
            stop = cue.until.search(text, match.end(), segment[1])
            end = stop.start() if stop else end
        return match.end() <= event.start < end
    if event.start < segment[0] or event.end > match.end():
        return False
    if cue.role == "partial":
        return True
    if event.end > match.start():
        return False
    # A Japanese move's target ("クローズドへ移行") is not what the move leaves behind.
    return not (cue.role == "reversal" and cues.TARGET.match(text[event.end : match.start()]))


def _segments_for_lab(
    segments: list[Span], lab_spans: Sequence[Span], other_spans: Sequence[Span]
) -> list[Span]:
    """The lab's own clauses where several labs are named; a clause naming none belongs to the
    lab named before it."""
    if not lab_spans or not other_spans:
        return segments
    owners: list[set[str]] = []
    current: set[str] = set()
    for segment in segments:
        named = set()
        if spans_overlap(segment, lab_spans):
            named.add("lab")
        if spans_overlap(segment, other_spans):
            named.add("other")
        current = named or current
        owners.append(current)
    mine = [s for s, owner in zip(segments, owners, strict=True) if "lab" in owner or not owner]
    return mine or segments


def _segments_with_events(segments: list[Span], events: list[_Event]) -> list[Span]:
    return [s for s in segments if any(s[0] <= e.start < s[1] for e in events)]


def _event_reason(event: _Event, polarity: int) -> Reason:
    if event.polarity == 0:
        return Reason("mixed", event.text)
    if event.partial:
        return Reason("partial", event.partial, event.text)
    if len(event.flips) >= 2:
        return Reason("double_negation", " … ".join(event.flips), event.text)
    if event.flips:
        flip = event.flips[0]
        rule = "negated" if _is_negation(flip) else "reversed"
        return Reason(rule, flip, event.text)
    return Reason("open_cue" if polarity > 0 else "closed_cue", event.text)


def _is_negation(words: str) -> bool:
    return any(cue.role == "negation" and cue.pattern.fullmatch(words) for cue in cues.OPERATORS)
