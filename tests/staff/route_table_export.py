"""Route × role rows of the padrón's Excel export, to merge into
tests/test_routes_roles.ROUTES: staff and admins download it, everyone else signed in gets
403, anonymous visitors go to the sign-in page."""

from tests.route_roles import LOGIN, expect

EXPORT_ROUTES = {
    "staff.registry_export_xlsx": ("GET", "/personal/padron.xlsx", expect(LOGIN, 403, 200, 200)),
}
