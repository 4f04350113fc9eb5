"""Mail about registrations: the confirmation carries the .ics and the QR code; the 24-hour
reminders go once per registration however often ``flask events remind`` runs."""

import io
from datetime import timedelta

from icalendar import Calendar
from PIL import Image

from community.core.timeutil import utcnow
from community.events import mailing, qr, services
from community.events.models import Registration
from tests.events.conftest import local_text

MEETING = "https://reuniones.example.org/congreso"


def _attachments(message) -> dict:
    return {a.filename: a for a in message.attachments}


def _starting_in(hours: float, **overrides) -> dict:
    starts = (utcnow() + timedelta(hours=hours)).replace(second=0, microsecond=0)
    return {"starts_at": local_text(starts), "ends_at": local_text(starts + timedelta(hours=2)),
            **overrides}


def test_confirmation_mail_has_the_ics_and_the_qr_code(db, make_event, make_user, outbox):
    event = make_event(modality="hibrida", online_url=MEETING)
    registration = services.register(make_user(), event)
    db.session.commit()
    [message] = outbox
    files = _attachments(message)
    assert set(files) == {f"{event.slug}.ics", "codigo-de-acceso.png"}
    ics = files[f"{event.slug}.ics"]
    assert ics.content_type == "text/calendar"
    [item] = Calendar.from_ical(ics.data).walk("VEVENT")
    assert str(item["UID"]) == f"event-{event.id}@127.0.0.1"
    assert MEETING in str(item["DESCRIPTION"])  # confirmed: the link travels with the place
    png = files["codigo-de-acceso.png"]
    assert png.content_type == "image/png"
    assert Image.open(io.BytesIO(png.data)).format == "PNG"
    assert png.data == qr.ticket_png(registration)
    assert "código QR de acceso" in message.body


def test_waitlisted_mail_has_no_ticket_and_promotion_brings_it(db, make_event, make_user,
                                                               outbox):
    event = make_event(capacity="1")
    first, second = make_user(), make_user()
    taken = services.register(first, event)
    services.register(second, event)
    db.session.commit()
    waiting = [m for m in outbox if second.email in m.recipients]
    assert waiting[0].attachments == []
    services.cancel_registration(first, taken)
    db.session.commit()
    promoted = [m for m in outbox if second.email in m.recipients][-1]
    assert "confirmado" in promoted.subject.lower()
    assert set(_attachments(promoted)) == {f"{event.slug}.ics", "codigo-de-acceso.png"}


def test_cancelled_event_mail_marks_the_calendar_entry_cancelled(db, make_event, make_user,
                                                                 outbox, staff):
    event = make_event()
    person = make_user()
    services.register(person, event)
    db.session.commit()
    services.cancel(staff, event, "Se suspende por lluvias.")
    db.session.commit()
    message = outbox[-1]
    assert message.subject.startswith("Evento cancelado")
    [item] = Calendar.from_ical(_attachments(message)[f"{event.slug}.ics"].data).walk("VEVENT")
    assert str(item["STATUS"]) == "CANCELLED"


def test_remind_sends_each_reminder_once(db, runner, make_event, make_user, outbox, staff):
    soon = make_event(title="Taller de mañana", capacity="1", **_starting_in(20))
    later = make_event(title="Taller de la próxima semana")
    called_off = make_event(title="Taller suspendido", **_starting_in(10))
    confirmed, waiting, elsewhere = make_user(), make_user(), make_user()
    services.register(confirmed, soon)
    services.register(waiting, soon)
    services.register(elsewhere, later)
    services.register(elsewhere, called_off)
    services.cancel(staff, called_off, "Sin sede disponible.")
    db.session.commit()
    del outbox[:]
    result = runner.invoke(args=["events", "remind"])
    assert result.exit_code == 0, result.output
    assert "1 recordatorios enviados" in result.output
    [message] = outbox
    assert message.recipients == [confirmed.email]
    assert message.subject == "Recordatorio: Taller de mañana"
    assert set(_attachments(message)) == {f"{soon.slug}.ics", "codigo-de-acceso.png"}
    again = runner.invoke(args=["events", "remind"])
    assert "0 recordatorios enviados" in again.output
    assert len(outbox) == 1
    db.session.expire_all()
    reminded = db.session.scalars(
        Registration.__table__.select().where(Registration.reminded_at.is_not(None))).all()
    assert len(reminded) == 1


def test_reminders_are_claimed_once_per_registration(db, make_event, make_user, outbox):
    event = make_event(**_starting_in(5))
    for _ in range(3):
        services.register(make_user(), event)
    db.session.commit()
    del outbox[:]
    now = utcnow()
    assert mailing.send_reminders(now) == 3
    assert mailing.send_reminders(now) == 0
    db.session.commit()
    assert mailing.send_reminders(now + timedelta(hours=1)) == 0
    db.session.commit()
    assert len(outbox) == 3


def test_event_already_started_gets_no_reminder(db, make_event, make_user, outbox):
    event = make_event(**_starting_in(2))
    services.register(make_user(), event)
    db.session.commit()
    del outbox[:]
    assert mailing.send_reminders(utcnow() + timedelta(hours=3)) == 0
    assert outbox == []
