"""Pages for the watch tests: real HTML with enough text for the page reader to find."""

from __future__ import annotations

PARAGRAPHS = [
    "The licence grants every person a worldwide, royalty-free right to use, copy, modify and "
    "distribute the model weights, subject to the conditions in this document.",
    "Redistribution of the weights must keep this notice and the acceptable use policy intact, "
    "and derivative models must name the original model in their documentation.",
    "Services with more than seven hundred million monthly users must request a separate licence "
    "from the developer, which the developer may grant at its sole discretion.",
    "The developer provides the model as is, without warranties of any kind, and is not liable "
    "for damages arising from its use, to the extent the law allows.",
]


def page(paragraphs: list[str] | None = None, *, wrapper: str = "div", extra: str = "") -> bytes:
    body = "".join(f"<p>{text}</p>" for text in (paragraphs or PARAGRAPHS))
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Model licence</title>"
        f"</head><body><nav>Home · Models</nav><main><article><h1>Model licence</h1>"
        f"<{wrapper} class='terms'>{body}</{wrapper}>{extra}</article></main>"
        "<footer>Contact us</footer></body></html>"
    ).encode()
