from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from apps.exports.views import export_file
from apps.site.health import healthz
from apps.site.sitemaps import robots_txt, sitemap_index, sitemap_section

# The admin's lists need the width on a 1366-pixel screen (tests/test_admin_browser.py); the
# index and the breadcrumbs lead everywhere the sidebar did.
admin.site.enable_nav_sidebar = False

# A database outage answers 503 with Retry-After; anything else Django's 500 (apps/site/errors.py).
handler500 = "apps.site.errors.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap-section"),
    # The bulk files: one address in every language (the /data/ pages link here).
    path("data/files/<str:name>", export_file, name="export_file"),
    # Before admin.site.urls, whose catch-all would otherwise answer for these paths.
    path("admin/", include("apps.accounts.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("demo-feeds/", include("apps.ingest.urls")),
    # The read API: one address for every language, outside the site's language prefixes.
    path("api/", include("apps.api.urls")),
]

# The public site names its language in the URL (docs/i18n.md): English at /labs/meta/ as
# always, Japanese at /ja/labs/meta/, so a link means the same page for everyone who opens it.
# The alerts pages and Atom feeds are here too: a Japanese feed is /ja/feeds/all.atom.
urlpatterns += i18n_patterns(
    path("", include("apps.alerts.urls")),
    path("", include("apps.site.urls")),
    prefix_default_language=False,
)
