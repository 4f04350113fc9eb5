"""Mail about a person's registration, in their language, queued in the mail outbox.

A confirmed place travels with two attachments: the event as .ics (with the online link, as
``services.online_link`` gives it to the person) and the personal QR code that staff scan at
the door (``services.has_ticket``).
Inside ``aftercommit.quiet()`` (demo and import data) no mail is built at all: the attachments
cost about 0.1 s each, for a message that would not be queued anyway.
"""

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from community.core.aftercommit import is_quiet
from community.core.mail import send_template
from community.core.notifications import notify
from community.core.timeutil import utcnow
from community.core.urls import external_url
from community.events import ical, qr, services
from community.events.models import Event, Registration
from community.extensions import db

REMINDER_AHEAD = timedelta(hours=24)


def _locale(registration: Registration) -> str:
    return registration.user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


def _attachments(registration: Registration, with_qr: bool = True) -> tuple:
    """The .ics (in the person's language) and, for a confirmed place, the QR code."""
    event = registration.event
    with force_locale(_locale(registration)):
        ics = ical.event_calendar(event, registration)
    files = [(f"{event.slug}.ics", "text/calendar", ics)]
    if with_qr and services.has_ticket(registration):
        files.append(("codigo-de-acceso.png", "image/png", qr.ticket_png(registration)))
    return tuple(files)


def _context(registration: Registration) -> dict:
    event = registration.event
    return {"registration": registration, "event": event,
            "event_url": external_url("events.event", slug=event.slug)}


def send_registration(registration: Registration, promoted: bool = False) -> None:
    if is_quiet():
        return
    event = registration.event
    confirmed = registration.status == "confirmed"
    if confirmed:
        subject = _l("Registro confirmado: %(title)s", title=event.title)
    else:
        subject = _l("Lista de espera: %(title)s", title=event.title)
    send_template(registration.user.email, subject, "event_registration",
                  locale=registration.user.locale,
                  attachments=_attachments(registration) if confirmed else (),
                  promoted=promoted, **_context(registration))


def send_cancellation(registration: Registration) -> None:
    """The event was cancelled: the .ics says CANCELLED so calendars strike it out."""
    if is_quiet():
        return
    event = registration.event
    send_template(registration.user.email, _l("Evento cancelado: %(title)s", title=event.title),
                  "event_cancelled", locale=registration.user.locale,
                  attachments=_attachments(registration, with_qr=False),
                  **_context(registration))


def send_reminder(registration: Registration) -> None:
    event = registration.event
    notify([registration.user], "event.reminder",
           _l("Mañana: «%(title)s». Te esperamos.", title=event.title),
           f"/eventos/{event.slug}", already_mailed=True)
    if is_quiet():
        return
    send_template(registration.user.email, _l("Recordatorio: %(title)s", title=event.title),
                  "event_reminder", locale=registration.user.locale,
                  attachments=_attachments(registration), **_context(registration))


# --- the 24-hour reminders ----------------------------------------------------------------


def due_reminders(now: datetime) -> list[Registration]:
    """Confirmed places at published events that start within the next 24 hours and have
    not been reminded yet."""
    return list(db.session.scalars(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .where(Event.status == "published", Event.starts_at > now,
               Event.starts_at <= now + REMINDER_AHEAD,
               Registration.status == "confirmed", Registration.reminded_at.is_(None))
        .order_by(Event.starts_at, Registration.id)))


def send_reminders(now: datetime | None = None) -> int:
    """Remind each due person once. Each row is claimed with a conditional update, so two
    runs at the same time (a cron overlap) never mail anyone twice; the mail leaves after the
    caller commits, and a rolled-back run leaves the rows to the next one."""
    now = now or utcnow()
    sent = 0
    for registration in due_reminders(now):
        claimed = db.session.execute(
            update(Registration)
            .where(Registration.id == registration.id, Registration.reminded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)).rowcount
        if claimed:
            send_reminder(registration)
            sent += 1
    return sent
