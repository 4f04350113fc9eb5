"""Route × role rows of the staff console (/personal), to merge into
tests/test_routes_roles.ROUTES: staff and admins see it, everyone else signed in gets 403
(the permission is checked first, by staff.services.console), anonymous visitors go to the
sign-in page."""

from tests.route_roles import LOGIN, expect

CONSOLE_ROUTES = {
    "staff.console": ("GET", "/personal", expect(LOGIN, 403, 200, 200)),
}
