"""API settings with their defaults, typed: ``api_conf().rate_limit``.

Any of them can be set in config/settings.py (or the tests' ``settings`` fixture); see
apps/lib/conf.py for the style.
"""

from __future__ import annotations

from dataclasses import dataclass

from apps.lib.conf import setting, settings_read


@dataclass(frozen=True)
class ApiConf:
    # Requests one client (address, as apps/lib/client_ip.py sees it) may make under /api/ in
    # one window, counted in Redis so every gunicorn worker shares the count.
    rate_limit: int = setting("API_RATE_LIMIT", 120)
    rate_window_seconds: int = setting("API_RATE_WINDOW_SECONDS", 60)
    # How long the time a URL's current representation was first served is remembered (it is
    # the Last-Modified of that URL); after that the next request starts the clock again.
    last_modified_memory_seconds: int = setting("API_LAST_MODIFIED_MEMORY_SECONDS", 7 * 24 * 3600)
    # How long clients and shared caches may reuse a response before asking again.
    max_age_seconds: int = setting("API_MAX_AGE_SECONDS", 60)


def api_conf() -> ApiConf:
    return settings_read(ApiConf)
