"""Each indicator agrees with a count made independently from the modules' own pages and
queries, on the demo data (issue 16: "figures that agree with the modules' own pages").

The data are the demo world (``tests/demo_world.py``: what ``flask seed-demo`` writes, the
padrón, the events with their attendance lists, the asesorías and the surveys among it),
restored once for this module.

Every "independent" count goes through the module that owns the rows: the padrón export
(``profiles.queries.iter_export``, ``registry_size``), an event's attendance list
(``events.attendance.attendees`` and ``attendance_rows``), the past events of the calendar
(``events.queries.calendar``), the advisory queue (``advisory.queries.queue`` and
``state_counts``) and the surveys' raw answers, and is finished in Python, never with the
measures' SQL helpers.
"""

import statistics
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from community.accounts.models import User
from community.advisory import queries as advisory_queries
from community.advisory.models import AdvisorySession
from community.core.periods import date_range, local_today, utc_midnight, whole_year
from community.core.timeutil import to_local
from community.events import attendance
from community.events import queries as event_queries
from community.events.fields import KINDS as EVENT_KINDS
from community.events.models import Event
from community.extensions import db as _db
from community.profiles import queries as profile_queries
from community.staff import figures
from community.staff.indicators import CONGRESS, get
from community.surveys.models import SurveyAnswer, SurveyQuestion, SurveyResponse
from tests.conftest import reset_state
from tests.demo_world import restore

EVER = date_range(date(2000, 1, 1), date(2100, 12, 31))


@pytest.fixture(scope="module")
def demo(_shared_app, _demo_world_saved):
    """The demo world, restored once for the module (its tests only read) and removed after."""
    app = _shared_app
    with app.app_context():
        restore(_demo_world_saved, app)
        staff = _db.session.scalar(select(User).where(User.role == "staff").order_by(User.id))
        yield staff
        reset_state(app)


def value(key, period, municipality=None):
    return get(key).measure.values([period], municipality)[0]


def years():
    today = local_today()
    return [whole_year(today.year - 1), date_range(date(today.year, 1, 1), today)]


def local_day(at):
    return to_local(at).date()


def within(day, period):
    return day is not None and period.start <= day <= period.end


# --- the padrón: its export ------------------------------------------------------------------


def _export(**filters):
    return list(profile_queries.iter_export(profile_queries.ExportFilters(**filters)))


def test_the_padron_at_today_is_the_export_of_validated_oscs(demo):
    today = local_today()
    now = date_range(today, today)
    rows = _export(status="validated")
    assert len(rows) > 100  # the demo's padrón, not an empty table agreeing with itself
    assert value("padron-validadas", now) == len(rows)
    assert value("padron-validadas", now) == profile_queries.registry_size()[0]
    assert value("padron-con-cluni", now) == sum(1 for r in rows if r["cluni"])
    assert value("padron-donatarias", now) == sum(1 for r in rows if r["donataria_autorizada"])
    # Every validated OSC has its validation date: the flow of all time is the stock.
    assert value("padron-nuevas", EVER) == len(rows)

    places = Counter(r["clave_municipio"] for r in rows if r["clave_municipio"])
    assert get("padron-validadas").measure.by_municipality(now) == dict(places)
    for code, count in places.most_common(3):
        assert value("padron-validadas", now, code) == count == len(
            _export(status="validated", municipality=code))


def test_the_stale_share_is_the_registrys_own_count_at_the_end_of_the_day(demo):
    today = local_today()
    validated, stale = profile_queries.registry_size(now=utc_midnight(date.fromordinal(
        today.toordinal() + 1)))
    assert validated and stale  # the demo keeps some OSCs overdue for their confirmation
    expected = round(100.0 * stale / validated, 1)
    assert value("padron-desactualizadas", date_range(today, today)) == expected


def test_oscs_validated_in_a_year_are_the_exports_oscs_validated_then(demo):
    """The export's ``validada_en`` is the day in Mexico City, as the indicators count it."""
    days = [date.fromisoformat(r["validada_en"]) for r in _export(status="validated")]
    for period in years():
        counted = sum(1 for day in days if within(day, period))
        assert value("padron-nuevas", period) == counted
        assert 0 < counted < len(days)


# --- events: the calendar and each event's attendance list -----------------------------------


def _past_events():
    """Every event the calendar lists under "past", page after page."""
    found, page = [], 1
    while True:
        listing = event_queries.calendar(event_queries.CalendarFilters(past=True, page=page))
        found.extend(listing.items)
        if not listing.has_next:
            return found
        page += 1


def test_events_held_are_the_calendars_past_trainings(demo):
    past = _past_events()
    assert len(past) >= 24
    for period in years():
        held = [e for e in past if e.kind != CONGRESS and within(local_day(e.starts_at), period)]
        assert value("eventos-impartidos", period) == len(held)
        kinds = Counter(e.kind for e in held)
        assert dict(get("eventos-impartidos").breakdown(period, None)) == {
            str(label): kinds.get(kind, 0) for kind, label in EVENT_KINDS.items()
            if kind != CONGRESS}
        places = Counter(e.municipality_code for e in held if e.municipality_code)
        assert get("eventos-impartidos").measure.by_municipality(period) == dict(places)
    # Drafts, cancelled and upcoming events are not in the calendar's past, nor counted.
    all_statuses = Counter(_db.session.scalars(select(Event.status)))
    assert all_statuses["cancelled"] and all_statuses["draft"]
    assert value("eventos-impartidos", EVER) == sum(1 for e in past if e.kind != CONGRESS)


def _lists(demo, events):
    """Each event's attendance list as its organizers see it."""
    return {e.id: (attendance.attendees(demo, e), attendance.attendance_rows(demo, e))
            for e in events}


def test_one_events_attendance_is_its_attendance_list(demo):
    past = [e for e in _past_events() if e.kind != CONGRESS]
    lists = _lists(demo, past)
    busiest = max(past, key=lambda e: lists[e.id][0].attended)
    assert lists[busiest.id][0].attended >= 5
    day = local_day(busiest.starts_at)
    same_day = [e for e in past if local_day(e.starts_at) == day]
    period = date_range(day, day)
    assert value("asistencias", period) == sum(lists[e.id][0].attended for e in same_day)
    if len(same_day) == 1:
        assert value("asistencias", period) == lists[busiest.id][0].attended
    people = {r["email"] for e in same_day for r in lists[e.id][1] if r["attended"]}
    assert value("personas-capacitadas", period) == len(people)
    rows = get("asistencias").measure.record_rows(period, None, 1000, 0)
    assert sorted(r.detail for r in rows) == sorted(
        r["name"] for e in same_day for r in lists[e.id][1] if r["attended"])
    assert {r.key for r in rows} <= {e.slug for e in same_day}


def test_attendances_people_and_oscs_of_a_year_are_the_attendance_lists(demo):
    past = _past_events()
    lists = _lists(demo, past)
    assert sum(a.attended for a, _ in lists.values()) > 50
    for period in years():
        trainings = [e for e in past
                     if e.kind != CONGRESS and within(local_day(e.starts_at), period)]
        present = [r for e in trainings for r in lists[e.id][1] if r["attended"]]
        assert value("asistencias", period) == sum(lists[e.id][0].attended for e in trainings)
        assert value("asistencias", period) == len(present)
        assert value("personas-capacitadas", period) == len({r["email"] for r in present})
        assert value("osc-participantes", period) == len(
            {r["organization"] for r in present if r["organization"]})
        congress = [r for e in past if e.kind == CONGRESS
                    and within(local_day(e.starts_at), period)
                    for r in lists[e.id][1] if r["attended"]]
        assert value("asistentes-congreso", period) == len({r["email"] for r in congress})


# --- advisory: the staff queue ---------------------------------------------------------------


def _queue():
    """Every request of the staff queue (any state), page after page."""
    found, page = [], 1
    while True:
        listing = advisory_queries.queue(advisory_queries.QueueFilters(), page=page)
        found.extend(listing.items)
        if not listing.has_next:
            return found
        page += 1


def test_requests_concluded_are_the_queues_concluded_ones(demo):
    requests = _queue()
    concluded = [r for r in requests if r.state == "concluida"]
    assert len(concluded) >= 50
    assert value("solicitudes-atendidas", EVER) == advisory_queries.state_counts()["concluida"]
    assert value("solicitudes-atendidas", EVER) == advisory_queries.queue(
        advisory_queries.QueueFilters(state="concluida")).total
    for period in years():
        assert value("solicitudes-atendidas", period) == sum(
            1 for r in concluded if within(local_day(r.concluded_at), period))
        places = Counter(r.municipality_code for r in concluded
                         if within(local_day(r.concluded_at), period))
        assert get("solicitudes-atendidas").measure.by_municipality(period) == dict(places)
    assert any(r.state == "cancelada" for r in requests)


def test_sessions_and_oscs_attended_are_the_cases_sessions(demo):
    requests = _queue()
    sessions = [(s, r) for r in requests for s in r.sessions]
    assert len(sessions) >= 50
    # Plain SQL as well: every session belongs to a request of the queue.
    assert _db.session.scalar(select(func.count()).select_from(AdvisorySession)) \
        == len(sessions) == value("asesorias-otorgadas", EVER)
    for period in years():
        held = [(s, r) for s, r in sessions if within(s.held_on, period)]
        assert value("asesorias-otorgadas", period) == len(held)
        places = Counter(s.municipality_code or r.municipality_code for s, r in held)
        assert get("asesorias-otorgadas").measure.by_municipality(period) == dict(places)
        assert value("osc-atendidas", period) == len(
            {r.organization_id for _, r in held if r.organization_id})


def test_constituted_oscs_are_the_cases_outcomes(demo):
    requests = _queue()
    for period in years():
        constituted = {r.id for r in requests if r.state != "cancelada"
                       for o in r.outcomes
                       if o.kind == "osc_constituida" and within(o.achieved_on, period)}
        assert value("osc-constituidas", period) == len(constituted)
    assert value("osc-constituidas", EVER) > 0


def test_first_contact_figures_are_the_cases_dates(demo):
    requests = [r for r in _queue() if r.first_contact_at and r.confirmed_at]
    assert len(requests) >= 50
    for period in years():
        contacted = [r for r in requests if within(local_day(r.first_contact_at), period)]
        days = [(local_day(r.first_contact_at) - local_day(r.confirmed_at)).days
                for r in contacted]
        expected = statistics.median(days) if days else None
        assert value("dias-primer-contacto", period) == expected
        due = [r for r in contacted if r.first_contact_due is not None]
        on_time = sum(1 for r in due if local_day(r.first_contact_at) <= r.first_contact_due)
        expected = round(100.0 * on_time / len(due), 1) if due else None
        assert value("primer-contacto-a-tiempo", period) == expected


# --- surveys: the answers themselves ---------------------------------------------------------


def _answers(*kinds):
    """(day, number, municipality) of every scale answer, from the answer rows (not the
    tallies the measures read)."""
    return _db.session.execute(
        select(SurveyResponse.answered_on, SurveyAnswer.number, SurveyResponse.municipality_code)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .where(SurveyQuestion.kind.in_(kinds), SurveyAnswer.number.is_not(None))).all()


def test_satisfaction_and_nps_are_the_surveys_answers(demo):
    satisfaction = _answers("likert_satisfaction", "rating")
    promoters = _answers("nps")
    assert len(satisfaction) >= 50 and len(promoters) >= 20
    for period in years():
        numbers = [n for day, n, _ in satisfaction if within(day, period)]
        expected = round(sum(numbers) / len(numbers), 2) if len(numbers) >= 5 else None
        assert value("satisfaccion-media", period) == expected
        scores = [n for day, n, _ in promoters if within(day, period)]
        expected = round(100.0 * (sum(1 for n in scores if n >= 9)
                                  - sum(1 for n in scores if n <= 6)) / len(scores), 1) \
            if len(scores) >= 5 else None
        assert value("nps", period) == expected
    period = years()[-1]
    places = Counter(m for day, _, m in satisfaction if m and within(day, period))
    for code, count in places.most_common(2):
        numbers = [n for day, n, m in satisfaction if m == code and within(day, period)]
        expected = round(sum(numbers) / count, 2) if count >= 5 else None
        assert value("satisfaccion-media", period, code) == expected


def test_every_card_of_the_year_to_date_is_computed(demo):
    today = local_today()
    period, previous, _, errors = figures.parse_period({}, today)
    assert errors == {}
    cards = figures.cards(period, previous)
    assert len(cards) == 19
    by_key = {c.indicator.key: c for c in cards}
    for key in ("asesorias-otorgadas", "solicitudes-atendidas", "eventos-impartidos",
                "asistencias", "personas-capacitadas", "padron-validadas"):
        assert by_key[key].value > 0, key
        assert by_key[key].value == value(key, period)
        assert by_key[key].previous == value(key, previous)
