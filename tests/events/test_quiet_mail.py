"""Inside ``quiet()`` (demo and import data) the mails about registrations are not even
built: each .ics and QR code costs about 0.1 s, for a message nobody would get. Seats, the
waiting list and in-app notices still happen."""

import pytest

from community.core.aftercommit import quiet
from community.core.models import Notification
from community.events import mailing, services


def _never(*_args, **_kwargs):
    raise AssertionError("a registration mail was built")


@pytest.fixture
def no_mail_building(monkeypatch):
    monkeypatch.setattr(mailing, "_attachments", _never)
    monkeypatch.setattr(mailing, "send_template", _never)


def test_quiet_registrations_build_no_mail(db, make_event, make_user, staff, outbox,
                                           no_mail_building):
    event = make_event(capacity="1")
    first, second = make_user(), make_user()
    with quiet():
        taken = services.register(first, event)
        waiting = services.register(second, event)
        assert waiting.status == "waitlisted"
        services.cancel_registration(first, taken)  # the waiting person is promoted
        assert waiting.status == "confirmed"
        mailing.send_reminder(waiting)
        services.cancel(staff, event, "La sede no estará disponible.")
    db.session.commit()
    assert outbox == []
    assert db.session.query(Notification).filter_by(
        user_id=second.id, kind="event.reminder").count() == 1


def test_outside_quiet_the_mail_is_built(db, make_event, make_user, no_mail_building):
    event = make_event()
    with pytest.raises(AssertionError, match="mail was built"):
        services.register(make_user(), event)
