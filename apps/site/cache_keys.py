"""What the keys of the public pages' caches share: a digest of the code that drew the value.

A cached value (lab_charts, cards) is keyed by the rows it was drawn from; the code and the
translations that drew it count too, so that after a deploy, or new translations compiled, no
page shows a value drawn the old way.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from django.conf import settings
from django.template.loader import get_template


@cache
def code_digest(modules: Sequence[str], templates: Sequence[str] = ()) -> str:
    """A digest of the modules' and templates' source and of the compiled translations.
    Computed once per process (and per list): the code does not change under it."""
    digest = hashlib.sha256()
    for module in modules:
        __import__(module)
        digest.update(Path(sys.modules[module].__file__ or "").read_bytes())
    for name in templates:
        digest.update(get_template(name).template.source.encode())  # type: ignore[attr-defined]
    for directory in settings.LOCALE_PATHS:
        for compiled in sorted(Path(directory).glob("*/LC_MESSAGES/*.mo")):
            digest.update(compiled.read_bytes())
    return digest.hexdigest()[:16]
