"""The floor of the page benchmarks: a static template of a page's size, rendered by a view.

``floor_write(directory, name, body)`` saves a page's body as a template that renders to the
same bytes (wrapped in verbatim, so it holds no variable, tag or query); the view at
/bench-floor/<name>/ (bench/urls.py) renders it through Django's template engine, with the
request's context processors, and answers it as a page does: what a page costs beyond it is its
queries and the presenting of its rows. Compiled templates are kept per process, as the site's
cached loader keeps its own.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template import engines
from django.views.decorators.http import require_safe

__all__ = ["floor", "floor_write"]


def floor_write(directory: Path, name: str, body: bytes) -> None:
    text = body.decode("utf-8").replace("{% endverbatim floor %}", "")
    (directory / f"{name}.html").write_text(
        "{% verbatim floor %}" + text + "{% endverbatim floor %}", encoding="utf-8"
    )


@cache
def _template(directory: str, name: str) -> Any:  # the backend's Template: render(dict, request)
    path = Path(directory) / f"{name}.html"
    if not directory or not path.is_file():
        raise Http404(name)
    backend = engines["django"]
    return backend.from_string(path.read_text(encoding="utf-8"))


@require_safe
def floor(request: HttpRequest, name: str) -> HttpResponse:
    template = _template(getattr(settings, "BENCH_FLOOR_DIR", ""), name)
    return HttpResponse(template.render({}, request))
