"""The editors' desk. State changes go through the services; the admin only offers the doors.

One module per subdomain: statements.py, stance.py (pins, changes, imported acts) and
commitments.py (commitments, outcomes and their suggestions).
"""

from . import commitments, stance, statements

__all__ = ["commitments", "stance", "statements"]
