"""Every staff decision and security event leaves an entry; services call :func:`record`."""

from typing import Any

from community.core.models import AuditEntry
from community.extensions import db


def record(
    action: str,
    actor=None,
    target=None,
    ip: str | None = None,
    **details: Any,
) -> AuditEntry:
    """Add an audit entry to the current transaction, so it commits or rolls back with the act."""
    entry = AuditEntry(
        action=action,
        actor_id=getattr(actor, "id", None),
        target_type=type(target).__name__.lower() if target is not None else None,
        target_id=str(target.id) if target is not None else None,
        ip=ip,
        details=details,
    )
    db.session.add(entry)
    return entry
