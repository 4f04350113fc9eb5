"""Modules that mail their own message about an act also leave an in-app notice, and the
notice is never mailed a second time."""

from datetime import timedelta

from community.core.models import Notification
from community.core.timeutil import utcnow
from community.events import mailing
from community.events import services as events
from community.extensions import db


def _notices(user) -> list[Notification]:
    return list(db.session.scalars(db.select(Notification).where(
        Notification.user_id == user.id)))


def test_registry_decision_is_a_notice_and_one_mail(db, make_org, make_user, outbox):
    admin = make_user(email="admin@osc.mx")
    make_org(admin=admin)
    db.session.commit()
    kinds = {n.kind for n in _notices(admin)}
    assert "registry.registry_decision" in kinds
    assert all(n.emailed_at is not None for n in _notices(admin))
    assert len([m for m in outbox if admin.email in m.recipients]) == 1


def test_event_reminder_is_a_notice_and_one_mail(db, make_event, make_user, outbox):
    person = make_user()
    event = make_event()
    events.register(person, event)
    db.session.commit()
    outbox.clear()
    assert mailing.send_reminders(event.starts_at - timedelta(hours=2)) == 1
    db.session.commit()
    assert [n.kind for n in _notices(person)].count("event.reminder") == 1
    assert len([m for m in outbox if person.email in m.recipients]) == 1
    assert mailing.send_reminders(utcnow() + timedelta(days=6, hours=23)) == 0
