"""Route × role rows of "Mis avisos" (/cuenta/avisos), to merge into
tests/test_routes_roles.ROUTES and POST_DATA.

Everyone signed in has a notices page and may mark their own notices read; nobody else's
notice exists for them (404), and the table's world holds no notice with id 999999.
"""

LOGIN = 302
SIGNED_IN = ("citizen", "staff", "admin", "osc_member", "osc_admin", "other_osc_admin")


def _signed_in(status: int) -> dict:
    return {"anonymous": LOGIN, **dict.fromkeys(SIGNED_IN, status)}


NOTIFICATION_ROUTES = {
    "accounts.notifications": ("GET", "/cuenta/avisos", _signed_in(200)),
    "accounts.notifications_read": ("POST", "/cuenta/avisos/leidas", _signed_in(302)),
    "accounts.notification_read": ("POST", "/cuenta/avisos/999999/leida", _signed_in(404)),
}

NOTIFICATION_POST_DATA: dict[str, dict] = {}
