from django.contrib import admin
from django.urls import include, path

from apps.site.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Before admin.site.urls, whose catch-all would otherwise answer for these paths.
    path("admin/two-factor/", include("apps.accounts.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("demo-feeds/", include("apps.ingest.urls")),
    # The read API: one address for every language, outside the site's language prefixes.
    path("api/", include("apps.api.urls")),
    path("", include("apps.alerts.urls")),
    path("", include("apps.site.urls")),
]
