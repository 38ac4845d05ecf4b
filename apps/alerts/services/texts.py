"""Event texts for sending, rendered once per event and language."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import translation

from ..render import EventText, event_text, events_for_render


class EventTexts:
    """Event texts per language: one event sent to 100,000 readers is rendered twice, not
    100,000 times."""

    def __init__(self) -> None:
        self._texts: dict[tuple[int, str], EventText] = {}

    def get(self, event_ids: Sequence[int], language: str) -> list[EventText]:
        missing = [pk for pk in event_ids if (pk, language) not in self._texts]
        if missing:
            with translation.override(language):
                for event in events_for_render(missing):
                    self._texts[(event.pk, language)] = event_text(event)
        return [self._texts[(pk, language)] for pk in event_ids]
