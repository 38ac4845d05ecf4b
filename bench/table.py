from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[object]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *values: object) -> None:
        self.rows.append(list(values))

    def render(self) -> str:
        cells = [self.columns, *[[_fmt(v) for v in row] for row in self.rows]]
        widths = [max(_width(str(row[i])) for row in cells) for i in range(len(self.columns))]
        line = "+".join("-" * (w + 2) for w in widths)
        out = [self.title, line]
        for index, row in enumerate(cells):
            out.append("|".join(f" {_pad(str(v), w)} " for v, w in zip(row, widths, strict=True)))
            if index == 0:
                out.append(line)
        out.append(line)
        out.extend(self.notes)
        return "\n".join(out)

    def markdown(self) -> str:
        """The same table in Markdown, with its title as a heading and its notes below."""
        out = [f"### {self.title}", "", "| " + " | ".join(self.columns) + " |"]
        out.append("|" + "|".join("---" for _ in self.columns) + "|")
        for row in self.rows:
            out.append("| " + " | ".join(_fmt(v).replace("|", "\\|") for v in row) + " |")
        if self.notes:
            out.extend(["", *self.notes])
        return "\n".join(out)


def _width(text: str) -> int:
    """Columns a terminal gives the text: Japanese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if value >= 100 else f"{value:.3g}"
    return str(value)
