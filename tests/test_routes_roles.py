"""The route × role table: every rule in the URL map, with the status each role gets.

A new route that is not in ROUTES fails ``test_every_route_is_in_the_table``; add it with the
statuses you expect for anonymous, citizen, staff and admin. POST routes are sent with a valid
CSRF token and an empty form, so the status shows the permission decision, not the CSRF check.
"""

import pytest

from tests.conftest import csrf_token, sign_in

ROLES = ("anonymous", "citizen", "staff", "admin")
LOGIN = 302  # redirected to the sign-in page
SIGNED_OUT_ONLY = 302  # already signed in: redirected away

# endpoint: (method, url, {role: status})
ROUTES = {
    "static": ("GET", "/static/css/site.css", dict.fromkeys(ROLES, 200)),
    "main.home": ("GET", "/", dict.fromkeys(ROLES, 200)),
    "main.healthz": ("GET", "/healthz", dict.fromkeys(ROLES, 200)),
    "main.set_language": ("POST", "/idioma", dict.fromkeys(ROLES, 302)),
    "accounts.sign_up": ("GET", "/cuenta/registro",
                         {"anonymous": 200, "citizen": SIGNED_OUT_ONLY, "staff": SIGNED_OUT_ONLY,
                          "admin": SIGNED_OUT_ONLY}),
    "accounts.check_email": ("GET", "/cuenta/revisa-tu-correo", dict.fromkeys(ROLES, 200)),
    "accounts.confirm_email": ("GET", "/cuenta/confirmar/forged", dict.fromkeys(ROLES, 400)),
    "accounts.resend_confirmation": ("POST", "/cuenta/confirmar",
                                     {"anonymous": LOGIN, "citizen": 302, "staff": 302,
                                      "admin": 302}),
    "accounts.sign_in": ("GET", "/cuenta/entrar",
                         {"anonymous": 200, "citizen": SIGNED_OUT_ONLY, "staff": SIGNED_OUT_ONLY,
                          "admin": SIGNED_OUT_ONLY}),
    "accounts.sign_out": ("POST", "/cuenta/salir", dict.fromkeys(ROLES, 302)),
    "accounts.forgot_password": ("GET", "/cuenta/recuperar", dict.fromkeys(ROLES, 200)),
    "accounts.reset_password": ("GET", "/cuenta/restablecer/forged", dict.fromkeys(ROLES, 400)),
    "accounts.settings": ("GET", "/cuenta",
                          {"anonymous": LOGIN, "citizen": 200, "staff": 200, "admin": 200}),
    "accounts.change_password": ("POST", "/cuenta/contrasena",
                                 {"anonymous": LOGIN, "citizen": 422, "staff": 422, "admin": 422}),
    "accounts.change_email": ("POST", "/cuenta/correo",
                              {"anonymous": LOGIN, "citizen": 422, "staff": 422, "admin": 422}),
    "accounts.confirm_email_change": ("GET", "/cuenta/correo/forged", dict.fromkeys(ROLES, 400)),
    "accounts.admin_users": ("GET", "/admin/cuentas",
                             {"anonymous": LOGIN, "citizen": 403, "staff": 403, "admin": 200}),
    "accounts.admin_set_role": ("POST", "/admin/cuentas/{other}/rol",
                                {"anonymous": LOGIN, "citizen": 403, "staff": 403,
                                 "admin": 302}),
    "accounts.admin_set_active": ("POST", "/admin/cuentas/{other}/estado",
                                  {"anonymous": LOGIN, "citizen": 403, "staff": 403,
                                   "admin": 302}),
    "staff.audit_log": ("GET", "/personal/bitacora",
                        {"anonymous": LOGIN, "citizen": 403, "staff": 200, "admin": 200}),
}

# Valid bodies for POST routes whose success needs more than an empty form.
POST_DATA = {
    "main.set_language": {"language": "es_MX"},
    "accounts.admin_set_role": {"role": "staff"},
    "accounts.admin_set_active": {"active": "0"},
}


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - ROUTES.keys() == set(), "add these routes to ROUTES"
    assert ROUTES.keys() - endpoints == set(), "these routes no longer exist"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_role_status(client, make_user, endpoint, role):
    method, url, expected = ROUTES[endpoint]
    other = make_user(email="otra@ejemplo.mx")
    if role != "anonymous":
        user = make_user(role=role)
        assert sign_in(client, user.email).status_code == 302
    url = url.format(other=other.id)
    if method == "GET":
        response = client.get(url)
    else:
        data = {"csrf_token": csrf_token(client, "/"), **POST_DATA.get(endpoint, {})}
        response = client.post(url, data=data)
    assert response.status_code == expected[role], (endpoint, role)
    if response.status_code == LOGIN and expected[role] == LOGIN and role == "anonymous" and \
            endpoint not in {"main.set_language", "accounts.sign_out"}:
        assert "/cuenta/entrar" in response.headers["Location"]
