"""The logo (public) and the private documents of an OSC, checked by content on the way in."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from community.core import audit, uploads
from community.core.aftercommit import call_after_commit
from community.core.errors import NotFound, ValidationError
from community.core.timeutil import utcnow
from community.extensions import db
from community.profiles.models import Organization, OrganizationDocument
from community.profiles.services import record_revision, require_manage

DOCUMENT_KINDS = ("acta", "cluni", "sat")


def set_logo(actor, org: Organization, file) -> str:
    require_manage(actor, org)
    if not file or not getattr(file, "filename", ""):
        raise ValidationError({"logo": _l("Elige una imagen PNG o JPEG.")})
    name = uploads.save_image(file, field="logo", label=_l("El logotipo"))
    old = org.logo_file
    record_revision(org, actor, "logo", old, name)
    org.logo_file, org.updated_at = name, utcnow()
    if old:
        call_after_commit(db.session(), lambda: uploads.delete_public(old))
    return name


def add_document(actor, org: Organization, kind: str, file) -> OrganizationDocument:
    """A newer document of the same kind replaces the older one; the trail keeps both."""
    require_manage(actor, org)
    if kind not in DOCUMENT_KINDS:
        raise ValidationError({"kind": _l("Elige el tipo de documento.")})
    if not file or not getattr(file, "filename", ""):
        raise ValidationError({"document": _l("Elige un archivo PDF.")})
    stored = uploads.save_pdf(file, field="document")
    previous = db.session.scalar(select(OrganizationDocument).where(
        OrganizationDocument.organization_id == org.id, OrganizationDocument.kind == kind))
    document = OrganizationDocument(
        organization_id=org.id, kind=kind, original_name=stored.original_name,
        stored_name=stored.stored_name, size=stored.size, sha256=stored.sha256,
        uploaded_by_id=getattr(actor, "id", None))
    db.session.add(document)
    record_revision(org, actor, f"document_{kind}", previous.original_name if previous else None,
              stored.original_name)
    if previous is not None:
        db.session.delete(previous)
        stale = previous.stored_name
        call_after_commit(db.session(), lambda: uploads.delete_private(stale))
    audit.record("organization.document_added", actor=actor, target=org, kind=kind)
    return document


def list_documents(actor, org: Organization) -> list[OrganizationDocument]:
    require_manage(actor, org)
    return list(db.session.scalars(select(OrganizationDocument).where(
        OrganizationDocument.organization_id == org.id).order_by(OrganizationDocument.kind)))


def open_document(actor, org: Organization, document_id: int):
    """Only the OSC's admins and staff; anyone else is told it does not exist."""
    require_manage(actor, org)
    document = db.session.get(OrganizationDocument, document_id)
    if document is None or document.organization_id != org.id:
        raise NotFound()
    return document, uploads.private_path(document.stored_name)
