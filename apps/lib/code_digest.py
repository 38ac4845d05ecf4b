"""A digest of the code that drew a cached value, for the caches' keys.

A cached value (the lab page's charts and sections, a statement card, the API's record of what
an answer was built from) is keyed by the rows it was drawn from; the code and the translations
that drew it count too, so that after a deploy, or new translations compiled, nothing is served
that was drawn the old way.
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
def code_digest(
    modules: Sequence[str], templates: Sequence[str] = (), packages: Sequence[str] = ()
) -> str:
    """A digest of the modules' and templates' source, of every module of the packages, and of
    the compiled translations. Computed once per process (and per list): the code does not
    change under it."""
    digest = hashlib.sha256()
    files = []
    for module in modules:
        __import__(module)
        files.append(Path(sys.modules[module].__file__ or ""))
    for package in packages:
        __import__(package)
        files.extend(sorted(Path(sys.modules[package].__file__ or "").parent.rglob("*.py")))
    for path in files:
        digest.update(path.read_bytes())
    for name in templates:
        digest.update(get_template(name).template.source.encode())  # type: ignore[attr-defined]
    for directory in settings.LOCALE_PATHS:
        for compiled in sorted(Path(directory).glob("*/LC_MESSAGES/*.mo")):
            digest.update(compiled.read_bytes())
    return digest.hexdigest()[:16]
