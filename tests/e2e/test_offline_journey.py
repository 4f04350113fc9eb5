"""A member on a phone with a weak signal: registers for a workshop, opens the ticket, loses the
connection and still shows the QR code and the address at the door; a page never opened says
so; a form sent offline says it was not sent; signing out leaves nothing private on the phone.

The service worker is static/sw.js (community/core/pwa.py serves it); Chromium treats
http://127.0.0.1 as a secure context, so the worker runs against the live test server.
"""

import re
import time

import pytest
from playwright.sync_api import expect

from community.events import services as events
from tests.e2e.conftest import CONSOLE_KEY
from tests.e2e.test_account_journey import click_in_header
from tests.e2e.test_registry_journey import sign_in
from tests.events.conftest import event_form

ADDRESS = "Av. Lerdo 300, Toluca"
TITLE = "Taller de procuración de fondos"
NOTICE = re.compile(r"Sin conexión: datos de \d{1,2} de \w+ de \d{4}")
NOT_SENT = re.compile("el formulario no se envió", re.I)
# Offline, the live updates' socket fails to reconnect (static/js/live.js retries on its own),
# or, open when the signal drops, is cut mid-frame: the one console error this journey expects.
SOCKET_OFFLINE = re.compile(r"WebSocket connection to .*/socket\.io/.*"
                            r"(ERR_INTERNET_DISCONNECTED|Data frame received after close)")

# What the page can see of the worker's caches: every cache, every URL, and the text of the
# saved pages (to look for the person's name).
CACHE_CONTENTS = """async () => {
  const out = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    out[name] = [];
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      const type = response.headers.get("Content-Type") || "";
      out[name].push({url: request.url, text: type.startsWith("text/html") ?
        await response.text() : ""});
    }
  }
  return out;
}"""


@pytest.fixture
def workshop(db, staff):
    event = events.create_event(staff, event_form(title=TITLE, address=ADDRESS))
    events.publish(staff, event)
    db.session.commit()
    return event


def wait_for_worker(phone) -> None:
    """The worker controls the page once installed (it claims open pages when it activates)."""
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null")


def wait_until_saved(phone, *paths: str) -> None:
    """The worker saves a copy just after the page gets it: wait for it before going offline."""
    phone.wait_for_function("""async (paths) => {
      const saved = [];
      for (const name of await caches.keys()) {
        if (!name.startsWith("osc-pages-")) continue;
        const cache = await caches.open(name);
        saved.push(...(await cache.keys()).map((request) => new URL(request.url).pathname));
      }
      return paths.every((path) => saved.includes(path));
    }""", arg=list(paths))


def register_and_open_ticket(phone, workshop) -> None:
    phone.goto("/eventos")
    phone.get_by_role("link", name=TITLE).first.click()
    phone.get_by_role("button", name="Registrarme").click()
    expect(phone.get_by_text("Lugar confirmado").first).to_be_visible()
    expect(phone.get_by_alt_text(re.compile("Código QR"))).to_be_visible()
    expect(phone.get_by_role("main")).to_contain_text(ADDRESS)
    phone.goto("/eventos/mis-registros")
    expect(phone.get_by_role("main")).to_contain_text(TITLE)
    phone.goto(f"/eventos/{workshop.slug}")  # the ticket, the page shown at the door
    qr = phone.get_by_alt_text(re.compile("Código QR")).get_attribute("src").split("?")[0]
    wait_until_saved(phone, f"/eventos/{workshop.slug}", qr, "/eventos/mis-registros")


def assert_ticket_shown_offline(phone) -> None:
    expect(phone.get_by_role("status").filter(has_text=NOTICE)).to_be_visible()
    expect(phone.get_by_text("Lugar confirmado").first).to_be_visible()
    expect(phone.get_by_role("main")).to_contain_text(ADDRESS)
    qr = phone.get_by_alt_text(re.compile("Código QR"))
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0"), "QR not drawn"


def send_a_form_without_signal(phone, workshop) -> None:
    """On a page opened without signal the person reads that the form was not sent.

    Where the browser knows it is offline (``navigator.onLine`` false) the page's script
    stops the form and says so in place. Chromium 150 (Debian's, in CI) does not know on a
    page the worker answered from a copy while the context was offline: ``onLine`` stays
    true there, as on a phone whose network connects but carries nothing. The form then
    reaches the worker, whose offline page says the same.
    """
    knows_offline = phone.evaluate("navigator.onLine === false")
    phone.get_by_role("button", name="Cambiar idioma").click()
    if knows_offline:
        expect(phone.get_by_role("alert").filter(has_text=NOT_SENT)).to_be_visible()
        expect(phone).to_have_url(re.compile(f"/eventos/{workshop.slug}$"))
    else:
        expect(phone.get_by_role("heading", level=1)).to_have_text("Sin conexión")
        expect(phone.get_by_text(NOT_SENT).first).to_be_visible()


def unexpected_console_errors(request) -> list[str]:
    return [error for log in request.node.stash.get(CONSOLE_KEY, []) for error in log.errors
            if not SOCKET_OFFLINE.search(error)]


@pytest.mark.allow_console_errors  # all but the socket's reconnection are checked below
def test_ticket_readable_offline_and_forgotten_at_sign_out(phone, make_user, make_org,
                                                           workshop, axe, request):
    member = make_user(email="lucia.ortega@ejemplo.mx", name="Lucía Ortega Salinas")
    osc = make_org(name="Red de Mujeres de Toluca", admin=member)
    sign_in(phone, member.email)
    wait_for_worker(phone)
    phone.goto(f"/osc/{osc.slug}")
    register_and_open_ticket(phone, workshop)

    phone.context.set_offline(True)
    phone.reload()
    assert_ticket_shown_offline(phone)
    axe.assert_accessible(phone, "saved ticket, offline")
    phone.goto(f"/osc/{osc.slug}")
    expect(phone.get_by_role("heading", level=1)).to_have_text(osc.name)
    expect(phone.get_by_role("status").filter(has_text=NOTICE)).to_be_visible()

    phone.goto("/foros")  # never opened on this phone
    expect(phone.get_by_role("heading", level=1)).to_have_text("Sin conexión")
    expect(phone.get_by_text("Esta página no está guardada")).to_be_visible()
    axe.assert_accessible(phone, "offline page")

    phone.goto(f"/eventos/{workshop.slug}")  # a saved copy, opened without signal
    send_a_form_without_signal(phone, workshop)
    # A page loaded with signal that then loses it: the browser knows, and the page's script
    # stops the form in place.
    phone.context.set_offline(False)
    phone.goto(f"/eventos/{workshop.slug}")
    phone.context.set_offline(True)
    phone.get_by_role("button", name="Cambiar idioma").click()
    expect(phone.get_by_role("alert").filter(has_text=NOT_SENT)).to_be_visible()
    expect(phone).to_have_url(re.compile(f"/eventos/{workshop.slug}$"))
    # A form the page's script does not see (sent from code) reaches the worker instead.
    phone.locator("form.language-form").evaluate("form => form.submit()")
    expect(phone.get_by_text("El formulario no se envió")).to_be_visible()

    phone.context.set_offline(False)
    phone.goto(f"/eventos/{workshop.slug}")
    click_in_header(phone, "button", "Salir")
    expect(phone.get_by_text("Cerraste tu sesión")).to_be_visible()
    saved = phone.evaluate(CACHE_CONTENTS)
    private = {name: [entry["url"] for entry in entries] for name, entries in saved.items()
               if name.startswith("osc-pages-") and name != "osc-pages-anon"}
    assert not private, f"copies of the signed-out account remain: {private}"
    urls = [entry["url"] for entries in saved.values() for entry in entries]
    assert not [url for url in urls if re.search(r"qr\.png|mis-registros|/osc/|/eventos/", url)]
    assert not [e["url"] for entries in saved.values() for e in entries
                if member.name in e["text"]]
    assert not unexpected_console_errors(request)


def test_a_slow_network_shows_the_saved_copy(app, phone, workshop, monkeypatch):
    """Network first, but not forever: a page the network has not answered in time comes
    from the copy, with its date (a weak signal that connects but barely carries), and so
    does a page a proxy could not fetch."""
    monkeypatch.setitem(app.config, "OFFLINE_NETWORK_TIMEOUT_MS", 300)
    phone.goto("/")
    wait_for_worker(phone)
    phone.goto("/eventos")
    wait_until_saved(phone, "/eventos")

    def slow(route):
        time.sleep(1.0)
        route.continue_()

    phone.context.route("**/eventos", slow)  # the worker's requests too
    phone.goto("/eventos")
    expect(phone.get_by_role("status").filter(has_text=NOTICE)).to_be_visible()
    expect(phone.get_by_role("main")).to_contain_text(TITLE)

    # A proxy that cannot reach the server answers 504: the copy is shown instead.
    phone.context.unroute("**/eventos")
    phone.context.route("**/eventos", lambda route: route.fulfill(status=504, body="Gateway"))
    phone.goto("/eventos")
    expect(phone.get_by_role("status").filter(has_text=NOTICE)).to_be_visible()
    expect(phone.get_by_role("main")).to_contain_text(TITLE)
