"""Route × role rows of the personal home (/inicio), to merge into
tests/test_routes_roles.ROUTES: every signed-in person has one; anonymous visitors go to the
sign-in page (the public home, /, stays theirs)."""

from tests.route_roles import LOGIN, expect

HOME_ROUTES = {
    "main.personal_home": ("GET", "/inicio", expect(LOGIN, 200, 200, 200)),
}
