"""Capacity, waiting list and promotion through the service layer."""

from datetime import timedelta

import pytest

from community.core.errors import PermissionDenied, ValidationError
from community.core.timeutil import utcnow
from community.events import services


def test_capacity_then_waitlist_then_promotion_in_order(db, make_event, make_user):
    event = make_event(capacity="2")
    people = [make_user() for _ in range(5)]
    registrations = []
    for n, person in enumerate(people):
        registrations.append(services.register(person, event, now=utcnow() + timedelta(
            seconds=n)))
        db.session.commit()
    assert [r.status for r in registrations] == ["confirmed"] * 2 + ["waitlisted"] * 3
    services.cancel_registration(people[0], registrations[0])
    db.session.commit()
    assert registrations[2].status == "confirmed"
    assert [r.status for r in registrations[3:]] == ["waitlisted"] * 2
    assert services.seats(event) == {"confirmed": 2, "waitlisted": 2, "left": 0, "capacity": 2}


def test_promoted_person_is_notified(db, make_event, make_user, outbox):
    event = make_event(capacity="1")
    first, second = make_user(), make_user()
    taken = services.register(first, event)
    services.register(second, event)
    db.session.commit()
    services.cancel_registration(first, taken)
    db.session.commit()
    assert any(second.email in m.recipients and "confirmado" in m.subject.lower()
               for m in outbox)


def test_registering_twice_is_refused(db, make_event, make_user):
    event = make_event()
    person = make_user()
    services.register(person, event)
    with pytest.raises(ValidationError):
        services.register(person, event)


def test_cancelled_person_registers_again_at_the_end_of_the_queue(db, make_event, make_user):
    event = make_event(capacity="1")
    first, second = make_user(), make_user()
    mine = services.register(first, event, now=utcnow())
    services.register(second, event, now=utcnow() + timedelta(seconds=1))
    db.session.commit()
    services.cancel_registration(first, mine)
    again = services.register(first, event, now=utcnow() + timedelta(seconds=2))
    db.session.commit()
    assert again.id == mine.id and again.status == "waitlisted"


def test_closed_window_has_a_clear_message(db, make_event, make_user):
    closes = utcnow() + timedelta(days=1)
    from tests.events.conftest import local_text

    event = make_event(registration_closes_at=local_text(closes))
    with pytest.raises(ValidationError) as caught:
        services.register(make_user(), event, now=closes + timedelta(minutes=1))
    assert "cerró" in str(caught.value.errors["__all__"])


def test_draft_is_invisible_and_unregistrable(db, make_event, make_user):
    event = make_event(publish=False)
    with pytest.raises(ValidationError):
        services.register(make_user(), event)
    assert not services.can_view(make_user(), event)


def test_other_osc_admin_cannot_edit(db, make_event, make_org, make_user):
    owner_admin, other_admin = make_user(), make_user()
    org = make_org(admin=owner_admin)
    make_org(admin=other_admin)
    db.session.commit()
    event = make_event(actor=owner_admin, organization=org)
    from tests.events.conftest import event_form

    services.update_event(owner_admin, event, event_form(title="Nuevo título"))
    with pytest.raises(PermissionDenied):
        services.update_event(other_admin, event, event_form(title="Intruso"))


@pytest.mark.parametrize("overrides, field", [
    ({"capacity": "0"}, "capacity"),
    ({"capacity": "-3"}, "capacity"),
    ({"capacity": "diez"}, "capacity"),
    ({"ends_at": "2020-01-01T10:00"}, "ends_at"),
    ({"title": ""}, "title"),
    ({"kind": "fiesta"}, "kind"),
    ({"starts_at": "mañana"}, "starts_at"),
    ({"modality": "en_linea", "online_url": ""}, "online_url"),
    ({"venue": ""}, "venue"),
])
def test_bad_input_names_the_field(db, overrides, field):
    from tests.events.conftest import event_form

    with pytest.raises(ValidationError) as caught:
        services.clean_event(event_form(**overrides))
    assert field in caught.value.errors


def test_window_after_the_event_is_refused(db):
    from tests.events.conftest import event_form, local_text

    late = utcnow() + timedelta(days=30)
    with pytest.raises(ValidationError) as caught:
        services.clean_event(event_form(registration_opens_at=local_text(late)))
    assert "registration_opens_at" in caught.value.errors
