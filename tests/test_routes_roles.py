"""The route × role table: every rule in the URL map, with the status each role gets.

A new route that is not in ROUTES fails ``test_every_route_is_in_the_table``; add it with the
statuses you expect. ``expect()`` takes the four site roles; the three OSC roles (a member and
an admin of "the" OSC, and an admin of another OSC) get the citizen's status unless named.
POST routes are sent with ``POST_DATA`` (or an empty form) and CSRF checking off, so the
status shows the permission decision; ``test_every_post_route_needs_csrf`` checks the token
separately on every POST route.
"""

from importlib import import_module
from pathlib import Path
from string import Formatter

import pytest

from community.events import services as events
from community.profiles import services as registry
from tests.conftest import PASSWORD, sign_in
from tests.events.conftest import event_form
from tests.route_roles import LOGIN, OSC_ROLES, ROLES, expect

AWAY = 302  # a redirect after success, or away from a page that makes no sense for the role
SEE_OTHER = 303  # a refused form answered with a redirect and a flash message



EVERYONE_200 = dict.fromkeys(ROLES, 200)
SIGNED_IN_200 = expect(LOGIN, 200, 200, 200)
STAFF_ONLY = expect(LOGIN, 403, 200, 200)
MANAGERS_200 = expect(LOGIN, 403, 200, 200, osc_admin=200)

# endpoint: (method, url, {role: status})
ROUTES = {
    "static": ("GET", "/static/css/site.css", EVERYONE_200),
    "main.home": ("GET", "/", EVERYONE_200),
    "main.healthz": ("GET", "/healthz", EVERYONE_200),
    "main.set_language": ("POST", "/idioma", dict.fromkeys(ROLES, 302)),
    "pwa.manifest": ("GET", "/manifest.webmanifest", EVERYONE_200),
    "pwa.worker": ("GET", "/sw.js", EVERYONE_200),
    "pwa.offline": ("GET", "/sin-conexion", EVERYONE_200),
    "accounts.sign_up": ("GET", "/cuenta/registro", expect(200, AWAY, AWAY, AWAY)),
    "accounts.check_email": ("GET", "/cuenta/revisa-tu-correo", EVERYONE_200),
    "accounts.confirm_email": ("GET", "/cuenta/confirmar/forged", dict.fromkeys(ROLES, 400)),
    "accounts.resend_confirmation": ("POST", "/cuenta/confirmar", expect(LOGIN, 302, 302, 302)),
    "accounts.sign_in": ("GET", "/cuenta/entrar", expect(200, AWAY, AWAY, AWAY)),
    "accounts.sign_out": ("POST", "/cuenta/salir", dict.fromkeys(ROLES, 302)),
    "accounts.sign_out_everywhere": ("POST", "/cuenta/salir/todas",
                                     expect(LOGIN, 302, 302, 302)),
    "accounts.forgot_password": ("GET", "/cuenta/recuperar", EVERYONE_200),
    "accounts.reset_password": ("GET", "/cuenta/restablecer/forged", dict.fromkeys(ROLES, 400)),
    "accounts.settings": ("GET", "/cuenta", SIGNED_IN_200),
    "accounts.change_password": ("POST", "/cuenta/contrasena", expect(LOGIN, 422, 422, 422)),
    "accounts.change_email": ("POST", "/cuenta/correo", expect(LOGIN, 422, 422, 422)),
    "accounts.confirm_email_change": ("GET", "/cuenta/correo/forged", dict.fromkeys(ROLES, 400)),
    "accounts.admin_users": ("GET", "/admin/cuentas", expect(LOGIN, 403, 403, 200)),
    "accounts.admin_set_role": ("POST", "/admin/cuentas/{other}/rol",
                                expect(LOGIN, 403, 403, 302)),
    "accounts.admin_set_active": ("POST", "/admin/cuentas/{other}/estado",
                                  expect(LOGIN, 403, 403, 302)),
    "staff.audit_log": ("GET", "/personal/bitacora", STAFF_ONLY),
    "staff.registry_queue": ("GET", "/personal/registro", STAFF_ONLY),
    "staff.decide_organization": ("POST", "/personal/osc/{org}/decision",
                                  expect(LOGIN, 403, SEE_OTHER, SEE_OTHER)),
    "staff.decide_change": ("POST", "/personal/cambios/{change}/decision",
                            expect(LOGIN, 403, 302, 302)),
    "staff.registry_export_page": ("GET", "/personal/padron", STAFF_ONLY),
    "staff.registry_export": ("GET", "/personal/padron.csv", STAFF_ONLY),
    "search.search_page": ("GET", "/buscar?q=mujeres", EVERYONE_200),
    "search.search_api": ("GET", "/api/v1/buscar?q=mujeres", EVERYONE_200),
    "profiles.register": ("GET", "/osc/registrar", SIGNED_IN_200),
    "profiles.profile": ("GET", "/osc/{org}", EVERYONE_200),
    "profiles.edit": ("GET", "/osc/{org}/editar", MANAGERS_200),
    "profiles.upload_logo": ("POST", "/osc/{org}/logo",
                             expect(LOGIN, 403, SEE_OTHER, SEE_OTHER, osc_admin=SEE_OTHER)),
    "profiles.logo": ("GET", "/osc/logo/" + "0" * 32 + ".png", dict.fromkeys(ROLES, 404)),
    "profiles.upload_document": ("POST", "/osc/{org}/documentos",
                                 expect(LOGIN, 403, SEE_OTHER, SEE_OTHER, osc_admin=SEE_OTHER)),
    "profiles.document": ("GET", "/osc/{org}/documentos/999",
                          expect(LOGIN, 403, 404, 404, osc_admin=404)),
    "profiles.confirm_current": ("POST", "/osc/{org}/confirmar",
                                 expect(LOGIN, 403, 302, 302, osc_admin=302)),
    "profiles.follow": ("POST", "/osc/{org}/seguir", expect(LOGIN, 302, 302, 302)),
    "profiles.join": ("POST", "/osc/{org}/unirme", expect(LOGIN, 302, 302, 302)),
    "profiles.members": ("GET", "/osc/{org}/miembros", MANAGERS_200),
    "profiles.invite": ("POST", "/osc/{org}/miembros/invitar",
                        expect(LOGIN, 403, 422, 422, osc_admin=422)),
    "profiles.member_role": ("POST", "/osc/{org}/miembros/{membership}/rol",
                             expect(LOGIN, 403, 302, 302, osc_admin=302)),
    "profiles.member_remove": ("POST", "/osc/{org}/miembros/{membership}/quitar",
                               expect(LOGIN, 403, 302, 302, osc_admin=302, osc_member=302)),
    "profiles.member_decide": ("POST", "/osc/{org}/miembros/{membership}/solicitud",
                               expect(LOGIN, 403, 422, 422, osc_admin=422)),
    "profiles.accept_invitation": ("GET", "/osc/invitacion/forged", SIGNED_IN_200),
    "profiles.history": ("GET", "/osc/{org}/historial", MANAGERS_200),
    "profiles.directory": ("GET", "/osc", EVERYONE_200),
    "profiles.municipalities": ("GET", "/osc/municipios", EVERYONE_200),
    "profiles.municipality": ("GET", "/osc/municipios/15106", EVERYONE_200),
    "profiles.map": ("GET", "/osc/mapa", EVERYONE_200),
    "profiles.open_data_csv": ("GET", "/datos/osc.csv", EVERYONE_200),
    "profiles.open_data_json": ("GET", "/datos/osc.json", EVERYONE_200),
    "profiles.api_list": ("GET", "/api/v1/osc", EVERYONE_200),
    "profiles.api_detail": ("GET", "/api/v1/osc/{org}", EVERYONE_200),
}


def _module_tables() -> list:
    """Each module keeps its rows in ``tests/<module>/route_table_*.py``: dicts named
    ``*_ROUTES`` (endpoint → method, url, statuses) and ``*_POST_DATA``."""
    tests = Path(__file__).parent
    return [import_module(".".join(path.relative_to(tests.parent).with_suffix("").parts))
            for path in sorted(tests.glob("*/route_table_*.py"))]


def _merged(suffix: str) -> dict:
    merged: dict = {}
    for module in _module_tables():
        for name, value in vars(module).items():
            if name.endswith(suffix) and isinstance(value, dict):
                merged.update(value)
    return merged


ROUTES.update(_merged("_ROUTES"))

# Valid bodies for POST routes whose success needs more than an empty form.
POST_DATA = {
    "main.set_language": {"language": "es_MX"},
    "accounts.admin_set_role": {"role": "staff"},
    "accounts.admin_set_active": {"active": "0"},
    "staff.decide_organization": {"decision": "validate"},
    "staff.decide_change": {"decision": "approve"},
    "profiles.member_role": {"role": "member"},
    **_merged("_POST_DATA"),
}


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - ROUTES.keys() == set(), "add these routes to ROUTES"
    assert ROUTES.keys() - endpoints == set(), "these routes no longer exist"


@pytest.fixture
def world(request, db, make_user):
    """One validated OSC with an admin and a member (and a pending legal change), another OSC
    with its own admin, and a spare account to act upon; and the modules' worlds the row's
    URL needs (all of them for a test that is not one row of the table)."""
    staff = make_user(role="staff", email="decide@edomex.mx")
    people = {role: make_user(email=f"{role}@ejemplo.mx") for role in
              ("osc_admin", "osc_member", "other_osc_admin")}
    orgs = {}
    for key, admin in (("org", people["osc_admin"]), ("other_org", people["other_osc_admin"])):
        orgs[key] = registry.register(admin, {"name": f"OSC {key}", "municipality_code": "15106",
                                              "activities": ["IX"]})
        db.session.flush()
        registry.validate(staff, orgs[key])
    membership = registry.request_join(people["osc_member"], orgs["org"])
    db.session.flush()
    registry.decide_join(people["osc_admin"], membership, accept=True)
    change = registry.update_profile(people["osc_admin"], orgs["org"], {
        "name": "OSC org", "municipality_code": "15106", "activities": ["IX"],
        "legal_name": "Nueva Razón A.C."})
    db.session.commit()
    return {"people": people, "org": orgs["org"].slug, "membership": membership.id,
            "change": change.id, "other": make_user(email="otra@ejemplo.mx").id,
            **_events_world(db, staff, people, orgs["org"]),
            **_module_worlds(db, people, _placeholders(request))}


def _placeholders(request) -> set[str] | None:
    """The placeholders of this row's URL; None outside a row of the table."""
    callspec = getattr(request.node, "callspec", None)
    endpoint = callspec.params.get("endpoint") if callspec else None
    if endpoint not in ROUTES:
        return None
    return {field for _text, field, _spec, _conv in Formatter().parse(ROUTES[endpoint][1])
            if field}


_WORLD_KEYS: dict[str, set[str]] = {}  # each world's placeholders, learnt on its first run


def _module_worlds(db, people, needed: set[str] | None = None) -> dict:
    """Placeholders a module's rows need, from the ``*_world(db, people)`` functions of its
    ``route_table_*.py``: only the worlds that make one of ``needed`` (once a world has run in
    this process its keys are known). Building all seven for each of the 1,400 rows cost
    minutes of every CI run."""
    values: dict = {}
    for module in _module_tables():
        for name, function in vars(module).items():
            if not (name.endswith("_world") and callable(function)):
                continue
            known = _WORLD_KEYS.get(f"{module.__name__}.{name}")
            if needed is not None and known is not None and not known & needed:
                continue
            made = function(db, people)
            _WORLD_KEYS[f"{module.__name__}.{name}"] = set(made)
            values.update(made)
    return values


def _events_world(db, staff, people, org) -> dict:
    event = events.create_event(staff, event_form(title="Taller del personal"))
    events.publish(staff, event)
    osc_event = events.create_event(people["osc_admin"], event_form(title="Taller de la OSC"),
                                    org)
    events.publish(people["osc_admin"], osc_event)
    draft = events.create_event(staff, event_form(title="Borrador del personal"))
    registration = events.register(people["osc_member"], event)
    db.session.commit()
    return {"event": event.slug, "osc_event": osc_event.slug, "draft": draft.slug,
            "registration": registration.id, "ticket": registration.ticket}


def _url(endpoint: str, world: dict) -> str:
    return ROUTES[endpoint][1].format(**{k: v for k, v in world.items() if k != "people"})


@pytest.mark.parametrize("endpoint", sorted(e for e, r in ROUTES.items() if r[0] == "POST"))
def test_every_post_route_needs_csrf(client, world, endpoint):
    assert sign_in(client, world["people"]["osc_admin"].email).status_code == 302
    response = client.post(_url(endpoint, world), data=POST_DATA.get(endpoint, {}))
    assert response.status_code == 400, endpoint


def sign_in_as(client, email: str) -> None:
    response = client.post("/cuenta/entrar", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_role_status(app, client, make_user, world, endpoint, role):
    method, _, expected = ROUTES[endpoint]
    app.config["WTF_CSRF_ENABLED"] = False
    if role in OSC_ROLES:
        sign_in_as(client, world["people"][role].email)
    elif role != "anonymous":
        sign_in_as(client, make_user(role=role).email)
    url = _url(endpoint, world)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data=POST_DATA.get(endpoint, {}))
    assert response.status_code == expected[role], (endpoint, role)
    if role == "anonymous" and expected[role] == LOGIN and endpoint not in {
            "main.set_language", "accounts.sign_out", "advisory.sent"}:
        assert "/cuenta/entrar" in response.headers["Location"]
