"""The watch app's admin: the link-rot queue (sources.py)."""

from . import sources

__all__ = ["sources"]
