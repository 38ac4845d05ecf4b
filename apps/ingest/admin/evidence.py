"""A suggestion's evidence for the editor: its sentence with the names it matched marked (the
alias and what it linked to, from the article's Mention rows), and why the stance was guessed
(the reasons apps.ingest.stance stored on it), in the editor's language.

Sentences are untrusted text: everything here is escaped (format_html, or plain strings the
templates escape).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from apps.claims.models import Stance

from ..models import Mention, Suggestion


def _reason_formats() -> dict[str, str]:
    # Built per call, so each editor reads them in the language of their request.
    return {
        "open_cue": _("open cue: “%(cue)s”"),
        "closed_cue": _("closed cue: “%(cue)s”"),
        "mixed": _("names both sides: “%(cue)s”"),
        "negated": _("negated: “%(cue)s” scopes “%(target)s”"),
        "double_negation": _("double negation: “%(cue)s” over “%(target)s” cancel out"),
        "reversed": _("reversed: “%(cue)s” turns away from “%(target)s”"),
        "partial": _("partly: “%(cue)s” limits “%(target)s”"),
        "committed": _("firm: “%(cue)s”"),
        "hedged": _("hedged: “%(cue)s” softens the step"),
        "both_sides": _("open and closed cues in separate clauses: mixed"),
        "background": _("read from a background clause: “%(cue)s”"),
        "background_skipped": _("background clause not counted: “%(cue)s”"),
        "own_words": _("the lab's own words (“%(cue)s”)"),
        "reported": _("reported speech (“%(cue)s”): a report about the lab"),
        "unnamed": _("unnamed sources (“%(cue)s”)"),
        "opinion": _("an outside opinion (“%(cue)s”), not the lab's position: one step softer"),
        "third_party": _("said by someone other than the lab (“%(cue)s”)"),
        "no_cue": _("no open or closed cue found"),
        "learned": _("no cue: stance learned from editors' decisions: %(target)s (p = %(cue)s)"),
        "learned_topic": _(
            "suggested by the classifier trained on editors' decisions (p = %(cue)s)"
        ),
    }


def reason_texts(reasons: Iterable[dict[str, Any]]) -> list[str]:
    """Each stored reason as a sentence for the editor (plain text: the template escapes it)."""
    formats = _reason_formats()
    texts = []
    for reason in reasons:
        rule = str(reason.get("rule", ""))
        target = str(reason.get("target", ""))
        if rule == "learned" and target in Stance.values:
            target = str(Stance(target).label)
        values = {"cue": str(reason.get("cue", "")), "target": target}
        texts.append(formats[rule] % values if rule in formats else rule)
    return texts


@dataclass(frozen=True)
class Part:
    text: str
    mention: Mention | None = None


def mentions_in(suggestion: Suggestion, mentions: Iterable[Mention] | None = None) -> list[Mention]:
    """The article's mentions inside the suggestion's sentence, in order."""
    start = suggestion.start
    end = start + len(suggestion.sentence)
    if mentions is None:
        mentions = Mention.objects.filter(
            article_id=suggestion.article_id, start__gte=start, end__lte=end
        ).select_related("alias", "company", "ai_model")
    found = [m for m in mentions if start <= m.start and m.end <= end]
    text = suggestion.article.text
    # A sentence found elsewhere than its stored start (excerpt()) has no reliable spans.
    if text[start:end] != suggestion.sentence:
        return []
    return sorted(found, key=lambda m: m.start)


def sentence_parts(suggestion: Suggestion, mentions: list[Mention]) -> list[Part]:
    """The sentence cut into plain text and matched names."""
    parts: list[Part] = []
    cursor = 0
    for mention in mentions:
        start, end = mention.start - suggestion.start, mention.end - suggestion.start
        if start < cursor:
            continue
        if start > cursor:
            parts.append(Part(suggestion.sentence[cursor:start]))
        parts.append(Part(suggestion.sentence[start:end], mention))
        cursor = end
    if cursor < len(suggestion.sentence):
        parts.append(Part(suggestion.sentence[cursor:]))
    return parts


def linked_to(mention: Mention) -> str:
    """What a mention links to, for the editor: "lab Meta" or "model Llama 4 Behemoth"."""
    if mention.ai_model_id is not None:
        return _("model %(name)s") % {"name": mention.ai_model}
    return _("lab %(name)s") % {"name": mention.company}


def mention_title(mention: Mention) -> str:
    alias = mention.alias.name if mention.alias is not None else mention.matched_text
    return _("alias “%(alias)s” → %(linked)s") % {"alias": alias, "linked": linked_to(mention)}


def sentence_marked(suggestion: Suggestion, mentions: list[Mention], limit: int = 0) -> SafeString:
    """The sentence as escaped HTML with each matched name in a <mark> titled with its alias;
    ``limit`` shortens it (in characters) for the review queue."""
    html = []
    used = 0
    for part in sentence_parts(suggestion, mentions):
        text = part.text
        if limit and used + len(text) > limit:
            text = text[: max(0, limit - used)] + "…"
        used += len(part.text)
        if part.mention is None:
            html.append(format_html("{}", text))
        else:
            html.append(
                format_html(
                    '<mark class="mention" title="{}">{}</mark>', mention_title(part.mention), text
                )
            )
        if limit and used >= limit:
            break
    return format_html_join("", "{}", ((piece,) for piece in html))
