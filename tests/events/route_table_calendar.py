"""Route × role rows of the calendar, the event page, the event forms and registration.

Placeholders: {event} (a published staff event), {osc_event} (a published event of "the" OSC,
whose admin is osc_admin), {draft} (a staff draft), {registration} (osc_member's registration
to {event}). A fresh world is built for every row, so a POST that succeeds changes nothing for
the next one.
"""

from tests.route_roles import LOGIN as _LOGIN
from tests.route_roles import ROLES as _ROLES
from tests.route_roles import expect as _expect

_DONE = 302  # a done form redirects to its page
_REFUSED = 303  # a refused button comes back to its page with a message



_EVERYONE_200 = dict.fromkeys(_ROLES, 200)
_SIGNED_IN_200 = _expect(_LOGIN, 200, 200, 200)
# On {osc_event}: staff and the OSC's own admin; never another OSC's admin or a member.
_OSC_EVENT_MANAGERS = _expect(_LOGIN, 403, 200, 200, osc_admin=200)
# On the staff {event}: staff only; an OSC admin is refused.
_STAFF_EVENT = _expect(_LOGIN, 403, _DONE, _DONE)

CALENDAR_ROUTES = {
    "events.calendar": ("GET", "/eventos?tipo=taller&municipio=15106", _EVERYONE_200),
    "events.month": ("GET", "/eventos/mes/2026/12", _EVERYONE_200),
    "events.event": ("GET", "/eventos/{event}", _EVERYONE_200),
    "events.cover": ("GET", "/eventos/portada/" + "0" * 32 + ".jpg",
                     dict.fromkeys(_ROLES, 404)),
    # Staff announce for the Dirección; an OSC admin is sent on to announce for their OSC.
    "events.new": ("GET", "/eventos/nuevo", _expect(_LOGIN, 403, 200, 200, osc_admin=302,
                                                    other_osc_admin=302)),
    "events.edit": ("GET", "/eventos/{osc_event}/editar", _OSC_EVENT_MANAGERS),
    # A draft is unknown to those who cannot manage it.
    "events.publish": ("POST", "/eventos/{draft}/publicar", _expect(_LOGIN, 404, _DONE, _DONE)),
    "events.cancel": ("POST", "/eventos/{event}/cancelar", _STAFF_EVENT),
    # The event has not started yet: refused with a message.
    "events.conclude": ("POST", "/eventos/{event}/concluir",
                        _expect(_LOGIN, 403, _REFUSED, _REFUSED)),
    "events.program": ("GET", "/eventos/{osc_event}/programa", _OSC_EVENT_MANAGERS),
    # An empty session: the form comes back with its messages.
    "events.add_session": ("POST", "/eventos/{osc_event}/programa",
                           _expect(_LOGIN, 403, 422, 422, osc_admin=422)),
    "events.remove_session": ("POST", "/eventos/{osc_event}/programa/999/quitar",
                              _expect(_LOGIN, 403, 404, 404, osc_admin=404)),
    # osc_member is already registered to {event}: refused with a message.
    "events.register": ("POST", "/eventos/{event}/registro",
                        _expect(_LOGIN, _DONE, _DONE, _DONE, osc_member=_REFUSED)),
    # Only the person (osc_member) and the event's managers (staff) know the registration.
    "events.cancel_registration": ("POST", "/eventos/registro/{registration}/cancelar",
                                   _expect(_LOGIN, 404, _DONE, _DONE, osc_member=_DONE)),
    "events.my_registrations": ("GET", "/eventos/mis-registros", _SIGNED_IN_200),
    "events.manage": ("GET", "/eventos/gestion",
                      _expect(_LOGIN, 403, 200, 200, osc_admin=200, other_osc_admin=200)),
}

CALENDAR_POST_DATA = {
    "events.cancel": {"reason": "La sede no estará disponible esa semana."},
}
