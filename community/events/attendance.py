"""Attendance: checking people in at the door, the attendance list, and each OSC's record
across events.

Who may do what is decided here (through ``services.can_manage`` for an event and
``profiles.can_manage`` for an OSC), so the phone page at the door, the QR link, the CSV and
the tests ask the same questions. Functions flush but never commit.
"""

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from community.core.errors import NotFound, ValidationError
from community.core.timeutil import to_local, utcnow
from community.events import certificates, services
from community.events.models import Event, Registration
from community.extensions import db
from community.profiles import queries as profile_queries
from community.profiles import services as profiles
from community.profiles.models import Organization

MAX_LISTED = 300  # a phone at the door shows at most this many names; search narrows it
QUERY_MAX = 100  # characters of a search at the door (the field's maxlength)
CHECKABLE_STATUSES = {"published", "concluded"}


# --- checking in --------------------------------------------------------------------------


def check_in(actor, registration: Registration, now: datetime | None = None) -> bool:
    """Mark the person as present; True when this call marked them, False when they already
    were. Two phones scanning the same ticket at once both succeed and only one stamp stays,
    because the write is conditional on the row still being unmarked."""
    event = registration.event
    services.require_manage(actor, event)
    _require_checkable(event, registration)
    if registration.checked_in_at is not None:
        return False
    now = now or utcnow()
    marked = db.session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.checked_in_at.is_(None))
        .values(checked_in_at=now, checked_in_by_id=actor.id,
                certificate_code=registration.certificate_code or certificates.new_code())
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(registration)
    return bool(marked)


def _require_checkable(event: Event, registration: Registration) -> None:
    if event.status not in CHECKABLE_STATUSES:
        raise ValidationError(_l("Este evento no está publicado; no se puede tomar asistencia."))
    if registration.status != "confirmed":
        raise ValidationError(_l("%(name)s no tiene lugar confirmado (está en lista de espera o "
                                 "canceló).", name=registration.user.name))


def registration_for_ticket(actor, ticket: str) -> Registration:
    """The registration a QR code names, for the people who manage its event."""
    registration = db.session.scalar(select(Registration).where(
        Registration.ticket == (ticket or "")[:40]))
    if registration is None:
        raise NotFound()
    services.require_manage(actor, registration.event)
    return registration


def check_in_by_ticket(actor, ticket: str, now: datetime | None = None) -> tuple[Registration,
                                                                                  bool]:
    registration = registration_for_ticket(actor, ticket)
    return registration, check_in(actor, registration, now)


def registration_at(actor, event: Event, registration_id: int) -> Registration:
    """One registration of this event (404 for another event's), for its managers."""
    services.require_manage(actor, event)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFound()
    return registration


# --- the list at the door -----------------------------------------------------------------


def fold(text: str | None) -> str:
    """Lower case without accents, so "jose" finds "José" on a phone keyboard."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@dataclass
class Attendees:
    confirmed: int
    attended: int
    rows: list[Registration] = field(default_factory=list)
    matched: int = 0

    @property
    def truncated(self) -> bool:
        return self.matched > len(self.rows)


def attendees(actor, event: Event, q: str = "") -> Attendees:
    """Confirmed people in name order, those not yet checked in first, filtered by every
    word of ``q`` against name, e-mail and OSC."""
    services.require_manage(actor, event)
    everyone = _confirmed(event)
    words = fold(q).split()
    matched = [r for r in everyone if all(w in _haystack(r) for w in words)]
    matched.sort(key=lambda r: (r.checked_in_at is not None, fold(r.user.name)))
    return Attendees(confirmed=len(everyone),
                     attended=sum(1 for r in everyone if r.checked_in_at is not None),
                     rows=matched[:MAX_LISTED], matched=len(matched))


def _confirmed(event: Event) -> list[Registration]:
    return list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status == "confirmed")))


def _haystack(registration: Registration) -> str:
    org = registration.organization.name if registration.organization else ""
    return fold(f"{registration.user.name} {registration.user.email} {org}")


# --- the attendance list export -----------------------------------------------------------


def attendance_rows(actor, event: Event) -> list[dict]:
    """Everyone with a confirmed place, present or not, in name order."""
    services.require_manage(actor, event)
    rows = sorted(_confirmed(event), key=lambda r: fold(r.user.name))
    return [_row(r) for r in rows]


def _row(registration: Registration) -> dict:
    return {
        "name": registration.user.name,
        "email": registration.user.email,
        "organization": registration.organization.name if registration.organization else "",
        "registered_at": _local(registration.created_at),
        "attended": bool(registration.checked_in_at),
        "checked_in_at": _local(registration.checked_in_at),
        "certificate_code": registration.certificate_code or "",
    }


def _local(value: datetime | None) -> str:
    return to_local(value).strftime("%Y-%m-%d %H:%M") if value else ""


CSV_COLUMNS = (
    ("name", _l("Nombre")),
    ("email", _l("Correo")),
    ("organization", _l("OSC")),
    ("registered_at", _l("Registro")),
    ("attended", _l("Asistió")),
    ("checked_in_at", _l("Hora de llegada")),
    ("certificate_code", _l("Código de constancia")),
)


def attendance_csv(actor, event: Event):
    """The list as CSV chunks: UTF-8 with BOM and formula-safe cells, through the same writer
    as the registry export, so a name like "=cmd" reaches Excel as text."""
    headers = [str(label) for _key, label in CSV_COLUMNS]
    records = ({str(label): row[key] for key, label in CSV_COLUMNS}
               for row in attendance_rows(actor, event))
    return profile_queries.csv_chunks(records, columns=headers)


# --- an OSC's record ----------------------------------------------------------------------


@dataclass
class EventAttendance:
    event: Event
    registered: list[Registration]

    @property
    def attended(self) -> list[Registration]:
        return [r for r in self.registered if r.checked_in_at is not None]


@dataclass
class OrganizationHistory:
    organization: Organization
    events: list[EventAttendance]

    @property
    def people_attended(self) -> int:
        return len({r.user_id for item in self.events for r in item.attended})

    @property
    def events_attended(self) -> int:
        return sum(1 for item in self.events if item.attended)

    @property
    def hours(self) -> int:
        """Training hours received: each attended event's hours once per person present."""
        return sum((item.event.hours or 0) * len(item.attended) for item in self.events)


def organization_history(actor, org: Organization) -> OrganizationHistory:
    """Every event someone registered for on behalf of the OSC, newest first, with who
    attended. Only the OSC's admins and staff see it: it names people."""
    profiles.require_manage(actor, org)
    rows = db.session.scalars(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .where(Registration.organization_id == org.id, Registration.status == "confirmed",
               Event.status.in_(("published", "concluded")))
        .order_by(Event.starts_at.desc(), Event.id))
    grouped: dict[int, EventAttendance] = {}
    for registration in rows:
        item = grouped.setdefault(registration.event_id,
                                  EventAttendance(registration.event, []))
        item.registered.append(registration)
    for item in grouped.values():
        item.registered.sort(key=lambda r: fold(r.user.name))
    return OrganizationHistory(org, list(grouped.values()))
