"""The site's URLconf plus the bench's floor view, at /bench-floor/<name>/ (and /ja/...), among
the public pages so that the same middleware and language handling serve it. Used by
bench.settings only; config.urls, what production serves, has no such address."""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from bench.floor import floor
from config.urls import handler500, urlpatterns

__all__ = ["handler500", "urlpatterns"]

urlpatterns = [
    *urlpatterns,
    *i18n_patterns(path("bench-floor/<slug:name>/", floor), prefix_default_language=False),
]
