"""The demo calendar (``seed-demo``): alive, consistent with the rules, idempotent."""

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from community.accounts.models import User
from community.accounts.services import find_by_email
from community.core.models import Notification
from community.core.timeutil import to_local, utcnow
from community.demo import accounts as accounts_demo
from community.demo import events as demo
from community.events import services
from community.events.fields import KINDS
from community.events.models import Event, EventSession, Registration
from community.search import index


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _check_calendar(events, now):
    past = [e for e in events if e.status in ("published", "concluded") and e.ends_at <= now]
    upcoming = [e for e in events if e.status == "published" and e.starts_at > now]
    assert len(past) >= 24 and len(upcoming) >= 11
    assert {e.kind for e in past} == set(KINDS) == {e.kind for e in upcoming}
    assert all(services.display_status(e, now) == "concluded" for e in past)
    assert all(to_local(e.starts_at).weekday() < 5 for e in events)
    assert upcoming[0].starts_at < now + timedelta(days=10)  # something next week
    assert len({e.municipality_code for e in events if e.municipality_code}) >= 12
    assert Counter(e.modality for e in events).keys() == {"presencial", "en_linea", "hibrida"}
    assert sum(1 for e in events if e.organization_id) >= 5
    assert Counter(e.status for e in events)["cancelled"] == 1
    assert Counter(e.status for e in events)["draft"] == 1
    for event in events:
        assert event.description_html and event.topics and event.speaker_list


def _check_congresses(events, now):
    congresses = [e for e in events if e.kind == "congreso"]
    assert len([e for e in congresses if e.ends_at < now]) >= 2
    assert len([e for e in congresses if e.starts_at > now]) == 1
    for congress in congresses:
        sessions = congress.sessions
        assert len(sessions) >= 8 and all(s.room and s.speakers for s in sessions)
        assert len({to_local(s.starts_at).date() for s in sessions}) == 2
        assert all(congress.starts_at <= s.starts_at < s.ends_at <= congress.ends_at
                   for s in sessions)


def _check_registrations(db, events, now):
    full = []
    for event in events:
        seats = services.seats(event)
        assert event.capacity is None or seats["confirmed"] <= event.capacity
        if seats["waitlisted"] and event.starts_at > now:
            full.append(event)
            assert seats["confirmed"] == event.capacity
    assert len(full) == 1
    rows = list(db.session.scalars(select(Registration)))
    assert len(rows) >= 800
    attended = [r for r in rows if r.checked_in_at]
    assert len(attended) >= 0.6 * sum(1 for r in rows if r.event.ends_at < now)
    assert all(r.status == "confirmed" and r.event.ends_at < now for r in attended)
    assert {r.id for r in attended} == {r.id for r in rows if r.certificate_code}
    by_osc = Counter(r.organization_id for r in attended if r.organization_id)
    assert sum(1 for n in by_osc.values() if n >= 3) >= 10  # OSC histories look alive


def _check_citizen(db, now):
    citizen = find_by_email(accounts_demo.CITIZEN_EMAIL)
    mine = list(db.session.scalars(select(Registration).where(
        Registration.user_id == citizen.id)))
    assert any(r.certificate_code for r in mine)
    assert any(r.event.starts_at > now and r.status == "confirmed" for r in mine)
    own = services.organizations_for(citizen)
    assert db.session.scalar(select(func.count()).select_from(Event).where(
        Event.organization_id.in_([o.id for o in own]))) >= 1


def test_demo_calendar_is_alive_and_idempotent(demo_world, db, outbox, runner):
    now = utcnow()
    events = list(db.session.scalars(select(Event).order_by(Event.starts_at)))
    assert len(events) == len(demo.SPECS)
    _check_calendar(events, now)
    _check_congresses(events, now)
    _check_registrations(db, events, now)
    _check_citizen(db, now)

    # History, not "today": past notices are read and dated before now; nobody is mailed.
    stale = db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.read_at.is_(None), Notification.url.in_(
            [f"/eventos/{e.slug}" for e in events if e.ends_at < now])))
    assert stale == 0
    assert all(e.published_at < now - timedelta(days=1) for e in events if e.published_at)
    assert outbox == []

    # Search holds the public events only, with no drift (once the drain after commit,
    # which stops after a couple of seconds, has caught up).
    db.session.commit()  # the drain writes from its own session
    assert runner.invoke(args=["search", "drain"]).exit_code == 0
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output
    assert not index.check()

    counts = [_count(db, model) for model in (Event, Registration, EventSession, User,
                                              Notification)]
    assert demo.seed() == []
    db.session.commit()
    assert [_count(db, model) for model in (Event, Registration, EventSession, User,
                                            Notification)] == counts
