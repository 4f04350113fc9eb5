"""Notices by mail: each one, a daily digest (idempotent), or never; and the settings form."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from community.accounts.notification_cli import send_digests
from community.core import notifications
from community.core.models import Notification
from community.core.timeutil import utcnow
from tests.conftest import post_form


def _notify(db, users, message="Ana respondió en «CLUNI»", url="/foros/t/1-cluni#p2"):
    created = notifications.notify(users, "forum.reply", message, url)
    db.session.commit()
    return created


def _backdate(db, notice, hours):
    notice.created_at = utcnow() - timedelta(hours=hours)
    db.session.commit()


def test_each_sends_one_mail_after_commit_and_marks_it(app, db, make_user, outbox):
    me = make_user(email="luis@ejemplo.mx", name="Luis Pérez")
    notices = notifications.notify([me], "forum.reply", "Ana respondió en «CLUNI»", "/foros/t/1")
    assert outbox == []  # nothing leaves before the commit
    db.session.commit()
    assert [m.recipients for m in outbox] == [["luis@ejemplo.mx"]]
    body = outbox[0].body
    assert "Luis Pérez" in body and "Ana respondió en «CLUNI»" in body
    assert "http://127.0.0.1:5000/foros/t/1" in body and "/cuenta" in body
    assert notices[0].emailed_at is not None


def test_each_is_dropped_with_a_rollback(app, db, make_user, outbox):
    notifications.notify([make_user()], "forum.reply", "Hola")
    db.session.rollback()
    db.session.commit()
    assert outbox == []


def test_each_in_the_persons_language(app, db, make_user, outbox):
    me = make_user(locale="en")
    _notify(db, [me], _l("Se canceló el evento «%(title)s».", title="Foro"))
    # The greeting is already translated; the mail's new sentences follow once their
    # translations are merged (/tmp/forums_realtime_msgids.py).
    assert outbox[0].body.startswith("Hi ")


def test_never_and_daily_get_no_immediate_mail(app, db, make_user, outbox):
    never = make_user(email="nunca@ejemplo.mx")
    daily = make_user(email="diario@ejemplo.mx")
    never.notification_email, daily.notification_email = "never", "daily"
    db.session.commit()
    _notify(db, [never, daily])
    assert outbox == []


def test_notices_whose_module_mails_them_are_not_mailed_twice(app, db, make_user, outbox):
    each, daily = make_user(), make_user()
    daily.notification_email = "daily"
    db.session.commit()
    created = notifications.notify([each, daily], "event.registered", "Tu lugar está confirmado.",
                                   already_mailed=True)
    db.session.commit()
    assert outbox == [] and all(n.emailed_at is not None for n in created)
    assert send_digests() == 0


def test_unconfirmed_address_gets_no_mail(app, db, make_user, outbox):
    _notify(db, [make_user(confirmed=False)])
    assert outbox == []


def test_daily_digest_once_with_the_last_days_unread_notices(app, db, make_user, outbox):
    me = make_user(email="diario@ejemplo.mx")
    me.notification_email = "daily"
    db.session.commit()
    fresh, read, old = (_notify(db, [me], f"Aviso {n}")[0] for n in ("nuevo", "leído", "viejo"))
    read.read_at = utcnow()
    _backdate(db, old, hours=30)
    assert send_digests() == 1
    assert [m.recipients for m in outbox] == [["diario@ejemplo.mx"]]
    body = outbox[0].body
    assert "Aviso nuevo" in body and "Aviso leído" not in body and "Aviso viejo" not in body
    assert "1 aviso sin leer" in body
    assert fresh.emailed_at is not None and old.emailed_at is None
    assert send_digests() == 0 and len(outbox) == 1  # the second run sends nothing


def test_digest_skips_each_never_and_people_without_news(app, db, make_user, outbox):
    each, never, quiet = make_user(), make_user(), make_user()
    never.notification_email, quiet.notification_email = "never", "daily"
    db.session.commit()
    _notify(db, [each, never])
    outbox.clear()
    assert send_digests() == 0 and outbox == []


def test_digest_collects_several_and_later_ones_go_next_time(app, db, make_user, outbox):
    me = make_user()
    me.notification_email = "daily"
    db.session.commit()
    _notify(db, [me], "Primero")
    _notify(db, [me], "Segundo")
    assert send_digests() == 1 and "2 avisos sin leer" in outbox[0].body
    _notify(db, [me], "Tercero")
    assert send_digests() == 1
    assert "Tercero" in outbox[1].body and "Primero" not in outbox[1].body


def test_cli_command(app, db, make_user, runner, outbox):
    me = make_user()
    me.notification_email = "daily"
    db.session.commit()
    _notify(db, [me])
    result = runner.invoke(args=["notifications", "send-digests"])
    assert result.exit_code == 0 and "1 resúmenes enviados." in result.output
    result = runner.invoke(args=["notifications", "send-digests"])
    assert "0 resúmenes enviados." in result.output and len(outbox) == 1


def test_settings_form_saves_the_choice(app, db, client, signed_in):
    me = signed_in()
    html = client.get("/cuenta").get_data(as_text=True)
    assert 'name="notification_email" value="each" checked' in html
    response = post_form(client, "/cuenta/avisos/correo", {"notification_email": "daily"},
                         page="/cuenta")
    assert response.status_code == 302 and response.location.endswith("/cuenta#correo-avisos")
    db.session.refresh(me)
    assert me.notification_email == "daily"
    html = client.get("/cuenta").get_data(as_text=True)
    assert 'name="notification_email" value="daily" checked' in html


def test_settings_form_refuses_an_unknown_choice(app, db, client, signed_in):
    me = signed_in()
    response = post_form(client, "/cuenta/avisos/correo", {"notification_email": "hourly"},
                         page="/cuenta")
    assert response.status_code == 422
    assert "Elige una de las opciones." in response.get_data(as_text=True)
    db.session.refresh(me)
    assert me.notification_email == "each"


def test_settings_form_needs_sign_in_and_csrf(app, db, client, make_user):
    assert client.post("/cuenta/avisos/correo").status_code in (302, 400)
    assert db.session.query(Notification).count() == 0
