"""The watch app's admin: the link-rot queue (sources.py) and watched pages with the review
queue of their changes (watches.py)."""

from . import sources, watches

__all__ = ["sources", "watches"]
