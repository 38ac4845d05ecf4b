"""Under /admin/ (before the admin's catch-all), each view behind the admin's own staff check and
CSRF protection: two-factor login, the review mail, and the editors' review queue."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("two-factor/", admin.site.admin_view(views.two_factor), name="two_factor"),
    path(
        "two-factor/start/",
        admin.site.admin_view(views.two_factor_start),
        name="two_factor_start",
    ),
    path(
        "two-factor/confirm/",
        admin.site.admin_view(views.two_factor_confirm),
        name="two_factor_confirm",
    ),
    path(
        "two-factor/backup-codes/",
        admin.site.admin_view(views.two_factor_backup_codes),
        name="two_factor_backup_codes",
    ),
    path(
        "two-factor/remove/",
        admin.site.admin_view(views.two_factor_remove),
        name="two_factor_remove",
    ),
    path("review-mail/", admin.site.admin_view(views.review_mail), name="review_mail"),
    path("review-queue/", admin.site.admin_view(views.review_queue), name="review_queue"),
]
