"""Route × role rows of the notification mail preference, to merge into
tests/test_routes_roles.ROUTES and POST_DATA.

Everyone signed in may choose how notices reach them by mail; the form answers with a
redirect to the settings page.
"""

LOGIN = 302
SIGNED_IN = ("citizen", "staff", "admin", "osc_member", "osc_admin", "other_osc_admin")

REALTIME_ROUTES = {
    "accounts.notification_email": ("POST", "/cuenta/avisos/correo",
                                    {"anonymous": LOGIN, **dict.fromkeys(SIGNED_IN, 302)}),
}

REALTIME_POST_DATA: dict[str, dict] = {
    "accounts.notification_email": {"notification_email": "daily"},
}
