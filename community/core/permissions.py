"""The shared permission checks; every service asks here before it acts.

Roles are ordered: a staff member can do what a citizen can, an admin what staff can.
"""

from community.core.errors import PermissionDenied

ROLES = ("citizen", "staff", "admin")
_RANK = {role: rank for rank, role in enumerate(ROLES)}


def has_role(user, role: str) -> bool:
    """True when the user is signed in, active and holds ``role`` or a higher one."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not getattr(user, "is_active", False):
        return False
    return _RANK.get(user.role, -1) >= _RANK[role]


def require_signed_in(user) -> None:
    if not has_role(user, "citizen"):
        raise PermissionDenied("Necesitas iniciar sesión.")


def require_staff(user) -> None:
    if not has_role(user, "staff"):
        raise PermissionDenied("Solo el personal de la Dirección puede hacer esto.")


def require_admin(user) -> None:
    if not has_role(user, "admin"):
        raise PermissionDenied("Solo la administración puede hacer esto.")
