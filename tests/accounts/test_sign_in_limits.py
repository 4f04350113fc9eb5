"""The per-account sign-in limit slows guessing without letting a stranger lock a person out:
failed tries count per account and network, and the networks an account never signed in from
share one more budget, which never applies where the person usually signs in."""

import pytest

from tests.conftest import CSRF_RE, PASSWORD

HOME = "127.0.0.1"  # where the person signs in (the test client's address)


def _attempt(app, password: str, address: str, email: str = "ana@ejemplo.mx") -> int:
    client = app.test_client()
    environ = {"REMOTE_ADDR": address}
    html = client.get("/cuenta/entrar", environ_base=environ).get_data(as_text=True)
    match = CSRF_RE.search(html)
    response = client.post("/cuenta/entrar", environ_base=environ, data={
        "csrf_token": match.group(1) or match.group(2), "email": email, "password": password})
    return response.status_code


@pytest.fixture
def ana(app, make_user):
    person = make_user(email="ana@ejemplo.mx")
    assert _attempt(app, PASSWORD, HOME) == 302  # her usual network
    return person


def test_wrong_passwords_from_one_network_are_limited(app, ana):
    per_network = int(app.config["RATELIMIT_SIGNIN_ACCOUNT"].split()[0])
    statuses = [_attempt(app, "no-es-la-clave", f"198.51.100.{n}") for n in range(per_network + 1)]
    assert statuses == [422] * per_network + [429]


def test_a_stranger_cannot_lock_the_person_out_of_her_own_network(app, ana):
    for n in range(12):
        _attempt(app, "no-es-la-clave", f"198.51.100.{n}")
    assert _attempt(app, "no-es-la-clave", "198.51.100.200") == 429
    assert _attempt(app, PASSWORD, HOME) == 302
    assert _attempt(app, PASSWORD, "127.0.0.9") == 302  # same /24


def test_guessing_from_many_networks_shares_one_budget(app, ana):
    budget = int(app.config["RATELIMIT_SIGNIN_ACCOUNT_NEW_NETWORKS"].split()[0])
    statuses = [_attempt(app, "no-es-la-clave", f"203.0.{n // 4}.{n % 4 + 1}")
                for n in range(budget + 1)]
    assert 429 not in statuses[:budget]
    assert statuses[budget] == 429  # a new network, refused: the account's budget is spent
    assert _attempt(app, "no-es-la-clave", "192.0.2.1", email="otra@ejemplo.mx") == 422
    assert _attempt(app, PASSWORD, HOME) == 302  # her own network is never held


def test_successful_sign_ins_do_not_use_up_the_tries(app, ana):
    per_network = int(app.config["RATELIMIT_SIGNIN_ACCOUNT"].split()[0])
    for _ in range(per_network + 2):
        assert _attempt(app, PASSWORD, HOME) == 302
    assert _attempt(app, "no-es-la-clave", HOME) == 422
