"""Claiming an unclaimed OSC: one with no active admin (imported from the padrón).

A signed-in person with a confirmed e-mail proves they belong to the OSC in one of two ways:

- a six-digit code mailed to the e-mail the padrón holds for the OSC (never shown to them):
  it expires in 30 minutes, works once, and five wrong tries expire the claim;
- the acta constitutiva or the CLUNI certificate as a PDF, which staff review in the
  validation queue.

Approved, the person becomes the OSC's admin; every other pending claim on it is refused
("otra persona ya administra la organización"). When someone else's claim is already pending
on the OSC, the code is not offered and a code verified meanwhile goes to staff too, who see
both claims side by side.

Every function takes the acting user; permission and validation failures raise; the caller
commits once. ``verify_code`` counts a wrong try before raising: the caller commits the count
even when it shows the error.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, not_, or_, select

from community.accounts.models import User
from community.core import audit, uploads
from community.core.aftercommit import call_after_commit
from community.core.errors import NotFound, PermissionDenied, ValidationError
from community.core.inputs import REASON_MAX, check_length
from community.core.mail import send_template
from community.core.notifications import notify
from community.core.permissions import require_signed_in, require_staff
from community.core.timeutil import utcnow
from community.core.urls import external_url
from community.extensions import db
from community.profiles.models import (
    Membership,
    Organization,
    OrganizationClaim,
    OrganizationDocument,
)
from community.profiles.services import record_revision
from community.profiles.validators import clean_cluni, clean_rfc

CODE_TTL = timedelta(minutes=30)
MAX_TRIES = 5
CODE_DIGITS = 6
CLAIM_DOCUMENT_KINDS = {"acta": _l("Acta constitutiva"), "cluni": _l("Constancia de la CLUNI")}
TAKEN_REASON = "otra persona ya administra la organización"


# --- reading the state of an OSC ----------------------------------------------------------


def has_admin(org: Organization) -> bool:
    return db.session.scalar(select(exists().where(
        Membership.organization_id == org.id, Membership.role == "admin",
        Membership.status == "active"))) or False


def is_unclaimed(org: Organization) -> bool:
    return not has_admin(org)


IDENTIFIER_FIELD = "identificador"


def find_by_identifier(raw: str) -> Organization | None:
    """An OSC by its RFC or CLUNI, whatever its status but "dada de baja". An OSC the padrón
    gave as pending is not public, so nobody can reach its profile to claim it; the person
    who knows its RFC or CLUNI is who can (as Candid finds an organization by its tax id).
    Bad input is a ValidationError on ``identificador``."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError({IDENTIFIER_FIELD: _l("Escribe el RFC o la CLUNI de la "
                                                     "organización.")})
    check_length(text, 40, IDENTIFIER_FIELD)
    value = _identifier(text)
    return db.session.scalar(select(Organization).where(
        or_(Organization.rfc == value, Organization.cluni == value),
        Organization.status != "inactive").order_by(Organization.id).limit(1))


def found_target(slug: str, found_ids) -> Organization | None:
    """An OSC this person found by its RFC or CLUNI (``found_ids``, kept in their session),
    for the claim pages when its profile is not public."""
    org = db.session.scalar(select(Organization).where(Organization.slug == slug))
    if org is None or org.id not in set(found_ids or ()) or org.status == "inactive":
        return None
    return org


def _identifier(text: str) -> str:
    """The RFC (its check digit not verified: real ones fail it) or the CLUNI, cleaned."""
    for clean in (lambda t: clean_rfc(t, verify_check_digit=False), clean_cluni):
        try:
            value = clean(text)
        except ValueError:
            continue
        if value:
            return value
    raise ValidationError({IDENTIFIER_FIELD: _l(
        "Escribe un RFC de persona moral (12 caracteres, como ABC010203AB9) o una CLUNI "
        "(14 caracteres, como ABC0503101501A).")})


def _live(now: datetime | None = None):
    """Pending claims that still count: an e-mail claim whose code ran out is over even if
    nobody came back to say so (no write needed to read the state)."""
    now = now or utcnow()
    return and_(OrganizationClaim.status == "pending", not_(and_(
        OrganizationClaim.method == "email", OrganizationClaim.code_hash.is_not(None),
        OrganizationClaim.code_expires_at <= now)))


def pending_claims(org: Organization) -> list[OrganizationClaim]:
    return list(db.session.scalars(select(OrganizationClaim).where(
        OrganizationClaim.organization_id == org.id, _live()).order_by(
        OrganizationClaim.created_at, OrganizationClaim.id)))


def pending_claim_of(user, org: Organization) -> OrganizationClaim | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(OrganizationClaim).where(
        OrganizationClaim.organization_id == org.id, OrganizationClaim.user_id == user.id,
        _live()).order_by(OrganizationClaim.id.desc()))


def code_claim_of(user, org: Organization) -> OrganizationClaim | None:
    """The person's e-mail claim still waiting for its code, even one whose code ran out (so
    typing it late says "venció" rather than nothing)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(OrganizationClaim).where(
        OrganizationClaim.organization_id == org.id, OrganizationClaim.user_id == user.id,
        OrganizationClaim.status == "pending", OrganizationClaim.method == "email",
        OrganizationClaim.code_hash.is_not(None)).order_by(OrganizationClaim.id.desc()))


def others_pending(user, org: Organization) -> bool:
    return any(claim.user_id != getattr(user, "id", None) for claim in pending_claims(org))


def claim_block(user, org: Organization):
    """Why this person may not start a claim on this OSC now, or None when they may."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _l("Inicia sesión para solicitar administrar una organización.")
    if not user.email_confirmed:
        return _l("Confirma tu correo antes de solicitar administrar una organización.")
    if org.status == "inactive":
        return _l("La organización está dada de baja.")
    if has_admin(org):
        return _l("Esta organización ya tiene quien la administre. Puedes pedir unirte desde "
                  "su perfil.")
    if pending_claim_of(user, org) is not None:
        return _l("Ya tienes una solicitud pendiente para esta organización.")
    return None


def can_claim(user, org: Organization) -> bool:
    return claim_block(user, org) is None


def _require_can_claim(user, org: Organization) -> None:
    require_signed_in(user)
    block = claim_block(user, org)
    if block is not None:
        raise PermissionDenied(block)


def email_offered(user, org: Organization) -> bool:
    """The code goes only to an e-mail the padrón holds, and only while nobody else waits."""
    return bool(org.registry_email) and not others_pending(user, org)


def masked_email(email: str | None) -> str:
    """``r***@dominio.mx``: enough to recognise the mailbox, not enough to learn it."""
    if not email or "@" not in email:
        return ""
    local, domain = email.rsplit("@", 1)
    return f"{local[:1]}***@{domain}"


# --- by e-mail code -----------------------------------------------------------------------


def _hash_code(claim: OrganizationClaim, code: str) -> str:
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, f"claim:{claim.id}:{code}".encode(), hashlib.sha256).hexdigest()


def start_email_claim(user: User, org: Organization) -> OrganizationClaim:
    """Mail a new code to the padrón's e-mail of the OSC; the person only sees it masked."""
    _require_can_claim(user, org)
    if not org.registry_email:
        raise ValidationError({"method": _l("El padrón no tiene un correo de esta organización. "
                                            "Envía su acta constitutiva o su constancia de la "
                                            "CLUNI.")})
    if others_pending(user, org):
        raise ValidationError({"method": _l("Otra persona ya pidió administrar esta "
                                            "organización: envía un documento y el personal "
                                            "revisará ambas solicitudes.")})
    claim = OrganizationClaim(organization_id=org.id, user_id=user.id, method="email",
                              status="pending", attempts=0)
    db.session.add(claim)
    db.session.flush()
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    claim.code_hash = _hash_code(claim, code)
    claim.code_expires_at = utcnow() + CODE_TTL
    send_template(org.registry_email, _l("Código para administrar %(name)s en Comunidad OSC",
                                         name=org.name),
                  "claim_code", org=org, person=user, code=code,
                  minutes=int(CODE_TTL.total_seconds() // 60),
                  url=external_url("profiles.claim", slug=org.slug))
    audit.record("claim.code_sent", actor=user, target=org, claim=claim.id,
                 to=masked_email(org.registry_email))
    return claim


def verify_code(user: User, claim: OrganizationClaim, code: str) -> str:
    """Check a typed code. Returns "approved" (the person is now admin) or "review" (someone
    else's claim waits on the OSC: staff decide). Raises ValidationError({"code": ...}) after
    counting the try; the caller commits anyway."""
    require_signed_in(user)
    if claim.user_id != user.id:
        raise NotFound()
    now = utcnow()
    if claim.status != "pending" or claim.method != "email" or claim.code_hash is None:
        raise ValidationError({"code": _l("Esta solicitud ya no está activa. Pide un código "
                                          "nuevo.")})
    if claim.code_expires_at is None or now >= claim.code_expires_at:
        _expire(claim, user, "timeout")
        raise ValidationError({"code": _l("El código venció. Pide uno nuevo.")})
    typed = "".join(ch for ch in (code or "") if ch.isdigit())[:CODE_DIGITS + 2]
    if not hmac.compare_digest(_hash_code(claim, typed), claim.code_hash):
        claim.attempts = (claim.attempts or 0) + 1
        audit.record("claim.code_failed", actor=user, target=claim.organization,
                     claim=claim.id, attempts=claim.attempts)
        left = MAX_TRIES - claim.attempts
        if left <= 0:
            _expire(claim, user, "attempts")
            raise ValidationError({"code": _l("El código no coincide y se agotaron los "
                                              "intentos. Pide un código nuevo.")})
        raise ValidationError({"code": _l("El código no coincide. Te quedan %(n)d intentos.",
                                          n=left)})
    claim.code_hash, claim.code_expires_at = None, None  # single use
    org = claim.organization
    if has_admin(org):
        _close(claim, "refused", TAKEN_REASON, None)
        raise ValidationError({"code": _l("Otra persona ya administra la organización.")})
    if others_pending(user, org):
        audit.record("claim.code_verified", actor=user, target=org, claim=claim.id)
        return "review"
    _grant(claim, user)
    return "approved"


def _expire(claim: OrganizationClaim, actor, why: str) -> None:
    claim.status, claim.code_hash, claim.decided_at = "expired", None, utcnow()
    audit.record("claim.expired", actor=actor, target=claim.organization, claim=claim.id,
                 why=why)


# --- by document --------------------------------------------------------------------------


def start_document_claim(user: User, org: Organization, file, kind: str) -> OrganizationClaim:
    """The acta constitutiva or the CLUNI certificate, a PDF judged by its content, kept as a
    private document of the OSC for staff to review."""
    _require_can_claim(user, org)
    if kind not in CLAIM_DOCUMENT_KINDS:
        raise ValidationError({"kind": _l("Elige el acta constitutiva o la constancia de la "
                                          "CLUNI.")})
    if not file or not getattr(file, "filename", ""):
        raise ValidationError({"document": _l("Elige un archivo PDF.")})
    stored = uploads.save_pdf(file, field="document")
    document = OrganizationDocument(
        organization_id=org.id, kind=kind, original_name=stored.original_name,
        stored_name=stored.stored_name, size=stored.size, sha256=stored.sha256,
        uploaded_by_id=user.id)
    db.session.add(document)
    db.session.flush()
    claim = OrganizationClaim(organization_id=org.id, user_id=user.id, method="document",
                              status="pending", document_id=document.id, attempts=0)
    db.session.add(claim)
    db.session.flush()
    audit.record("claim.document_sent", actor=user, target=org, claim=claim.id, kind=kind,
                 sha256=stored.sha256)
    return claim


# --- the person withdraws -----------------------------------------------------------------


def withdraw(user: User, claim: OrganizationClaim) -> None:
    require_signed_in(user)
    if claim.user_id != user.id:
        raise NotFound()
    if claim.status != "pending":
        raise ValidationError({"decision": _l("Esta solicitud ya fue resuelta.")})
    claim.code_hash = None
    _close(claim, "withdrawn", None, user)
    audit.record("claim.withdrawn", actor=user, target=claim.organization, claim=claim.id)


# --- staff --------------------------------------------------------------------------------


def needs_staff(claim: OrganizationClaim) -> bool:
    """A document, or a code already verified while someone else's claim waited."""
    return claim.status == "pending" and (claim.method == "document" or claim.code_hash is None)


def review_queue(actor) -> list[tuple[Organization, list[OrganizationClaim]]]:
    """OSCs with a claim for staff to decide, oldest first, each with all its pending claims
    (a claimant still typing a code is shown too, so staff see who else asked)."""
    require_staff(actor)
    reviewable = or_(OrganizationClaim.method == "document",
                     OrganizationClaim.code_hash.is_(None))
    claims = list(db.session.scalars(select(OrganizationClaim).where(
        _live(), OrganizationClaim.organization_id.in_(
            select(OrganizationClaim.organization_id).where(_live(), reviewable))).order_by(
        OrganizationClaim.created_at, OrganizationClaim.id)))
    groups: dict[int, tuple[Organization, list]] = {}
    for claim in claims:
        groups.setdefault(claim.organization_id, (claim.organization, []))[1].append(claim)
    return list(groups.values())


def waiting_for_staff() -> tuple[int, datetime | None]:
    """How many claims staff have to decide, and since when the oldest waits (the console)."""
    reviewable = or_(OrganizationClaim.method == "document",
                     OrganizationClaim.code_hash.is_(None))
    count, oldest = db.session.execute(select(
        func.count(OrganizationClaim.id), func.min(OrganizationClaim.created_at)).where(
        _live(), reviewable)).one()
    return count or 0, oldest


def get_claim(actor, claim_id: int) -> OrganizationClaim:
    require_staff(actor)
    claim = db.session.get(OrganizationClaim, claim_id)
    if claim is None:
        raise NotFound()
    return claim


def approve(actor: User, claim: OrganizationClaim) -> None:
    require_staff(actor)
    if claim.status != "pending":
        raise ValidationError({"decision": _l("Esta solicitud ya fue resuelta.")})
    if not needs_staff(claim):
        raise ValidationError({"decision": _l("Esta solicitud espera el código que se envió "
                                              "por correo.")})
    if has_admin(claim.organization):
        raise ValidationError({"decision": _l("La organización ya tiene quien la "
                                              "administre.")})
    _grant(claim, actor)
    _tell(claim, _l("Ya administras %(name)s", name=claim.organization.name))


def refuse(actor: User, claim: OrganizationClaim, reason: str) -> None:
    require_staff(actor)
    if claim.status != "pending":
        raise ValidationError({"decision": _l("Esta solicitud ya fue resuelta.")})
    reason = check_length((reason or "").strip(), REASON_MAX, "reason")
    if not reason:
        raise ValidationError({"reason": _l("Escribe el motivo; se enviará a la persona.")})
    _close(claim, "refused", reason, actor)


def _grant(claim: OrganizationClaim, actor) -> None:
    """The person becomes the OSC's admin; everyone else waiting on it is told why not."""
    org, now = claim.organization, utcnow()
    membership = db.session.scalar(select(Membership).where(
        Membership.organization_id == org.id, Membership.user_id == claim.user_id))
    if membership is None:
        membership = Membership(organization_id=org.id, user_id=claim.user_id)
        db.session.add(membership)
    membership.role, membership.status = "admin", "active"
    claim.status, claim.decided_by_id, claim.decided_at = "approved", actor.id, now
    claim.code_hash, claim.reason = None, None
    if org.status == "validated":
        # The yearly confirmation starts with its first admin: the reminders count from today.
        record_revision(org, claim.user, "confirmed_at", org.confirmed_at, now)
        org.confirmed_at, org.reminded_for = now, None
    org.updated_at = now  # the cached public profile loses its claim button
    audit.record("claim.approved", actor=actor, target=org, claim=claim.id,
                 user=claim.user_id, method=claim.method)
    db.session.flush()
    for other in pending_claims(org):
        if other.id != claim.id:
            _close(other, "refused", TAKEN_REASON, actor)
    # Approved by staff, the decision's mail says the same: not mailed twice.
    notify([claim.user], "registry.claim_confirm",
           _l("Confirma los datos de tu OSC: %(name)s", name=org.name),
           f"/osc/{org.slug}/editar", already_mailed=actor.id != claim.user_id)


def _close(claim: OrganizationClaim, status: str, reason, actor) -> None:
    claim.status, claim.reason = status, reason
    claim.decided_by_id = getattr(actor, "id", None)
    claim.decided_at, claim.code_hash = utcnow(), None
    if status == "refused":
        audit.record("claim.refused", actor=actor, target=claim.organization, claim=claim.id,
                     user=claim.user_id, reason=reason)
        _drop_document(claim)
        _tell(claim, _l("Revisamos tu solicitud para administrar %(name)s",
                        name=claim.organization.name))


def _drop_document(claim: OrganizationClaim) -> None:
    """A refused claim's PDF is not the OSC's document: the row and the file go (the audit
    entry keeps its fingerprint)."""
    document = db.session.get(OrganizationDocument, claim.document_id) \
        if claim.document_id else None
    if document is None:
        return
    claim.document_id = None
    stale = document.stored_name
    db.session.delete(document)
    call_after_commit(db.session(), lambda: uploads.delete_private(stale))


def _tell(claim: OrganizationClaim, subject) -> None:
    """The decision in the person's notifications and by mail."""
    person, org = claim.user, claim.organization
    url = f"/osc/{org.slug}/editar" if claim.status == "approved" else f"/osc/{org.slug}"
    notify([person], "registry.claim_decided", subject, url, already_mailed=True)
    send_template(person.email, subject, "claim_decided", locale=person.locale, user=person,
                  org=org, claim=claim, url=external_url(
                      "profiles.edit" if claim.status == "approved" else "profiles.profile",
                      slug=org.slug))
