"""What events keeps about a person: registrations, attendance, certificates
(core.personal_data). They stay when the account closes: attendance and certificates are
verified later."""

from sqlalchemy import select

from community.core.personal_data import exporter, iso
from community.events.models import Event, Registration
from community.extensions import db


@exporter("event_registrations")
def registrations(user) -> list[dict]:
    rows = db.session.execute(
        select(Registration, Event.title, Event.slug, Event.starts_at)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.user_id == user.id).order_by(Registration.created_at))
    return [{"event": title, "slug": slug, "starts_at": iso(starts),
             "status": r.status, "registered_at": iso(r.created_at),
             "confirmed_at": iso(r.confirmed_at), "cancelled_at": iso(r.cancelled_at),
             "checked_in_at": iso(r.checked_in_at),
             "organization": r.organization.name if r.organization else None,
             "certificate_code": r.certificate_code}
            for r, title, slug, starts in rows]
