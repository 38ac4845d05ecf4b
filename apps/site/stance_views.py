"""The pages that explain the stance: how it is worked out (about) and why a lab has it (why)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import select_template
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from apps.catalog.models import Company
from apps.claims import stance as engine
from apps.claims.models import StanceChange
from apps.claims.selectors import stance_bases, stance_explanation

from . import about as facts

#: How many of the heaviest items the why page lists; the rest are summed up in one line.
WHY_SHOWN = 12


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    # The page's prose is written in each language rather than translated sentence by sentence;
    # the tables in it come from the engine (apps/site/about.py).
    body = select_template(
        [f"site/about/body.{get_language()}.html", "site/about/body.en.html"]
    ).template.name
    return render(
        request,
        "site/about.html",
        {
            "body_template": body,
            "example": facts.worked_example(),
            "kind_weights": facts.kind_weights(),
            "verification_weights": facts.verification_weights(),
            "scale": facts.stance_scale(),
            "imported_act_weight": facts.imported_act_weight(),
            "half_life_days": int(engine.HALF_LIFE_DAYS),
            "denial_factor": engine.DENIAL_FACTOR,
            "datasets": facts.datasets(),
            "access_stances": facts.access_stances(),
            "editors_email": settings.EDITORS_EMAIL,
        },
    )


class StanceDateForm(forms.Form):
    """The date the why page explains; none, or one it cannot read, means today."""

    on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@require_safe
def lab_why(request: HttpRequest, slug: str) -> HttpResponse:
    company = get_object_or_404(Company, slug=slug)
    today = timezone.localdate()
    form = StanceDateForm(request.GET or None, initial={"on": today})
    on: datetime.date = (form.cleaned_data.get("on") if form.is_valid() else None) or today
    on = min(on, today)  # the record says nothing of days to come
    explained = stance_explanation(company=company, on=on, limit=WHY_SHOWN)
    context: dict[str, Any] = {
        "company": company,
        "form": form,
        "on": on,
        "is_today": on == today,
        "explained": explained,
        "explanation": explained.explanation,
        "change": StanceChange.objects.current().filter(company=company, date=on).first(),
        "basis": stance_bases(company_ids=[company.pk], today=on)[company.pk],
        "half_life_days": int(engine.HALF_LIFE_DAYS),
    }
    return render(request, "site/why.html", context)
