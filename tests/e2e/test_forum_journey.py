"""Two people in one topic, each in their own browser: a reply from one appears in the other's
page without a reload, and a mention raises the mentioned person's badge live. One of them
is on a phone. The live server is the test's own app under Werkzeug's threaded server, which
also serves Socket.IO (engineio's threading mode: WebSocket through simple-websocket, long
polling as the fallback), so the pages' real static/js/live.js is what is tested.
"""

import re
import time

from playwright.sync_api import expect

from community.extensions import db, socketio
from community.forums import services
from community.forums.models import Category
from community.forums.notices import handle_of
from tests.e2e.test_account_journey import assert_no_horizontal_scroll
from tests.e2e.test_registry_journey import sign_in

JOIN_TIMEOUT_S = 10


def open_topic(make_user):
    """Ana opened a topic in an open category; Roberto has never written in it."""
    ana = make_user(email="ana.torres@redneza.org.mx", name="Ana Lucía Torres")
    roberto = make_user(email="roberto.diaz@ejemplo.mx", name="Roberto Díaz")
    category = Category(slug="procuracion-de-fondos", name="Procuración de fondos",
                        description="Donativos y convocatorias.", group="tema")
    db.session.add(category)
    db.session.flush()
    topic = services.create_topic(ana, category, {
        "title": "¿Quién ya aplicó a la convocatoria de coinversión?",
        "body": "Buscamos OSC que nos cuenten cómo armaron el **presupuesto**."})
    db.session.commit()
    return ana, roberto, f"/foros/t/{topic.id}-{topic.slug}", topic.id


def wait_for_room(topic_id: int, people: int) -> None:
    """Until ``people`` sockets joined the topic's room: a reply sent before a page joined
    would (rightly) never reach it, and the test would only measure the race."""
    room = f"topic:{topic_id}"
    deadline = time.monotonic() + JOIN_TIMEOUT_S
    while time.monotonic() < deadline:
        rooms = socketio.server.manager.rooms.get("/", {})
        if len(rooms.get(room, {})) >= people:
            return
        time.sleep(0.05)
    raise AssertionError(f"{people} sockets did not join {room} in {JOIN_TIMEOUT_S}s")


def write_reply(page, text: str) -> None:
    page.get_by_label("Tu respuesta").fill(text)
    page.get_by_role("button", name="Publicar respuesta").click()
    expect(page.get_by_role("status").first).to_contain_text("Publicamos tu respuesta")


def mark_page(page) -> None:
    """A flag in the page's memory: still there later means the page never reloaded."""
    page.evaluate("() => { window.__samePage = true; }")


def assert_same_page(page) -> None:
    assert page.evaluate("() => window.__samePage === true"), "the page reloaded"


def test_two_people_one_topic_live_reply_and_mention(page, phone, make_user, axe):
    ana, roberto, url, topic_id = open_topic(make_user)
    sign_in(page, ana.email)
    sign_in(phone, roberto.email)
    page.goto(url)
    phone.goto(url)
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "¿Quién ya aplicó a la convocatoria de coinversión?")
    assert_no_horizontal_scroll(phone)
    axe.assert_accessible(phone, "topic page on a phone")
    axe.assert_accessible(page, "topic page on a desktop")
    wait_for_room(topic_id, 2)
    mark_page(phone)
    mark_page(page)
    expect(phone.locator("#notification-count")).to_have_count(0)

    # Ana answers on her desktop and mentions Roberto: his phone shows the reply and the badge.
    write_reply(page, f"@{handle_of(roberto)} nosotras usamos la matriz de marco lógico.")
    reply = phone.locator("#posts #p2")
    expect(reply).to_contain_text("nosotras usamos la matriz de marco lógico")
    expect(phone.locator("#notification-count")).to_contain_text("1")
    assert_same_page(phone)

    # Roberto answers from the phone; Ana (subscribed as the author) sees it and her badge.
    wait_for_room(topic_id, 2)  # Ana's page came back from the redirect: it joins again
    mark_page(page)
    phone.locator("#responder, [data-reply-form]").first.scroll_into_view_if_needed()
    write_reply(phone, "¡Gracias! ¿Nos comparten la plantilla del presupuesto?")
    expect(page.locator("#posts #p3")).to_contain_text("plantilla del presupuesto")
    expect(page.locator("#notification-count")).to_contain_text("1")
    assert_same_page(page)
    expect(page).to_have_url(re.compile(rf"{re.escape(url)}"))
    axe.assert_accessible(page, "topic page after live replies")
