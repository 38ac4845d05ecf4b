"""Cross-site scripting payloads, and packing them into text fields of a given length.

Each payload, if it ever ran, would open a dialog (alert) or set ``window.__xss``; the battery
in test_xss.py watches for both. None contains a NUL (PostgreSQL refuses it in text) nor a
control character XML 1.0 cannot carry (the feeds are XML). None reaches the network: the
addresses are "x" or javascript: and data: URLs.
"""

from __future__ import annotations

PAYLOADS: list[str] = [
    # Script elements, in several cases and spellings.
    "<script>alert(1)</script>",
    "<script>window.__xss=1</script>",
    "<ScRiPt>alert(1)</sCrIpT>",
    '<script src="data:text/javascript,alert(1)"></script>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1)//<</script>",
    "<script>/*</script><img src=x onerror=alert(1)>*/",
    # Event handlers.
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="window.__xss=1">',
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<img src=`x` onerror=alert(1)>",
    "<img\tsrc=x\tonerror=alert(1)>",
    "<img\nsrc=x\nonerror=alert(1)>",
    "<img src=x onerror=alert`1`>",
    "<img src=x:alert(1) onerror=eval(src)>",
    "<svg onload=alert(1)>",
    "<svg/onload=window.__xss=1>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)></select>",
    "<textarea autofocus onfocus=alert(1)></textarea>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<x onclick=alert(1)>click</x>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<style onload=alert(1)></style>",
    # javascript: and data: URLs.
    '<a href="javascript:alert(1)">link</a>',
    '<a href="jAvAsCrIpT:alert(1)">link</a>',
    '<a href="&#106;avascript:alert(1)">link</a>',
    "javascript:alert(1)",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>parent.alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    "<button formaction=javascript:alert(1)>go</button>",
    '<svg><a xlink:href="javascript:alert(1)"><text y=20>x</text></a></svg>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    # Breaking out of an attribute, an element or a script.
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)" x="',
    "' onfocus='alert(1)' autofocus='",
    '" autofocus onfocus=alert(1) x="',
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "</style><img src=x onerror=alert(1)>",
    "</script><svg onload=alert(1)>",
    '"-alert(1)-"',
    "'-alert(1)-'",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    # Comments, CDATA and markup the parser repairs.
    "<![CDATA[<script>alert(1)</script>]]>",
    "]]><script>alert(1)</script>",
    "<!--<img src=x onerror=alert(1)>-->",
    "--><img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)"',
    "<img src=x onerror=alert(1)//",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    # Already escaped, URL-encoded, or for another template language.
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1)&#62;",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "{{ 7*7 }}",
    "{% debug %}",
    "{{constructor.constructor('alert(1)')()}}",
    "${alert(1)}",
    "#{alert(1)}",
    # htmx attributes, which our pages load a script to act on.
    '<div hx-get="/" hx-trigger="load" hx-on::load="alert(1)">x</div>',
    '<a hx-on:click="window.__xss=1" href="#">x</a>',
    # A right-to-left override ahead of markup.
    "\u202e<img src=x onerror=alert(1)>",
]

# The probe asked for at least fifty, each different.
assert len(PAYLOADS) >= 50 and len(set(PAYLOADS)) == len(PAYLOADS)

MARK = "xss"


def pack(limit: int) -> list[str]:
    """Every payload, packed into as few texts of at most ``limit`` characters as fit.

    Each text starts with MARK, so one search finds them all.
    """
    texts: list[str] = []
    current = MARK
    for payload in PAYLOADS:
        if len(current) + 1 + len(payload) > limit:
            texts.append(current)
            current = MARK
        current += " " + payload
    texts.append(current)
    assert all(len(text) <= limit for text in texts), "a payload is longer than the field"
    return texts
