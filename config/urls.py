from django.contrib import admin
from django.urls import include, path

from apps.site.health import healthz

# The admin's lists need the width on a 1366-pixel screen (tests/test_admin_browser.py); the
# index and the breadcrumbs lead everywhere the sidebar did.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Before admin.site.urls, whose catch-all would otherwise answer for these paths.
    path("admin/two-factor/", include("apps.accounts.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("demo-feeds/", include("apps.ingest.urls")),
    path("", include("apps.alerts.urls")),
    path("", include("apps.site.urls")),
]
