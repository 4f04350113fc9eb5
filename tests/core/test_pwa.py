"""The installable app over HTTP (community/core/pwa.py): the manifest, the service worker's
script and headers, the offline page, what the worker is allowed to keep, and the sign-out
answer that empties its caches. The worker's behaviour in a browser is
tests/e2e/test_offline_journey.py."""

import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image

from community.core import assets, pwa
from community.events import services as events
from tests.conftest import PASSWORD, client_as, post_form
from tests.events.conftest import event_form
from tests.library.publishing import make_resource

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_RE = re.compile(r"\Aself\.OFFLINE_SETTINGS = (\{.*?\});\n", re.S)


def csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def worker_settings(client) -> dict:
    body = client.get("/sw.js").get_data(as_text=True)
    match = SETTINGS_RE.match(body)
    assert match, "the worker starts with its settings"
    return json.loads(match.group(1))


@pytest.fixture
def workshop(db, staff):
    event = events.create_event(staff, event_form())
    events.publish(staff, event)
    db.session.commit()
    return event


# --- the manifest -------------------------------------------------------------------


def test_manifest_names_the_platform_and_its_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["name"] == "Comunidad OSC"
    assert manifest["short_name"] and len(manifest["short_name"]) <= 15
    assert manifest["lang"] == "es-MX"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    site_css = (ROOT / "static/css/site.css").read_text(encoding="utf-8")
    assert f"--wine: {manifest['theme_color']};" in site_css
    assert f"--bg: {manifest['background_color']};" in site_css
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes


def test_manifest_icons_are_the_pngs_they_claim(client):
    for icon in json.loads(client.get("/manifest.webmanifest").get_data())["icons"]:
        response = client.get(icon["src"])
        assert response.status_code == 200 and response.mimetype == "image/png"
        image = Image.open(io.BytesIO(response.get_data()))
        assert "x".join(map(str, image.size)) == icon["sizes"]


def test_every_page_links_the_manifest_and_the_worker_script(client):
    html = client.get("/").get_data(as_text=True)
    assert 'rel="manifest" href="/manifest.webmanifest"' in html
    assert re.search(r'<script src="/static/js/pwa\.js\?v=\w+" defer\s+data-worker="/sw\.js"',
                     html)
    assert 'data-offline-notice="Sin conexión: datos de {date}"' in html


# --- the worker's script ------------------------------------------------------------


def test_worker_is_served_from_the_root_uncached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/sw.js", "/manifest.webmanifest"])
def test_an_unchanged_worker_costs_a_304(client, path):
    etag = client.get(path).headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.get_data()


def test_worker_settings_name_files_that_exist(client):
    settings = worker_settings(client)
    assert settings["offlinePage"] == "/sin-conexion"
    assert "/cuenta/salir" in settings["signOut"]
    for url in settings["shell"]:
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url
        assert client.get(url).status_code == 200, url
    assert re.fullmatch(r"[0-9a-f]{12}", settings["version"])


def test_worker_version_follows_the_files_it_keeps(client, monkeypatch):
    """A changed style sheet changes the worker's bytes, so phones install the new version and
    drop the old copies."""
    before = worker_settings(client)["version"]
    monkeypatch.setattr(pwa, "static_digest", lambda name: "changed" if "events" in name
                        else assets.static_digest(name))
    assert worker_settings(client)["version"] != before


def test_policy_allows_the_worker_and_the_manifest_and_nothing_inline(client):
    policy = csp(client.get("/"))
    assert policy["worker-src"] == "'self'"
    assert policy["manifest-src"] == "'self'"
    assert policy["script-src"] == "'self'"


# --- the offline page ---------------------------------------------------------------


def test_offline_page_in_spanish_names_nobody(app, make_user):
    member = make_user(name="Lucía Ortega Salinas")
    client = client_as(app, member)
    response = client.get("/sin-conexion")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "es-MX"
    assert "<h1 id=\"offline-title\">Sin conexión</h1>" in html
    assert "no está guardada en este dispositivo" in html
    assert "El formulario no se envió" in html
    assert member.name not in html and "csrf_token" not in html
    assert "X-Offline-Copy" not in response.headers  # kept with the worker's own files


def test_offline_page_in_english(client):
    response = client.get("/sin-conexion", headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.headers["Content-Language"] == "en"
    assert '<html lang="en">' in html and "No connection" in html
    assert "The form was not sent" in html


# --- what the worker may keep -------------------------------------------------------


def test_pages_needed_on_the_road_may_be_kept(app, make_user, workshop):
    member = make_user()
    registration = events.register(member, workshop, None)
    app.extensions["sqlalchemy"].session.commit()
    client = client_as(app, member)
    assert client.get("/eventos").headers["X-Offline-Copy"] == "page"
    assert client.get(f"/eventos/{workshop.slug}").headers["X-Offline-Copy"] == "page"
    assert client.get("/eventos/mis-registros").headers["X-Offline-Copy"] == "personal"
    qr = client.get(f"/eventos/registro/{registration.id}/qr.png")
    assert "private" in qr.headers["Cache-Control"]
    assert qr.headers["X-Offline-Copy"] == "personal"  # private, and needed at the door


def test_a_downloaded_library_file_may_be_kept_but_not_a_part_of_it(client, staff):
    guide = make_resource(staff, pages=["Procuración de fondos, primera parte."])
    url = f"/biblioteca/{guide.slug}/archivo"
    assert client.get(f"/biblioteca/{guide.slug}").headers["X-Offline-Copy"] == "page"
    assert client.get(url).headers["X-Offline-Copy"] == "personal"
    partial = client.get(url, headers={"Range": "bytes=0-99"})
    assert partial.status_code == 206 and "X-Offline-Copy" not in partial.headers


@pytest.mark.parametrize("path", ["/foros", "/cuenta", "/cuenta/avisos", "/mensajes", "/personal",
                                  "/sin-conexion"])
def test_other_pages_are_not_kept(app, make_user, path):
    client = client_as(app, make_user(role="staff"))
    response = client.get(path)
    assert response.status_code == 200, path
    assert "X-Offline-Copy" not in response.headers


def test_a_post_is_never_kept(app, make_user, workshop):
    client = client_as(app, make_user())
    response = post_form(client, f"/eventos/{workshop.slug}/registro",
                         page=f"/eventos/{workshop.slug}")
    assert response.status_code in (302, 303)
    assert "X-Offline-Copy" not in response.headers


def test_copies_are_filed_per_account(app, make_user):
    first, second = make_user(), make_user()
    anonymous = app.test_client().get("/").headers["X-Offline-Account"]
    tag = client_as(app, first).get("/eventos").headers["X-Offline-Account"]
    assert anonymous == "anon"
    assert re.fullmatch(r"[0-9a-f]{16}", tag)
    assert client_as(app, first).get("/").headers["X-Offline-Account"] == tag
    assert client_as(app, second).get("/").headers["X-Offline-Account"] not in {tag, "anon"}
    assert str(first.id) not in tag


# --- signing out --------------------------------------------------------------------


def test_sign_out_clears_the_site_data(app, make_user):
    client = client_as(app, make_user())
    response = post_form(client, "/cuenta/salir", page="/inicio")
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert response.headers["X-Offline-Account"] == "anon"


def test_sign_out_everywhere_clears_the_site_data(app, make_user):
    client = client_as(app, make_user())
    response = post_form(client, "/cuenta/salir/todas", page="/cuenta")
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_a_failed_account_closing_keeps_the_copies(app, make_user):
    """A wrong password leaves the person signed in: their saved pages stay theirs."""
    client = client_as(app, make_user())
    response = post_form(client, "/cuenta/cerrar", {"current_password": PASSWORD + "x"},
                         page="/cuenta/cerrar")
    assert response.status_code == 422
    assert "Clear-Site-Data" not in response.headers


def test_other_posts_do_not_clear_anything(app, make_user):
    client = client_as(app, make_user())
    response = post_form(client, "/idioma", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Clear-Site-Data" not in response.headers
