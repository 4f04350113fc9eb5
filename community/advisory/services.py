"""The rules of advisory requests: who asks, who sees, who acts, and when it is due.

Every function takes the acting user (None for an anonymous visitor), decides permissions
here, raises ``PermissionDenied`` / ``ValidationError({field: message})`` / ``NotFound``,
flushes and never commits: the view, the CLI or the test commits once.

A request made without an account waits in ``por_confirmar`` until its e-mail link is
opened; then it enters the queue (``confirmed_at``), and due dates count business days from
that moment, with the days spent waiting on the requester (``en_espera``) added back.

Who sees a request: staff; the account that made it; the active members of the OSC it was
made for; whoever holds its signed status link. Internal notes are staff's only: they never
reach the requester's timeline, notifications, mail or data export.
"""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import select

from community.accounts.models import User
from community.advisory import labels
from community.advisory.businessdays import add_business_days, business_days_between
from community.advisory.models import (
    AdvisoryActivity,
    AdvisoryOutcome,
    AdvisoryRequest,
    AdvisorySession,
)
from community.core import audit
from community.core.catalog import is_municipality
from community.core.errors import NotFound, PermissionDenied, ValidationError
from community.core.inputs import REASON_MAX, check_length, parse_id, text_length
from community.core.mail import send_template
from community.core.notifications import notify
from community.core.permissions import has_role, require_staff
from community.core.sanitize import render_markdown
from community.core.signals import advisory_concluded, organization_registered
from community.core.timeutil import to_local, utcnow
from community.core.urls import external_url
from community.extensions import db
from community.profiles import services as profiles
from community.profiles import validators as v
from community.profiles.models import Organization

# --- the rules in numbers ---------------------------------------------------------------------

#: Crockford's base32 without the characters people misread (0 O 1 I L U).
FOLIO_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
FOLIO_LENGTH = 5
FOLIO_MAX = 20
FOLIO_ATTEMPTS = 20

FIRST_CONTACT_DAYS = 2
CONCLUSION_DAYS = {"constituir": 30, "cluni": 20, "donataria": 30, "registro_estatal": 15,
                   "fortalecimiento": 20, "fiscal": 15, "procuracion": 20, "otro": 15}
CONFIRM_MAX_AGE = timedelta(days=7)
CONFIRM_SALT = "community.advisory.confirm"
STATUS_SALT = "community.advisory.status"

NAME_MAX = 200
CONTACT_NAME_MAX = 120
DESCRIPTION_MAX = 5_000
MESSAGE_MAX = 20_000
SESSION_TEXT_MAX = 2_000
OUTCOME_NOTE_MAX = 2_000
FOUNDERS_MAX = 1_000
DURATION_MAX = 24 * 60
PEOPLE_MAX = 10_000

#: Where each state may go (``services.change_state`` and friends refuse anything else).
TRANSITIONS = {
    "por_confirmar": ("recibida", "cancelada"),
    "recibida": ("asignada", "cancelada"),
    "asignada": ("asignada", "en_atencion", "en_espera", "cancelada"),
    "en_atencion": ("en_espera", "concluida", "cancelada"),
    "en_espera": ("en_atencion", "cancelada"),
    "concluida": (),
    "cancelada": (),
}
#: States in which staff work on the case (sessions, outcomes, reassignment).
WORKING_STATES = ("asignada", "en_atencion", "en_espera")
#: States the requester may still write in or withdraw from.
REQUESTER_OPEN_STATES = ("por_confirmar", "recibida", "asignada", "en_atencion", "en_espera")
STAFF_PATH = "/personal/asesorias/{folio}"
PUBLIC_PATH = "/asesorias/{folio}"


def now() -> datetime:
    """The current time (naive UTC); the one clock of this module, so tests can freeze it."""
    return utcnow()


def today() -> date:
    """Today in Mexico City, where due dates are counted."""
    return _local_date(now())


def _local_date(moment: datetime) -> date:
    return to_local(moment).date()


# --- signed links -----------------------------------------------------------------------------


def _confirm_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM_SALT)


def _status_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=STATUS_SALT)


def confirmation_token(req: AdvisoryRequest) -> str:
    """The e-mail confirmation link's token (valid for CONFIRM_MAX_AGE)."""
    return _confirm_serializer().dumps(req.folio)


def status_token(req: AdvisoryRequest) -> str:
    """The signed token of the anonymous status link; it never expires and names one folio."""
    return _status_serializer().dumps(req.folio)


def _token_folio(token: str | None) -> str | None:
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    try:
        folio = _status_serializer().loads(token)
    except BadSignature:
        return None
    return folio if isinstance(folio, str) else None


def _token_matches(req: AdvisoryRequest, token: str | None) -> bool:
    return token is not None and _token_folio(token) == req.folio


def _by_folio(folio) -> AdvisoryRequest | None:
    if not isinstance(folio, str) or not folio.strip() or len(folio) > FOLIO_MAX * 2:
        return None
    return db.session.scalar(select(AdvisoryRequest).where(
        AdvisoryRequest.folio == folio.strip().upper()))


def request_for_token(folio, token) -> AdvisoryRequest:
    """The request a status link names; NotFound for a wrong folio, a wrong or foreign
    signature alike (nothing tells which part was wrong)."""
    req = _by_folio(folio)
    if req is None or not _token_matches(req, token):
        raise NotFound()
    return req


# --- who sees, who acts -----------------------------------------------------------------------


def is_staff_view(actor) -> bool:
    return has_role(actor, "staff")


def _is_own(actor, req: AdvisoryRequest) -> bool:
    return has_role(actor, "citizen") and req.user_id is not None and req.user_id == actor.id


def _is_member(actor, req: AdvisoryRequest) -> bool:
    """An active member of the OSC the request was made for."""
    if req.requester_kind != "osc" or req.organization_id is None:
        return False
    if not has_role(actor, "citizen"):
        return False
    return profiles.is_org_member(actor, req.organization)


def speaks_for_requester(actor, req: AdvisoryRequest, token: str | None = None) -> bool:
    """The requester's side: the account that asked, the OSC's members, the link's holder
    (they may write to staff and withdraw; staff act from their own page)."""
    return _is_own(actor, req) or _is_member(actor, req) or _token_matches(req, token)


def can_view(actor, req: AdvisoryRequest, token: str | None = None) -> bool:
    return is_staff_view(actor) or speaks_for_requester(actor, req, token)


def get_for_viewer(actor, folio, token: str | None = None) -> AdvisoryRequest:
    """The request when this person may see it; NotFound otherwise, the same answer for a
    folio that does not exist and one that is someone else's (guessing finds nothing)."""
    req = _by_folio(folio)
    if req is None or not can_view(actor, req, token):
        raise NotFound()
    return req


def get_for_staff(actor, folio) -> AdvisoryRequest:
    """The request for staff's case page (PermissionDenied for anyone else)."""
    require_staff(actor)
    req = _by_folio(folio)
    if req is None:
        raise NotFound()
    return req


def timeline(actor, req: AdvisoryRequest, token: str | None = None) -> list[AdvisoryActivity]:
    """The request's history, oldest first; internal notes only for staff."""
    if not can_view(actor, req, token):
        raise NotFound()
    if is_staff_view(actor):
        return list(req.activities)
    return [item for item in req.activities if not item.internal]


def staff_choices() -> list[tuple[int, str]]:
    """Active staff people, by name: who a request may be assigned to."""
    rows = db.session.execute(
        select(User.id, User.name).where(User.role.in_(("staff", "admin")),
                                         User.active.is_(True))
        .order_by(User.name, User.id))
    return [(person_id, name) for person_id, name in rows]


# --- due dates --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueDates:
    first_contact: date | None
    conclusion: date | None
    paused_days: int
    first_contact_overdue: bool
    conclusion_overdue: bool
    on_time: bool | None  # concluded by the due date; None while open or when cancelled


def _dues(req: AdvisoryRequest, paused: int) -> tuple[date, date]:
    start = _local_date(req.confirmed_at)
    days = CONCLUSION_DAYS.get(req.topic, CONCLUSION_DAYS["otro"])
    return (add_business_days(start, FIRST_CONTACT_DAYS + paused),
            add_business_days(start, days + paused))


def _running_pause(req: AdvisoryRequest, until: date) -> int:
    if req.state != "en_espera" or req.paused_since is None:
        return 0
    return business_days_between(_local_date(req.paused_since), until)


def _refresh_dues(req: AdvisoryRequest) -> None:
    """Keep the stored due dates (what the queue filters on) in step with the clock."""
    if req.confirmed_at is None:
        req.first_contact_due = req.conclusion_due = None
        return
    req.first_contact_due, req.conclusion_due = _dues(req, req.paused_days or 0)


def due_dates(req: AdvisoryRequest, on: date | None = None) -> DueDates:
    """The request's due dates as of ``on`` (today), a pause still running included.

    Overdue means open, not waiting on the requester, and ``on`` past the due date; first
    contact is overdue only while it has not happened.
    """
    on = on or today()
    if req.confirmed_at is None:
        return DueDates(None, None, 0, False, False, None)
    paused = (req.paused_days or 0) + _running_pause(req, on)
    first, conclusion = _dues(req, paused)
    running = req.is_open and req.state != "en_espera"
    on_time = None
    if req.state == "concluida" and req.concluded_at is not None:
        on_time = _local_date(req.concluded_at) <= conclusion
    return DueDates(
        first_contact=first, conclusion=conclusion, paused_days=paused,
        first_contact_overdue=running and req.first_contact_at is None and on > first,
        conclusion_overdue=running and on > conclusion, on_time=on_time)


def invites_registration(req: AdvisoryRequest) -> bool:
    """The advice concluded with an OSC constituted that is not on the platform yet: its
    requester is invited to register it (and the registration links back here)."""
    return (req.state == "concluida" and req.resulting_organization_id is None
            and any(outcome.kind == "osc_constituida" for outcome in req.outcomes))


def next_step(req: AdvisoryRequest) -> str:
    """What happens next, in one plain sentence for the status page."""
    return str(_NEXT_STEPS.get(req.state, ""))


_NEXT_STEPS = {
    "por_confirmar": _l("Revisa tu correo y abre el enlace que te enviamos: así tu solicitud "
                        "entra a la fila de atención."),
    "recibida": _l("Recibimos tu solicitud. En los próximos días hábiles una persona asesora "
                   "la tomará y te contactará."),
    "asignada": _l("Una persona asesora ya tiene tu solicitud y te contactará pronto por el "
                   "medio que elegiste."),
    "en_atencion": _l("Tu asesoría está en curso. Si tienes dudas, escríbenos en esta página."),
    "en_espera": _l("Esperamos tu respuesta para continuar: escríbenos en esta página."),
    "concluida": _l("Tu asesoría concluyó. Gracias por confiar en nosotros."),
    "cancelada": _l("Esta solicitud se canceló. Si lo necesitas, puedes hacer una nueva."),
}


# --- creating and confirming ------------------------------------------------------------------


def new_folio(year: int) -> str:
    """"ASE-<year>-XXXXX" with five random characters: never sequential, never guessable."""
    return f"ASE-{year}-" + "".join(secrets.choice(FOLIO_ALPHABET)
                                     for _ in range(FOLIO_LENGTH))


def _free_folio(year: int) -> str:
    """A folio no request has (24 million per year: a collision is rare, and retried)."""
    for _ in range(FOLIO_ATTEMPTS):
        folio = new_folio(year)
        taken = db.session.scalar(select(AdvisoryRequest.id).where(
            AdvisoryRequest.folio == folio))
        if taken is None:
            return folio
    raise RuntimeError("no free advisory folio after many attempts")


def _text(raw) -> str:
    return "" if raw is None else str(raw).strip()


def _choice(errors: dict, data: Mapping, field: str, mapping: dict, message) -> str | None:
    value = _text(data.get(field))
    if value not in mapping:
        errors[field] = message
        return None
    return value


def _one_line(errors: dict, data: Mapping, field: str, max_len: int,
              required_message=None) -> str | None:
    try:
        value = v.clean_text(data.get(field), max_len)
    except ValueError as problem:
        errors[field] = problem.args[0]
        return None
    if value is None and required_message is not None:
        errors[field] = required_message
    return value


def _long_text(errors: dict, field: str, raw, max_len: int, required_message=None) -> str:
    text = "" if raw is None else str(raw).strip()
    if not text and required_message is not None:
        errors[field] = required_message
    elif text_length(text) > max_len:
        errors[field] = _l("Escribe como máximo %(max)d caracteres; ahora hay %(count)d.",
                           max=max_len, count=text_length(text))
    return text


def _bounded_int(errors: dict, data: Mapping, field: str, low: int, high: int,
                 required_message=None) -> int | None:
    raw = data.get(field)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required_message is not None:
            errors[field] = required_message
        return None
    number = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
    if number is None and isinstance(raw, str) and raw.strip().isascii() \
            and raw.strip().isdigit():
        number = int(raw.strip())
    if number is None or not low <= number <= high:
        errors[field] = _l("Escribe un número entero entre %(low)d y %(high)d.",
                           low=low, high=high)
        return None
    return number


def _clean_contact(errors: dict, actor, data: Mapping, preference: str | None) -> dict:
    signed_in = has_role(actor, "citizen")
    name = _one_line(errors, data, "contact_name", CONTACT_NAME_MAX,
                     None if signed_in else _l("Escribe tu nombre para saber cómo dirigirnos "
                                               "a ti."))
    if name is None and signed_in and "contact_name" not in errors:
        name = actor.name
    email = None
    try:
        email = v.clean_email(data.get("contact_email"))
    except ValueError as problem:
        errors["contact_email"] = problem.args[0]
    if email is None and "contact_email" not in errors:
        if signed_in:
            email = actor.email
        else:
            errors["contact_email"] = _l("Escribe tu correo: ahí te enviaremos el enlace para "
                                         "confirmar y seguir tu solicitud.")
    phone = None
    try:
        phone = v.clean_phone(data.get("contact_phone"))
    except ValueError as problem:
        errors["contact_phone"] = problem.args[0]
    if phone is None and preference in ("telefono", "whatsapp") \
            and "contact_phone" not in errors:
        errors["contact_phone"] = _l("Escribe tu teléfono a 10 dígitos: elegiste que te "
                                     "contactemos por teléfono o WhatsApp.")
    return {"contact_name": name, "contact_email": email, "contact_phone": phone}


def _clean_requester(errors: dict, actor, data: Mapping, kind: str | None) -> dict:
    """Who asks: a group (its proposed name and founders) or an OSC (one of the actor's own,
    or named by hand when it is not on the platform)."""
    proposed = _one_line(errors, data, "proposed_name", NAME_MAX)
    founders = _bounded_int(errors, data, "founders_count", 1, FOUNDERS_MAX)
    organization_id = None
    try:
        organization_id = parse_id(data.get("organization_id"), "organization_id")
    except ValidationError as problem:
        errors.update(problem.errors)
    if kind == "grupo":
        organization_id = None
    elif kind == "osc" and organization_id is not None:
        org = db.session.get(Organization, organization_id)
        if org is None or not profiles.is_org_member(actor, org):
            errors["organization_id"] = _l("Solo quienes integran una OSC pueden pedir "
                                           "asesoría a su nombre. Elige una de tus OSC.")
            organization_id = None
        else:
            proposed = proposed or org.name
    elif kind == "osc" and proposed is None and "proposed_name" not in errors:
        errors["proposed_name"] = _l("Escribe el nombre de la OSC, o elígela de la lista si ya "
                                     "está en la plataforma.")
    return {"proposed_name": proposed, "founders_count": founders,
            "organization_id": organization_id}


def clean_request(actor, data: Mapping) -> dict:
    """Every field of a new request checked at once: a Spanish message per bad field."""
    errors: dict = {}
    cleaned = {
        "topic": _choice(errors, data, "topic", labels.TOPICS,
                         _l("Elige el tema de la asesoría.")),
        "requester_kind": _choice(errors, data, "requester_kind", labels.REQUESTER_KINDS,
                                  _l("Elige quién pide la asesoría.")),
        "modality": _choice(errors, data, "modality", labels.MODALITIES,
                            _l("Elige dónde prefieres recibir la asesoría.")),
        "contact_preference": _choice(errors, data, "contact_preference",
                                      labels.CONTACT_PREFERENCES,
                                      _l("Elige cómo prefieres que te contactemos.")),
    }
    municipality = _text(data.get("municipality_code"))
    if not is_municipality(municipality):
        errors["municipality_code"] = _l("Elige el municipio de la lista.")
    cleaned["municipality_code"] = municipality
    cleaned["description"] = _long_text(
        errors, "description", data.get("description"), DESCRIPTION_MAX,
        _l("Cuéntanos en pocas palabras qué necesitan."))
    cleaned.update(_clean_requester(errors, actor, data, cleaned["requester_kind"]))
    cleaned.update(_clean_contact(errors, actor, data, cleaned["contact_preference"]))
    locale = _text(data.get("locale"))
    cleaned["locale"] = locale if locale in current_app.config["LANGUAGES"] else None
    if errors:
        raise ValidationError(errors)
    return cleaned


def _activity(req: AdvisoryRequest, kind: str, actor=None, **values) -> AdvisoryActivity:
    item = AdvisoryActivity(kind=kind, actor_id=getattr(actor, "id", None),
                            created_at=now(), **values)
    req.activities.append(item)
    return item


def create_request(actor, data: Mapping, *, ip: str | None = None) -> AdvisoryRequest:
    """A new request. Signed in: it enters the queue at once (recibida). Anonymous: it waits
    for the e-mail link (por_confirmar) and the mail with that link is queued."""
    cleaned = clean_request(actor, data)
    moment = now()
    signed_in = has_role(actor, "citizen")
    req = AdvisoryRequest(
        folio=_free_folio(_local_date(moment).year),
        description_html=str(render_markdown(cleaned["description"])),
        user_id=actor.id if signed_in else None,
        state="recibida" if signed_in else "por_confirmar",
        created_at=moment, updated_at=moment,
        confirmed_at=moment if signed_in else None,
        paused_days=0, **cleaned)
    _refresh_dues(req)
    db.session.add(req)
    _activity(req, "created", actor if signed_in else None, to_state=req.state,
              from_requester=True)
    db.session.flush()
    audit.record("advisory.created", actor if signed_in else None, req, ip=ip,
                 folio=req.folio, topic=req.topic)
    if signed_in:
        notify([actor], "advisory.received",
               _l("Recibimos tu solicitud de asesoría %(folio)s.", folio=req.folio),
               PUBLIC_PATH.format(folio=req.folio))
    else:
        send_template(req.contact_email, _l("Confirma tu solicitud de asesoría %(folio)s",
                                            folio=req.folio),
                      "advisory_confirm", locale=req.locale, req=req,
                      confirm_url=external_url("advisory.confirm",
                                               token=confirmation_token(req)),
                      days=CONFIRM_MAX_AGE.days)
    return req


def confirm_request(token: str) -> AdvisoryRequest:
    """Open the e-mail link: the request enters the queue. Opening it again changes nothing
    (mail scanners open links too); a bad or expired link is a ValidationError."""
    invalid = _l("El enlace no es válido. Copia el enlace completo del correo que te enviamos.")
    if not isinstance(token, str) or not token or len(token) > 200:
        raise ValidationError({"token": invalid})
    try:
        folio = _confirm_serializer().loads(token, max_age=int(CONFIRM_MAX_AGE.total_seconds()))
    except SignatureExpired:
        raise ValidationError({"token": _l(
            "El enlace venció: tenía %(days)d días para abrirse. Haz una nueva solicitud, "
            "por favor.", days=CONFIRM_MAX_AGE.days)}) from None
    except BadSignature:
        raise ValidationError({"token": invalid}) from None
    req = _by_folio(folio) if isinstance(folio, str) else None
    if req is None:
        raise ValidationError({"token": invalid})
    if req.state != "por_confirmar":
        return req
    moment = now()
    req.state, req.confirmed_at = "recibida", moment
    _refresh_dues(req)
    _activity(req, "confirmed", from_state="por_confirmar", to_state="recibida",
              from_requester=True)
    db.session.flush()
    send_template(req.contact_email, _l("Tu solicitud de asesoría %(folio)s está en la fila",
                                        folio=req.folio),
                  "advisory_received", locale=req.locale, req=req,
                  status_url=_status_link(req), next_step=next_step(req))
    return req


def expire_unconfirmed(moment: datetime | None = None) -> int:
    """Cancel the requests whose e-mail link was never opened in time (``flask advisory
    expire``); nobody is told: the address was never confirmed."""
    moment = moment or now()
    stale = db.session.scalars(select(AdvisoryRequest).where(
        AdvisoryRequest.state == "por_confirmar",
        AdvisoryRequest.created_at < moment - CONFIRM_MAX_AGE)).all()
    for req in stale:
        req.state, req.cancelled_at = "cancelada", moment
        req.cancel_reason = str(_l("El correo no se confirmó a tiempo."))
        _activity(req, "state", from_state="por_confirmar", to_state="cancelada")
    db.session.flush()
    return len(stale)


# --- telling people ---------------------------------------------------------------------------


def _status_link(req: AdvisoryRequest) -> str:
    return external_url("advisory.status", folio=req.folio, t=status_token(req))


def _tell_requester(req: AdvisoryRequest, kind: str, message, body: str | None = None) -> None:
    """The requester hears of every change: in the app when they have an account, else by
    mail to the contact address (through the outbox). Never with an internal note."""
    if req.user is not None and req.user.active:
        notify([req.user], f"advisory.{kind}", message, PUBLIC_PATH.format(folio=req.folio))
        return
    if req.state == "por_confirmar" or not req.contact_email:
        return
    send_template(req.contact_email, _l("Tu solicitud de asesoría %(folio)s", folio=req.folio),
                  "advisory_update", locale=req.locale, req=req, message=message, body=body,
                  status_url=_status_link(req), next_step=next_step(req))


def _tell_assignee(req: AdvisoryRequest, actor, message) -> None:
    """The assigned advisor hears of what others did on their case."""
    if req.assignee is None or req.assignee_id == getattr(actor, "id", None):
        return
    notify([req.assignee], "advisory.case", message, STAFF_PATH.format(folio=req.folio))


# --- the requester's side ---------------------------------------------------------------------


def _require_open_for_requester(req: AdvisoryRequest) -> None:
    if req.state not in REQUESTER_OPEN_STATES:
        raise ValidationError({"body": _l("Esta solicitud ya está cerrada.")})


def post_message(actor, req: AdvisoryRequest, body, token: str | None = None) -> AdvisoryActivity:
    """A message on the request's page: staff to the requester (counts as first contact), or
    the requester to staff (resumes a request that was waiting on them)."""
    staff = is_staff_view(actor)
    if not staff and not speaks_for_requester(actor, req, token):
        raise NotFound()
    if req.is_final:
        raise ValidationError({"body": _l("Esta solicitud ya está cerrada.")})
    if req.state == "por_confirmar":
        raise ValidationError({"body": _l("Primero confirma tu correo con el enlace que te "
                                          "enviamos.")})
    text = check_length(_text(body), MESSAGE_MAX, "body")
    if not text:
        raise ValidationError({"body": _l("Escribe tu mensaje.")})
    item = _activity(req, "message", actor if has_role(actor, "citizen") else None, body=text,
                     body_html=str(render_markdown(text)), from_requester=not staff)
    if staff:
        _first_contact(req)
        _tell_requester(req, "message", _l("Tienes un mensaje nuevo sobre tu solicitud "
                                           "%(folio)s.", folio=req.folio), body=text)
    else:
        if req.state == "en_espera":
            _move(req, "en_atencion", None, from_requester=True)
        _tell_assignee(req, actor, _l("Mensaje nuevo en la solicitud %(folio)s.",
                                      folio=req.folio))
    db.session.flush()
    return item


def cancel_own(actor, req: AdvisoryRequest, reason, token: str | None = None) -> None:
    """The requester withdraws a request that is still open."""
    if not speaks_for_requester(actor, req, token):
        raise NotFound()
    if req.state not in REQUESTER_OPEN_STATES:
        raise ValidationError({"reason": _l("Esta solicitud ya está cerrada.")})
    text = check_length(_text(reason), REASON_MAX, "reason")
    req.cancel_reason = text or str(_l("Retirada por quien la solicitó."))
    _move(req, "cancelada", actor if has_role(actor, "citizen") else None,
          from_requester=True, body=text or None)
    _tell_assignee(req, actor, _l("Quien solicitó la asesoría %(folio)s la retiró.",
                                  folio=req.folio))
    db.session.flush()


# --- staff's side -----------------------------------------------------------------------------


def _require_staff_on(actor, req: AdvisoryRequest) -> None:
    require_staff(actor)
    if req.is_final:
        raise ValidationError({"state": _l("Esta solicitud ya está cerrada.")})


def _check_transition(req: AdvisoryRequest, new_state: str) -> None:
    if new_state not in TRANSITIONS.get(req.state, ()):
        raise ValidationError({"state": _l(
            "Una solicitud «%(current)s» no puede pasar a «%(new)s».",
            current=labels.state_label(req.state), new=labels.state_label(new_state))})


def _first_contact(req: AdvisoryRequest) -> None:
    if req.first_contact_at is None:
        req.first_contact_at = now()


def _move(req: AdvisoryRequest, new_state: str, actor, from_requester: bool = False,
          body: str | None = None) -> None:
    """Change the state and keep the clock: a pause starts or ends, dues move, the final
    states get their time. Checks the diagram; the callers check who may."""
    _check_transition(req, new_state)
    moment = now()
    old = req.state
    if old == "en_espera" and req.paused_since is not None:
        req.paused_days = (req.paused_days or 0) + business_days_between(
            _local_date(req.paused_since), _local_date(moment))
        req.paused_since = None
    if new_state == "en_espera":
        req.paused_since = moment
    if new_state == "recibida" and req.confirmed_at is None:
        req.confirmed_at = moment  # staff confirmed it by hand (the person called)
    if new_state == "en_atencion":
        _first_contact(req)
    if new_state == "concluida":
        req.concluded_at = moment
    if new_state == "cancelada":
        req.cancelled_at = moment
    req.state = new_state
    req.updated_at = moment
    _refresh_dues(req)
    _activity(req, "state", actor, from_state=old, to_state=new_state,
              from_requester=from_requester, body=body)


def assign(actor, req: AdvisoryRequest, assignee_id) -> None:
    """Give the request to a staff person (again, to reassign it); a received request
    becomes ``asignada``, one in progress keeps its state."""
    _require_staff_on(actor, req)
    person_id = parse_id(assignee_id, "assignee_id")
    person = db.session.get(User, person_id) if person_id else None
    if person is None or not has_role(person, "staff"):
        raise ValidationError({"assignee_id": _l("Elige a una persona del personal.")})
    if req.state == "por_confirmar":
        raise ValidationError({"assignee_id": _l("La solicitud aún no confirma su correo.")})
    if person.id == req.assignee_id:
        raise ValidationError({"assignee_id": _l("La solicitud ya está asignada a esa "
                                                 "persona.")})
    previous = req.assignee_id
    if req.state == "recibida":
        _move(req, "asignada", actor)
    req.assignee_id = person.id
    req.assignee = person
    _activity(req, "assigned", actor, to_state=req.state)
    audit.record("advisory.assign", actor, req, folio=req.folio, assignee_id=person.id,
                 previous_assignee_id=previous)
    _tell_assignee(req, actor, _l("Se te asignó la solicitud de asesoría %(folio)s.",
                                  folio=req.folio))
    if previous is None:
        _tell_requester(req, "assigned", _l("Una persona asesora ya tiene tu solicitud "
                                            "%(folio)s.", folio=req.folio))
    db.session.flush()


def change_state(actor, req: AdvisoryRequest, new_state: str, reason=None) -> None:
    """Staff move a request along the diagram. ``asignada`` comes from :func:`assign`,
    ``concluida`` from :func:`conclude` (it needs an outcome), ``cancelada`` needs a reason."""
    _require_staff_on(actor, req)
    if new_state not in labels.STATES:
        raise ValidationError({"state": _l("Elige un estado de la lista.")})
    if new_state == "concluida":
        conclude(actor, req)
        return
    if new_state == "asignada" and req.state != "asignada":
        raise ValidationError({"state": _l("Para asignar la solicitud elige a una persona.")})
    _check_transition(req, new_state)
    text = check_length(_text(reason), REASON_MAX, "reason")
    if new_state == "cancelada":
        if not text:
            raise ValidationError({"reason": _l("Escribe el motivo de la cancelación; lo "
                                                "leerá quien hizo la solicitud.")})
        req.cancel_reason = text
    old = req.state
    _move(req, new_state, actor, body=text or None)
    audit.record("advisory.state", actor, req, folio=req.folio, old=old, new=new_state,
                 reason=text or None)
    _tell_requester(req, "state", _state_message(req), body=text or None)
    db.session.flush()


def _state_message(req: AdvisoryRequest):
    return _l("Tu solicitud %(folio)s ahora está: %(state)s.", folio=req.folio,
              state=labels.STATES.get(req.state, req.state))


def add_note(actor, req: AdvisoryRequest, body) -> AdvisoryActivity:
    """An internal note: staff only, seen by staff only; the assignee hears of it."""
    require_staff(actor)
    text = check_length(_text(body), MESSAGE_MAX, "body")
    if not text:
        raise ValidationError({"body": _l("Escribe la nota.")})
    item = _activity(req, "note", actor, body=text, body_html=str(render_markdown(text)),
                     internal=True)
    _tell_assignee(req, actor, _l("Nota interna nueva en la solicitud %(folio)s.",
                                  folio=req.folio))
    db.session.flush()
    return item


def _clean_date(errors: dict, data: Mapping, field: str, required_message=None,
                earliest: date | None = None) -> date | None:
    try:
        day = v.clean_date_not_future(data.get(field), today=today(),
                                      **({"earliest": earliest} if earliest else {}))
    except ValueError as problem:
        errors[field] = problem.args[0]
        return None
    if day is None and required_message is not None:
        errors[field] = required_message
    return day


def clean_session(req: AdvisoryRequest, data: Mapping) -> dict:
    errors: dict = {}
    held_on = _clean_date(errors, data, "held_on", _l("Escribe la fecha de la sesión."),
                          earliest=_local_date(req.created_at))
    modality = _choice(errors, data, "modality", labels.MODALITIES,
                       _l("Elige cómo fue la sesión."))
    municipality = _text(data.get("municipality_code")) or None
    if municipality is not None and not is_municipality(municipality):
        errors["municipality_code"] = _l("Elige el municipio de la lista.")
    elif municipality is None and modality == "municipio":
        errors["municipality_code"] = _l("Elige el municipio donde fue la sesión.")
    cleaned = {
        "held_on": held_on, "modality": modality, "municipality_code": municipality,
        "duration_minutes": _bounded_int(errors, data, "duration_minutes", 1, DURATION_MAX,
                                         _l("Escribe cuántos minutos duró.")),
        "people_attended": _bounded_int(errors, data, "people_attended", 1, PEOPLE_MAX,
                                        _l("Escribe cuántas personas asistieron.")),
        "topics": _long_text(errors, "topics", data.get("topics"), SESSION_TEXT_MAX,
                             _l("Escribe los temas que se vieron.")),
        "next_steps": _long_text(errors, "next_steps", data.get("next_steps"),
                                 SESSION_TEXT_MAX),
    }
    if errors:
        raise ValidationError(errors)
    return cleaned


def log_session(actor, req: AdvisoryRequest, data: Mapping) -> AdvisorySession:
    """Record advice given (counts as first contact). Only on an assigned, open case."""
    _require_staff_on(actor, req)
    if req.state not in WORKING_STATES:
        raise ValidationError({"held_on": _l("Asigna la solicitud antes de registrar una "
                                             "sesión.")})
    cleaned = clean_session(req, data)
    session = AdvisorySession(recorded_by_id=actor.id, created_at=now(),
                              next_steps_html=str(render_markdown(cleaned["next_steps"])),
                              **cleaned)
    req.sessions.append(session)
    _first_contact(req)
    _activity(req, "session", actor, body=cleaned["topics"])
    db.session.flush()
    audit.record("advisory.session", actor, req, folio=req.folio, session_id=session.id,
                 held_on=cleaned["held_on"].isoformat(), modality=cleaned["modality"])
    _tell_requester(req, "session", _l("Registramos una sesión de asesoría de tu solicitud "
                                       "%(folio)s.", folio=req.folio))
    return session


def record_outcome(actor, req: AdvisoryRequest, data: Mapping) -> AdvisoryOutcome:
    """Record what the advice achieved; an OSC constituted needs the date of its acta."""
    _require_staff_on(actor, req)
    if req.state not in WORKING_STATES:
        raise ValidationError({"kind": _l("Asigna la solicitud antes de registrar un "
                                          "resultado.")})
    errors: dict = {}
    kind = _choice(errors, data, "kind", labels.OUTCOMES, _l("Elige el resultado."))
    achieved_on = _clean_date(errors, data, "achieved_on")
    if kind == "osc_constituida" and achieved_on is None and "achieved_on" not in errors:
        errors["achieved_on"] = _l("Escribe la fecha del acta constitutiva.")
    note = _long_text(errors, "note", data.get("note"), OUTCOME_NOTE_MAX)
    if kind and any(outcome.kind == kind for outcome in req.outcomes):
        errors["kind"] = _l("Ese resultado ya está registrado.")
    if errors:
        raise ValidationError(errors)
    outcome = AdvisoryOutcome(kind=kind, achieved_on=achieved_on, note=note,
                              recorded_by_id=actor.id, created_at=now())
    req.outcomes.append(outcome)
    _activity(req, "outcome", actor, body=str(labels.OUTCOMES[kind]))
    db.session.flush()
    audit.record("advisory.outcome", actor, req, folio=req.folio, kind=kind,
                 achieved_on=achieved_on.isoformat() if achieved_on else None)
    return outcome


def conclude(actor, req: AdvisoryRequest) -> None:
    """Close the case with its outcomes; tell the requester and send ``advisory_concluded``
    once (the surveys module offers the satisfaction survey)."""
    _require_staff_on(actor, req)
    _check_transition(req, "concluida")
    if not req.outcomes:
        raise ValidationError({"outcome": _l("Registra al menos un resultado antes de "
                                             "concluir.")})
    _move(req, "concluida", actor)
    audit.record("advisory.conclude", actor, req, folio=req.folio,
                 outcomes=[outcome.kind for outcome in req.outcomes])
    _tell_requester(req, "concluded", _l("Tu asesoría %(folio)s concluyó.", folio=req.folio))
    db.session.flush()
    advisory_concluded.send(None, request_id=req.id, user_id=req.user_id,
                            email=req.contact_email or None, topic=req.topic,
                            municipality_code=req.municipality_code)


# --- the OSC that came out of the advice ------------------------------------------------------


def _link(req: AdvisoryRequest, organization_id: int, actor) -> None:
    req.resulting_organization_id = organization_id
    _activity(req, "linked", actor, body=str(organization_id))


def link_organization(actor, req: AdvisoryRequest, organization_id) -> None:
    """Link the OSC registered after the advice: staff any OSC, the requester one they
    belong to."""
    org_id = parse_id(organization_id, "organization_id")
    org = db.session.get(Organization, org_id) if org_id else None
    staff = is_staff_view(actor)
    if not staff and not _is_own(actor, req):
        raise PermissionDenied(_l("Solo el personal o quien hizo la solicitud puede "
                                  "vincular la OSC."))
    if org is None or (not staff and not profiles.is_org_member(actor, org)):
        raise ValidationError({"organization_id": _l("Elige una OSC de la plataforma.")})
    _link(req, org.id, actor)
    if staff:
        audit.record("advisory.link", actor, req, folio=req.folio, organization_id=org.id)
    db.session.flush()


@organization_registered.connect
def _on_organization_registered(sender, organization_id=None, user_id=None, reference=None,
                                **_ignored) -> None:
    """Profiles registered an OSC from the status page's invitation (``?asesoria=<folio>``):
    link it when the same person made the request and nothing is linked yet. A request made
    without an account counts as theirs when their account's confirmed e-mail is the one
    the request was confirmed from."""
    if not reference or user_id is None or organization_id is None:
        return
    req = _by_folio(reference)
    user = db.session.get(User, user_id)
    if req is None or user is None or req.resulting_organization_id is not None:
        return
    if req.user_id != user_id and not _same_confirmed_address(req, user):
        return
    _link(req, organization_id, user)
    db.session.flush()


def _same_confirmed_address(req: AdvisoryRequest, user: User) -> bool:
    return (req.user_id is None and req.confirmed_at is not None and user.email_confirmed
            and bool(req.contact_email)
            and req.contact_email.strip().lower() == user.email.strip().lower())
