"""The rules of events: who may announce, edit and see them; registration with an exact
capacity and a waiting list promoted in order.

Every function takes the acting user; permission and validation failures raise; the caller
commits once. Registration locks the event row (``SELECT ... FOR UPDATE`` on PostgreSQL; on
SQLite every write transaction already begins IMMEDIATE), so two people can never take the
last seat at once.
"""

import math
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from community.core import audit
from community.core.catalog import is_municipality
from community.core.errors import NotFound, PermissionDenied, ValidationError
from community.core.inputs import DESCRIPTION_MAX, REASON_MAX, check_length
from community.core.permissions import has_role, require_signed_in
from community.core.sanitize import render_markdown
from community.core.signals import event_concluded
from community.core.text import slugify
from community.core.timeutil import LOCAL_TZ, utcnow
from community.events import messages
from community.events.fields import AUDIENCES, IN_PERSON, KINDS, MODALITIES, ONLINE, TOPICS
from community.events.models import Event, EventSession, EventTopic, Registration
from community.extensions import db
from community.profiles import services as profiles
from community.profiles import validators as v
from community.profiles.models import Organization

MAX_CAPACITY = 100_000
MAX_HOURS = 500
TEXT_LIMITS = {"title": 200, "summary": 300, "venue": 200, "address": 250}
LONG_TEXT_LIMITS = {"description": DESCRIPTION_MAX, "speakers": 5_000}
SESSION_TEXT_LIMITS = {"title": 200, "room": 120, "speakers": 500}
RESERVED_SLUGS = {"calendario", "nuevo", "mis-registros", "mes", "personal", "gestion",
                  "asistencia", "registro", "mi-calendario"}
ACTIVE = ("confirmed", "waitlisted")


# --- permissions --------------------------------------------------------------------------


def can_create(user, organization: Organization | None = None) -> bool:
    """Staff announce any event; an OSC's admins announce their own validated OSC's."""
    if organization is None:
        return has_role(user, "staff")
    if organization.status != "validated":
        return has_role(user, "staff")
    return has_role(user, "staff") or profiles.is_org_admin(user, organization)


def can_manage(user, event: Event) -> bool:
    """Staff, and the admins of the organizing OSC; never another OSC's admins."""
    if has_role(user, "staff"):
        return True
    return event.organization is not None and profiles.is_org_admin(user, event.organization)


def require_manage(user, event: Event) -> None:
    require_signed_in(user)
    if not can_manage(user, event):
        raise PermissionDenied(_l("Solo el personal o quienes organizan este evento pueden "
                                  "hacerlo."))


def require_create(user, organization: Organization | None = None) -> None:
    require_signed_in(user)
    if not can_create(user, organization):
        raise PermissionDenied(_l("Solo el personal o quienes administran una OSC validada "
                                  "pueden anunciar eventos."))


def can_view(user, event: Event) -> bool:
    """Drafts are private to those who manage the event; everything else is public."""
    return event.status != "draft" or can_manage(user, event)


def get_visible(user, slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None or not can_view(user, event):
        raise NotFound()
    return event


def organizations_for(user) -> list[Organization]:
    """The validated OSCs this person may announce events for."""
    return profiles.organizations_of(user, admins_only=True)


def managed_organization_ids(user) -> list[int] | None:
    """Whose events this person runs in the managers' list: None for staff (every event),
    else the OSCs they administer, in any registry status; nobody else has the list."""
    require_signed_in(user)
    if has_role(user, "staff"):
        return None
    ids = [org.id for org in
           profiles.organizations_of(user, admins_only=True, validated_only=False)]
    if not ids:
        raise PermissionDenied(_l("Solo el personal o quienes organizan eventos pueden ver "
                                  "esta página."))
    return ids


def runs_events(user) -> bool:
    """Whether to offer the managers' list at all: :func:`managed_organization_ids` would
    answer without raising (asked on every calendar visit, so without loading the OSCs)."""
    if not has_role(user, "citizen"):
        return False
    return has_role(user, "staff") or profiles.administers_an_osc(user)


def member_organizations(user) -> list[Organization]:
    """OSCs a person belongs to, on whose behalf they may register."""
    return profiles.organizations_of(user)


# --- input --------------------------------------------------------------------------------


def parse_local_datetime(raw) -> datetime | None:
    """A wall-clock time in Mexico City ("2026-12-03T10:00" from a datetime-local input, or a
    datetime) as naive UTC; ``None`` when empty. Raises ValueError with a message."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, datetime):
        value = raw
    else:
        text = str(raw).strip().replace(" ", "T")
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(_l("Escribe la fecha y la hora, por ejemplo 2026-12-03 10:00."))\
                from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(UTC).replace(tzinfo=None)


def clean_event(raw: Mapping) -> dict:
    """Checked values of an event form, or ValidationError with one message per field."""
    errors: dict[str, str] = {}
    cleaned: dict = {}
    _clean_texts(raw, cleaned, errors)
    _clean_choices(raw, cleaned, errors)
    _clean_times(raw, cleaned, errors)
    _clean_place(raw, cleaned, errors)
    _clean_numbers(raw, cleaned, errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_texts(raw, cleaned, errors) -> None:
    for name, limit in TEXT_LIMITS.items():
        try:
            cleaned[name] = v.clean_text(raw.get(name), limit) or ""
        except ValueError as error:
            errors[name] = error.args[0]
    if not cleaned.get("title") and "title" not in errors:
        errors["title"] = _l("Escribe el título del evento.")
    for name, limit in LONG_TEXT_LIMITS.items():
        text = str(raw.get(name) or "").strip()
        try:
            check_length(text, limit, name)
        except ValidationError as error:
            errors.update(error.errors)
        cleaned[name] = text


def _clean_choices(raw, cleaned, errors) -> None:
    for name, choices, message in (
            ("kind", KINDS, _l("Elige el tipo de evento.")),
            ("modality", MODALITIES, _l("Elige la modalidad: presencial, en línea o híbrida.")),
            ("audience", AUDIENCES, _l("Elige a quién está dirigido el evento."))):
        value = str(raw.get(name) or "")
        if value not in choices:
            errors[name] = message
        cleaned[name] = value
    topics = raw.getlist("topics") if hasattr(raw, "getlist") else list(raw.get("topics") or [])
    unknown = [topic for topic in topics if topic not in TOPICS]
    if unknown:
        errors["topics"] = _l("Elige los temas de la lista.")
    cleaned["topics"] = sorted(set(topics) - set(unknown))


def _clean_times(raw, cleaned, errors) -> None:
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        try:
            cleaned[name] = parse_local_datetime(raw.get(name))
        except ValueError as error:
            errors[name] = error.args[0]
    for name, message in (("starts_at", _l("Escribe cuándo empieza.")),
                          ("ends_at", _l("Escribe cuándo termina."))):
        if cleaned.get(name) is None and name not in errors:
            errors[name] = message
    starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
    if starts and ends and ends <= starts:
        errors["ends_at"] = _l("El término debe ser posterior al inicio.")
    if starts and ends and ends - starts > timedelta(days=31):
        errors["ends_at"] = _l("Un evento dura como máximo 31 días; divide los más largos.")
    _check_window(cleaned, errors)


def _check_window(cleaned, errors) -> None:
    opens, closes = cleaned.get("registration_opens_at"), cleaned.get("registration_closes_at")
    ends = cleaned.get("ends_at")
    if opens and closes and closes <= opens:
        errors["registration_closes_at"] = _l("El registro debe cerrar después de abrir.")
    if ends and opens and opens >= ends:
        errors["registration_opens_at"] = _l("El registro debe abrir antes de que el evento "
                                             "termine.")
    if ends and closes and closes > ends:
        errors["registration_closes_at"] = _l("El registro debe cerrar antes de que el evento "
                                              "termine.")


def _clean_place(raw, cleaned, errors) -> None:
    code = str(raw.get("municipality_code") or "")
    modality = cleaned.get("modality")
    if code and not is_municipality(code):
        errors["municipality_code"] = _l("Elige un municipio de la lista.")
    cleaned["municipality_code"] = code or None
    if modality in IN_PERSON:
        if not code:
            errors.setdefault("municipality_code", _l("Elige el municipio donde será."))
        if not cleaned.get("venue"):
            errors.setdefault("venue", _l("Escribe el lugar donde será."))
    try:
        cleaned["online_url"] = v.clean_url(raw.get("online_url"))
    except ValueError as error:
        errors["online_url"] = error.args[0]
    if modality in ONLINE and not cleaned.get("online_url") and "online_url" not in errors:
        errors["online_url"] = _l("Escribe el enlace para conectarse.")


def _clean_numbers(raw, cleaned, errors) -> None:
    for name, low, high, message in (
            ("capacity", 1, MAX_CAPACITY,
             _l("El cupo es un número entero de 1 a %(max)d; déjalo vacío si no hay límite.",
                max=MAX_CAPACITY)),
            ("hours", 1, MAX_HOURS,
             _l("Las horas son un número entero de 1 a %(max)d.", max=MAX_HOURS))):
        text = str(raw.get(name) or "").strip()
        if not text:
            cleaned[name] = None
            continue
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            errors[name] = message
        cleaned[name] = value


# --- events -------------------------------------------------------------------------------


def create_event(actor, raw: Mapping, organization: Organization | None = None) -> Event:
    require_signed_in(actor)
    if not can_create(actor, organization):
        raise PermissionDenied(_l("Solo el personal o quienes administran una OSC validada "
                                  "pueden anunciar eventos."))
    cleaned = clean_event(raw)
    event = Event(slug=_unique_slug(cleaned["title"]), status="draft", created_by_id=actor.id,
                  organization_id=organization.id if organization else None)
    event.organization = organization
    _apply(event, cleaned)
    db.session.add(event)
    db.session.flush()
    audit.record("event.create", actor, event, title=event.title)
    return event


def update_event(actor, event: Event, raw: Mapping) -> Event:
    require_manage(actor, event)
    if event.status == "cancelled":
        raise ValidationError(_l("Un evento cancelado ya no se puede editar."))
    cleaned = clean_event(raw)
    confirmed = count_registrations(event, "confirmed")
    if cleaned["capacity"] is not None and cleaned["capacity"] < confirmed:
        raise ValidationError({"capacity": _l(
            "Ya hay %(count)d lugares confirmados; el cupo no puede ser menor.",
            count=confirmed)})
    _apply(event, cleaned)
    _raise_sequence(event)
    audit.record("event.update", actor, event)
    if event.status == "published":
        promote_waitlist(event)
    return event


def _raise_sequence(event: Event) -> None:
    """iCalendar's SEQUENCE + 1, in SQL (``sequence = sequence + 1``), so two managers saving
    at once both count. The flush writes it and expires the attribute: a later read (the
    .ics of a mail) gets the stored number."""
    event.sequence = Event.sequence + 1
    db.session.flush()


def _apply(event: Event, cleaned: dict) -> None:
    for name, value in cleaned.items():
        if name == "topics":
            event.topic_rows = [EventTopic(topic=topic) for topic in value]
        elif name != "description":
            setattr(event, name, value)
    event.description = cleaned["description"]
    event.description_html = str(render_markdown(cleaned["description"]))
    if event.hours is None:
        event.hours = default_hours(event)


def set_cover(actor, event: Event, name: str) -> str | None:
    """Point the event at a stored cover image; returns the replaced one, for the caller to
    delete once the change is committed."""
    require_manage(actor, event)
    replaced, event.cover_image = event.cover_image, name
    return replaced


def default_hours(event: Event) -> int:
    """Hours on the certificate when staff give none: the length of the event, at most eight
    a day, never less than one."""
    span = event.ends_at - event.starts_at
    if span <= timedelta(hours=24):
        return max(1, math.ceil(span.total_seconds() / 3600))
    return max(1, min(8 * (span.days + 1), MAX_HOURS))


def _unique_slug(title: str) -> str:
    base = slugify(title, max_length=80) or "evento"
    if base in RESERVED_SLUGS:
        base = f"{base}-evento"
    taken = set(db.session.scalars(select(Event.slug).where(Event.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def publish(actor, event: Event) -> None:
    require_manage(actor, event)
    if event.status != "draft":
        raise ValidationError(_l("Solo un borrador se puede publicar."))
    event.status = "published"
    event.published_at = utcnow()
    _raise_sequence(event)
    audit.record("event.publish", actor, event)
    messages.announce(event, actor)


def cancel(actor, event: Event, reason: str) -> None:
    require_manage(actor, event)
    if event.status not in {"draft", "published"}:
        raise ValidationError(_l("Este evento ya no se puede cancelar."))
    reason = check_length((reason or "").strip(), REASON_MAX, "reason")
    if len(reason) < 5:
        raise ValidationError({"reason": _l("Explica en una frase por qué se cancela.")})
    was_published = event.status == "published"
    event.status = "cancelled"
    event.cancel_reason = reason
    event.cancelled_at = utcnow()
    _raise_sequence(event)
    audit.record("event.cancel", actor, event, reason=event.cancel_reason)
    if was_published:
        messages.cancelled(event, active_registrations(event))


def conclude(actor, event: Event) -> None:
    require_manage(actor, event)
    if event.status != "published":
        raise ValidationError(_l("Solo un evento publicado se puede concluir."))
    if event.starts_at > utcnow():
        raise ValidationError(_l("Un evento se concluye cuando ya empezó."))
    event.status = "concluded"
    db.session.flush()
    audit.record("event.conclude", actor, event)
    event_concluded.send(None, event_id=event.id, kind=event.kind,
                         municipality_code=event.municipality_code,
                         day=utcnow().replace(tzinfo=UTC).astimezone(LOCAL_TZ).date(),
                         attendee_ids=checked_in_user_ids(event))


def checked_in_user_ids(event: Event) -> list[int]:
    """The accounts checked in at the event (who the satisfaction survey is for)."""
    return list(db.session.scalars(
        select(Registration.user_id).where(Registration.event_id == event.id,
                                           Registration.checked_in_at.is_not(None))
        .order_by(Registration.user_id)))


def is_past(event: Event, now: datetime | None = None) -> bool:
    return event.ends_at <= (now or utcnow())


def display_status(event: Event, now: datetime | None = None) -> str:
    """A published event whose end has passed reads as concluded without anyone clicking."""
    if event.status == "published" and is_past(event, now):
        return "concluded"
    return event.status


# --- program ------------------------------------------------------------------------------


def add_session(actor, event: Event, raw: Mapping) -> EventSession:
    require_manage(actor, event)
    errors: dict[str, str] = {}
    values: dict = {}
    try:
        values["title"] = v.clean_text(raw.get("title"), SESSION_TEXT_LIMITS["title"])
    except ValueError as error:
        errors["title"] = error.args[0]
    if not values.get("title") and "title" not in errors:
        errors["title"] = _l("Escribe el nombre de la sesión.")
    for name in ("room", "speakers"):
        try:
            values[name] = v.clean_text(raw.get(name), SESSION_TEXT_LIMITS[name]) or ""
        except ValueError as error:
            errors[name] = error.args[0]
    for name in ("starts_at", "ends_at"):
        try:
            values[name] = parse_local_datetime(raw.get(name))
        except ValueError as error:
            errors[name] = error.args[0]
        if values.get(name) is None and name not in errors:
            errors[name] = _l("Escribe la hora.")
    _check_session_times(event, values, errors)
    if errors:
        raise ValidationError(errors)
    session = EventSession(event=event, **values)
    db.session.add(session)
    _raise_sequence(event)
    return session


def _check_session_times(event, values, errors) -> None:
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if not (starts and ends):
        return
    if ends <= starts:
        errors["ends_at"] = _l("El término debe ser posterior al inicio.")
    elif starts < event.starts_at or ends > event.ends_at:
        errors["starts_at"] = _l("La sesión debe quedar dentro de las fechas del evento.")


def remove_session(actor, event: Event, session_id: int) -> None:
    require_manage(actor, event)
    session = db.session.get(EventSession, session_id)
    if session is None or session.event_id != event.id:
        raise NotFound()
    db.session.delete(session)
    _raise_sequence(event)


# --- registration -------------------------------------------------------------------------


def count_registrations(event: Event, status: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == event.id, Registration.status == status)) or 0


def seats(event: Event) -> dict:
    confirmed = count_registrations(event, "confirmed")
    waitlisted = count_registrations(event, "waitlisted")
    left = None if event.capacity is None else max(0, event.capacity - confirmed)
    return {"confirmed": confirmed, "waitlisted": waitlisted, "left": left,
            "capacity": event.capacity}


def registration_of(user, event: Event) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.user_id == user.id))


def online_link(user, event: Event, registration: Registration | None = None) -> str | None:
    """The event's online link as this person may have it, or None. Only those with a
    confirmed place and those who manage the event get it: on the event page, in the .ics
    they download, in their personal feed and in their confirmation mail alike (the public
    feed is nobody's, so it never carries it). ``registration``: the person's, when the
    caller has it at hand."""
    if not event.online_url or not getattr(user, "is_authenticated", False):
        return None
    if registration is None or registration.user_id != user.id:
        registration = registration_of(user, event)
    confirmed = registration is not None and registration.status == "confirmed"
    return event.online_url if confirmed or can_manage(user, event) else None


def active_registrations(event: Event) -> list[Registration]:
    return list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status.in_(ACTIVE))
        .order_by(Registration.queued_at, Registration.id)))


def registration_window(event: Event) -> tuple[datetime | None, datetime]:
    """When registration opens (None: once published) and closes (default: at the start)."""
    return event.registration_opens_at, event.registration_closes_at or event.starts_at


def registration_problem(user, event: Event, now: datetime | None = None):
    """Why this person cannot register now (a message), or None when they can."""
    now = now or utcnow()
    if event.status != "published":
        return _l("Este evento no recibe registros.")
    opens, closes = registration_window(event)
    if opens and now < opens:
        return _l("El registro abre el %(date)s.", date=_local_text(opens))
    if now >= closes:
        return _l("El registro cerró el %(date)s.", date=_local_text(closes))
    if event.audience == "members" and not member_organizations(user) \
            and not has_role(user, "staff"):
        return _l("Este evento es solo para integrantes de una OSC validada.")
    return None


def _local_text(value: datetime) -> str:
    from community.core.timeutil import to_local

    return to_local(value).strftime("%d/%m/%Y %H:%M")


def _lock(event: Event) -> Event:
    """Re-read the event row with a write lock, so seats are counted by one writer at a
    time (PostgreSQL); SQLite's IMMEDIATE transactions already serialize writers."""
    return db.session.scalar(select(Event).where(Event.id == event.id)
                             .with_for_update(of=Event)  # not the outer-joined organizer
                             .execution_options(populate_existing=True))


def register(actor, event: Event, organization: Organization | None = None,
             now: datetime | None = None) -> Registration:
    require_signed_in(actor)
    now = now or utcnow()
    problem = registration_problem(actor, event, now)
    if problem:
        raise ValidationError(problem)
    if organization is not None and organization not in member_organizations(actor):
        raise ValidationError({"organization": _l("Solo puedes registrarte a nombre de una OSC "
                                                  "de la que formas parte.")})
    event = _lock(event)
    registration = registration_of(actor, event)
    if registration is not None and registration.status in ACTIVE:
        raise ValidationError(_l("Ya estás en la lista de este evento."))
    full = event.capacity is not None and \
        count_registrations(event, "confirmed") >= event.capacity
    if registration is None:
        registration = Registration(event_id=event.id, user_id=actor.id,
                                    ticket=secrets.token_urlsafe(18))
        db.session.add(registration)
    registration.event = event
    registration.user = actor
    registration.organization = organization
    registration.status = "waitlisted" if full else "confirmed"
    registration.queued_at = now
    registration.confirmed_at = None if full else now
    registration.cancelled_at = None
    db.session.flush()
    messages.registered(registration)
    return registration


def has_ticket(registration: Registration) -> bool:
    """A QR ticket for the door exists for a confirmed place only (the door checks in no one
    else): the mail attaches it, the pages show it and its image is served on this rule."""
    return registration.status == "confirmed"


def get_ticket(actor, registration_id: int) -> Registration:
    """A registration whose ticket this person may see (their own, or one of an event they
    manage); 404 when there is no ticket to show."""
    registration = get_registration(actor, registration_id)
    if not has_ticket(registration):
        raise NotFound()
    return registration


def can_change_registration(user, registration: Registration) -> bool:
    return getattr(user, "is_authenticated", False) and (
        registration.user_id == user.id or can_manage(user, registration.event))


def get_registration(actor, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or not can_change_registration(actor, registration):
        raise NotFound()
    return registration


def cancel_registration(actor, registration: Registration, now: datetime | None = None) -> None:
    """Give the place back; the first person waiting takes it."""
    require_signed_in(actor)
    if not can_change_registration(actor, registration):
        raise PermissionDenied(_l("Solo puedes cancelar tu propio registro."))
    if registration.status == "cancelled":
        return
    if registration.checked_in_at is not None:
        raise ValidationError(_l("Ya registraste tu asistencia; no se puede cancelar."))
    event = _lock(registration.event)
    was_confirmed = registration.status == "confirmed"
    registration.status = "cancelled"
    registration.cancelled_at = now or utcnow()
    registration.confirmed_at = None
    db.session.flush()
    if was_confirmed and event.status == "published":
        promote_waitlist(event, now)


def promote_waitlist(event: Event, now: datetime | None = None) -> list[Registration]:
    """Fill free seats from the waiting list in the order people joined it."""
    event = _lock(event)
    if event.capacity is None:
        free = count_registrations(event, "waitlisted")
    else:
        free = event.capacity - count_registrations(event, "confirmed")
    if free <= 0:
        return []
    waiting = list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status == "waitlisted")
        .order_by(Registration.queued_at, Registration.id).limit(free)))
    for registration in waiting:
        registration.status = "confirmed"
        registration.confirmed_at = now or utcnow()
    db.session.flush()
    for registration in waiting:
        messages.promoted(registration)
    return waiting
