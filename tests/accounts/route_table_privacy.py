"""Route × role rows of the privacy pages, to merge into tests/test_routes_roles.ROUTES: the
aviso de privacidad is public; accepting it, downloading one's data and closing one's account
need a signed-in person (the close page's GET; its POST needs the password, see
tests/accounts/test_privacy.py)."""

from tests.route_roles import LOGIN, ROLES, expect

PRIVACY_ROUTES = {
    "accounts.privacy_notice": ("GET", "/privacidad", dict.fromkeys(ROLES, 200)),
    "accounts.accept_privacy": ("POST", "/cuenta/privacidad/aceptar",
                                expect(LOGIN, 302, 302, 302)),
    "accounts.download_data": ("GET", "/cuenta/mis-datos", expect(LOGIN, 200, 200, 200)),
    "accounts.close_account": ("GET", "/cuenta/cerrar", expect(LOGIN, 200, 200, 200)),
}
