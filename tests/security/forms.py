"""Read an HTML form the way a browser submits it, so a test can post back what a page offers."""

from __future__ import annotations

from html.parser import HTMLParser

Fields = list[tuple[str, str]]

SKIPPED_INPUT_TYPES = {"submit", "button", "reset", "image", "file"}


class _FormReader(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: Fields = []
        self._select: str | None = None
        self._select_options: list[tuple[str, bool]] = []
        self._select_multiple = False
        self._option: list[str] | None = None
        self._option_value: str | None = None
        self._option_selected = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
            return
        if not self.inside or "disabled" in attributes:
            return
        name = attributes.get("name", "")
        if tag == "input" and name:
            kind = attributes.get("type", "text").lower()
            if kind in SKIPPED_INPUT_TYPES:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self.fields.append((name, attributes.get("value") or "on"))
                return
            self.fields.append((name, attributes.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._select_options = name, []
            self._select_multiple = "multiple" in attributes
        elif tag == "option" and self._select is not None:
            self._option = []
            self._option_value = attributes.get("value")
            self._option_selected = "selected" in attributes

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)
        if self._option is not None:
            self._option.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the newline that Django writes right after <textarea>.
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "option" and self._option is not None:
            self._option_end()
        elif tag == "select" and self._select is not None:
            if self._option is not None:
                self._option_end()
            chosen = [value for value, selected in self._select_options if selected]
            if not chosen and not self._select_multiple and self._select_options:
                chosen = [self._select_options[0][0]]
            self.fields.extend((self._select, value) for value in chosen)
            self._select = None

    def _option_end(self) -> None:
        label = "".join(self._option or []).strip()
        value = self._option_value if self._option_value is not None else label
        self._select_options.append((value, self._option_selected))
        self._option = None


def form_fields(html: str, form_id: str) -> Fields:
    """The (name, value) pairs a browser would post from the form with this id, unchanged."""
    reader = _FormReader(form_id)
    reader.feed(html)
    reader.close()
    return reader.fields


def as_post_data(fields: Fields) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data
