"""Each indicator's counting rule on hand-made rows (issue 16, "Tests and benchmark").

The clock is frozen by passing the periods and ``today`` explicitly: every period is of 2025
or 2026, and every event counted has ended before the real clock (past events only). Rows are
written straight into the other modules' tables, as their services leave them, so each test
shows exactly which rows a figure counts and which it leaves out: the year boundary in Mexico
City's time, distinct versus total counts, cancelled and withdrawn records.
"""

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest

from community.advisory.models import AdvisoryOutcome, AdvisoryRequest, AdvisorySession
from community.core.periods import (
    Period,
    date_range,
    months,
    one_year_earlier,
    quarter,
    whole_year,
    year_to_date,
)
from community.core.timeutil import LOCAL_TZ, utcnow
from community.events.fields import KINDS as EVENT_KINDS
from community.events.models import Event, Registration
from community.extensions import db as _db
from community.library.models import DownloadMonth
from community.profiles.models import Organization
from community.staff import figures
from community.staff.indicators import INDICATORS, MIN_PUBLIC, REGISTRY, get
from community.staff.models import IndicatorGoal
from community.surveys.models import SurveyTally
from tests.conftest import count_queries
from tests.library.factories import make_resource
from tests.surveys.results_helpers import make_survey

Y25 = whole_year(2025)
Y26 = whole_year(2026)
TOLUCA, ECATEPEC, NEZA = "15106", "15033", "15058"
_numbers = itertools.count(1)


def at(year, month, day, hour=10, minute=0) -> datetime:
    """A Mexico City wall-clock time as the naive UTC the database stores."""
    local = datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)
    return local.astimezone(UTC).replace(tzinfo=None)


def values(key, periods, municipality=None):
    return get(key).measure.values(periods, municipality)


def all_records(key, period, municipality=None):
    return get(key).measure.record_rows(period, municipality, 1000, 0)


# --- hand-made rows --------------------------------------------------------------------------


def org(status="validated", validated=None, confirmed=None, municipality=TOLUCA, **fields):
    n = next(_numbers)
    row = Organization(slug=f"osc-prueba-{n}", name=f"OSC de Prueba {n}",
                       name_folded=f"osc de prueba {n}", status=status, validated_at=validated,
                       confirmed_at=confirmed, municipality_code=municipality, **fields)
    _db.session.add(row)
    _db.session.flush()
    return row


def request(state="en_atencion", municipality=TOLUCA, organization=None, confirmed=None,
            **fields):
    n = next(_numbers)
    row = AdvisoryRequest(folio=f"ASE-T-{n:05d}", topic="constituir", requester_kind="grupo",
                          proposed_name=f"Grupo {n}", municipality_code=municipality,
                          modality="municipio", state=state,
                          organization_id=organization.id if organization else None,
                          confirmed_at=confirmed or at(2025, 1, 2), **fields)
    _db.session.add(row)
    _db.session.flush()
    return row


def session(req, held_on, municipality=None):
    row = AdvisorySession(request_id=req.id, held_on=held_on, modality="municipio",
                          municipality_code=municipality, duration_minutes=60,
                          people_attended=3)
    _db.session.add(row)
    _db.session.flush()
    return row


def outcome(req, achieved_on, kind="osc_constituida"):
    row = AdvisoryOutcome(request_id=req.id, kind=kind, achieved_on=achieved_on)
    _db.session.add(row)
    _db.session.flush()
    return row


def event(starts, kind="taller", status="published", municipality=TOLUCA, hours=3):
    n = next(_numbers)
    row = Event(slug=f"evento-prueba-{n}", title=f"Evento {n}", kind=kind, starts_at=starts,
                ends_at=starts + timedelta(hours=hours), status=status,
                municipality_code=municipality)
    _db.session.add(row)
    _db.session.flush()
    return row


def attend(ev, user, organization=None, checked_in=True, status="confirmed"):
    row = Registration(event_id=ev.id, user_id=user.id, status=status,
                       ticket=f"boleto-{next(_numbers)}",
                       organization_id=organization.id if organization else None,
                       checked_in_at=ev.starts_at if checked_in else None)
    _db.session.add(row)
    _db.session.flush()
    return row


def tally(question, value, day, count=1, municipality=""):
    _db.session.add(SurveyTally(survey_id=question.survey_id, question_id=question.id,
                                day=day, value=value, count=count,
                                municipality_code=municipality))
    _db.session.flush()


# --- advisory --------------------------------------------------------------------------------


def test_sessions_count_by_the_day_held_and_fall_back_to_the_requests_municipality(app):
    toluca = request(municipality=TOLUCA)
    session(toluca, date(2025, 12, 31))  # no place of its own: the request's
    session(toluca, date(2026, 1, 1), municipality=ECATEPEC)
    withdrawn = request(state="cancelada", municipality=TOLUCA, cancelled_at=at(2026, 3, 1))
    session(withdrawn, date(2026, 2, 3))  # given before the case was cancelled: it counts
    _db.session.commit()

    assert values("asesorias-otorgadas", [Y25, Y26]) == [1, 2]
    assert values("asesorias-otorgadas", [date_range(date(2026, 1, 1), date(2026, 1, 1))]) \
        == [1]
    assert values("asesorias-otorgadas", [Y26], TOLUCA) == [1]
    assert values("asesorias-otorgadas", [Y26], ECATEPEC) == [1]
    assert values("asesorias-otorgadas", [Y25], ECATEPEC) == [0]
    indicator = get("asesorias-otorgadas")
    assert indicator.measure.by_municipality(Y26) == {TOLUCA: 1, ECATEPEC: 1}
    assert indicator.measure.by_municipality(Y25) == {TOLUCA: 1}
    rows = all_records("asesorias-otorgadas", Y26)
    assert [(r.day, r.key) for r in rows] == [(date(2026, 1, 1), toluca.folio),
                                              (date(2026, 2, 3), withdrawn.folio)]
    assert all(r.kind == "request" for r in rows)
    assert [r.key for r in all_records("asesorias-otorgadas", Y26, ECATEPEC)] == [toluca.folio]


def test_requests_concluded_count_once_by_the_local_day_of_conclusion(app):
    late = request(state="concluida", concluded_at=at(2025, 12, 31, 23, 30))  # 05:30 UTC
    first = request(state="concluida", concluded_at=at(2026, 1, 1, 0, 30), municipality=NEZA)
    second = request(state="concluida", concluded_at=at(2026, 5, 20))
    request(state="cancelada", cancelled_at=at(2026, 4, 1))
    # A withdrawn request keeps no conclusion: even a stray date does not count it.
    request(state="cancelada", cancelled_at=at(2026, 4, 2), concluded_at=at(2026, 4, 2))
    request(state="en_atencion", first_contact_at=at(2026, 2, 1))
    _db.session.commit()

    assert late.concluded_at.year == 2026  # in UTC, the new year already
    assert values("solicitudes-atendidas", [Y25, Y26]) == [1, 2]
    assert values("solicitudes-atendidas", [Y26], NEZA) == [1]
    assert get("solicitudes-atendidas").measure.by_municipality(Y26) == {TOLUCA: 1, NEZA: 1}
    rows = all_records("solicitudes-atendidas", Y26)
    assert [(r.day, r.key) for r in rows] == [(date(2026, 1, 1), first.folio),
                                              (date(2026, 5, 20), second.folio)]
    assert [r.day for r in all_records("solicitudes-atendidas", Y25)] == [date(2025, 12, 31)]


def _contact(confirmed, contacted, due=None, municipality=TOLUCA):
    return request(confirmed=confirmed, first_contact_at=contacted, first_contact_due=due,
                   municipality=municipality)


def test_days_to_first_contact_is_a_median_of_local_calendar_days(app):
    # Confirmed at 23:30 in Mexico City, contacted at 9:00 the next morning: the same UTC
    # day (05:30 and 15:00), one local day.
    night = _contact(at(2026, 3, 2, 23, 30), at(2026, 3, 3, 9))
    assert night.confirmed_at.date() == night.first_contact_at.date()
    _contact(at(2026, 1, 5), at(2026, 1, 8, 18))  # 3 days
    _contact(at(2026, 1, 20, 8), at(2026, 1, 30, 20), municipality=ECATEPEC)  # 10 days
    _contact(at(2026, 3, 30), at(2026, 4, 4))  # 5 days, in April
    _contact(at(2025, 12, 1), at(2025, 12, 31, 23, 30))  # 30 days, in 2025 (local)
    request(confirmed=at(2026, 2, 1))  # not contacted yet: no figure
    _db.session.commit()

    q1 = quarter(2026, 1)
    assert values("dias-primer-contacto", [q1]) == [3]  # 1, 3, 10: the middle one
    assert values("dias-primer-contacto", [Y26]) == [4.0]  # 1, 3, 5, 10: (3 + 5) / 2
    assert values("dias-primer-contacto", [Y25]) == [30]
    assert values("dias-primer-contacto", [quarter(2026, 3)]) == [None]  # nobody: no figure
    assert values("dias-primer-contacto", [q1], ECATEPEC) == [10]
    assert get("dias-primer-contacto").measure.by_municipality(q1) == {TOLUCA: 2.0,
                                                                      ECATEPEC: 10}
    assert get("dias-primer-contacto").direction == "down"
    assert len(all_records("dias-primer-contacto", Y26)) == 4


def test_first_contact_on_time_compares_the_local_day_with_the_due_day(app):
    # Contacted at 23:00 of the due day: 05:00 UTC of the next day, still on time.
    _contact(at(2026, 3, 2), at(2026, 3, 5, 23), due=date(2026, 3, 5))
    _contact(at(2026, 3, 2), at(2026, 3, 6, 9), due=date(2026, 3, 5))  # a day late
    _contact(at(2026, 3, 2), at(2026, 3, 4), due=date(2026, 3, 10))
    _contact(at(2026, 3, 2), at(2026, 3, 20))  # no due date kept: left out
    _db.session.commit()

    assert values("primer-contacto-a-tiempo", [Y26]) == [66.7]
    assert values("primer-contacto-a-tiempo", [Y25]) == [None]
    assert values("primer-contacto-a-tiempo", [Y26], ECATEPEC) == [None]


def test_constituted_oscs_count_each_request_once_and_never_a_cancelled_one(app):
    twice = request(state="concluida")
    outcome(twice, date(2026, 2, 1))
    outcome(twice, date(2026, 3, 1))  # the same OSC recorded twice: one OSC
    outcome(request(state="concluida", municipality=NEZA), date(2026, 6, 1))
    outcome(request(state="concluida"), date(2025, 12, 31))
    outcome(request(state="cancelada", cancelled_at=at(2026, 3, 3)), date(2026, 3, 3))
    outcome(request(state="concluida"), date(2026, 4, 1), kind="orientacion")
    outcome(request(state="concluida"), None)  # no date of the acta: in no period
    _db.session.commit()

    assert values("osc-constituidas", [Y25, Y26]) == [1, 2]
    assert values("osc-constituidas", [Y26], NEZA) == [1]
    assert get("osc-constituidas").measure.by_municipality(Y26) == {TOLUCA: 1, NEZA: 1}
    # The rows behind the figure: every outcome recorded (both of the request counted once).
    assert [r.day for r in all_records("osc-constituidas", Y26)] == [
        date(2026, 2, 1), date(2026, 3, 1), date(2026, 6, 1)]
    assert len({r.key for r in all_records("osc-constituidas", Y26)}) == 2


def test_oscs_attended_count_distinct_organizations_not_sessions(app):
    first, second = org(validated=at(2024, 1, 1)), org(validated=at(2024, 1, 1))
    for held_on in (date(2026, 1, 10), date(2026, 2, 10)):
        session(request(organization=first), held_on)
    session(request(organization=first), date(2026, 3, 1))
    session(request(organization=second, municipality=NEZA), date(2026, 3, 2))
    session(request(), date(2026, 3, 3))  # a group without an OSC yet
    session(request(organization=second), date(2025, 12, 31))
    _db.session.commit()

    assert values("asesorias-otorgadas", [Y26]) == [5]
    assert values("osc-atendidas", [Y25, Y26]) == [1, 2]
    assert values("osc-atendidas", [Y26], NEZA) == [1]
    assert get("osc-atendidas").measure.by_municipality(Y26) == {TOLUCA: 1, NEZA: 1}
    assert len(all_records("osc-atendidas", Y26)) == 4  # the sessions behind the two OSCs


# --- events ----------------------------------------------------------------------------------


def test_events_count_by_local_start_and_only_trainings_that_took_place(app):
    new_year_eve = event(at(2025, 12, 31, 23, 30), kind="taller")
    assert new_year_eve.starts_at == datetime(2026, 1, 1, 5, 30)  # UTC: already 2026
    course = event(at(2026, 2, 10), kind="curso", municipality=ECATEPEC)
    talk = event(at(2026, 3, 10), kind="conferencia", status="concluded")
    event(at(2026, 4, 1), status="cancelled")
    event(at(2026, 4, 2), status="draft")
    event(at(2026, 5, 6), kind="congreso", hours=30)
    event(utcnow() + timedelta(days=2))  # published, not held yet
    _db.session.commit()

    assert values("eventos-impartidos", [Y25, Y26]) == [1, 2]
    assert values("eventos-impartidos", [date_range(date(2025, 12, 31), date(2025, 12, 31))]) \
        == [1]
    assert values("eventos-impartidos", [date_range(date(2026, 1, 1), date(2026, 1, 1))]) \
        == [0]
    assert values("eventos-impartidos", [Y26], ECATEPEC) == [1]
    assert get("eventos-impartidos").measure.by_municipality(Y26) == {TOLUCA: 1, ECATEPEC: 1}
    breakdown = dict(get("eventos-impartidos").breakdown(Y26, None))
    assert str(EVENT_KINDS["congreso"]) not in breakdown
    assert breakdown[str(EVENT_KINDS["curso"])] == 1
    assert breakdown[str(EVENT_KINDS["conferencia"])] == 1
    assert breakdown[str(EVENT_KINDS["taller"])] == 0
    assert sum(breakdown.values()) == 2
    assert dict(get("eventos-impartidos").breakdown(Y26, ECATEPEC)) [
        str(EVENT_KINDS["curso"])] == 1
    assert [r.key for r in all_records("eventos-impartidos", Y26)] == [course.slug, talk.slug]
    assert [(r.day, r.key) for r in all_records("eventos-impartidos", Y25)] == [
        (date(2025, 12, 31), new_year_eve.slug)]


def test_attendances_count_check_ins_and_people_count_once(app, make_user):
    person, other, absent, guest = (make_user() for _ in range(4))
    first_osc, second_osc = org(validated=at(2024, 1, 1)), org(validated=at(2024, 1, 1))
    trainings = [event(at(2026, 2, 3)), event(at(2026, 3, 3), municipality=ECATEPEC),
                 event(at(2026, 4, 7), kind="curso")]
    for training, osc in zip(trainings, (first_osc, first_osc, second_osc), strict=True):
        attend(training, person, organization=osc)
    attend(trainings[0], other)  # came on their own, for no OSC
    attend(trainings[0], absent, checked_in=False)
    attend(trainings[1], absent, checked_in=False, status="cancelled")  # withdrew
    attend(trainings[2], absent, checked_in=False, status="waitlisted")
    cancelled = event(at(2026, 5, 5), status="cancelled")
    attend(cancelled, guest)
    congress = event(at(2026, 10, 8), kind="congreso", hours=30)
    attend(congress, guest, organization=second_osc)
    attend(congress, person)
    attend(event(at(2025, 11, 11)), guest)
    _db.session.commit()

    assert values("asistencias", [Y25, Y26]) == [1, 4]
    assert values("personas-capacitadas", [Y25, Y26]) == [1, 2]
    assert values("osc-participantes", [Y26]) == [2]  # the congress is not a training
    assert values("asistentes-congreso", [Y25, Y26]) == [0, 2]
    # By municipality a person counts where they attended.
    assert get("personas-capacitadas").measure.by_municipality(Y26) == {TOLUCA: 2,
                                                                       ECATEPEC: 1}
    assert get("asistencias").measure.by_municipality(Y26) == {TOLUCA: 3, ECATEPEC: 1}
    assert values("osc-participantes", [Y26], ECATEPEC) == [1]
    rows = all_records("asistencias", Y26)
    assert len(rows) == 4 and {r.detail for r in rows} == {person.name, other.name}
    assert len({r.detail for r in all_records("personas-capacitadas", Y26)}) == 2
    assert {r.detail for r in all_records("asistentes-congreso", Y26)} == {person.name,
                                                                        guest.name}


def test_one_person_at_three_events_is_three_attendances_and_one_person(app, make_user):
    person = make_user()
    for day in (3, 10, 17):
        attend(event(at(2026, 2, day)), person)
    attend(event(at(2025, 12, 31, 23, 30)), person)  # New Year's Eve: 2025's
    _db.session.commit()
    assert values("asistencias", [Y25, Y26]) == [1, 3]
    assert values("personas-capacitadas", [Y25, Y26]) == [1, 1]
    assert values("personas-capacitadas", [date_range(date(2025, 12, 1), date(2026, 2, 28))]) \
        == [1]


# --- the padrón ------------------------------------------------------------------------------


def test_the_padron_is_a_stock_at_the_periods_last_local_day(app):
    org(validated=at(2025, 6, 1), confirmed=at(2025, 6, 1), cluni="CLUNI-0001",
        sat_donee=True)
    org(validated=at(2026, 3, 1), municipality=ECATEPEC)
    late = org(validated=at(2025, 12, 31, 23, 30))  # 05:30 UTC on 1 January
    org(status="inactive", validated=at(2025, 2, 1))  # suspended since: not in the stock
    org(status="pending")
    org(status="rejected")
    _db.session.commit()
    assert late.validated_at.year == 2026

    assert values("padron-validadas", [Y25, Y26]) == [2, 3]
    assert values("padron-validadas", [Y26], ECATEPEC) == [1]
    assert values("padron-validadas", [date_range(date(2025, 1, 1), date(2025, 6, 1))]) == [1]
    assert values("padron-nuevas", [Y25, Y26]) == [2, 1]
    assert values("padron-con-cluni", [Y25, Y26]) == [1, 1]
    assert values("padron-donatarias", [Y25, Y26]) == [1, 1]
    assert values("padron-donatarias", [date_range(date(2025, 1, 1), date(2025, 5, 31))]) \
        == [0]
    # Stale: last confirmed (or validated) more than 365 days before the day after the end.
    # At the end of 2026 the June 2025 confirmation and the 31 December validation are stale
    # (31 Dec 2025 23:30 local is 366 days before 1 January 2027, 00:00).
    assert values("padron-desactualizadas", [Y25, Y26]) == [0.0, 66.7]
    assert values("padron-desactualizadas", [date_range(date(2025, 1, 1), date(2026, 12, 30))]) \
        == [33.3]
    assert values("padron-desactualizadas", [Y26], ECATEPEC) == [0.0]
    assert values("padron-desactualizadas", [whole_year(2024)]) == [None]  # nobody yet
    assert get("padron-validadas").measure.by_municipality(Y26) == {TOLUCA: 2, ECATEPEC: 1}
    assert get("padron-desactualizadas").measure.by_municipality(Y26) == {TOLUCA: 100.0,
                                                                         ECATEPEC: 0.0}
    assert len(all_records("padron-validadas", Y26)) == 3
    assert len(all_records("padron-validadas", Y25)) == 2
    assert [r.label for r in all_records("padron-nuevas", Y25)] == [
        r.label for r in all_records("padron-validadas", Y25)]


# --- the library and the surveys -------------------------------------------------------------


def test_downloads_count_every_month_the_period_touches(app):
    first, second = make_resource("Manual de procuración"), make_resource("Guía fiscal")
    for resource, month, count in ((first, "2025-12", 4), (first, "2026-01", 5),
                                   (second, "2026-01", 2), (second, "2026-03", 7)):
        _db.session.add(DownloadMonth(resource_id=resource.id, month=month, count=count))
    _db.session.commit()

    assert values("descargas-biblioteca", [Y25, Y26]) == [4, 14]
    assert values("descargas-biblioteca", [quarter(2026, 2)]) == [0]
    # A period that ends mid-month counts the whole month.
    assert values("descargas-biblioteca", [date_range(date(2026, 1, 15), date(2026, 1, 20))]) \
        == [7]
    assert values("descargas-biblioteca", [Y26], TOLUCA) == [None]
    indicator = get("descargas-biblioteca")
    assert not indicator.has_municipality
    assert indicator.measure.by_municipality(Y26) == {}
    rows = all_records("descargas-biblioteca", Y26)
    assert sum(int(r.detail.split(": ")[1]) for r in rows) == 14 and len(rows) == 3


def test_downloads_agree_with_the_librarys_own_monthly_counts(app):
    """Counted through the library's service (robots and a double click left out), then
    compared with the library's own monthly totals (``queries.downloads_by_month``)."""
    from community.library import queries as library_queries
    from community.library import services as library_services

    manual, guide = make_resource("Manual de procuración"), make_resource("Guía fiscal")
    browser = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
    counted = 0
    for n, (resource, when) in enumerate([(manual, at(2025, 11, 3)), (manual, at(2025, 12, 9)),
                                          (guide, at(2025, 12, 10)), (manual, at(2026, 1, 7)),
                                          (guide, at(2026, 2, 2)), (guide, at(2026, 2, 3))]):
        counted += library_services.count_download(resource, f"10.0.0.{n}", browser, now=when)
    assert not library_services.count_download(manual, "10.0.0.9", "Googlebot/2.1",
                                                now=at(2026, 2, 4))
    assert not library_services.count_download(guide, "10.0.0.5", browser,
                                                now=at(2026, 2, 3) + timedelta(seconds=5))
    _db.session.commit()
    assert counted == 6

    by_month = dict(library_queries.downloads_by_month(24))
    for period in months(2025) + months(2026):
        assert values("descargas-biblioteca", [period]) == [by_month.get(period.label, 0)]
    assert values("descargas-biblioteca", [Y25, Y26]) == [3, 3]
    assert values("descargas-biblioteca", [date_range(date(2025, 12, 1),
                                                      date(2026, 2, 28))]) == [5]

def _scale_survey():
    survey = make_survey([("likert_satisfaction", "¿Qué tan satisfecha quedaste?"),
                          ("rating", "Califica el taller"),
                          ("nps", "¿Lo recomendarías?"),
                          ("likert_agreement", "El horario fue adecuado")])
    return {q.kind: q for q in survey.questions}


def test_satisfaction_is_a_mean_of_five_or_more_answers(app):
    questions = _scale_survey()
    day = date(2026, 3, 2)
    tally(questions["likert_satisfaction"], "5", day, count=2, municipality=TOLUCA)
    tally(questions["rating"], "3", day)
    tally(questions["likert_agreement"], "1", day, count=9)  # agreement: not satisfaction
    tally(questions["likert_satisfaction"], "4", date(2025, 12, 31), count=6)
    _db.session.commit()
    assert values("satisfaccion-media", [Y26]) == [None]  # three answers: withheld

    tally(questions["likert_satisfaction"], "4", date(2026, 4, 1), municipality=TOLUCA)
    tally(questions["rating"], "2", date(2026, 12, 31))
    _db.session.commit()
    assert values("satisfaccion-media", [Y25, Y26]) == [4.0, 3.8]  # (5+5+3+4+2) / 5
    assert values("satisfaccion-media", [Y26], TOLUCA) == [None]  # three in Toluca
    tally(questions["likert_satisfaction"], "1", day, count=2, municipality=TOLUCA)
    _db.session.commit()
    assert values("satisfaccion-media", [Y26], TOLUCA) == [3.2]  # (5+5+4+1+1) / 5
    assert get("satisfaccion-media").measure.by_municipality(Y26) == {TOLUCA: 3.2}


def test_nps_is_promoters_minus_detractors_of_five_or_more_answers(app):
    question = _scale_survey()["nps"]
    day = date(2026, 6, 1)
    for value in ("10", "9", "8", "6"):
        tally(question, value, day)
    _db.session.commit()
    assert values("nps", [Y26]) == [None]

    tally(question, "0", day)
    _db.session.commit()
    assert values("nps", [Y26]) == [0.0]  # 2 promoters, 2 detractors of 5
    tally(question, "10", date(2026, 7, 1))
    _db.session.commit()
    assert values("nps", [Y26]) == [16.7]  # (3 - 2) / 6
    tally(question, "3", day, count=6)
    _db.session.commit()
    assert values("nps", [Y26]) == [-41.7]  # (3 - 8) / 12
    assert values("nps", [Y25]) == [None]


# --- figures ---------------------------------------------------------------------------------


def test_monthly_compares_each_month_with_the_same_days_a_year_before(app):
    event(at(2025, 3, 10))
    event(at(2025, 3, 20))  # after the cut of the month in progress
    event(at(2025, 1, 31, 23, 30))  # January in Mexico City, February in UTC
    event(at(2026, 3, 5))
    event(at(2026, 2, 1, 0, 30))
    _db.session.commit()

    indicator = get("eventos-impartidos")
    rows = figures.monthly(indicator, 2026, today=date(2026, 3, 15))
    assert [r.month.label for r in rows] == ["2026-01", "2026-02", "2026-03"]
    assert rows[-1].month.end == date(2026, 3, 15)
    assert [(r.value, r.previous) for r in rows] == [(0, 1), (1, 0), (1, 1)]

    whole = figures.monthly(indicator, 2025, today=date(2026, 3, 15))
    assert len(whole) == 12 and whole[-1].month.end == date(2025, 12, 31)
    assert [r.value for r in whole][:3] == [1, 0, 2]
    assert figures.monthly(indicator, 2027, today=date(2026, 3, 15)) == []


def test_change_between_periods_and_its_direction(app):
    up, down = get("eventos-impartidos"), get("dias-primer-contacto")
    assert figures.change(up, 12, 10) == figures.Change(2, 20.0, True)
    assert figures.change(up, 8, 10) == figures.Change(-2, -20.0, False)
    assert figures.change(up, 5, 0) == figures.Change(5, None, True)  # nothing to compare
    assert figures.change(up, 0, 0) == figures.Change(0, None, None)
    assert figures.change(up, 10, 10) == figures.Change(0, 0.0, None)
    assert figures.change(up, None, 10) == figures.Change(None, None, None)
    assert figures.change(up, 10, None) == figures.Change(None, None, None)
    # Fewer days to first contact is the good way.
    assert figures.change(down, 3.0, 4.5) == figures.Change(-1.5, -33.3, True)
    assert figures.change(down, 4.5, 3.0) == figures.Change(1.5, 50.0, False)
    # A negative NPS: the percentage is of the size of the previous value.
    assert figures.change(get("nps"), 10.0, -20.0) == figures.Change(30.0, 150.0, True)


def test_cards_show_the_goal_of_the_year_the_period_ends_in(app, staff):
    event(at(2026, 2, 10))
    event(at(2025, 2, 10))
    event(at(2025, 2, 11))
    _db.session.add(IndicatorGoal(indicator="eventos-impartidos", year=2026, value=4,
                                  set_by_id=staff.id))
    _db.session.commit()
    this, previous = year_to_date(date(2026, 3, 1))
    by_key = {c.indicator.key: c for c in figures.cards(this, previous)}
    assert [c.indicator.key for c in figures.cards(this, previous)] == [
        i.key for i in INDICATORS]
    card = by_key["eventos-impartidos"]
    assert (card.value, card.previous, card.goal, card.goal_percent) == (1, 2, 4, 25.0)
    assert card.change == figures.Change(-1, -50.0, False)
    local = figures.cards(this, previous, TOLUCA, [get("eventos-impartidos")])[0]
    assert (local.value, local.goal_percent) == (1, None)


def test_by_municipality_names_places_and_sorts_by_value(app):
    for code in (TOLUCA, NEZA, NEZA, ECATEPEC, ECATEPEC):
        event(at(2026, 2, 10), municipality=code)
    event(at(2026, 2, 11), municipality=None, status="concluded")  # online: no place
    _db.session.commit()
    places = figures.by_municipality(get("eventos-impartidos"), Y26)
    assert [(p.code, p.value) for p in places] == [(ECATEPEC, 2), (NEZA, 2), (TOLUCA, 1)]
    assert places[0].name == "Ecatepec de Morelos" and places[1].name.startswith("Nezahual")
    assert sum(p.value for p in places) + 1 == values("eventos-impartidos", [Y26])[0]
    assert figures.by_municipality(get("descargas-biblioteca"), Y26) == []


def test_records_page_lists_exactly_the_rows_counted(app):
    counted = [event(at(2026, 1, 1) + timedelta(days=n)) for n in range(53)]
    event(at(2026, 5, 1), status="cancelled")
    event(at(2025, 12, 31))
    _db.session.commit()
    indicator = get("eventos-impartidos")
    first = figures.records(indicator, Y26, None, 1)
    second = figures.records(indicator, Y26, None, 2)
    assert len(first) == figures.RECORDS_PER_PAGE + 1  # one more: there is a next page
    assert len(second) == 3
    seen = [r.key for r in first[:figures.RECORDS_PER_PAGE]] + [r.key for r in second]
    assert seen == [e.slug for e in counted]
    assert values("eventos-impartidos", [Y26]) == [len(seen)]
    assert figures.records(indicator, Y26, None, 0) == first  # a page below 1 is the first
    assert figures.records(get("nps"), Y26, None, 1) == []


def test_public_value_withholds_small_figures_about_people(app):
    people, events = get("personas-capacitadas"), get("eventos-impartidos")
    assert people.about_people and not events.about_people
    assert figures.public_value(people, MIN_PUBLIC - 1) is None
    assert figures.public_value(people, 0) is None
    assert figures.public_value(people, MIN_PUBLIC) == MIN_PUBLIC
    assert figures.public_value(events, 1) == 1
    assert figures.public_value(events, None) is None
    assert {i.key for i in INDICATORS if i.about_people} == {
        "asistencias", "personas-capacitadas", "asistentes-congreso"}


def test_registry_holds_nineteen_sheets_with_their_fields(app):
    assert len(INDICATORS) == 19 == len(REGISTRY)
    for indicator in INDICATORS:
        assert indicator.direction in ("up", "down")
        assert str(indicator.name) and str(indicator.method) and str(indicator.definition)
        assert get(indicator.key) is indicator
    assert get("no-existe") is None


# --- reading the period ----------------------------------------------------------------------

TODAY = date(2026, 3, 15)


def _parse(today=TODAY, **args):
    return figures.parse_period(args, today)


def test_parse_period_of_each_kind(app):
    this, previous, chosen, errors = _parse()
    assert (this.start, this.end, previous.start, previous.end, errors) == (
        date(2026, 1, 1), TODAY, date(2025, 1, 1), date(2025, 3, 15), {})
    assert chosen["periodo"] == "anio-a-la-fecha"

    this, previous, _, errors = _parse(periodo="anio", anio="2025")
    assert (this, previous, errors) == (Y25, whole_year(2024), {})
    this, previous, _, errors = _parse(periodo="anio")  # no year: this one
    assert (this, errors) == (Y26, {})

    this, previous, chosen, errors = _parse(periodo="trimestre", anio="2025", trimestre="4")
    assert (this.start, this.end, errors) == (date(2025, 10, 1), date(2025, 12, 31), {})
    assert (previous.start, previous.end) == (date(2024, 10, 1), date(2024, 12, 31))
    assert chosen["trimestre"] == "4"

    this, previous, _, errors = _parse(periodo="fechas", desde="2026-02-01",
                                       hasta="2026-02-28")
    assert (this.start, this.end, errors) == (date(2026, 2, 1), date(2026, 2, 28), {})
    assert (previous.start, previous.end) == (date(2025, 2, 1), date(2025, 2, 28))


@pytest.mark.parametrize(("args", "field"), [
    ({"periodo": "semestre"}, "periodo"),
    ({"periodo": "anio", "anio": "dos mil"}, "anio"),
    ({"periodo": "anio", "anio": "1999"}, "anio"),
    ({"periodo": "anio", "anio": "2028"}, "anio"),
    ({"periodo": "trimestre", "anio": "2026", "trimestre": "5"}, "trimestre"),
    ({"periodo": "trimestre", "anio": "2026", "trimestre": "1.0"}, "trimestre"),
    ({"periodo": "fechas", "desde": "2026-02-30", "hasta": "2026-03-01"}, "desde"),
    ({"periodo": "fechas", "desde": "2026-02-01"}, "hasta"),
    ({"periodo": "fechas", "desde": "2026-03-01", "hasta": "2026-02-01"}, "hasta"),
    ({"periodo": "fechas", "desde": "0999-01-01", "hasta": "2026-02-01"}, "desde"),
])
def test_a_bad_period_says_why_and_falls_back_to_the_year_to_date(app, args, field):
    this, previous, chosen, errors = _parse(**args)
    assert field in errors and str(errors[field])
    assert (this.start, this.end) == (date(2026, 1, 1), TODAY)
    assert (previous.start, previous.end) == (date(2025, 1, 1), date(2025, 3, 15))
    assert chosen["periodo"] in figures.PERIOD_KINDS


def test_the_29th_of_february_is_compared_with_the_28th(app):
    this, previous, _, errors = _parse(today=date(2028, 2, 29))
    assert (this.end, previous.end, errors) == (date(2028, 2, 29), date(2027, 2, 28), {})
    this, previous, _, errors = _parse(today=date(2028, 3, 1), periodo="fechas",
                                       desde="2028-02-29", hasta="2028-02-29")
    assert (previous.start, previous.end, errors) == (date(2027, 2, 28), date(2027, 2, 28), {})
    assert one_year_earlier(whole_year(2028)) == whole_year(2027)
    this, previous, _, errors = _parse(periodo="trimestre", anio="2024", trimestre="1")
    assert (this.end, previous.end) == (date(2024, 3, 31), date(2023, 3, 31))


def test_months_cut_the_month_in_progress():
    cut = months(2026, until=date(2026, 3, 15))
    assert [(m.start, m.end) for m in cut] == [
        (date(2026, 1, 1), date(2026, 1, 31)), (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 15))]
    assert len(months(2026)) == 12 and months(2026)[-1].end == date(2026, 12, 31)
    assert Period(date(2025, 1, 1), date(2025, 12, 31), "").utc_bounds() == (
        datetime(2025, 1, 1, 6), datetime(2026, 1, 1, 6))


def test_one_query_answers_every_period(app):
    twelve = months(2026)
    for indicator in INDICATORS:
        with count_queries() as statements:
            indicator.measure.values(twelve + [one_year_earlier(m) for m in twelve])
        expected = 2 if indicator.key == "padron-desactualizadas" else 1  # a ratio: two
        selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert len(selects) == expected, (indicator.key, selects)
