"""A double tap on a phone sends the form once: the button says "Enviando…" (aria-busy)
while the request is on its way, a second tap sends nothing, and the reply is saved once
(static/js/submit-once.js; the submission key protects the server side as well,
tests/core/test_submissions.py)."""

from playwright.sync_api import expect
from sqlalchemy import func, select

from community.extensions import db
from community.forums.models import Post
from tests.e2e.test_forum_journey import open_topic
from tests.e2e.test_registry_journey import sign_in


def _posts() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Post))


def test_a_double_tap_sends_the_reply_once(phone, make_user):
    """The reply form opens its answer in a new tab here, so that this page stays as the
    person sees it while the request is on its way (a navigation would replace it)."""
    _ana, roberto, url, _topic_id = open_topic(make_user)
    sign_in(phone, roberto.email)
    phone.goto(url)
    sent = []
    phone.context.on("request", lambda r: sent.append(r.url) if r.method == "POST"
                     and r.is_navigation_request() and r.url.endswith("/responder") else None)
    form = phone.locator("[data-reply-form]")
    form.evaluate("f => { f.target = '_blank'; }")
    phone.get_by_label("Tu respuesta").fill("Nosotros aplicamos el año pasado.")
    button = phone.get_by_role("button", name="Publicar respuesta")
    handle = button.element_handle()
    with phone.context.expect_page() as answer:
        button.tap()
    busy = form.locator("button[aria-busy='true']")
    expect(busy).to_have_text("Enviando…")
    expect(busy).to_have_attribute("aria-disabled", "true")
    handle.evaluate("b => { b.click(); b.form.requestSubmit(b); }")  # two more taps
    expect(answer.value.get_by_role("status").first).to_contain_text("Publicamos tu respuesta")
    phone.wait_for_timeout(300)
    assert sent == [sent[0]], sent
    assert _posts() == 2
