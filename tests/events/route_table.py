"""The events rows of the route × role table (merged into tests/test_routes_roles.ROUTES).

Two halves, one per file, so the calendar and the attendance pages can grow apart:
``route_table_calendar`` (calendar, event page, forms, registration) and
``route_table_attendance`` (check-in, certificates, iCalendar feeds).

URL placeholders: {event} (a published staff event), {osc_event} (a published event of "the"
OSC, organized by osc_admin), {draft} (a staff draft), {registration} (osc_member's
registration to {event}), {ticket} (its ticket), {org} (the OSC's slug).
"""

from tests.events.route_table_attendance import ATTENDANCE_POST_DATA, ATTENDANCE_ROUTES
from tests.events.route_table_calendar import CALENDAR_POST_DATA, CALENDAR_ROUTES

EVENTS_ROUTES = {**CALENDAR_ROUTES, **ATTENDANCE_ROUTES}

EVENTS_POST_DATA: dict[str, dict] = {**CALENDAR_POST_DATA, **ATTENDANCE_POST_DATA}
