"""The site's settings with the bench's floor view added (bench/floor.py): for benchmarks only.

    DJANGO_SETTINGS_MODULE=bench.settings BENCH_FLOOR_DIR=/tmp/floors gunicorn config.wsgi ...

Production runs config.settings, whose URLconf has no floor view.
"""

from __future__ import annotations

import os

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
#: Where the floor view reads its static pages (``<name>.html``).
BENCH_FLOOR_DIR = os.environ.get("BENCH_FLOOR_DIR", "")
