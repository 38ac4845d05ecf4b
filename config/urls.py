from django.contrib import admin
from django.urls import include, path

from apps.exports.views import export_file
from apps.site.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The bulk files: one address in every language (the /data/ pages link here).
    path("data/files/<str:name>", export_file, name="export_file"),
    # Before admin.site.urls, whose catch-all would otherwise answer for these paths.
    path("admin/two-factor/", include("apps.accounts.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("demo-feeds/", include("apps.ingest.urls")),
    path("", include("apps.alerts.urls")),
    path("", include("apps.site.urls")),
]
