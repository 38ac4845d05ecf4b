"""Who a service acts for, and the one check of what they may do.

A service takes ``user``: an editor, or ``None`` for the system itself (seed data, migrations,
a management command, a worker), which acts with full authority.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

#: Who asks: an editor, or nobody in particular (``None``: the system).
Actor = User | AnonymousUser

__all__ = ["Actor", "permission_require"]


def permission_require(user: Actor | None, permission: str, action: str) -> None:
    """PermissionDenied ("You do not have permission to <action>.") unless ``user`` may;
    ``None`` always may."""
    if user is not None and not user.has_perm(permission):
        raise PermissionDenied(f"You do not have permission to {action}.")
