"""What people are told about events: in-app notifications and mail.

Called by the services inside the transaction; notifications and the mail outbox's rows
commit with the act (``send_template``), so nobody hears about a registration that was
rolled back.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from community.accounts.models import User
from community.core.notifications import notify
from community.core.urls import external_url
from community.events.models import Event, Registration
from community.extensions import db
from community.profiles.models import Follow


def event_path(event: Event) -> str:
    return f"/eventos/{event.slug}"


def audience_of_announcement(event: Event, actor) -> list[User]:
    """People who follow the organizing OSC or live in the event's municipality."""
    conditions = []
    if event.organization_id:
        followers = select(Follow.user_id).where(Follow.organization_id == event.organization_id)
        conditions.append(User.id.in_(followers))
    if event.municipality_code:
        conditions.append(User.municipality_code == event.municipality_code)
    if not conditions:
        return []
    stmt = select(User).where(or_(*conditions), User.active.is_(True))
    if actor is not None:
        stmt = stmt.where(User.id != actor.id)
    return list(db.session.scalars(stmt))


def announce(event: Event, actor) -> None:
    if event.organization is not None:
        message = _l("%(org)s publicó un evento: %(title)s", org=event.organization.name,
                     title=event.title)
    else:
        message = _l("Nuevo evento cerca de ti: %(title)s", title=event.title)
    notify(audience_of_announcement(event, actor), "event.published", message,
           event_path(event))


def registered(registration: Registration) -> None:
    from community.events import mailing

    event = registration.event
    if registration.status == "confirmed":
        message = _l("Tu lugar en «%(title)s» está confirmado.", title=event.title)
    else:
        message = _l("Estás en la lista de espera de «%(title)s».", title=event.title)
    notify([registration.user], "event.registered", message, event_path(event),
           already_mailed=True)
    mailing.send_registration(registration)


def promoted(registration: Registration) -> None:
    from community.events import mailing

    event = registration.event
    notify([registration.user], "event.promoted",
           _l("Se liberó un lugar: tu registro en «%(title)s» está confirmado.",
              title=event.title), event_path(event), already_mailed=True)
    mailing.send_registration(registration, promoted=True)


def cancelled(event: Event, registrations: list[Registration]) -> None:
    from community.events import mailing

    notify([r.user for r in registrations], "event.cancelled",
           _l("Se canceló el evento «%(title)s».", title=event.title), event_path(event),
           already_mailed=True)
    for registration in registrations:
        mailing.send_cancellation(registration)


def event_url(event: Event) -> str:
    return external_url("events.event", slug=event.slug)
