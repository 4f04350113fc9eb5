"""Staff console rules. For now: reading the audit trail."""

from sqlalchemy import select

from community.core.models import AuditEntry
from community.core.permissions import require_staff
from community.extensions import db


def audit_log(actor, action: str = "", page: int = 1, per_page: int = 50):
    """Staff read the trail newest first; the filter is a prefix such as ``auth.``."""
    require_staff(actor)
    stmt = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action, autoescape=True))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)
