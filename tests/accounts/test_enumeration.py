"""Whether an address has an account shows neither in the answer nor in the time it takes:
every sign-in attempt and every sign-up computes exactly one password hash. Counted, not
timed (a timing test would be flaky on a shared machine); the README gives measured times."""

import re

import pytest
from werkzeug import security

from tests.conftest import PASSWORD, post_form


@pytest.fixture
def hashes(monkeypatch):
    """How many password hashes were computed (werkzeug's one hashing function)."""
    calls = []
    original = security._hash_internal

    def counting(method, salt, password):
        calls.append(method)
        return original(method, salt, password)

    monkeypatch.setattr(security, "_hash_internal", counting)
    return calls


def _count(hashes, action) -> int:
    before = len(hashes)
    action()
    return len(hashes) - before


def test_sign_in_hashes_once_whether_or_not_the_account_exists(client, make_user, hashes):
    make_user(email="ana@ejemplo.mx")
    post_form(client, "/cuenta/entrar", {"email": "warm@ejemplo.mx", "password": "x" * 12},
              page="/cuenta/entrar")  # the stand-in hash is made once per process

    def attempt(email):
        return lambda: post_form(client, "/cuenta/entrar",
                                 {"email": email, "password": "no-es-la-clave"},
                                 page="/cuenta/entrar")

    assert _count(hashes, attempt("ana@ejemplo.mx")) == 1
    assert _count(hashes, attempt("nadie@ejemplo.mx")) == 1
    assert _count(hashes, attempt("NADIE.MAS@ejemplo.mx")) == 1


def test_sign_up_hashes_once_and_answers_alike_for_a_taken_address(app, make_user, hashes,
                                                                     outbox):
    make_user(email="ana@ejemplo.mx")
    answers = {}

    def sign_up(email):
        def run():
            client = app.test_client()
            answers[email] = post_form(client, "/cuenta/registro", {
                "name": "Ana Torres", "email": email, "password": PASSWORD,
                "municipality": "15106", "accept_privacy": "y"}, page="/cuenta/registro")
        return run

    assert _count(hashes, sign_up("ana@ejemplo.mx")) == 1
    assert _count(hashes, sign_up("nueva@ejemplo.mx")) == 1
    taken, new = answers["ana@ejemplo.mx"], answers["nueva@ejemplo.mx"]
    assert taken.status_code == new.status_code == 302
    assert re.sub(r"to=[^&]+", "", taken.headers["Location"]) == \
        re.sub(r"to=[^&]+", "", new.headers["Location"])
    mailed = {message.recipients[0]: message.subject for message in outbox}
    assert mailed["ana@ejemplo.mx"] == "Ya tienes una cuenta en Comunidad OSC"  # the owner
    assert "Confirma tu correo" in mailed["nueva@ejemplo.mx"]
