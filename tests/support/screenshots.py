"""Where browser tests save what a person would see (test-output/ is git-ignored)."""

from pathlib import Path

from django.conf import settings

SCREENSHOTS = Path(settings.BASE_DIR, "test-output", "screenshots")
