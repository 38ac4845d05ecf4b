"""The admin page where a staff member turns two-factor login on or off (Admin -> Two-factor login).

One page shows where the user stands; each button posts to its own view. Setting up shows the
app's secret as a QR code (inline SVG drawn by segno: no script, no inline style, so the CSP
holds) and as text, and a code from the app confirms it. Backup codes are shown once, in the
answer to the POST that made them, and never again.
"""

from __future__ import annotations

import segno
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import queue, reviews, services
from .forms import CodeForm
from .models import MailLanguage, ReviewMail


def _qr_svg(url: str) -> str:
    # segno draws the modules as paths with presentation attributes (fill, stroke), never a
    # style attribute or a script, and no text of ours reaches the markup.
    svg = segno.make(url, error="m").svg_inline(scale=4, svgclass="two-factor-qr-code")
    return mark_safe(svg)  # noqa: S308


def _page(
    request: HttpRequest,
    *,
    form: CodeForm | None = None,
    backup_codes: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    assert user.is_authenticated  # admin_view lets only staff in
    pending = services.totp_device_pending(user)
    context = {
        **admin.site.each_context(request),
        "title": _("Two-factor login"),
        "device": services.totp_device_confirmed(user),
        "pending": pending,
        "qr_svg": _qr_svg(pending.config_url) if pending else "",
        "secret": services.totp_secret_text(pending) if pending else "",
        "backup_codes": backup_codes,
        "backup_codes_left": services.backup_codes_left(user),
        "form": form or CodeForm(),
    }
    return render(request, "accounts/two_factor.html", context, status=status)


@require_safe
def two_factor(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
def two_factor_start(request: HttpRequest) -> HttpResponse:
    assert request.user.is_authenticated
    try:
        services.totp_device_start(user=request.user)
    except services.SecondFactorError as error:
        messages.error(request, error.message)
    return redirect("accounts:two_factor")


def _with_code(request: HttpRequest) -> tuple[CodeForm, str | None]:
    form = CodeForm(request.POST)
    return form, (form.cleaned_data["code"] if form.is_valid() else None)


@require_POST
def two_factor_confirm(request: HttpRequest) -> HttpResponse:
    assert request.user.is_authenticated
    form, code = _with_code(request)
    if code is not None:
        try:
            codes = services.totp_device_confirm(user=request.user, token=code)
        except services.SecondFactorError as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, _("Two-factor login is on."))
            return _page(request, backup_codes=codes)
    return _page(request, form=form, status=400)


@require_POST
def two_factor_backup_codes(request: HttpRequest) -> HttpResponse:
    assert request.user.is_authenticated
    form, code = _with_code(request)
    if code is not None:
        try:
            codes = services.backup_codes_renew(user=request.user, token=code)
        except services.SecondFactorError as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, _("New backup codes made; the old ones no longer work."))
            return _page(request, backup_codes=codes)
    return _page(request, form=form, status=400)


@require_POST
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    assert request.user.is_authenticated
    form, code = _with_code(request)
    if code is not None:
        try:
            services.second_factor_remove(user=request.user, token=code)
        except services.SecondFactorError as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, _("Two-factor login is off."))
            return redirect("accounts:two_factor")
    return _page(request, form=form, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
def review_mail(request: HttpRequest) -> HttpResponse:
    """A reviewer turns the mail about statements waiting for review on or off (Admin -> Review
    mail); apps/accounts/reviews.py sends it."""
    user = request.user
    assert user.is_authenticated  # admin_view lets only staff in
    if not reviews.is_reviewer(user):
        raise PermissionDenied
    if request.method == "POST":
        language = request.POST.get("language", "")
        if language not in MailLanguage.values:
            language = MailLanguage.JA if get_language() == "ja" else MailLanguage.EN
        wanted = request.POST.get("wanted") == "on"
        reviews.review_mail_set(user=user, wanted=wanted, language=language)
        if wanted:
            messages.success(request, _("You will be mailed while statements wait for review."))
        else:
            messages.success(request, _("You will no longer be mailed about the review queue."))
        return redirect("accounts:review_mail")
    current = ReviewMail.objects.filter(user=user).first()
    context = {
        **admin.site.each_context(request),
        "title": _("Review mail"),
        "review_mail": current,
        "language": current.language if current else ("ja" if get_language() == "ja" else "en"),
        "languages": MailLanguage.choices,
        "interval_hours": reviews.review_conf().mail_interval_hours,
        "has_email": bool(user.email),
    }
    return render(request, "accounts/review_mail.html", context)


#: Rows on one page of the review queue.
QUEUE_PAGE_SIZE = 50


@require_safe
def review_queue(request: HttpRequest) -> HttpResponse:
    """The editors' one review queue (apps/accounts/queue.py): article suggestions and page
    changes waiting for a decision, newest first, optionally one kind only (``?kind=``)."""
    user = request.user
    assert user.is_authenticated  # admin_view lets only staff in
    kinds = queue.queue_kinds(user)
    if not kinds:
        raise PermissionDenied
    chosen = request.GET.get("kind", "")
    shown = [chosen] if chosen in kinds else kinds
    page = Paginator(queue.queue_rows(kinds=shown), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        **admin.site.each_context(request),
        "title": _("Review queue"),
        "items": queue.queue_items(list(page.object_list), back_to=request.get_full_path()),
        "page": page,
        # One filter a kind, when there is more than one to choose from.
        "filters": (
            [("", _("everything")), *((kind, queue.KIND_LABELS[kind]) for kind in kinds)]
            if len(kinds) > 1
            else []
        ),
        "chosen": chosen if chosen in kinds else "",
    }
    return render(request, "accounts/review_queue.html", context)
