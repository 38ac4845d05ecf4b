"""The reader's side: subscribe, confirm, manage, unsubscribe.

Links in mail are followed by scanners and previewers, so every GET only shows a page with a
button; only a POST changes anything. The subscribe form answers the same thing for every
address, so it cannot be used to learn who subscribes.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from apps.catalog.models import AIModel, Company
from apps.lib.client_ip import client_ip

from . import services
from .conf import alerts_conf
from .forms import SubscribeForm, SubscriptionForm
from .models import Language, Subscription
from .tokens import (
    subscriber_token_make,
    subscriber_token_read,
    subscription_request_token_read,
)

#: The manage page's query parameter naming the subscription a confirm link has just made.
CONFIRMED_PARAMETER = "confirmed"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _ip_allowed(request: HttpRequest) -> bool:
    """At most ALERTS_SUBSCRIBE_PER_IP_PER_HOUR subscribe posts per address per hour."""
    key = f"alerts:subscribe:{client_ip(request)}:{int(time.time() // 3600)}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= alerts_conf().subscribe_per_ip_per_hour


def _scope(form: SubscribeForm) -> tuple[Company | None, AIModel | None]:
    model_slug = form.cleaned_data.get("model") if form.is_bound and form.is_valid() else None
    lab_slug = form.cleaned_data.get("lab") if form.is_bound and form.is_valid() else None
    ai_model = AIModel.objects.filter(slug=model_slug).first() if model_slug else None
    company = (
        None if ai_model else (Company.objects.filter(slug=lab_slug).first() if lab_slug else None)
    )
    return company, ai_model


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
def subscribe(request: HtmxHttpRequest) -> HttpResponse:
    """GET: the form on its own page (?lab=<slug> or ?model=<slug>). POST: the request.

    With htmx the answer is the form fragment, swapped in place; without, the whole page.
    """
    template = (
        "alerts/_subscribe_form.html#subscribe_form" if request.htmx else "alerts/subscribe.html"
    )
    status = 200
    done = False
    rate_limited = False
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if not _ip_allowed(request):
            rate_limited = True
            # htmx 2 swaps no 4xx answer, so it gets a 200 carrying the message in its fragment.
            status = 200 if request.htmx else 429
        elif form.is_valid():
            company, ai_model = _scope(form)
            services.subscription_request(
                email=form.cleaned_data["email"],
                company=company,
                ai_model=ai_model,
                kinds=form.cleaned_data["kinds"],
                frequency=form.cleaned_data["frequency"],
                language=form.cleaned_data["language"],
            )
            done = True
        else:
            status = 400 if not request.htmx else 200
    else:
        language = Language.JA if translation.get_language() == "ja" else Language.EN
        form = SubscribeForm(
            initial={
                "lab": request.GET.get("lab", ""),
                "model": request.GET.get("model", ""),
                "language": language,
            }
        )
    company = Company.objects.filter(
        slug=request.GET.get("lab") or form.data.get("lab") or "-"
    ).first()
    ai_model = AIModel.objects.filter(
        slug=request.GET.get("model") or form.data.get("model") or "-"
    ).first()
    return render(
        request,
        template,
        {
            # Named for the partial alone: a page that includes it may have its own `form`.
            "subscribe_form": form,
            "subscribe_done": done,
            "subscribe_rate_limited": rate_limited,
            "company": company,
            "ai_model": ai_model,
        },
        status=status,
    )


@never_cache  # the page names the address; no cache between it and the reader keeps a copy
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    subscription_request = subscription_request_token_read(token)
    if subscription_request is None:
        return render(request, "alerts/link_invalid.html", status=400)
    try:
        services.subscription_request_check(request=subscription_request)
        if request.method == "POST":
            subscription = services.subscription_confirm(request=subscription_request)
            # Lands on the reader's own page, which says what was just confirmed.
            manage_url = reverse(
                "alerts:manage", kwargs={"token": subscriber_token_make(subscription.subscriber)}
            )
            return redirect(f"{manage_url}?{urlencode({CONFIRMED_PARAMETER: subscription.pk})}")
    except services.SubscriptionRequestUsed:
        return render(request, "alerts/link_invalid.html", {"used": True}, status=400)
    except services.SubscriptionRequestExpired:
        return render(request, "alerts/link_invalid.html", status=400)
    except services.SubscriptionScopeGone:
        return render(request, "alerts/link_invalid.html", {"scope_gone": True}, status=400)
    return render(
        request,
        "alerts/confirm.html",
        {
            "email": subscription_request.subscriber.email,
            "scope": subscription_request.ai_model or subscription_request.company,
            "token": token,
        },
    )


@never_cache
@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no CSRF token;
# the opaque signed token in the URL is the authority, so CSRF adds nothing here.
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = subscriber_token_read(token)
    if subscriber is None:
        return render(request, "alerts/link_invalid.html", status=400)
    if request.method == "POST":
        services.subscriber_unsubscribe(subscriber=subscriber)
        # The second button: forget the address as well (the delivery counts stay, anonymous).
        forgotten = request.POST.get("forget") == "1"
        if forgotten:
            services.subscriber_delete(subscriber=subscriber)
        return render(
            request,
            "alerts/unsubscribed.html",
            {"subscriber": subscriber, "forgotten": forgotten},
        )
    return render(request, "alerts/unsubscribe.html", {"subscriber": subscriber, "token": token})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = subscriber_token_read(token)
    if subscriber is None:
        return render(request, "alerts/link_invalid.html", status=400)
    if request.method == "POST":
        if "language" in request.POST:
            services.subscriber_language_set(
                subscriber=subscriber, language=request.POST["language"]
            )
        subscription_id = request.POST.get("subscription")
        # isascii(): "²".isdigit() is true, and int("²") raises.
        if subscription_id and subscription_id.isascii() and subscription_id.isdigit():
            subscription = get_object_or_404(
                Subscription, pk=int(subscription_id), subscriber=subscriber
            )
            form = SubscriptionForm(request.POST)
            if form.is_valid():
                services.subscription_update(
                    subscription=subscription,
                    kinds=form.cleaned_data["kinds"],
                    frequency=form.cleaned_data["frequency"],
                )
        return redirect("alerts:manage", token=token)
    subscriber.refresh_from_db()
    confirmed = None
    confirmed_id = request.GET.get(CONFIRMED_PARAMETER, "")
    if subscriber.confirmed_at is not None and confirmed_id.isascii() and confirmed_id.isdigit():
        confirmed = (
            subscriber.subscriptions.select_related("company", "ai_model")
            .filter(pk=int(confirmed_id))
            .first()
        )
    subscriptions = [
        (
            subscription,
            SubscriptionForm(
                initial={
                    "kinds": [
                        name for name in services.KIND_FLAG.values() if getattr(subscription, name)
                    ],
                    "frequency": subscription.frequency,
                }
            ),
        )
        for subscription in subscriber.subscriptions.select_related("company", "ai_model")
    ]
    return render(
        request,
        "alerts/manage.html",
        {
            "subscriber": subscriber,
            "subscriptions": subscriptions,
            "confirmed": confirmed,
            "token": token,
            "mail_languages": Language.choices,
        },
    )
