"""A person's text put into a translated message is escaped on the page.

Flask-Babel's lazy strings said they were safe HTML, so ``_l("Motivo: %(reason)s", ...)`` with
someone's words reached the page as markup. ``community.core.i18n`` makes every lazy string
text: escaped in HTML, plain in mail, PDFs and iCalendar.
"""

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from community.accounts import services as accounts
from community.forums import conversations
from community.forums.models import Category
from community.forums.notices import handle_of
from tests.conftest import PASSWORD, post_form, sign_in

HOSTILE = '<img src=x onerror="window.__xss=1">'
ESCAPED = str(escape(HOSTILE))


def test_a_lazy_translation_is_text_in_html_and_plain_elsewhere(app):
    message = _l("Motivo: %(reason)s", reason=HOSTILE)
    assert str(message) == f"Motivo: {HOSTILE}"  # mail, PDFs, iCalendar
    assert str(escape(message)) == f"Motivo: {ESCAPED}"
    assert str(Markup("<p>%s</p>") % message) == f"<p>Motivo: {ESCAPED}</p>"
    rendered = app.jinja_env.from_string("{{ m }}").render(m=message)
    assert HOSTILE not in rendered and ESCAPED in rendered


def test_suspension_reason_on_the_sign_in_page(client, make_user, staff):
    person = make_user(email="suspendida@ejemplo.mx")
    accounts.suspend_for(staff, person, "Motivo: " + HOSTILE, days=3)
    body = sign_in(client, "suspendida@ejemplo.mx").get_data(as_text=True)
    assert "Tu cuenta está suspendida" in body
    assert HOSTILE not in body and ESCAPED in body


def test_blocked_persons_name_in_the_composers_error(app, client, db, make_user):
    writer = make_user(email="escribe@ejemplo.mx")
    hostile = make_user(name="Eva " + HOSTILE)
    conversations.block(writer, hostile)
    db.session.commit()
    sign_in(client, "escribe@ejemplo.mx")
    response = post_form(client, "/mensajes/nueva", {
        "to": handle_of(hostile), "subject": "Hola", "body": "Un mensaje."},
        page="/mensajes/nueva")
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "Bloqueaste a" in body
    assert HOSTILE not in body and ESCAPED in body


def test_typed_recipient_echoed_in_the_composers_error(client, make_user):
    make_user(email="escribe@ejemplo.mx")
    sign_in(client, "escribe@ejemplo.mx")
    response = post_form(client, "/mensajes/nueva", {
        "to": "<svg/onload=alert(1)>", "subject": "Hola", "body": "Un mensaje."},
        page="/mensajes/nueva")
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "No encontramos a" in body
    assert "<svg/onload" not in body and "&lt;svg/onload=alert(1)&gt;" in body


def test_my_name_in_the_composers_on_behalf_choice(client, db, make_user, make_org):
    person = make_user(email="autora@ejemplo.mx", name="Ana " + HOSTILE)
    make_org(admin=person)
    db.session.add(Category(slug="general", name="General", description="Para conversar.",
                            position=1))
    db.session.commit()
    sign_in(client, "autora@ejemplo.mx", PASSWORD)
    body = client.get("/foros/general/nuevo").get_data(as_text=True)
    assert "Mi nombre (" in body
    assert HOSTILE not in body and ESCAPED in body
