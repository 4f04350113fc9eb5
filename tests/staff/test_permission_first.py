"""The staff console checks who is asking before it looks anything up: on every staff route,
whatever the address names (an OSC or a change request that does not exist, a bad filter),
a signed-in person who is not staff gets 403 and an anonymous one the sign-in page, never a
404 or a 422 that would tell what exists."""

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from tests.conftest import client_as

MISSING_INT = 999_999
MISSING_SLUG = "no-existe-esta-osc"
BAD_QUERY = "?desde=ayer&estatus=inventado"


def _staff_urls(app) -> list[tuple[str, str, str]]:
    """Every staff rule as (endpoint, method, URL) with values that name nothing."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("staff."):
            continue
        values = {}
        for name, converter in rule._converters.items():  # noqa: SLF001 - werkzeug's rule
            if isinstance(converter, AnyConverter):
                values[name] = sorted(converter.items)[0]
            elif isinstance(converter, IntegerConverter):
                values[name] = MISSING_INT
            else:
                values[name] = MISSING_SLUG
        path = rule.build(values, append_unknown=False)[1]
        method = "POST" if "POST" in rule.methods else "GET"
        urls.append((rule.endpoint, method, path + BAD_QUERY))
    return urls


def _send(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"decision": "inventada", "reason": ""})


@pytest.fixture
def no_csrf(app):
    """The permission decision, not the token, is what these requests test (every POST
    route's token is checked in tests/test_routes_roles.py)."""
    app.config["WTF_CSRF_ENABLED"] = False


def test_the_table_reaches_every_staff_route(app):
    endpoints = {endpoint for endpoint, _, _ in _staff_urls(app)}
    assert {"staff.decide_organization", "staff.decide_change",
            "staff.registry_export"} <= endpoints


def test_citizens_get_403_before_any_lookup(app, make_user, no_csrf):
    citizen = client_as(app, make_user())
    for endpoint, method, url in _staff_urls(app):
        assert _send(citizen, method, url).status_code == 403, (endpoint, url)


def test_osc_admins_get_403_too(app, make_org, no_csrf):
    admin = client_as(app, make_org().admin)
    for endpoint, method, url in _staff_urls(app):
        assert _send(admin, method, url).status_code == 403, (endpoint, url)


def test_anonymous_visitors_are_sent_to_sign_in(app, no_csrf):
    visitor = app.test_client()
    for endpoint, method, url in _staff_urls(app):
        response = _send(visitor, method, url)
        assert response.status_code == 302, (endpoint, url)
        assert "/cuenta/entrar" in response.headers["Location"], (endpoint, url)


def test_staff_still_get_404_for_what_does_not_exist(app, staff, no_csrf):
    console = client_as(app, staff)
    assert _send(console, "POST", f"/personal/osc/{MISSING_SLUG}/decision") \
        .status_code == 404
    assert _send(console, "POST", f"/personal/cambios/{MISSING_INT}/decision") \
        .status_code == 404
    assert console.get("/personal/padron.csv?desde=ayer").status_code == 422
