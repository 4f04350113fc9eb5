"""Account pages through HTTP: what a browser sees, status codes, cookies, limits."""

import re
from urllib.parse import urlsplit

import pytest

from community.accounts.services import find_by_email
from tests.conftest import PASSWORD, csrf_token, post_form, sign_in


def _link(message, path):
    return re.search(rf"http://[^\s]+{path}[^\s]+", message.body).group(0)


def _relative(url):
    return urlsplit(url).path


def test_round_trip_sign_up_confirm_sign_in_out_reset(client, outbox):
    response = post_form(client, "/cuenta/registro", {
        "name": "Rosa Elena Díaz", "email": "rosa@ejemplo.mx",
        "password": PASSWORD, "municipality": "15106", "accept_privacy": "y",
    }, page="/cuenta/registro")
    assert response.status_code == 302
    assert "revisa-tu-correo" in response.headers["Location"]

    confirm = _relative(_link(outbox[-1], "/cuenta/confirmar/"))
    assert "Confirmar mi correo" in client.get(confirm).get_data(as_text=True)
    response = post_form(client, confirm, page=confirm, follow_redirects=True)
    assert "Tu correo quedó confirmado" in response.get_data(as_text=True)

    response = sign_in(client, "rosa@ejemplo.mx")
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Rosa Elena Díaz" in home

    response = post_form(client, "/cuenta/salir")
    assert response.status_code == 302
    assert "Rosa Elena Díaz" not in client.get("/").get_data(as_text=True)

    response = post_form(client, "/cuenta/recuperar", {"email": "rosa@ejemplo.mx"},
                         page="/cuenta/recuperar")
    assert response.status_code == 302
    reset = _relative(_link(outbox[-1], "/cuenta/restablecer/"))
    response = post_form(client, reset, {"password": "frase-nueva-de-rosa"}, page=reset)
    assert response.status_code == 302
    assert sign_in(client, "rosa@ejemplo.mx", "frase-nueva-de-rosa").status_code == 302
    assert client.get(reset).status_code == 400  # the link worked once


def test_unknown_email_and_wrong_password_look_identical(client, make_user):
    make_user(email="ana@ejemplo.mx")
    bodies = []
    for email, password in [("ana@ejemplo.mx", "no-es-la-clave"), ("nadie@ejemplo.mx", PASSWORD)]:
        response = sign_in(client, email, password)
        assert response.status_code == 422
        body = response.get_data(as_text=True)
        bodies.append(re.sub(r'value="[^"]*"', "", body))
        assert "El correo o la contraseña no son correctos." in body
    assert bodies[0] == bodies[1]


def test_sign_up_errors_keep_what_was_typed(client):
    response = post_form(client, "/cuenta/registro", {
        "name": "Rosa Elena Díaz", "email": "rosa@ejemplo.mx",
        "password": "12345678", "municipality": "15106", "accept_privacy": "y",
    }, page="/cuenta/registro")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="password-error"' in body and "más usadas" in body
    assert 'value="Rosa Elena Díaz"' in body and 'value="rosa@ejemplo.mx"' in body
    assert '<option selected value="15106">' in body or 'value="15106" selected' in body


@pytest.mark.parametrize("path", ["/cuenta/entrar", "/cuenta/registro", "/cuenta/recuperar",
                                  "/cuenta/salir", "/idioma"])
def test_post_without_csrf_token_is_refused(client, path):
    response = client.post(path, data={"email": "a@b.mx", "password": PASSWORD})
    assert response.status_code == 400
    assert "Solicitud no válida" in response.get_data(as_text=True)


def test_sign_in_rate_limit_per_account(app, client, make_user):
    user = make_user()
    limit = int(app.config["RATELIMIT_SIGNIN_ACCOUNT"].split()[0])
    for _ in range(limit):
        assert sign_in(client, user.email, "equivocada-1").status_code == 422
    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert "Demasiados intentos" in response.get_data(as_text=True)


def test_sign_in_rate_limit_per_ip(app, client):
    limit = int(app.config["RATELIMIT_SIGNIN"].split()[0])
    statuses = [sign_in(client, f"p{i}@ejemplo.mx", "x-x-x-x-x").status_code
                for i in range(limit + 1)]
    assert statuses[:limit] == [422] * limit
    assert statuses[limit] == 429


def test_old_session_cookie_dies_after_password_change(app, client, make_user):
    user = make_user()
    sign_in(client, user.email)
    other_device = app.test_client()
    sign_in(other_device, user.email)
    assert other_device.get("/cuenta").status_code == 200

    response = post_form(client, "/cuenta/contrasena",
                         {"current_password": PASSWORD, "new_password": "otra-frase-larga"},
                         page="/cuenta")
    assert response.status_code == 302
    assert client.get("/cuenta").status_code == 200  # this device stays in
    response = other_device.get("/cuenta")
    assert response.status_code == 302 and "/cuenta/entrar" in response.headers["Location"]


def test_remember_cookie_dies_after_password_change(app, client, make_user):
    user = make_user()
    post_form(client, "/cuenta/entrar",
              {"email": user.email, "password": PASSWORD, "remember": "y"}, page="/cuenta/entrar")
    remember = client.get_cookie("remember_token")
    assert remember is not None
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember.value)
    assert fresh.get("/cuenta").status_code == 200
    post_form(client, "/cuenta/contrasena",
              {"current_password": PASSWORD, "new_password": "otra-frase-larga"}, page="/cuenta")
    stale = app.test_client()
    stale.set_cookie("remember_token", remember.value)
    assert stale.get("/cuenta").status_code == 302


def test_inactive_user_cannot_sign_in(client, make_user):
    user = make_user(active=False)
    assert sign_in(client, user.email).status_code == 422


@pytest.mark.parametrize("target", ["//evil.example", "javascript:alert(1)",
                                    "https://evil.example/", "/\\evil.example", " //evil.example"])
def test_next_parameter_only_accepts_same_site_paths(client, make_user, target):
    user = make_user()
    page = "/cuenta/entrar?next=" + target
    response = post_form(client, "/cuenta/entrar",
                         {"email": user.email, "password": PASSWORD, "next": target}, page=page)
    assert response.headers["Location"] == "/inicio"


def test_next_parameter_keeps_relative_path(client, make_user):
    user = make_user()
    response = post_form(client, "/cuenta/entrar",
                         {"email": user.email, "password": PASSWORD, "next": "/cuenta"},
                         page="/cuenta/entrar?next=/cuenta")
    assert response.headers["Location"] == "/cuenta"


def test_login_required_redirects_with_next(client):
    response = client.get("/cuenta")
    assert response.status_code == 302
    assert "/cuenta/entrar?next=%2Fcuenta" in response.headers["Location"]


def test_change_email_round_trip(client, signed_in, outbox):
    user = signed_in()
    response = post_form(client, "/cuenta/correo",
                         {"current_password": "mal", "new_email": "nuevo@ejemplo.mx"},
                         page="/cuenta")
    assert response.status_code == 422
    assert "La contraseña actual no es correcta." in response.get_data(as_text=True)
    post_form(client, "/cuenta/correo",
              {"current_password": PASSWORD, "new_email": "nuevo@ejemplo.mx"}, page="/cuenta")
    link = _relative(_link(outbox[-1], "/cuenta/correo/"))
    page = client.get(link)
    assert page.status_code == 200 and "nuevo@ejemplo.mx" in page.get_data(as_text=True)
    assert user.email != "nuevo@ejemplo.mx"  # opening the link changes nothing
    assert post_form(client, link, page=link).status_code == 302
    assert user.email == "nuevo@ejemplo.mx"


def test_forged_confirmation_link_is_a_clear_400(client):
    response = client.get("/cuenta/confirmar/not-a-token")
    assert response.status_code == 400
    assert "El enlace no es válido" in response.get_data(as_text=True)
    assert post_form(client, "/cuenta/confirmar/not-a-token").status_code == 400


def test_opening_a_confirmation_link_confirms_nothing_until_the_button(client, db, outbox):
    """Mail scanners and link previews open links: only the person's POST confirms."""
    post_form(client, "/cuenta/registro", {"name": "Rosa Elena Díaz", "email": "rosa@ejemplo.mx",
                                           "password": PASSWORD, "municipality": "15106",
                                           "accept_privacy": "y"},
              page="/cuenta/registro")
    link = _relative(_link(outbox[-1], "/cuenta/confirmar/"))
    for _ in range(2):
        assert client.get(link).status_code == 200
    assert not find_by_email("rosa@ejemplo.mx").email_confirmed
    assert client.post(link).status_code == 400  # the button's CSRF token is required
    assert not find_by_email("rosa@ejemplo.mx").email_confirmed
    response = post_form(client, link, page=link)
    assert response.status_code == 302 and response.headers["Location"] == "/cuenta/entrar"
    assert find_by_email("rosa@ejemplo.mx").email_confirmed
    again = client.get(link).get_data(as_text=True)
    assert "ya está confirmado" in again and "Confirmar mi correo" not in again


def test_signed_in_person_confirming_goes_back_to_the_account(client, signed_in, outbox):
    user = signed_in(confirmed=False)
    post_form(client, "/cuenta/confirmar", page="/cuenta")
    link = _relative(_link(outbox[-1], "/cuenta/confirmar/"))
    response = post_form(client, link, page=link)
    assert response.headers["Location"] == "/cuenta"
    assert user.email_confirmed


def test_language_choice_switches_to_english_and_back(client):
    token = csrf_token(client)
    client.post("/idioma", data={"csrf_token": token, "language": "en", "next": "/cuenta/entrar"})
    body = client.get("/cuenta/entrar").get_data(as_text=True)
    assert 'lang="en"' in body and "Sign in" in body
    client.post("/idioma", data={"csrf_token": token, "language": "es_MX", "next": "/"})
    assert "Entrar" in client.get("/cuenta/entrar").get_data(as_text=True)


def test_english_choice_is_kept_on_the_account(client, signed_in):
    user = signed_in()
    post_form(client, "/idioma", {"language": "en", "next": "/"})
    assert user.locale == "en"


def test_unconfirmed_user_can_ask_for_a_new_link(client, signed_in, outbox):
    signed_in(confirmed=False)
    response = post_form(client, "/cuenta/confirmar", page="/cuenta")
    assert response.status_code == 302
    assert "/cuenta/confirmar/" in outbox[-1].body


@pytest.mark.parametrize(("path", "setting", "data"), [
    ("/cuenta/registro", "RATELIMIT_SIGNUP",
     {"name": "Ana", "email": "a@ejemplo.mx", "password": "x", "municipality": "15106",
      "accept_privacy": "y"}),
    ("/cuenta/recuperar", "RATELIMIT_RESET", {"email": "a@ejemplo.mx"}),
])
def test_sign_up_and_reset_are_rate_limited(app, client, path, setting, data):
    limit = int(app.config[setting].split()[0])
    statuses = [post_form(client, path, data, page=path).status_code for _ in range(limit + 1)]
    assert 429 not in statuses[:limit]
    assert statuses[limit] == 429
