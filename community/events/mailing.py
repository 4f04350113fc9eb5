"""Mail about a person's registration, in their language, sent after commit."""

from flask_babel import lazy_gettext as _l

from community.core.mail import send_template
from community.core.urls import external_url
from community.events.models import Registration


def send_registration(registration: Registration, promoted: bool = False) -> None:
    event = registration.event
    if registration.status == "confirmed":
        subject = _l("Registro confirmado: %(title)s", title=event.title)
    else:
        subject = _l("Lista de espera: %(title)s", title=event.title)
    send_template(registration.user.email, subject, "event_registration",
                  locale=registration.user.locale, registration=registration, event=event,
                  promoted=promoted,
                  event_url=external_url("events.event", slug=event.slug))


def send_cancellation(registration: Registration) -> None:
    event = registration.event
    send_template(registration.user.email, _l("Evento cancelado: %(title)s", title=event.title),
                  "event_cancelled", locale=registration.user.locale, registration=registration,
                  event=event, event_url=external_url("events.event", slug=event.slug))
