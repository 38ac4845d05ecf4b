"""Settings of the public site, typed: ``site_conf().embed_max_age_seconds``.

Any of them can be set in config/settings.py (or the tests' ``settings`` fixture); see
apps/lib/conf.py for the style.
"""

from __future__ import annotations

from dataclasses import dataclass

from apps.lib.conf import setting, settings_read


@dataclass(frozen=True)
class SiteConf:
    # Who may frame the embeds (a lab's badge and timeline): CSP sources, space-separated.
    # Every other page may be framed by nobody.
    embed_frame_ancestors: str = setting("EMBED_FRAME_ANCESTORS", "*")
    # How long browsers and shared caches may keep an embed before asking again.
    embed_max_age_seconds: int = setting("EMBED_MAX_AGE_SECONDS", 600)


def site_conf() -> SiteConf:
    return settings_read(SiteConf)
