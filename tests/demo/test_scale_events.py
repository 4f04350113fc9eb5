"""``seed-scale --attendances``: the events, people and checked-in registrations of the
indicators' benchmark, counted by the indicators as an independent count of the rows says."""

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from community.advisory.models import AdvisoryRequest
from community.core.periods import date_range, local_today
from community.core.timeutil import utcnow
from community.demo import scale_events
from community.events.models import Event, Registration
from community.staff import indicators


def _scale_rows(db):
    return db.session.execute(
        select(Registration.user_id, Registration.organization_id, Registration.checked_in_at,
               Event.kind, Event.status, Event.municipality_code, Event.starts_at,
               Event.ends_at)
        .join(Event, Event.id == Registration.event_id)
        .where(Event.slug.like(f"{scale_events.ATTENDANCE_SLUG}-%"))).all()


def test_seed_scale_attendances_are_what_the_indicators_count(runner, db, staff):
    result = runner.invoke(args=["seed-scale", "--orgs", "80", "--advisory", "120",
                                 "--attendances", "900", "--batch-size", "150",
                                 "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "900 asistencias de escala" in result.output
    assert "vinculadas a una OSC" in result.output

    rows = _scale_rows(db)
    attended = [r for r in rows if r.checked_in_at is not None]
    assert len(attended) == 900 == scale_events.attendance_scale_count()
    assert len(rows) > 900  # the no-shows and the cancelled events' registrations
    assert all(r.status != "cancelled" for r in attended)
    assert any(r.status == "cancelled" for r in rows)
    assert {r.kind for r in attended} >= {"congreso", "taller"}
    assert all(r.ends_at <= utcnow() for r in rows)  # held: published or concluded, past

    today = local_today()
    everything = date_range(today - timedelta(days=scale_events.ATTENDANCE_DAYS + 5), today)
    trainings = [r for r in attended if r.kind != "congreso"]
    congress = [r for r in attended if r.kind == "congreso"]

    def value(key, place=None):
        return indicators.get(key).measure.values([everything], place)[0]

    assert value("asistencias") == len(trainings)
    assert value("personas-capacitadas") == len({r.user_id for r in trainings})
    assert value("personas-capacitadas") < len(trainings)  # people come back
    assert value("osc-participantes") == len({r.organization_id for r in trainings
                                              if r.organization_id}) > 0
    assert value("asistentes-congreso") == len({r.user_id for r in congress}) > 0
    held = db.session.scalar(select(func.count()).select_from(Event).where(
        Event.slug.like(f"{scale_events.ATTENDANCE_SLUG}-%"), Event.kind != "congreso",
        Event.status != "cancelled"))
    assert value("eventos-impartidos") == held

    places = Counter(r.municipality_code for r in trainings if r.municipality_code)
    code, count = places.most_common(1)[0]
    assert value("asistencias", code) == count
    by_place = indicators.get("asistencias").measure.by_municipality(everything)
    assert by_place == dict(places)

    # the requests of an OSC now name one, so "OSC atendidas" counts them
    linked = db.session.scalar(select(func.count()).select_from(AdvisoryRequest).where(
        AdvisoryRequest.organization_id.is_not(None)))
    assert linked > 0
    assert value("osc-atendidas") > 0

    again = runner.invoke(args=["seed-scale", "--orgs", "0", "--attendances", "10"])
    assert again.exit_code != 0 and "--append" in again.output
    more = runner.invoke(args=["seed-scale", "--orgs", "0", "--attendances", "100",
                               "--append"])
    assert more.exit_code == 0, more.output
    assert scale_events.attendance_scale_count() == 1000
