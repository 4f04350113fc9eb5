"""In-app notifications: the core services and the "Mis avisos" page (/cuenta/avisos)."""

from datetime import timedelta

import pytest
from flask import g, render_template_string
from flask_babel import lazy_gettext as _l
from flask_login import login_user

from community.core import notifications
from community.core.errors import NotFound, PermissionDenied
from community.core.models import Notification
from community.core.timeutil import utcnow
from tests.conftest import csrf_token, post_form, sign_in


def _notice(db, user, message="Tu lugar está confirmado.", url="/eventos/taller",
            minutes_ago=0, read=False) -> Notification:
    created = utcnow() - timedelta(minutes=minutes_ago)
    row = Notification(user_id=user.id, kind="event.registered", message=message, url=url,
                       created_at=created, read_at=created if read else None)
    db.session.add(row)
    db.session.commit()
    return row


# --- services -----------------------------------------------------------------------------


def test_notify_once_per_active_person_in_their_language(db, make_user):
    es, en = make_user(), make_user(locale="en")
    gone = make_user(active=False)
    created = notifications.notify([es, es, en, gone, None], "event.cancelled",
                                   _l("Se canceló el evento «%(title)s».", title="Foro"),
                                   "/eventos/foro")
    db.session.commit()
    assert [n.user_id for n in created] == [es.id, en.id]
    assert created[0].message == "Se canceló el evento «Foro»."
    assert notifications.unread_count(es) == 1 and notifications.unread_count(gone) == 0


def test_list_is_mine_newest_first_and_paginated(db, make_user):
    me, other = make_user(), make_user()
    for minutes in (30, 10, 20):
        _notice(db, me, message=f"hace {minutes}", minutes_ago=minutes)
    _notice(db, other, message="ajeno")
    pages = notifications.for_user(me, per_page=2)
    assert [n.message for n in pages.items] == ["hace 10", "hace 20"]
    assert pages.pages == 2 and pages.total == 3
    with pytest.raises(PermissionDenied):
        notifications.for_user(None)


def test_mark_read_touches_only_my_rows(db, make_user):
    me, other = make_user(), make_user()
    mine, theirs = _notice(db, me), _notice(db, other)
    _notice(db, me, message="otro")
    assert notifications.mark_read(me, theirs.id) == 0
    assert notifications.mark_read(me, mine.id) == 1
    db.session.commit()
    assert db.session.get(Notification, theirs.id).read_at is None
    assert notifications.unread_count(me) == 1
    assert notifications.mark_read(me) == 1
    assert notifications.unread_count(other) == 1
    with pytest.raises(NotFound):
        notifications.mark_read(me, 999_999)


# --- the page -----------------------------------------------------------------------------


def test_page_needs_sign_in(client):
    response = client.get("/cuenta/avisos")
    assert response.status_code == 302 and "/cuenta/entrar" in response.location


def test_page_lists_my_notices_with_unread_marked(db, client, make_user):
    me, other = make_user(), make_user()
    _notice(db, me, message="Aviso leído", minutes_ago=5, read=True)
    _notice(db, me, message="Aviso nuevo")
    _notice(db, other, message="Aviso de otra persona")
    sign_in(client, me.email)
    body = client.get("/cuenta/avisos").get_data(as_text=True)
    assert body.index("Aviso nuevo") < body.index("Aviso leído")
    assert "Aviso de otra persona" not in body
    assert "Tienes 1 aviso sin leer." in body and "<strong>Aviso nuevo</strong>" in body
    assert body.count(">Nuevo<") == 1


def test_empty_page_and_out_of_range_page(db, client, make_user):
    me = make_user()
    sign_in(client, me.email)
    assert "Aún no tienes avisos" in client.get("/cuenta/avisos").get_data(as_text=True)
    assert client.get("/cuenta/avisos?page=99").status_code == 200
    assert client.get("/cuenta/avisos?page=-3").status_code == 200


def test_mark_all_read(db, client, make_user):
    me = make_user()
    for _ in range(3):
        _notice(db, me)
    sign_in(client, me.email)
    response = post_form(client, "/cuenta/avisos/leidas", page="/cuenta/avisos")
    assert response.status_code == 302 and response.location.endswith("/cuenta/avisos")
    assert notifications.unread_count(me) == 0


def test_mark_one_read_follows_its_link(db, client, make_user):
    me = make_user()
    notice = _notice(db, me, url="/eventos/taller-de-marketing")
    sign_in(client, me.email)
    response = post_form(client, f"/cuenta/avisos/{notice.id}/leida", page="/cuenta/avisos")
    assert response.status_code == 302
    assert response.location.endswith("/eventos/taller-de-marketing")
    db.session.expire_all()
    assert db.session.get(Notification, notice.id).read_at is not None


@pytest.mark.parametrize("url", ["https://otro.example/phish", "//otro.example", None, ""])
def test_mark_one_read_never_leaves_the_site(db, client, make_user, url):
    me = make_user()
    notice = _notice(db, me, url=url)
    sign_in(client, me.email)
    response = post_form(client, f"/cuenta/avisos/{notice.id}/leida", page="/cuenta/avisos")
    assert response.status_code == 302 and response.location.endswith("/cuenta/avisos")


def test_nobody_marks_or_follows_another_persons_notice(db, client, make_user):
    me, other = make_user(), make_user()
    theirs = _notice(db, other, url="/eventos/secreto")
    sign_in(client, me.email)
    response = post_form(client, f"/cuenta/avisos/{theirs.id}/leida", page="/cuenta/avisos")
    assert response.status_code == 404 and "/eventos/secreto" not in (response.location or "")
    post_form(client, "/cuenta/avisos/leidas", page="/cuenta/avisos")
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None
    assert post_form(client, "/cuenta/avisos/999999/leida",
                     page="/cuenta/avisos").status_code == 404


def test_posts_need_the_csrf_token(app, db, client, make_user):
    me = make_user()
    notice = _notice(db, me)
    sign_in(client, me.email)
    app.config["WTF_CSRF_ENABLED"] = True
    assert csrf_token(client, "/cuenta/avisos")
    assert client.post("/cuenta/avisos/leidas").status_code == 400
    assert client.post(f"/cuenta/avisos/{notice.id}/leida").status_code == 400
    assert notifications.unread_count(me) == 1


def test_header_badge_counts_lazily(app, db, make_user):
    me = make_user()
    _notice(db, me)
    _notice(db, me)
    snippet = "{{ unread_notifications() }}"
    with app.test_request_context():
        assert render_template_string(snippet) == "0"  # anonymous: no query, no badge
    with app.test_request_context():
        login_user(me)
        assert render_template_string(snippet + "/" + snippet) == "2/2"


# The lines the lead inserts in templates/base.html (the account menu, before "Mi cuenta").
HEADER_SNIPPET = """
{%- set unread = unread_notifications() %}
<li><a class="nav-link" href="{{ url_for('accounts.notifications') }}"{% if request.endpoint == 'accounts.notifications' %} aria-current="page"{% endif %}>{{ _("Avisos") }}{% if unread %} <span class="badge badge--warn" data-notification-badge>{{ unread }}<span class="visually-hidden"> {{ _("sin leer") }}</span></span>{% endif %}</a></li>
"""  # noqa: E501


def test_header_snippet_shows_the_badge_only_with_unread(app, db, make_user):
    me = make_user()
    with app.test_request_context("/cuenta/avisos"):
        login_user(me)
        html = render_template_string(HEADER_SNIPPET)
        assert 'href="/cuenta/avisos"' in html and "badge" not in html
    _notice(db, me)
    with app.test_request_context("/"):
        vars(g).clear()  # the tests' app context outlives a request; a server's does not
        login_user(me)
        html = render_template_string(HEADER_SNIPPET)
        assert ">1<span class=\"visually-hidden\"> sin leer</span>" in html
