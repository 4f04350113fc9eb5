"""Hostile numbers never make a 500: generated from the URL map, so a route added later is
covered without a new line here.

- every rule with an integer segment is requested with ids no row can have (0, -1, 2**63 - 1,
  2**63, 2**64, 10**30) and with digits that are not ASCII ('²' passes ``str.isdigit()`` and
  breaks ``int()``; '١٢' is 12 to ``int()``), anonymously and as staff, GET or POST as the
  rule answers (CSRF checking off, so a POST reaches the view);
- every GET route is requested with hostile ``?page=`` values, anonymously and as staff;
- the forms of the forums, private messages and events are posted with hostile ids in their
  id fields (organization, quote, category, to), through the real CSRF token; so are a
  reply that mentions ``@persona-<hostile>`` and the Quote link (``?cita=<hostile>``).

Any status below 500 is fine: 404 (no such row), 400/422 (a message next to the field), a
redirect, or the page itself. The concrete URLs (slugs, tokens) come from the route × role
table (``tests/test_routes_roles.py``) and its ``world``; a rule that has no row there gets
"x" in its text segments.
"""

import pytest
from werkzeug.routing import IntegerConverter

from community.extensions import db as _db
from community.extensions import limiter
from tests.conftest import PASSWORD, post_form
from tests.test_routes_roles import POST_DATA, ROUTES, world  # noqa: F401 - the fixture

HOSTILE_IDS = ("0", "-1", str(2**31), str(2**63 - 1), str(2**63), str(2**64), str(10**30),
               "²", "١٢")
HOSTILE_PAGES = (str(2**63), str(2**63 - 1), "-5", "abc", str(10**30), "²", "0")
SENTINEL = 987_654_321  # stands for each integer segment while a URL is built


@pytest.fixture
def unlimited(app):
    """Hundreds of requests from one client: rate limits would answer 429 before the view
    runs, hiding the very errors this module looks for."""
    app.config["WTF_CSRF_ENABLED"] = False
    saved, limiter.enabled = limiter.enabled, False
    yield app
    limiter.enabled = saved


def _status(client, url: str, method: str = "GET", **kwargs):
    """The status code, or the exception the request raised (tests propagate them)."""
    try:
        return client.open(url, method=method, **kwargs).status_code
    except Exception as error:  # noqa: BLE001 - reported with the URL
        _db.session.rollback()
        return f"{type(error).__name__}: {str(error)[:120]}"


def _broken(status) -> bool:
    return not isinstance(status, int) or status >= 500


def _sign_in(client, email: str) -> None:
    response = client.post("/cuenta/entrar", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302


def _client(app, role: str, make_user):
    client = app.test_client()
    if role == "staff":
        _sign_in(client, make_user(role="staff").email)
    return client


def _table_values(adapter, endpoint: str, method: str, places: dict) -> dict:
    """The arguments of the table's URL for ``endpoint`` (slugs and ids of the world)."""
    if endpoint not in ROUTES:
        return {}
    template = ROUTES[endpoint][1]
    url = template.format(**{k: v for k, v in places.items() if k != "people"})
    try:
        matched, values = adapter.match(url.split("?")[0], method=method)
    except Exception:  # noqa: BLE001 - another rule of the endpoint; fill in below
        return {}
    return values if matched == endpoint else {}


def _urls(app, places: dict, rule, method: str, hostile: str) -> str:
    """``rule`` built with the world's values, each integer segment replaced by ``hostile``."""
    adapter = app.url_map.bind("localhost")
    values = _table_values(adapter, rule.endpoint, method, places)
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = SENTINEL
        elif name not in values:
            values[name] = "x"
    values = {k: v for k, v in values.items() if k in rule.arguments}
    path = rule.build(values, append_unknown=False)[1]
    return path.replace(str(SENTINEL), hostile)


def _integer_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if any(isinstance(c, IntegerConverter) for c in rule._converters.values())]


@pytest.mark.parametrize("role", ["anonymous", "staff"])
def test_hostile_ids_in_paths(app, unlimited, world, make_user, role):  # noqa: F811
    client = _client(app, role, make_user)
    rules = _integer_rules(app)
    assert rules, "the URL map has no integer segments any more?"
    failures = []
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for hostile in HOSTILE_IDS:
                url = _urls(app, world, rule, method, hostile)
                status = _status(client, url, method,
                                 data=POST_DATA.get(rule.endpoint, {}) if method == "POST"
                                 else None)
                if _broken(status):
                    failures.append(f"{method} {url} -> {status}")
    assert not failures, "\n".join(failures)


def _get_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and rule.endpoint != "static"]


@pytest.mark.parametrize("role", ["anonymous", "staff"])
def test_hostile_page_numbers(app, unlimited, world, make_user, role):  # noqa: F811
    client = _client(app, role, make_user)
    failures = []
    for rule in _get_rules(app):
        template = ROUTES.get(rule.endpoint, ("GET", None))[1]
        base = None
        if template is not None:
            base = template.format(**{k: v for k, v in world.items() if k != "people"})
            adapter = app.url_map.bind("localhost")
            try:
                matched = adapter.match(base.split("?")[0], method="GET")[0] == rule.endpoint
            except Exception:  # noqa: BLE001 - a POST-only row, or another rule
                matched = False
            base = base if matched else None
        if base is None:
            base = _urls(app, world, rule, "GET", "1")
        for hostile in HOSTILE_PAGES:
            url = f"{base}{'&' if '?' in base else '?'}page={hostile}"
            status = _status(client, url)
            if _broken(status):
                failures.append(f"GET {url} -> {status}")
    assert not failures, "\n".join(failures)


# --- hostile ids in forms -----------------------------------------------------------------


def _signed_in(app, email: str):
    client = app.test_client()
    response = post_form(client, "/cuenta/entrar", {"email": email, "password": PASSWORD},
                         page="/cuenta/entrar")
    assert response.status_code == 302
    return client


def _form_posts(places: dict) -> list[tuple[str, str, str, dict]]:
    """(page with the form, URL, field, other fields) for every form that takes an id."""
    page, topic = f"/foros/t/{places['forum_topic']}", f"/foros/t/{places['forum_topic_id']}"
    reply = {"body": "Una respuesta con una cita y a nombre de una OSC."}
    return [
        (page, f"{topic}/responder", "organization", reply),
        (page, f"{topic}/responder", "quote", reply),
        (page, f"{topic}/responder", "quote", {**reply, "preview": "1"}),
        (f"/foros/{places['forum_category']}/nuevo", f"/foros/{places['forum_category']}/nuevo",
         "organization", {"title": "Un tema con un título largo", "body": "Y su mensaje."}),
        ("/mensajes/nueva", "/mensajes/nueva", "to",
         {"subject": "Hola", "body": "Un mensaje privado."}),
        ("/mensajes/nueva", "/mensajes/nueva", "organization",
         {"to": places["member_handle"], "subject": "Hola", "body": "Un mensaje."}),
        (f"/mensajes/{places['conversation']}", f"/mensajes/{places['conversation']}",
         "organization", {"body": "Una respuesta."}),
        (f"/eventos/{places['osc_event']}", f"/eventos/{places['osc_event']}/registro",
         "organization", {}),
    ]


def _staff_posts(places: dict) -> list[tuple[str, str, str, dict]]:
    page, topic = f"/foros/t/{places['forum_topic']}", f"/foros/t/{places['forum_topic_id']}"
    return [
        (page, f"{topic}/moderar", "category",
         {"action": "move", "reason": "Va mejor en otra categoría."}),
    ]


@pytest.mark.parametrize("hostile", HOSTILE_IDS)
def test_hostile_ids_in_forms(app, unlimited, world, make_user, hostile):  # noqa: F811
    app.config["WTF_CSRF_ENABLED"] = True
    from community.forums.notices import handle_of

    admin = world["people"]["osc_admin"]
    places = {**world, "member_handle": handle_of(world["people"]["osc_member"])}
    failures = []
    for email, posts in ((admin.email, _form_posts(places)),
                         (make_user(role="staff").email, _staff_posts(places))):
        client = _signed_in(app, email)
        for page, url, field, data in posts:
            try:
                status = post_form(client, url, {**data, field: hostile}, page=page).status_code
            except Exception as error:  # noqa: BLE001 - reported with the URL
                _db.session.rollback()
                status = f"{type(error).__name__}: {str(error)[:120]}"
            if _broken(status):
                failures.append(f"POST {url} {field}={hostile!r} -> {status}")
    client = _signed_in(app, admin.email)
    topic = f"/foros/t/{places['forum_topic']}"
    checks = [("GET", f"{topic}?cita={hostile}", None),  # the Quote button's link
              ("POST", f"/foros/t/{places['forum_topic_id']}/responder",  # a mention
               {"body": f"Gracias, @persona-{hostile}."})]
    for method, url, data in checks:
        try:
            status = (client.get(url) if data is None
                      else post_form(client, url, data, page=topic)).status_code
        except Exception as error:  # noqa: BLE001 - reported with the URL
            _db.session.rollback()
            status = f"{type(error).__name__}: {str(error)[:120]}"
        if _broken(status):
            failures.append(f"{method} {url} -> {status}")
    assert not failures, "\n".join(failures)


def test_nul_characters_are_refused_before_any_view(app, unlimited, world, make_user):  # noqa: F811
    """PostgreSQL refuses NUL in text: a slug, a filter or a form field carrying one is a
    400 on every route, never a database error (SQLite found nothing and hid it)."""
    client = _client(app, "anonymous", make_user)
    adapter = app.url_map.bind("localhost")
    failures = []
    for rule in _get_rules(app):
        base = _urls(app, world, rule, "GET", "1")
        urls = [f"{base}?q=%00&tipo=a%00b&page=1"]
        values = _table_values(adapter, rule.endpoint, "GET", world)
        texts = [str(values[name]) for name, converter in rule._converters.items()
                 if name in values and not isinstance(converter, IntegerConverter)]
        hostile = base.replace(f"/{texts[0]}", f"/{texts[0]}%00", 1) if texts else base
        if hostile != base:
            urls.append(hostile)
        for url in urls:
            status = _status(client, url)
            if status != 400:
                failures.append(f"GET {url} -> {status}")
    response = client.post("/cuenta/entrar", data={"email": "a\x00@b.mx", "password": "x"})
    assert response.status_code == 400
    assert not failures, "\n".join(failures)
