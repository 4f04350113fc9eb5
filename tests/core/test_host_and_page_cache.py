"""What a client controls (the Host header, the query string) never reaches another person:
absolute links come from BASE_URL, and the page cache neither stores a forged host's page nor
grows with arguments nobody reads."""


import pytest

from community.core import pagecache
from community.events import services as events
from tests.conftest import CSRF_RE, PASSWORD
from tests.events.conftest import event_form

EVIL = "evil.example"


def _post_as_evil(client, path: str, data: dict):
    """A browser that reached the site as evil.example (its cookies live on that host)."""
    html = client.get(path, base_url=f"http://{EVIL}").get_data(as_text=True)
    match = CSRF_RE.search(html)
    token = match.group(1) or match.group(2)
    return client.post(path, data={"csrf_token": token, **data}, base_url=f"http://{EVIL}")


@pytest.fixture
def base_url(app):
    app.config["BASE_URL"] = "https://comunidad.example"
    return "https://comunidad.example"


@pytest.fixture
def published(db, staff):
    event = events.create_event(staff, event_form(title="Taller de fondos"))
    events.publish(staff, event)
    db.session.commit()
    return event


def test_password_reset_link_ignores_the_host_header(app, make_user, outbox, base_url):
    make_user(email="rosa@ejemplo.mx")
    response = _post_as_evil(app.test_client(), "/cuenta/recuperar", {"email": "rosa@ejemplo.mx"})
    assert response.status_code == 302
    body = outbox[-1].body
    assert EVIL not in body
    assert f"{base_url}/cuenta/restablecer/" in body


def test_calendar_feed_is_not_poisoned_through_the_cache(app, published, base_url):
    forged = app.test_client().get("/eventos/calendario.ics", headers={"Host": EVIL})
    assert forged.status_code == 200
    assert EVIL not in forged.get_data(as_text=True)
    honest = app.test_client().get("/eventos/calendario.ics").get_data(as_text=True)
    assert EVIL not in honest
    assert f"URL:{base_url}/eventos/{published.slug}" in honest.replace("\r\n ", "")


def test_personal_feed_page_names_base_url(app, client, make_user, base_url):
    person = make_user()
    assert _post_as_evil(client, "/cuenta/entrar", {"email": person.email,
                                                    "password": PASSWORD}).status_code == 302
    body = client.get("/eventos/mi-calendario", base_url=f"http://{EVIL}").get_data(as_text=True)
    assert EVIL not in body and f"{base_url}/eventos/calendario.ics" in body


def test_trusted_hosts_refuses_other_hosts(app, client):
    app.config["TRUSTED_HOSTS"] = ["comunidad.example"]
    refused = client.get("/", headers={"Host": EVIL})
    assert refused.status_code == 400 and "Solicitud no válida" in refused.get_data(as_text=True)
    assert client.post("/cuenta/entrar", headers={"Host": EVIL}).status_code == 400
    assert client.get("/", headers={"Host": "comunidad.example"}).status_code == 200


# --- the cache's key and size --------------------------------------------------------------


def test_arguments_a_page_does_not_read_bypass_the_cache(app, db):
    client = app.test_client()
    assert client.get("/osc/mapa").status_code == 200
    stored = pagecache.stored_bytes()
    assert stored > 0
    for n in range(30):
        assert client.get(f"/osc/mapa?v={n}").status_code == 200
    assert pagecache.stored_bytes() == stored


def test_unknown_argument_never_lands_in_anyone_elses_page(app, db):
    app.test_client().get("/osc/mapa?x=veneno")
    body = app.test_client().get("/osc/mapa").get_data(as_text=True)
    assert "veneno" not in body


def test_arguments_a_page_reads_are_cached(app, db, make_org, monkeypatch):
    make_org(name="Casa de la Niñez")
    client = app.test_client()
    client.get("/osc?orden=recientes")
    stored = pagecache.stored_bytes()
    client.get("/osc?orden=recientes")
    assert pagecache.stored_bytes() == stored > 0


def test_the_store_is_bounded_by_bytes_least_recent_first(fresh_app):
    from flask import request

    rendered = []

    @fresh_app.route("/prueba-cache")
    @pagecache.cached_page("registry", args=("n",))
    def filler():
        rendered.append(request.args["n"])
        return f"<p>{request.args['n']}</p>" + "x" * 10_000

    fresh_app.config["PAGE_CACHE_MAX_BYTES"] = 50_000
    client = fresh_app.test_client()

    def get(n) -> bool:
        """True when the page was rendered, False when it came from the cache."""
        count = len(rendered)
        assert client.get(f"/prueba-cache?n={n}").get_data(as_text=True).startswith(f"<p>{n}<")
        return len(rendered) > count

    for n in range(20):
        assert get(n)
        assert pagecache.stored_bytes() <= 50_000
    assert pagecache.stored_bytes() > 30_000
    assert not get(19)  # the newest pages are kept
    assert get(0)  # the oldest went first


def test_kept_values_only_in_get_requests_and_until_cleared(app):
    """A POST may count from a transaction that later rolls back: it never keeps a value."""
    from community.core import pagecache

    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    with app.test_request_context("/", method="POST"):
        assert [pagecache.kept_value("library", ("k",), compute) for _ in range(2)] == [1, 2]
    with app.test_request_context("/"):
        assert [pagecache.kept_value("library", ("k",), compute) for _ in range(2)] == [3, 3]
        pagecache.clear()
        assert pagecache.kept_value("library", ("k",), compute) == 4
