"""Moderation: reports, the staff queue, hiding and restoring, topic tools, suspensions."""

from datetime import timedelta

import pytest

from community.accounts import realtime
from community.accounts import services as accounts
from community.core.errors import NotFound, PermissionDenied, ValidationError
from community.core.models import AuditEntry, Notification
from community.core.timeutil import utcnow
from community.forums import access, moderation, services
from community.forums.models import Post, PostReport
from tests.conftest import PASSWORD, post_form, sign_in


def _first_post(db, topic) -> Post:
    return db.session.scalar(db.select(Post).where(Post.topic_id == topic.id,
                                                   Post.number == 1))


def _actions(db) -> list[str]:
    return [e.action for e in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))]


@pytest.fixture
def reported(db, make_topic, make_user):
    """A post reported twice, and the staff member who will decide."""
    author = make_user(name="Autora del tema")
    topic = make_topic(author=author)
    post = _first_post(db, topic)
    moderation.report_post(make_user(), post, "Es publicidad.")
    moderation.report_post(make_user(), post, "Vende cursos.")
    db.session.commit()
    return post


# --- services -----------------------------------------------------------------------------


def test_report_needs_a_reason_and_only_once(db, make_topic, make_user):
    post = _first_post(db, make_topic())
    reader = make_user()
    with pytest.raises(ValidationError) as caught:
        moderation.report_post(reader, post, "  ")
    assert "motivo" in str(caught.value.errors["reason"]).lower() or "por qué" in str(
        caught.value.errors["reason"])
    moderation.report_post(reader, post, "Ofensivo")
    with pytest.raises(ValidationError):
        moderation.report_post(reader, post, "Ofensivo otra vez")


def test_report_notifies_moderators(db, make_topic, make_user, staff):
    post = _first_post(db, make_topic())
    moderation.report_post(make_user(), post, "Datos personales")
    db.session.commit()
    kinds = {(n.user_id, n.kind) for n in db.session.scalars(db.select(Notification))}
    assert (staff.id, "forum.report") in kinds


def test_queue_groups_reports_by_post(db, reported, staff):
    items = moderation.queue(staff)
    assert len(items) == 1 and items[0].post.id == reported.id and items[0].count == 2
    assert {r.reason for r in items[0].reports} == {"Es publicidad.", "Vende cursos."}


def test_queue_is_for_staff_only(db, make_user):
    with pytest.raises(PermissionDenied):
        moderation.queue(make_user())


def test_hide_then_restore_keeps_everything_and_audits(db, reported, staff, make_user):
    moderation.hide_post(staff, reported, "Publicidad")
    db.session.commit()
    assert reported.status == "hidden" and reported.moderated_by_id == staff.id
    assert reported.moderation_reason == "Publicidad"
    assert access.shown_body(make_user(), reported) is None
    assert "orientación" in access.shown_body(staff, reported)
    assert moderation.queue(staff) == []
    resolutions = set(db.session.scalars(db.select(PostReport.resolution)))
    assert resolutions == {"hidden"}
    moderation.restore_post(staff, reported)
    db.session.commit()
    assert reported.status == "visible" and db.session.get(Post, reported.id) is not None
    assert _actions(db)[-3:] == ["forum.post_reported", "forum.post_hidden",
                                 "forum.post_restored"]


def test_hide_needs_a_reason_and_a_moderator(db, reported, staff, make_user):
    with pytest.raises(ValidationError):
        moderation.hide_post(staff, reported, "")
    with pytest.raises(PermissionDenied):
        moderation.hide_post(make_user(), reported, "Porque sí")


def test_dismiss_closes_reports_and_leaves_the_post(db, reported, staff):
    assert moderation.dismiss_reports(staff, reported) == 2
    db.session.commit()
    assert reported.status == "visible" and moderation.queue(staff) == []
    assert "forum.reports_dismissed" in _actions(db)


def test_withdrawn_post_is_not_restored_by_moderators(db, make_topic, make_user, staff):
    author = make_user()
    post = _first_post(db, make_topic(author=author))
    services.withdraw_post(author, post)
    with pytest.raises(ValidationError):
        moderation.restore_post(staff, post)


def test_hide_pushes_a_live_change(db, reported, staff, monkeypatch):
    seen = []
    monkeypatch.setattr(moderation.live, "post_changed", lambda post: seen.append(post.id))
    moderation.hide_post(staff, reported, "Publicidad")
    moderation.restore_post(staff, reported)
    assert seen == [reported.id, reported.id]


def test_lock_pin_and_hide_a_topic(db, make_topic, make_user, staff):
    topic = make_topic()
    for action in ("lock", "pin"):
        moderation.moderate_topic(staff, topic, {"action": action})
    db.session.commit()
    assert topic.locked and topic.pinned
    with pytest.raises(PermissionDenied):
        services.reply(make_user(), topic, {"body": "¿Sigue abierto?"})
    with pytest.raises(ValidationError):
        moderation.moderate_topic(staff, topic, {"action": "hide"})
    moderation.moderate_topic(staff, topic, {"action": "hide", "reason": "Duplicado"})
    db.session.commit()
    with pytest.raises(NotFound):
        services.get_topic(make_user(), topic.id)
    moderation.moderate_topic(staff, topic, {"action": "restore"})
    moderation.moderate_topic(staff, topic, {"action": "unpin"})
    db.session.commit()
    assert not topic.hidden and not topic.pinned
    assert {"forum.topic_locked", "forum.topic_pinned", "forum.topic_hidden",
            "forum.topic_restored", "forum.topic_unpinned"} <= set(_actions(db))


def test_move_recounts_both_categories(db, make_topic, make_category, make_user, staff):
    source, target = make_category(), make_category()
    topic = make_topic(category=source)
    services.reply(make_user(), topic, {"body": "Una respuesta"})
    db.session.commit()
    moderation.moderate_topic(staff, topic, {"action": "move", "category": str(target.id)})
    db.session.commit()
    assert topic.category_id == target.id
    assert (source.topic_count, source.post_count) == (0, 0)
    assert (target.topic_count, target.post_count) == (1, 2)
    with pytest.raises(ValidationError) as caught:
        moderation.moderate_topic(staff, topic, {"action": "move", "category": "nada"})
    assert "categoría" in str(caught.value.errors["category"])


def test_unknown_topic_action(db, make_topic, staff):
    with pytest.raises(ValidationError):
        moderation.moderate_topic(staff, make_topic(), {"action": "delete"})


# --- suspensions --------------------------------------------------------------------------


def test_suspension_blocks_posting_and_ends_sessions(db, make_topic, make_user, staff):
    person = make_user()
    token = person.session_token
    accounts.suspend_for(staff, person, "Mensajes ofensivos", days="3")
    db.session.commit()
    assert person.is_suspended and not person.is_active and person.session_token != token
    with pytest.raises(PermissionDenied):
        services.reply(person, make_topic(), {"body": "Hola de nuevo"})
    assert "account.suspended" in _actions(db)


def test_suspension_lifts_by_itself_after_its_time(db, make_user, staff):
    person = make_user()
    accounts.suspend_for(staff, person, "Spam", days=2, now=utcnow() - timedelta(days=3))
    assert not person.is_suspended and person.is_active


def test_suspension_until_a_date(db, make_user, staff):
    person = make_user()
    day = (utcnow() + timedelta(days=10)).date()
    end = accounts.suspend_for(staff, person, "Spam", until=day.isoformat())
    assert timedelta(days=9) < end - utcnow() < timedelta(days=11)


@pytest.mark.parametrize("days, until, field", [
    ("0", "", "days"), ("366", "", "days"), ("tres", "", "days"),
    ("", "2001-01-01", "until"), ("", "mañana", "until")])
def test_suspension_bad_input(db, make_user, staff, days, until, field):
    with pytest.raises(ValidationError) as caught:
        accounts.suspend_for(staff, make_user(), "", days=days, until=until)
    assert set(caught.value.errors) == {field, "reason"}


def test_staff_cannot_suspend_admins_nor_themselves(db, make_user, staff):
    with pytest.raises(PermissionDenied):
        accounts.suspend_for(staff, make_user(role="admin"), "Motivo", days=1)
    with pytest.raises(PermissionDenied):
        accounts.suspend_for(staff, staff, "Motivo", days=1)
    with pytest.raises(PermissionDenied):
        accounts.suspend_for(make_user(), make_user(), "Motivo", days=1)
    accounts.suspend_for(make_user(role="admin"), make_user(role="staff"), "Motivo", days=1)


def test_lift_suspension_early(db, make_user, staff):
    person = make_user()
    accounts.suspend_for(staff, person, "Spam", days=30)
    assert accounts.lift_suspension(staff, person) is True
    assert person.is_active and "account.suspension_lifted" in _actions(db)
    assert accounts.lift_suspension(staff, person) is False


# --- pages --------------------------------------------------------------------------------


def test_report_page_flow(db, client, make_topic, signed_in, staff):
    post = _first_post(db, make_topic())
    signed_in()
    url = f"/foros/p/{post.id}/reportar"
    assert client.get(url).status_code == 200
    empty = post_form(client, url, {"reason": ""}, page=url)
    assert empty.status_code == 422 and "por qué" in empty.get_data(as_text=True)
    done = post_form(client, url, {"reason": "Es spam"}, page=url)
    assert done.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Ya reportaste este mensaje" in page


def test_queue_page_hide_restore_by_http(db, client, reported, make_user):
    staff_user = make_user(role="staff")
    assert sign_in(client, staff_user.email).status_code == 302
    queue = client.get("/foros/moderacion")
    html = queue.get_data(as_text=True)
    assert queue.status_code == 200 and "Es publicidad." in html and "2 reportes" in html
    url = f"/foros/p/{reported.id}/moderar"
    missing = post_form(client, url, {"action": "hide", "reason": ""}, page="/foros/moderacion")
    assert missing.status_code == 422 and "motivo" in missing.get_data(as_text=True)
    hidden = post_form(client, url, {"action": "hide", "reason": "Publicidad",
                                     "next": "/foros/moderacion"}, page="/foros/moderacion")
    assert hidden.status_code == 302 and hidden.headers["Location"].endswith("/foros/moderacion")
    assert db.session.get(Post, reported.id).status == "hidden"
    restored = post_form(client, url, {"action": "restore"}, page="/foros/moderacion")
    assert restored.status_code == 302
    assert db.session.get(Post, reported.id).status == "visible"


def test_hidden_post_is_not_shown_to_others_on_the_topic_page(db, client, reported, staff,
                                                              make_user):
    moderation.hide_post(staff, reported, "Publicidad")
    services.reply(make_user(), reported.topic, {"body": "Respuesta que sigue visible"})
    db.session.commit()
    url = f"/foros/t/{reported.topic_id}-{reported.topic.slug}"
    page = client.get(url).get_data(as_text=True)
    assert "Necesitamos orientación" not in page and "Respuesta que sigue visible" in page


def test_topic_tools_by_http(db, client, make_topic, make_category, make_user):
    topic = make_topic()
    other = make_category(name="Procuración de fondos")
    moderator = make_user(role="staff")
    assert sign_in(client, moderator.email).status_code == 302
    url = f"/foros/t/{topic.id}/moderar"
    page = f"/foros/t/{topic.id}-{topic.slug}"
    html = client.get(page).get_data(as_text=True)
    assert "Moderar este tema" in html and "Procuración de fondos" in html
    assert post_form(client, url, {"action": "lock"}, page=page).status_code == 302
    assert post_form(client, url, {"action": "move", "category": str(other.id)},
                     page=page).status_code == 302
    assert topic.locked and topic.category_id == other.id
    bad = post_form(client, url, {"action": "hide", "reason": ""}, page=page)
    assert bad.status_code == 422 and "Escribe el motivo" in bad.get_data(as_text=True)


def test_citizens_get_no_tools_and_no_queue(db, client, make_topic, signed_in):
    topic = make_topic()
    signed_in()
    page = client.get(f"/foros/t/{topic.id}-{topic.slug}").get_data(as_text=True)
    assert "Moderar este tema" not in page
    assert client.get("/foros/moderacion").status_code == 403
    assert post_form(client, f"/foros/t/{topic.id}/moderar", {"action": "lock"}).status_code \
        == 403
    assert client.get(f"/foros/p/{_first_post(db, topic).id}/historial").status_code == 403


def test_history_page_for_moderators(db, client, make_topic, make_user):
    author = make_user()
    post = _first_post(db, make_topic(author=author))
    services.edit_post(author, post, {"body": "Texto corregido"})
    db.session.commit()
    assert sign_in(client, make_user(role="staff").email).status_code == 302
    html = client.get(f"/foros/p/{post.id}/historial").get_data(as_text=True)
    assert "Necesitamos orientación para el trámite." in html and "Texto corregido" in html


def test_suspend_page_ends_sessions_and_sign_in_says_until_when(db, app, client, make_user,
                                                               monkeypatch):
    closed = []
    monkeypatch.setattr(realtime, "disconnect_user", closed.append)
    person = make_user(email="ana@ejemplo.mx")
    moderator = make_user(role="staff")
    other = app.test_client()
    assert sign_in(other, person.email).status_code == 302
    assert other.get("/cuenta").status_code == 200
    assert sign_in(client, moderator.email).status_code == 302
    url = f"/foros/moderacion/cuentas/{person.id}/suspender"
    bad = post_form(client, url, {"days": "500", "reason": ""}, page=url)
    assert bad.status_code == 422 and "entre 1 y 365" in bad.get_data(as_text=True)
    done = post_form(client, url, {"days": "7", "reason": "Mensajes ofensivos"}, page=url)
    assert done.status_code == 302 and closed == [person.id]  # and its sockets
    assert other.get("/cuenta").status_code == 302  # the old session is gone
    wrong = sign_in(other, person.email, "otra-contrasena-cualquiera")
    assert "suspendida hasta" not in wrong.get_data(as_text=True)
    right = sign_in(other, person.email, PASSWORD)
    text = right.get_data(as_text=True)
    assert right.status_code == 422 and "suspendida hasta el" in text
    assert "Mensajes ofensivos" in text
    lifted = post_form(client, f"/foros/moderacion/cuentas/{person.id}/levantar", page=url)
    assert lifted.status_code == 302 and sign_in(other, person.email).status_code == 302


def test_staff_cannot_suspend_an_admin_by_http(db, client, make_user):
    admin = make_user(role="admin")
    assert sign_in(client, make_user(role="staff").email).status_code == 302
    url = f"/foros/moderacion/cuentas/{admin.id}/suspender"
    response = post_form(client, url, {"days": "3", "reason": "Prueba"}, page=url)
    assert response.status_code == 403 and not admin.is_suspended
