"""Route × role rows of the staff's mail outbox page (/personal/correo), to merge into
tests/test_routes_roles.ROUTES. Staff and admins see it and put failed mail back; the table's
world holds no outbox message with id 999999 (nothing to retry: back to the page)."""

from tests.route_roles import LOGIN, expect

MAIL_ROUTES = {
    "staff.mail_outbox": ("GET", "/personal/correo", expect(LOGIN, 403, 200, 200)),
    "staff.retry_mail": ("POST", "/personal/correo/999999/reintentar",
                         expect(LOGIN, 403, 302, 302)),
}
