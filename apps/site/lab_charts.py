"""The lab page's stance charts, computed from the lab's whole record and cached by its version.

The combined stance, the says and does series, the chart's marks and the basis are computed
from every statement and act of the lab: at 100,000 statements that is a second of queries and
Python (bench/README.md), and it only changes when the record does. So the result is cached
under a key made of what it depends on, and needs no invalidation:

- the lab's StanceVersion token, which every recompute of its stance history (every publish,
  retraction, edit of a published statement, weighing link, pin and imported act) replaces in
  the same transaction;
- the day (the axis ends today, the basis counts what is recent as of today);
- the language (the marks' titles and addresses are translated and prefixed);
- a digest of the code that computes it, so that a deploy never reads an older shape.

A request after a change (a cold one) computes it all again; bench_lab_pages measures both.
"""

from __future__ import annotations

import datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache as default_cache
from django.core.exceptions import ObjectDoesNotExist
from django.utils import translation

from apps.catalog.models import Company
from apps.claims.selectors import recorded_acts, says_and_does, stance_bases
from apps.claims.services import stance_inputs
from apps.lib.code_digest import code_digest

from . import charts, selectors

#: Long enough to matter, short enough that a day's keys do not pile up (the day is in the key).
TIMEOUT_SECONDS = 24 * 60 * 60
#: The modules whose code shapes what is cached.
CODE = (
    "apps.site.lab_charts",
    "apps.site.charts",
    "apps.site.selectors",
    "apps.claims.selectors",
    "apps.claims.recompute",
    "apps.claims.stance",
    "apps.claims.stance.formula",
    "apps.claims.stance.sweep",
    "apps.claims.stance.says_does",
)
#: What else draws the sections' HTML: the template tags and the date and language helpers.
SECTION_MODULES = (
    "apps.site.templatetags.aperture",
    "apps.lib.dates",
    "apps.lib.bilingual",
)


def lab_version(company: Company) -> str:
    """The lab's StanceVersion token; "" for a lab created since and never recomputed."""
    try:
        return company.stance_version.token
    except ObjectDoesNotExist:
        return ""


def chart_key(company: Company, today: datetime.date) -> str:
    language = translation.get_language() or ""
    version = lab_version(company)
    return f"lab-charts:{company.pk}:{version}:{today.isoformat()}:{language}:{code_digest(CODE)}"


def section_key(company: Company, today: datetime.date) -> str:
    """The key of the lab page's sections drawn from these charts alone (site/lab.html caches
    their HTML with ``{% cache %}``): the charts' key and the templates that draw them."""
    return f"{chart_key(company, today)}:{code_digest(SECTION_MODULES, section_templates())}"


@cache
def section_templates() -> tuple[str, ...]:
    """Every template of the site's pages: any of them may be included by the sections."""
    folder = Path(str(settings.BASE_DIR)) / "templates" / "site"
    return tuple(sorted(f"site/{path.name}" for path in folder.glob("*.html")))


def lab_charts(*, company: Company, today: datetime.date) -> dict[str, Any]:
    """The lab page's context for its stance sections: from the cache, or computed and kept;
    with ``charts_key`` and ``charts_timeout`` for the template's ``{% cache %}`` of their HTML
    (a timeout of 0 keeps nothing)."""
    if not lab_version(company):
        # Never recomputed (no statement published since the token existed): nothing to key
        # it by, and little to compute.
        computed = lab_charts_compute(company=company, today=today)
        return {**computed, "charts_key": "", "charts_timeout": 0}
    cacheable = {"charts_key": section_key(company, today), "charts_timeout": TIMEOUT_SECONDS}
    key = chart_key(company, today)
    found = default_cache.get(key)
    if found is not None:
        return {**found, **cacheable}
    computed = lab_charts_compute(company=company, today=today)
    default_cache.set(key, computed, TIMEOUT_SECONDS)
    return {**computed, **cacheable}


def lab_charts_compute(*, company: Company, today: datetime.date) -> dict[str, Any]:
    """What the stance section shows, from the record (every statement and act of the lab)."""
    changes = [c for row in selectors.labs_with_changes([company.slug]) for c in row.changes]
    inputs = stance_inputs(company=company)
    series = says_and_does(company=company, inputs=inputs)
    # Every act and statement is a date of the combined stance, so its axis fits both series.
    start, end = charts.axis_for(changes, today)
    acts = recorded_acts(company=company)
    marks = charts.item_marks(
        inputs[0],
        {-act.pk: act for act in acts},
        start=start,
        end=end,
        timeline_url=company.get_absolute_url(),
    )
    return {
        "changes": changes,
        "change_rows": selectors.change_rows(changes),
        "basis": stance_bases(company_ids=[company.pk], today=today)[company.pk],
        "band": charts.stance_band(changes, start=start, end=end, marks=marks),
        "series": series,
        "says_band": charts.stance_band(series.says, start=start, end=end),
        "does_band": charts.stance_band(series.does, start=start, end=end),
        "flags": charts.divergence_flags(series.divergences, start=start, end=end),
        "acts": acts,
    }
