"""Under /admin/two-factor/, each view behind the admin's own staff check and CSRF protection."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", admin.site.admin_view(views.two_factor), name="two_factor"),
    path("start/", admin.site.admin_view(views.two_factor_start), name="two_factor_start"),
    path("confirm/", admin.site.admin_view(views.two_factor_confirm), name="two_factor_confirm"),
    path(
        "backup-codes/",
        admin.site.admin_view(views.two_factor_backup_codes),
        name="two_factor_backup_codes",
    ),
    path("remove/", admin.site.admin_view(views.two_factor_remove), name="two_factor_remove"),
]
