"""The read side of events: calendar filters, the month grid's days, waiting-list places,
a person's registrations, the managers' list."""

from datetime import date, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from community.core.errors import ValidationError
from community.core.timeutil import utcnow
from community.events import queries, services
from tests.events.conftest import local_text


def _past(days=10):
    starts = (utcnow() - timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    return {"starts_at": local_text(starts), "ends_at": local_text(starts + timedelta(hours=2))}


def test_filters_from_args_and_back(app):
    filters = queries.CalendarFilters.from_args(MultiDict({
        "tipo": "curso", "municipio": "15106", "tema": "fiscal", "mi_municipio": "1",
        "page": "3", "pasados": "1"}))
    assert (filters.kind, filters.municipality, filters.topic, filters.page) == \
        ("curso", "15106", "fiscal", 3)
    assert filters.mine and filters.past
    assert filters.as_args(page=None) == {"tipo": "curso", "municipio": "15106",
                                          "tema": "fiscal", "mi_municipio": "1",
                                          "pasados": "1"}
    assert queries.CalendarFilters.from_args(MultiDict({"page": "x"})).page == 1


def test_unknown_filters_are_named(app):
    with pytest.raises(ValidationError) as caught:
        queries.CalendarFilters.from_args(MultiDict({"tipo": "fiesta", "municipio": "99999",
                                                     "modalidad": "a-distancia"}))
    assert set(caught.value.errors) == {"tipo", "municipio", "modalidad"}


def test_feed_args_turn_my_municipality_into_the_municipality(app):
    mine = queries.CalendarFilters(kind="taller", mine=True, past=True, page=2)
    assert mine.feed_args("15057") == {"tipo": "taller", "municipio": "15057"}
    assert mine.feed_args(None) == {"tipo": "taller"}


def test_calendar_orders_upcoming_and_past(db, make_event):
    later = make_event(title="Después", starts_at="2031-02-01T10:00",
                       ends_at="2031-02-01T12:00")
    sooner = make_event(title="Antes", starts_at="2031-01-01T10:00",
                        ends_at="2031-01-01T12:00")
    old = make_event(title="Hace mucho", **_past(days=30))
    recent = make_event(title="Hace poco", **_past(days=3))
    upcoming = queries.calendar(queries.CalendarFilters())
    assert [e.id for e in upcoming.items] == [sooner.id, later.id]
    past = queries.calendar(queries.CalendarFilters(past=True))
    assert [e.id for e in past.items] == [recent.id, old.id]


def test_my_municipality_filter(db, make_event):
    toluca = make_event()
    make_event(municipality_code="15057")
    results = queries.calendar(queries.CalendarFilters(mine=True), user_municipality="15106")
    assert [e.id for e in results.items] == [toluca.id]


def test_month_events_by_local_day(db, make_event):
    late = make_event(title="Noche", starts_at="2030-01-31T23:00", ends_at="2030-01-31T23:45")
    span = make_event(title="Tres días", starts_at="2030-01-30T09:00",
                      ends_at="2030-02-01T00:00")
    make_event(title="Borrador", publish=False, starts_at="2030-01-10T09:00",
               ends_at="2030-01-10T10:00")
    days = queries.month_events(2030, 1, queries.CalendarFilters())
    assert days[date(2030, 1, 31)] == [span, late]
    assert days[date(2030, 1, 30)] == [span]
    assert date(2030, 1, 10) not in days
    february = queries.month_events(2030, 2, queries.CalendarFilters())
    assert date(2030, 2, 1) not in february  # ending at midnight does not touch the day


def test_month_weeks_start_on_monday(app):
    weeks = queries.month_weeks(2030, 1)
    assert weeks[0][0] == date(2029, 12, 31) and weeks[0][0].weekday() == 0
    assert queries.month_bounds(2030, 13) is None and queries.month_bounds(1999, 1) is None
    assert queries.month_bounds(2030, 2) == (date(2030, 2, 1), date(2030, 2, 28))


def test_waitlist_position_follows_the_queue(db, make_event, make_user):
    event = make_event(capacity="1")
    people = [make_user() for _ in range(4)]
    now = utcnow()
    registrations = [services.register(person, event, now=now + timedelta(seconds=n))
                     for n, person in enumerate(people)]
    db.session.commit()
    assert [queries.waitlist_position(r) for r in registrations[1:]] == [1, 2, 3]
    services.cancel_registration(people[2], registrations[2])
    db.session.commit()
    assert queries.waitlist_position(registrations[3]) == 2


def test_waitlist_positions_of_many_events_at_once(db, make_event, make_user):
    """A person's list: their place in each event's queue, ties broken by arrival."""
    first, second = make_event(capacity="1"), make_event(capacity="1")
    me, others = make_user(), [make_user() for _ in range(3)]
    now = utcnow()
    services.register(others[0], first, now=now)
    services.register(others[1], first, now=now + timedelta(seconds=1))
    services.register(others[2], second, now=now)
    mine = [services.register(me, event, now=now + timedelta(seconds=1))
            for event in (first, second)]
    confirmed = services.register(make_user(), make_event(capacity="5"), now=now)
    db.session.commit()
    positions = queries.waitlist_positions([*mine, confirmed])
    assert positions == {mine[0].id: 2, mine[1].id: 1}  # tie at the same second: arrival
    assert [queries.waitlist_position(r) for r in mine] == [2, 1]
    assert queries.waitlist_positions([confirmed]) == {}


def test_my_registrations_split_upcoming_and_past(db, make_event, make_user, staff):
    person = make_user()
    coming = make_event()
    gone = make_event(**_past())
    cancelled_event = make_event()
    dropped = make_event()
    services.register(person, coming)
    services.register(person, cancelled_event)
    dropped_registration = services.register(person, dropped)
    db.session.commit()
    services.cancel(staff, cancelled_event, "La sede cerró por obras.")
    services.cancel_registration(person, dropped_registration)
    from community.events.models import Registration

    db.session.add(Registration(event_id=gone.id, user_id=person.id, status="confirmed",
                                ticket="boleto-prueba-2"))
    db.session.commit()
    mine = queries.my_registrations(person)
    assert [r.event_id for r in mine["upcoming"]] == [coming.id]
    assert {r.event_id for r in mine["past"]} == {gone.id, cancelled_event.id}


def test_counts_and_manage_list(db, make_event, make_org, make_user):
    org = make_org()
    own = make_event(actor=org.admin, organization=org, capacity="1")
    make_event()
    services.register(make_user(), own)
    services.register(make_user(), own)
    db.session.commit()
    assert queries.registration_counts([own.id])[own.id] == {"confirmed": 1, "waitlisted": 1}
    assert queries.confirmed_counts([own.id]) == {own.id: 1}
    ids = services.managed_organization_ids(org.admin)
    assert ids == [org.id]
    assert [e.id for e in queries.manage_list(ids).items] == [own.id]
    assert queries.manage_list(None).total == 2
    assert queries.manage_list([]).total == 0
