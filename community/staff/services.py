"""Staff console rules: reading the audit trail, and finding what a staff decision is about.

Every function here checks that the person is staff before it looks anything up, so the
console answers 403 to everyone else whatever the address names (never a 404 that would tell
which OSCs, change requests or filters exist).
"""

from collections.abc import Mapping
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from community.core import audit
from community.core import console as console_tiles
from community.core.console import ShownTile
from community.core.errors import NotFound, ValidationError
from community.core.models import AuditEntry
from community.core.permissions import require_staff
from community.extensions import db
from community.profiles import queries as registry_queries
from community.profiles import services as registry
from community.profiles.models import ChangeRequest, Organization
from community.staff import queries as audit_queries


def audit_log(actor, action: str = "", page: int = 1, per_page: int = 50):
    """Staff read the trail newest first; the filter is a prefix such as ``auth.``."""
    require_staff(actor)
    stmt = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if action in audit.ACTION_LABELS:  # the filter's choice: that action only
        stmt = stmt.where(AuditEntry.action == action)
    elif action:  # a prefix typed in an old link, such as ``auth.``
        stmt = stmt.where(AuditEntry.action.startswith(action, autoescape=True))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def audit_targets(actor, entries) -> dict:
    """What each entry of a Bitácora page is about (names and links, one query per type)."""
    require_staff(actor)
    return audit_queries.audit_targets(entries)


def console(actor) -> list[ShownTile]:
    """The staff home: every registered tile this person may see, with its figures (one
    query per tile, see ``community.core.console``)."""
    require_staff(actor)
    return console_tiles.tiles_for(actor)


def organization(actor, slug: str) -> Organization:
    """The OSC a registry decision is about, in any status."""
    require_staff(actor)
    return registry.get_visible(actor, slug)


def change_request(actor, request_id: int) -> ChangeRequest:
    require_staff(actor)
    change = db.session.get(ChangeRequest, request_id)
    if change is None:
        raise NotFound()
    return change


def export_filters(actor, raw: Mapping) -> registry_queries.ExportFilters:
    """The padrón export's filters from the query string (``municipio``, ``area``,
    ``estatus``, ``desde``)."""
    require_staff(actor)
    since = raw.get("desde") or None
    try:
        updated_since = datetime.fromisoformat(since) if since else None
    except ValueError:
        raise ValidationError({"desde": _l("Escribe la fecha como AAAA-MM-DD.")}) from None
    return registry_queries.ExportFilters(
        municipality=raw.get("municipio") or None,
        area=(raw.get("area") or "").upper() or None,
        status=raw.get("estatus") or "validated",
        updated_since=updated_since,
    )
