"""Device sessions: signing out ends that device's session for good (a copy of its cookies opens
nothing), other devices stay signed in, and "everywhere", a new password or a reset end all."""

from datetime import timedelta

import pytest

from community.accounts import services
from community.accounts.models import UserSession
from community.core.timeutil import utcnow
from tests.conftest import PASSWORD, post_form, sign_in


def _sign_in(app, email: str, remember: bool = False):
    client = app.test_client()
    data = {"email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert post_form(client, "/cuenta/entrar", data, page="/cuenta/entrar").status_code == 302
    return client


def _cookies(client) -> dict[str, str]:
    return {name: client.get_cookie(name).value for name in ("session", "remember_token")
            if client.get_cookie(name) is not None}


def _replay(app, cookies: dict[str, str], only: str | None = None):
    """A fresh browser carrying copies of captured cookies (or only one of them)."""
    thief = app.test_client()
    for name, value in cookies.items():
        if only is None or name == only:
            thief.set_cookie(name, value)
    return thief


def _signed_in(client) -> bool:
    return client.get("/cuenta").status_code == 200


@pytest.fixture
def person(make_user):
    return make_user(email="rosa@ejemplo.mx")


@pytest.mark.parametrize("cookie", ["session", "remember_token"])
def test_captured_cookie_opens_nothing_after_sign_out(app, person, cookie):
    client = _sign_in(app, person.email, remember=True)
    captured = _cookies(client)
    assert set(captured) == {"session", "remember_token"}
    assert _signed_in(_replay(app, captured, only=cookie))  # the copy works while signed in
    assert post_form(client, "/cuenta/salir").status_code == 302
    assert not _signed_in(client)
    assert not _signed_in(_replay(app, captured, only=cookie))
    assert not _signed_in(_replay(app, captured))


def test_signing_out_one_device_leaves_the_others_signed_in(app, person):
    phone = _sign_in(app, person.email, remember=True)
    laptop = _sign_in(app, person.email)
    post_form(laptop, "/cuenta/salir")
    assert not _signed_in(laptop)
    assert _signed_in(phone)
    assert _signed_in(_replay(app, _cookies(phone), only="remember_token"))


def test_sign_out_everywhere_ends_every_device_and_cookie(app, person):
    phone = _sign_in(app, person.email, remember=True)
    phone_cookies = _cookies(phone)
    laptop = _sign_in(app, person.email)
    laptop_cookies = _cookies(laptop)
    body = laptop.get("/cuenta").get_data(as_text=True)
    assert "Cerrar sesión en todos los dispositivos" in body
    response = post_form(laptop, "/cuenta/salir/todas", page="/cuenta")
    assert response.status_code == 302
    for client in (phone, laptop, _replay(app, phone_cookies, only="remember_token"),
                   _replay(app, phone_cookies, only="session"), _replay(app, laptop_cookies)):
        assert not _signed_in(client)
    assert _signed_in(_sign_in(app, person.email))  # signing in again works


def test_sign_out_everywhere_needs_the_csrf_token(app, person):
    client = _sign_in(app, person.email)
    assert client.post("/cuenta/salir/todas").status_code == 400
    assert _signed_in(client)


def test_password_change_ends_the_other_sessions_and_keeps_this_one(app, person):
    phone = _sign_in(app, person.email, remember=True)
    phone_cookies = _cookies(phone)
    laptop = _sign_in(app, person.email)
    before = _cookies(laptop)
    response = post_form(laptop, "/cuenta/contrasena", {
        "current_password": PASSWORD, "new_password": "otra-frase-segura-2027"}, page="/cuenta")
    assert response.status_code == 302
    assert _signed_in(laptop)
    assert not _signed_in(phone)
    assert not _signed_in(_replay(app, phone_cookies, only="remember_token"))
    assert not _signed_in(_replay(app, before))  # this device's old cookie too


def test_password_reset_ends_every_session(app, person, outbox):
    phone = _sign_in(app, person.email, remember=True)
    captured = _cookies(phone)
    other = app.test_client()
    post_form(other, "/cuenta/recuperar", {"email": person.email}, page="/cuenta/recuperar")
    path = "/cuenta/restablecer/" + outbox[-1].body.split("/cuenta/restablecer/")[1].split()[0]
    assert post_form(other, path, {"password": "otra-frase-segura-2027"},
                     page=path).status_code == 302
    assert not _signed_in(phone)
    assert not _signed_in(_replay(app, captured, only="remember_token"))


def test_a_session_ends_by_itself(app, db, person):
    client = _sign_in(app, person.email, remember=True)
    captured = _cookies(client)
    db.session.execute(db.update(UserSession).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert not _signed_in(client)
    assert not _signed_in(_replay(app, captured, only="remember_token"))


def test_a_cookie_naming_only_the_account_token_is_refused(app, person):
    """Cookies written before device sessions (the account's token alone) sign nobody in."""
    assert services.user_for_session(person.session_token) is None
    assert services.user_for_session(f"{person.session_token}:forged") is None


def test_sessions_store_only_a_hash_of_their_key(app, db, person):
    _sign_in(app, person.email)
    row = db.session.scalar(db.select(UserSession))
    assert row.network == "127.0.0.0/24" and row.ended_at is None
    assert person.device_key is None or row.key_hash != person.device_key


def test_suspension_ends_every_session(app, person, staff):
    client = _sign_in(app, person.email, remember=True)
    captured = _cookies(client)
    services.suspend_for(staff, person, "Mensajes ofensivos", days=3)
    services.lift_suspension(staff, person)
    from community.extensions import db

    db.session.commit()
    assert not _signed_in(client)
    assert not _signed_in(_replay(app, captured, only="remember_token"))
    assert sign_in(app.test_client(), person.email).status_code == 302
