"""The attendance, certificate, QR and iCalendar rows of the route × role table (merged into
tests/test_routes_roles.ROUTES through tests/events/route_table.py).

Placeholders: {event} (a published staff event), {osc_event} (a published event of "the" OSC),
{registration} and {ticket} (osc_member's registration to {event}), {org} (the OSC's slug).
"""

from tests.route_roles import LOGIN as _LOGIN
from tests.route_roles import ROLES as _ROLES
from tests.route_roles import expect as _expect

_BACK = 302  # a done form redirects back to its page



_EVERYONE_200 = dict.fromkeys(_ROLES, 200)
_SIGNED_IN_200 = _expect(_LOGIN, 200, 200, 200)
# Staff may manage every event; "the" OSC's admin only {osc_event}, never the staff event.
_OSC_MANAGERS_200 = _expect(_LOGIN, 403, 200, 200, osc_admin=200)
_STAFF_EVENT_ONLY = _expect(_LOGIN, 403, 200, 200)

ATTENDANCE_ROUTES = {
    "events.event_ics": ("GET", "/eventos/{event}.ics", _EVERYONE_200),
    "events.calendar_feed": ("GET", "/eventos/calendario.ics?tipo=taller", _EVERYONE_200),
    "events.feed_settings": ("GET", "/eventos/mi-calendario", _SIGNED_IN_200),
    "events.rotate_feed_key": ("POST", "/eventos/mi-calendario/renovar",
                               _expect(_LOGIN, _BACK, _BACK, _BACK)),
    "events.personal_feed": ("GET", "/eventos/mi-calendario/forged.ics",
                             dict.fromkeys(_ROLES, 404)),
    "events.check_in_page": ("GET", "/eventos/{osc_event}/asistencia", _OSC_MANAGERS_200),
    "events.check_in": ("POST", "/eventos/{event}/asistencia/{registration}",
                        _expect(_LOGIN, 403, _BACK, _BACK)),
    "events.check_in_ticket": ("GET", "/eventos/asistencia/{ticket}", _STAFF_EVENT_ONLY),
    "events.check_in_ticket_confirm": ("POST", "/eventos/asistencia/{ticket}",
                                       _expect(_LOGIN, 403, _BACK, _BACK)),
    "events.attendance_csv": ("GET", "/eventos/{osc_event}/asistencia.csv",
                              _OSC_MANAGERS_200),
    "events.org_attendance": ("GET", "/osc/{org}/asistencia-eventos", _OSC_MANAGERS_200),
    # Nobody in the world attended yet: no registration is 404, a registration without
    # attendance is 403.
    "events.certificate": ("GET", "/eventos/{event}/constancia.pdf",
                           _expect(_LOGIN, 404, 404, 404, osc_member=403)),
    "events.verify_certificate": ("GET", "/constancias/ABCD2345", dict.fromkeys(_ROLES, 404)),
    # The registration's owner (osc_member) and the event's managers; others never learn
    # that it exists.
    "events.ticket_qr": ("GET", "/eventos/registro/{registration}/qr.png",
                         _expect(_LOGIN, 404, 200, 200, osc_member=200)),
}

ATTENDANCE_POST_DATA: dict[str, dict] = {}
