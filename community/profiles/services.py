"""The registry's rules: registering an OSC, editing its profile with a revision for every
change, staff review of legal changes, validation, yearly confirmation, membership, follows.

Every function takes the acting user; permission and validation failures raise; the caller
commits once.
"""

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import lazyload

from community.accounts import tokens
from community.accounts.models import User
from community.core import audit
from community.core.catalog import OTHER_STATE, is_municipality
from community.core.errors import NotFound, PermissionDenied, ValidationError
from community.core.inputs import PROFILE_TEXT_MAX, REASON_MAX, check_length
from community.core.mail import send_template
from community.core.models import ActivityArea, Municipality
from community.core.notifications import notify
from community.core.permissions import has_role, require_signed_in, require_staff
from community.core.sanitize import render_markdown
from community.core.text import fold, slugify
from community.core.timeutil import utcnow
from community.core.urls import external_url
from community.extensions import db
from community.profiles import validators as v
from community.profiles.fields import (
    COLLECTION_FIELDS,
    FIELDS,
    LEGAL_FIELDS,
    LEGAL_FORMS,
    POPULATIONS,
    SOCIAL_NETWORKS,
    as_text,
)
from community.profiles.models import (
    ChangeRequest,
    Follow,
    Membership,
    Organization,
    OrganizationPopulation,
    ProfileRevision,
)

STALE_AFTER = timedelta(days=365)
REMIND_BEFORE = timedelta(days=30)
TEXT_LIMITS = {
    "legal_name": 250, "deed_number": 40, "deed_notary": 200, "deed_place": 120,
    "social_registry_folio": 40, "other_state": 60, "address": 250,
    "mission": PROFILE_TEXT_MAX, "social_object": PROFILE_TEXT_MAX,
}
NAME_MAX = 200
REQUIRED_ON_REGISTER = ("name", "municipality_code", "activities")


# --- permissions --------------------------------------------------------------------------


def membership_of(user, org: Organization) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Membership).where(
        Membership.organization_id == org.id, Membership.user_id == user.id))


def is_org_admin(user, org: Organization) -> bool:
    membership = membership_of(user, org)
    return bool(membership and membership.status == "active" and membership.role == "admin"
                and user.is_active)


def is_org_member(user, org: Organization) -> bool:
    membership = membership_of(user, org)
    return bool(membership and membership.status == "active" and user.is_active)


def can_manage(user, org: Organization) -> bool:
    """The OSC's own admins and the staff may edit the profile and see its private parts."""
    return has_role(user, "staff") or is_org_admin(user, org)


def require_manage(user, org: Organization) -> None:
    require_signed_in(user)
    if not can_manage(user, org):
        raise PermissionDenied(_l("Solo quienes administran esta organización pueden hacerlo."))


def can_view(user, org: Organization) -> bool:
    """Validated OSCs are public; others only to their members and staff."""
    return org.status == "validated" or has_role(user, "staff") or is_org_member(user, org)


def get_public(slug: str) -> Organization:
    """A validated OSC as anyone sees it (API, open data)."""
    return get_visible(None, slug)


def get_visible(user, slug: str) -> Organization:
    org = db.session.scalar(select(Organization).where(Organization.slug == slug))
    if org is None or not can_view(user, org):
        raise NotFound()
    return org


# --- status -------------------------------------------------------------------------------


def last_confirmed(org: Organization) -> datetime | None:
    return org.confirmed_at or org.validated_at


def confirmation_due(org: Organization) -> datetime | None:
    confirmed = last_confirmed(org)
    return confirmed + STALE_AFTER if confirmed else None


def display_status(org: Organization, now: datetime | None = None) -> str:
    """Computed from dates, so it is right even if no scheduled job ran."""
    if org.status != "validated":
        return org.status
    due = confirmation_due(org)
    return "stale" if due is not None and (now or utcnow()) >= due else "validated"


# --- cleaning input -----------------------------------------------------------------------


def _clean_scalar(name: str, raw):
    if name == "name":
        return v.clean_text(raw, NAME_MAX, min_len=3)
    if name in TEXT_LIMITS:
        return v.clean_text(raw, TEXT_LIMITS[name]) or None
    cleaners = {
        "rfc": v.clean_rfc, "cluni": v.clean_cluni, "postal_code": v.clean_postal_code,
        "phone": v.clean_phone, "public_email": v.clean_email, "website": v.clean_url,
        "constituted_on": _clean_date, "sat_donee_since": _clean_date,
        "sat_donee": _clean_bool, "legal_form": _clean_legal_form,
        "municipality_code": _clean_municipality, "social_links": _clean_social_links,
    }
    return cleaners[name](raw)


def _clean_date(raw):
    if raw in (None, ""):
        return None
    if isinstance(raw, str):
        try:
            raw = date.fromisoformat(raw)
        except ValueError:
            raise ValueError(_l("Escribe la fecha como AAAA-MM-DD.")) from None
    return v.clean_date_not_future(raw)


def _clean_bool(raw) -> bool:
    return raw in (True, "1", "on", "true", "y", "yes", "si", "sí")


def _clean_legal_form(raw):
    if raw in (None, ""):
        return None
    if raw not in LEGAL_FORMS:
        raise ValueError(_l("Elige una figura jurídica de la lista."))
    return raw


def _clean_municipality(raw):
    if raw == OTHER_STATE:
        return OTHER_STATE
    if not is_municipality(raw):
        raise ValueError(_l("Elige el municipio de la lista."))
    return raw


def _clean_social_links(raw):
    return v.clean_social_links({k: (raw or {}).get(k, "") for k in SOCIAL_NETWORKS})


def _clean_collection(name: str, raw) -> list[str]:
    values = sorted({str(item) for item in (raw or []) if str(item).strip()})
    if name == "activities":
        known = set(db.session.scalars(select(ActivityArea.fraction)))
        message = _l("Elige áreas de actividad de la lista.")
    elif name == "populations":
        known, message = set(POPULATIONS), _l("Elige poblaciones de la lista.")
    else:
        known = {c for c in values if is_municipality(c)}
        message = _l("Elige municipios de la lista.")
    if not set(values) <= known:
        raise ValueError(message)
    return values


def clean_profile(raw: Mapping, *, require: tuple[str, ...] = ()) -> dict:
    """Every field present in ``raw`` cleaned, or one ValidationError listing all problems.

    Fields a person may not set (status, validated_at, slug...) are simply not read.
    """
    cleaned, errors = {}, {}
    for field in FIELDS:
        if field.name not in raw:
            continue
        try:
            if field.name in COLLECTION_FIELDS:
                cleaned[field.name] = _clean_collection(field.name, raw[field.name])
            else:
                cleaned[field.name] = _clean_scalar(field.name, raw[field.name])
        except v.SocialLinksError as error:
            errors.update({f"social_{k}": m for k, m in error.errors.items()})
        except ValueError as error:
            errors[field.name] = error.args[0]
    _check_consistency(cleaned, errors)
    for name in require:
        if name not in errors and not cleaned.get(name):
            errors[name] = _l("Este campo es obligatorio.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_consistency(cleaned: dict, errors: dict) -> None:
    if cleaned.get("municipality_code") == OTHER_STATE and not cleaned.get("other_state"):
        errors.setdefault("other_state", _l("Escribe la entidad donde está la organización."))
    if cleaned.get("municipality_code") not in (None, OTHER_STATE):
        cleaned["other_state"] = None
    if "sat_donee" in cleaned and not cleaned["sat_donee"]:
        cleaned["sat_donee_since"] = None


# --- reading and writing field values -----------------------------------------------------


def current_value(org: Organization, name: str):
    if name == "activities":
        return [a.fraction for a in org.activities]
    if name == "populations":
        return org.populations
    if name == "served_municipalities":
        return [m.code for m in org.served_municipalities]
    if name == "municipality_code":
        return org.municipality_code or (OTHER_STATE if org.other_state else None)
    value = getattr(org, name)
    return dict(value) if isinstance(value, dict) else value


def _apply(org: Organization, name: str, value) -> None:
    if name == "activities":
        org.activities = list(db.session.scalars(
            select(ActivityArea).where(ActivityArea.fraction.in_(value))))
    elif name == "populations":
        org.population_rows = [OrganizationPopulation(population=p) for p in value]
    elif name == "served_municipalities":
        org.served_municipalities = list(db.session.scalars(
            select(Municipality).where(Municipality.code.in_(value))))
    elif name == "municipality_code":
        org.municipality_code = None if value == OTHER_STATE else value
    else:
        setattr(org, name, value)
        if name == "name":
            org.name_folded = fold(value)
        elif name in ("mission", "social_object"):
            setattr(org, f"{name}_html", str(render_markdown(value)))


def _changes(org: Organization, cleaned: dict) -> dict:
    return {name: value for name, value in cleaned.items()
            if as_text(current_value(org, name)) != as_text(value)}


def record_revision(org, actor, name, old, new, kind="published", request=None) -> ProfileRevision:
    revision = ProfileRevision(
        organization_id=org.id, field=name, old_value=as_text(old), new_value=as_text(new),
        kind=kind, change_request_id=request.id if request else None,
        actor_id=getattr(actor, "id", None))
    db.session.add(revision)
    return revision


def _publish(org, actor, changes: dict, kind="published", request=None) -> None:
    for name, value in changes.items():
        old = None if kind == "created" else current_value(org, name)
        record_revision(org, actor, name, old, value, kind, request)
        _apply(org, name, value)
    if changes:
        org.updated_at = utcnow()


# --- registering and editing --------------------------------------------------------------


# Paths under /osc/ that are pages, not profiles.
RESERVED_SLUGS = frozenset({"registrar", "mapa", "municipios", "invitacion", "logo",
                            "administrar"})


def _unique_slug(name: str) -> str:
    base = slugify(name, max_length=80)
    if base in RESERVED_SLUGS:
        base = f"{base}-osc"
    taken = set(db.session.scalars(
        select(Organization.slug).where(Organization.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def register(actor: User, raw: Mapping) -> Organization:
    """A signed-in person with a confirmed email registers an OSC and becomes its admin."""
    require_signed_in(actor)
    if not actor.email_confirmed:
        raise PermissionDenied(_l("Confirma tu correo antes de registrar una organización."))
    cleaned = clean_profile(raw, require=REQUIRED_ON_REGISTER)
    _refuse_duplicate_identifiers(cleaned)
    org = Organization(slug=_unique_slug(cleaned["name"]), name=cleaned["name"],
                       name_folded=fold(cleaned["name"]), status="pending")
    db.session.add(org)
    db.session.flush()
    _publish(org, actor, {k: val for k, val in cleaned.items() if val not in (None, [], {})},
             kind="created")
    db.session.add(Membership(organization_id=org.id, user_id=actor.id, role="admin"))
    audit.record("organization.registered", actor=actor, target=org)
    return org


def _refuse_duplicate_identifiers(cleaned: dict, org: Organization | None = None) -> None:
    errors = {}
    for name, label in (("rfc", _l("Ya hay una organización registrada con ese RFC.")),
                        ("cluni", _l("Ya hay una organización registrada con esa CLUNI."))):
        value = cleaned.get(name)
        if not value:
            continue
        stmt = select(Organization.id).where(getattr(Organization, name) == value)
        if org is not None:
            stmt = stmt.where(Organization.id != org.id)
        if db.session.scalar(stmt) is not None:
            errors[name] = label
    if errors:
        raise ValidationError(errors)


def legal_changes_reviewed(actor, org: Organization) -> bool:
    """Whether this person's changes to the legal fields wait for staff: once an OSC is
    validated, yes, unless staff make them (the edit form says so beside those fields)."""
    return org.status == "validated" and not has_role(actor, "staff")


def update_profile(actor: User, org: Organization, raw: Mapping) -> ChangeRequest | None:
    """Publish the changes; once validated, legal changes by the OSC wait for staff.

    Returns the change request when one was opened.
    """
    require_manage(actor, org)
    if org.status == "inactive" and not has_role(actor, "staff"):
        raise PermissionDenied(_l("La organización está dada de baja."))
    cleaned = clean_profile(raw, require=("name", "municipality_code", "activities"))
    _refuse_duplicate_identifiers(cleaned, org)
    changes = _changes(org, cleaned)
    reviewed = legal_changes_reviewed(actor, org)
    legal = {k: val for k, val in changes.items() if k in LEGAL_FIELDS} if reviewed else {}
    _publish(org, actor, {k: val for k, val in changes.items() if k not in legal})
    request = _open_change_request(actor, org, legal) if legal else None
    if org.status == "rejected" and changes:
        _set_status(org, actor, "pending", None)
    return request


def _open_change_request(actor, org, legal: dict) -> ChangeRequest:
    """One pending request per OSC: a newer submission replaces the older one."""
    for old in db.session.scalars(select(ChangeRequest).where(
            ChangeRequest.organization_id == org.id, ChangeRequest.status == "pending")):
        old.status = "superseded"
    stored = {k: val.isoformat() if isinstance(val, date) else val for k, val in legal.items()}
    request = ChangeRequest(organization_id=org.id, requested_by_id=actor.id, changes=stored)
    db.session.add(request)
    db.session.flush()
    for name, value in legal.items():
        record_revision(org, actor, name, current_value(org, name), value, "requested", request)
    return request


def pending_change_request(org: Organization) -> ChangeRequest | None:
    return db.session.scalar(select(ChangeRequest).where(
        ChangeRequest.organization_id == org.id, ChangeRequest.status == "pending"))


def decide_change_request(actor: User, request: ChangeRequest, approve: bool,
                          reason: str = "") -> None:
    require_staff(actor)
    if request.status != "pending":
        raise ValidationError({"decision": _l("Esta solicitud ya fue resuelta.")})
    reason = check_length((reason or "").strip(), REASON_MAX, "reason")
    if not approve and not reason:
        raise ValidationError({"reason": _l("Explica el motivo para que la organización pueda "
                                            "corregirlo.")})
    org = request.organization
    changes = clean_profile(request.changes)
    if approve:
        _publish(org, actor, _changes(org, changes), kind="approved", request=request)
    else:
        for name, value in changes.items():
            record_revision(org, actor, name, current_value(org, name), value, "rejected", request)
    request.status = "approved" if approve else "rejected"
    request.reason, request.decided_by_id, request.decided_at = reason or None, actor.id, utcnow()
    audit.record("organization.change_" + request.status, actor=actor, target=org,
                 request=request.id, reason=reason or None)
    _notify_admins(org, "change_request_decided", _l("Revisamos los cambios de %(name)s",
                                                       name=org.name), request=request)


# --- registry decisions -------------------------------------------------------------------


def _set_status(org, actor, status: str, reason: str | None) -> None:
    record_revision(org, actor, "status", org.status, status)
    org.status, org.status_reason = status, reason


def validate(actor: User, org: Organization) -> None:
    require_staff(actor)
    if org.status not in ("pending", "rejected", "inactive"):
        raise ValidationError({"decision": _l("La organización ya está validada.")})
    _set_status(org, actor, "validated", None)
    org.validated_at = org.confirmed_at = utcnow()
    org.reminded_for = None
    audit.record("organization.validated", actor=actor, target=org)
    _notify_admins(org, "registry_decision", _l("%(name)s fue validada", name=org.name))


def reject(actor: User, org: Organization, reason: str) -> None:
    require_staff(actor)
    _require_reason(reason)
    if org.status != "pending":
        raise ValidationError({"decision": _l("Solo se rechaza una organización pendiente.")})
    _set_status(org, actor, "rejected", reason.strip())
    audit.record("organization.rejected", actor=actor, target=org, reason=reason.strip())
    _notify_admins(org, "registry_decision", _l("Revisamos el registro de %(name)s",
                                                 name=org.name))


def deactivate(actor: User, org: Organization, reason: str) -> None:
    """Baja: the OSC leaves the registry and the directory; nothing is deleted."""
    require_staff(actor)
    _require_reason(reason)
    if org.status == "inactive":
        raise ValidationError({"decision": _l("La organización ya está dada de baja.")})
    _set_status(org, actor, "inactive", reason.strip())
    audit.record("organization.deactivated", actor=actor, target=org, reason=reason.strip())
    _notify_admins(org, "registry_decision", _l("%(name)s fue dada de baja", name=org.name))


def _require_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise ValidationError({"reason": _l("Escribe el motivo; se enviará a la organización.")})
    check_length(reason, REASON_MAX, "reason")


def confirm_current(actor: User, org: Organization) -> None:
    """"Confirmar que los datos siguen vigentes": restarts the 12-month clock."""
    require_manage(actor, org)
    if org.status != "validated":
        raise ValidationError({"decision": _l("Solo una organización validada confirma sus "
                                              "datos.")})
    now = utcnow()
    record_revision(org, actor, "confirmed_at", last_confirmed(org), now)
    org.confirmed_at, org.updated_at, org.reminded_for = now, now, None
    audit.record("organization.confirmed", actor=actor, target=org)


def admins_of(org: Organization) -> list[User]:
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.organization_id == org.id, Membership.role == "admin",
            Membership.status == "active", User.active.is_(True))))


def _notify_admins(org: Organization, template: str, subject, **context) -> None:
    """A mail to each admin of the OSC, and the same news in their notifications."""
    url = external_url("profiles.profile", slug=org.slug)
    admins = admins_of(org)
    notify(admins, f"registry.{template}", subject, f"/osc/{org.slug}", already_mailed=True)
    for admin in admins:
        send_template(admin.email, subject, template, locale=admin.locale, user=admin,
                      org=org, url=url, **context)


def send_reminders(now: datetime | None = None) -> int:
    """Mail the admins of OSCs whose yearly confirmation is 30 days away or due today.

    Each stage is stamped on the OSC (``reminded_for``), so running it twice sends nothing new.
    """
    now = now or utcnow()
    confirmed = func.coalesce(Organization.confirmed_at, Organization.validated_at)
    candidates = db.session.scalars(select(Organization).where(
        Organization.status == "validated", confirmed <= now - STALE_AFTER + REMIND_BEFORE))
    sent = 0
    for org in candidates:
        due = confirmation_due(org)
        stage = "due" if now >= due else "soon"
        stamp = f"{due.date().isoformat()}:{stage}"
        if org.reminded_for == stamp or (stage == "soon" and org.reminded_for and
                                         org.reminded_for.endswith(":due")):
            continue
        org.reminded_for = stamp
        _notify_admins(org, "confirm_reminder", _l("Confirma los datos de %(name)s",
                                                    name=org.name),
                       due=due, stage=stage)
        sent += 1
    return sent


# --- membership ---------------------------------------------------------------------------


def request_join(actor: User, org: Organization) -> Membership:
    require_signed_in(actor)
    if org.status == "inactive":
        raise ValidationError({"join": _l("La organización está dada de baja.")})
    existing = membership_of(actor, org)
    if existing is not None:
        return existing
    membership = Membership(organization_id=org.id, user_id=actor.id, role="member",
                            status="requested")
    db.session.add(membership)
    _notify_admins(org, "join_request", _l("%(person)s quiere unirse a %(name)s",
                                            person=actor.name, name=org.name), person=actor)
    return membership


def decide_join(actor: User, membership: Membership, accept: bool) -> None:
    require_manage(actor, membership.organization)
    if membership.status != "requested":
        raise ValidationError({"join": _l("Esa solicitud ya fue resuelta.")})
    if accept:
        membership.status = "active"
    else:
        db.session.delete(membership)
    audit.record("membership.accepted" if accept else "membership.refused", actor=actor,
                 target=membership.organization, user=membership.user_id)


def set_member_role(actor: User, membership: Membership, role: str) -> None:
    require_manage(actor, membership.organization)
    if role not in ("admin", "member"):
        raise ValidationError({"role": _l("Ese rol no existe.")})
    if membership.role == "admin" and role != "admin":
        _keep_one_admin(membership)
    membership.role = role
    audit.record("membership.role_changed", actor=actor, target=membership.organization,
                 user=membership.user_id, role=role)


def remove_member(actor: User, membership: Membership) -> None:
    """Admins remove anyone; a member may remove themself (leave). Never the last admin."""
    org = membership.organization
    if membership.user_id != getattr(actor, "id", None):
        require_manage(actor, org)
    if membership.role == "admin" and membership.status == "active":
        _keep_one_admin(membership)
    db.session.delete(membership)
    audit.record("membership.removed", actor=actor, target=org, user=membership.user_id)


def _keep_one_admin(membership: Membership) -> None:
    admins = db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.organization_id == membership.organization_id,
        Membership.role == "admin", Membership.status == "active"))
    if admins <= 1:
        raise ValidationError({"role": _l("La organización necesita al menos una persona "
                                          "administradora.")})


INVITE_MAX_AGE = 14 * 24 * 3600


def invite(actor: User, org: Organization, email: str, role: str = "member") -> str:
    """Mail a signed link that lets the owner of ``email`` join with ``role``."""
    from community.accounts.services import normalize_email

    require_manage(actor, org)
    if role not in ("admin", "member"):
        raise ValidationError({"role": _l("Ese rol no existe.")})
    try:
        email = normalize_email(email)
    except ValidationError:
        raise ValidationError({"email": _l("Escribe un correo electrónico válido.")}) from None
    token = tokens.make_token(tokens.INVITE, {"org": org.id, "email": email, "role": role})
    send_template(email, _l("Te invitan a %(name)s en Comunidad OSC", name=org.name),
                  "invitation", org=org, inviter=actor, role=role,
                  url=external_url("profiles.accept_invitation", token=token))
    audit.record("membership.invited", actor=actor, target=org, email=email, role=role)
    return email


def accept_invitation(actor: User, token: str) -> Organization:
    """The link works for the invited address only, so a forwarded mail gives nothing away."""
    require_signed_in(actor)
    payload = tokens.read_token(tokens.INVITE, token, INVITE_MAX_AGE)
    org = db.session.get(Organization, payload.get("org")) if payload else None
    if org is None:
        raise ValidationError({"token": _l("La invitación no es válida o ya venció.")})
    if payload.get("email") != actor.email.lower():
        raise ValidationError({"token": _l("Esta invitación es para otro correo. Entra con la "
                                           "cuenta de %(email)s.", email=payload.get("email"))})
    membership = membership_of(actor, org)
    if membership is None:
        membership = Membership(organization_id=org.id, user_id=actor.id)
        db.session.add(membership)
    membership.status = "active"
    if payload.get("role") == "admin":
        membership.role = "admin"
    elif membership.role is None:
        membership.role = "member"
    audit.record("membership.invitation_accepted", actor=actor, target=org)
    return org


def get_membership(org: Organization, membership_id: int) -> Membership:
    """A membership of ``org`` (404 for another OSC's, as for one that does not exist)."""
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organization_id != org.id:
        raise NotFound()
    return membership


def members(actor: User, org: Organization) -> list[Membership]:
    require_manage(actor, org)
    return list(db.session.scalars(select(Membership).where(
        Membership.organization_id == org.id).order_by(Membership.status.desc(),
                                                       Membership.created_at)))


def _active_memberships(user_id, admins_only: bool):
    """The person's memberships that count: active ones (and, when asked, as an admin)."""
    condition = (Membership.user_id == user_id) & (Membership.status == "active")
    return condition & (Membership.role == "admin") if admins_only else condition


#: :func:`administers_an_osc`, asked by the calendar on every signed-in visit: built once
#: (see core.pagecache._VERSION).
_ADMINISTERS_AN_OSC = select(select(Membership.id).where(
    _active_memberships(bindparam("user_id"), admins_only=True)).exists())


def administers_an_osc(user) -> bool:
    """Whether ``organizations_of(user, admins_only=True, validated_only=False)`` has any OSC,
    without loading them."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(db.session.scalar(_ADMINISTERS_AN_OSC, {"user_id": user.id}))


def organizations_of(user, *, admins_only: bool = False,
                     validated_only: bool = True) -> list[Organization]:
    """The OSCs a person belongs to (active membership), by name: every module asks this one
    question (on whose behalf may I register, post, announce an event?)."""
    if not getattr(user, "is_authenticated", False):
        return []
    # Callers want names and ids; the activity areas load on first use, if ever.
    stmt = (select(Organization).join(Membership, Membership.organization_id == Organization.id)
            .where(_active_memberships(user.id, admins_only))
            .options(lazyload(Organization.activities)).order_by(Organization.name))
    if validated_only:
        stmt = stmt.where(Organization.status == "validated")
    return list(db.session.scalars(stmt))


def memberships_of(user: User) -> list[Membership]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(db.session.scalars(select(Membership).where(Membership.user_id == user.id)))


# --- follows ------------------------------------------------------------------------------


def follow(actor: User, org: Organization) -> None:
    require_signed_in(actor)
    if db.session.get(Follow, (actor.id, org.id)) is None:
        db.session.add(Follow(user_id=actor.id, organization_id=org.id))


def unfollow(actor: User, org: Organization) -> None:
    require_signed_in(actor)
    existing = db.session.get(Follow, (actor.id, org.id))
    if existing is not None:
        db.session.delete(existing)


def is_following(user, org: Organization) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.get(Follow, (user.id, org.id)) is not None


def follower_count(org: Organization) -> int:
    return db.session.scalar(select(func.count()).select_from(Follow).where(
        Follow.organization_id == org.id))


# --- history ------------------------------------------------------------------------------


def history(actor: User, org: Organization, page: int = 1, per_page: int = 50):
    require_manage(actor, org)
    stmt = select(ProfileRevision).where(ProfileRevision.organization_id == org.id).order_by(
        ProfileRevision.created_at.desc(), ProfileRevision.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def validation_queue(actor: User):
    """Pending registrations and pending legal changes, oldest first."""
    require_staff(actor)
    pending = list(db.session.scalars(select(Organization).where(
        Organization.status == "pending").order_by(Organization.created_at)))
    requests = list(db.session.scalars(select(ChangeRequest).where(
        ChangeRequest.status == "pending").order_by(ChangeRequest.created_at)))
    return pending, requests

