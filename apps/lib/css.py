"""CSS selectors for picking parts of a page, translated to XPath for lxml.

cssselect (what lxml uses for CSS) is not a dependency, and an editor's selector for a watched
page needs little: type, ``#id``, ``.class``, ``[attr]``, ``[attr=value]``, ``*``, the
descendant (space) and child (``>``) combinators, and groups (``a, b``). Anything else is
refused with :class:`SelectorError` when the watch is saved, never at check time.
"""

from __future__ import annotations

import re

__all__ = ["SelectorError", "css_to_xpath"]


class SelectorError(ValueError):
    """The selector uses syntax we do not support, or is not a selector."""


_IDENT = r"-?[A-Za-z_][\w-]*"
_SIMPLE = re.compile(
    rf"(?P<tag>{_IDENT}|\*)?(?P<rest>(?:#{_IDENT}|\.{_IDENT}"
    rf"|\[\s*{_IDENT}\s*(?:=\s*(?:\"[^\"]*\"|'[^']*'|{_IDENT})\s*)?\])*)$"
)
_PART = re.compile(
    rf"#(?P<id>{_IDENT})|\.(?P<cls>{_IDENT})"
    rf"|\[\s*(?P<attr>{_IDENT})\s*(?:=\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>{_IDENT}))\s*)?\]"
)


def _literal(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    return "concat(" + ', "\'", '.join(f"'{part}'" for part in value.split("'")) + ")"


def _compound(token: str) -> str:
    match = _SIMPLE.match(token)
    if not token or match is None:
        raise SelectorError(f"Unsupported selector part: {token!r}.")
    tag = (match.group("tag") or "*").lower()
    conditions = []
    for part in _PART.finditer(match.group("rest")):
        if part.group("id"):
            conditions.append(f"@id={_literal(part.group('id'))}")
        elif part.group("cls"):
            conditions.append(
                "contains(concat(' ', normalize-space(@class), ' '), "
                f"{_literal(' ' + part.group('cls') + ' ')})"
            )
        else:
            value = part.group("dq") if part.group("dq") is not None else part.group("sq")
            value = value if value is not None else part.group("bare")
            name = part.group("attr").lower()
            conditions.append(f"@{name}" if value is None else f"@{name}={_literal(value)}")
    return tag + "".join(f"[{condition}]" for condition in conditions)


def css_to_xpath(selector: str) -> str:
    """The XPath that selects what ``selector`` selects; :class:`SelectorError` if unsupported."""
    groups = [group.strip() for group in selector.split(",")]
    if not selector.strip() or any(not group for group in groups):
        raise SelectorError("The selector is empty.")
    paths = []
    for group in groups:
        tokens = re.sub(r"\s*>\s*", " > ", group).split()
        path, axis = "descendant-or-self::", ""
        for part in tokens:
            if part == ">":
                if axis or path.endswith("::"):
                    raise SelectorError(f"A misplaced '>' in {group!r}.")
                axis = "/"
                continue
            path += (axis or ("" if path.endswith("::") else "//")) + _compound(part)
            axis = ""
        if axis:
            raise SelectorError(f"The selector {group!r} ends with '>'.")
        paths.append(path)
    return " | ".join(paths)
