"""The demo satisfaction surveys (``seed-demo``): answers over two years through the services,
anonymous rows that say nothing of who answered, results that render, and idempotent.

Fast on purpose: instead of the demo calendar and the 300 demo asesorías, the test builds a
small world of its own (concluded events over two years with people checked in, concluded
advisory requests backdated) and lets the surveys demo replay it."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from community.advisory import services as advisory
from community.advisory.models import AdvisoryRequest
from community.core.timeutil import utcnow
from community.demo import accounts as accounts_demo
from community.demo import surveys as demo
from community.demo.accounts import DEMO_DOMAIN, DEMO_PASSWORD, STAFF_EMAIL
from community.events.models import Event, Registration
from community.extensions import db as _db
from community.surveys import results, services
from community.surveys.models import (
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTally,
)
from tests.advisory.conftest import request_data
from tests.conftest import sign_in

#: Days ago of the small world's concluded events: last year's and this year's.
EVENT_DAYS = (700, 520, 400, 330, 250, 160, 90, 40, 20)
ATTENDEES = 14


def _events(people) -> list[Event]:
    """Concluded events with everyone checked in (rows: the events demo is tested apart)."""
    now = utcnow()
    made = []
    for number, days in enumerate(EVENT_DAYS):
        starts = now - timedelta(days=days, hours=3)
        event = Event(slug=f"evento-demo-encuesta-{number}", title=f"Taller {number}",
                      kind=("taller", "curso", "foro")[number % 3], starts_at=starts,
                      ends_at=starts + timedelta(hours=3), status="concluded",
                      municipality_code=("15106", "15033", None)[number % 3])
        _db.session.add(event)
        _db.session.flush()
        for n, person in enumerate(people[number:number + ATTENDEES]):
            _db.session.add(Registration(event_id=event.id, user_id=person.id,
                                         status="confirmed", ticket=f"T{number}-{n}",
                                         checked_in_at=starts))
        made.append(event)
    _db.session.flush()
    return made


def _requests(staff, people) -> list[AdvisoryRequest]:
    """Concluded asesorías through the advisory services, then dated over two years."""
    made = []
    for number in range(12):
        person = people[number] if number % 2 else None
        req = advisory.create_request(person, request_data(
            contact_email=person.email if person else f"grupo{number}@correo.example",
            municipality_code=("15106", "15058", "15057")[number % 3]))
        if person is None:
            advisory.confirm_request(advisory.confirmation_token(req))
        advisory.assign(staff, req, staff.id)
        advisory.change_state(staff, req, "en_atencion")
        advisory.record_outcome(staff, req, {"kind": "orientacion", "note": ""})
        advisory.conclude(staff, req)
        req.concluded_at = utcnow() - timedelta(days=30 + 55 * number)
        made.append(req)
    _db.session.flush()
    return made


@pytest.fixture
def world(db, make_user, outbox, monkeypatch):
    monkeypatch.setattr(demo, "LIMIT", 60)  # every invitation below; 60 public answers
    accounts_demo.seed()
    staff = accounts_demo.demo_account(STAFF_EMAIL)
    people = [make_user(email=f"asistente{n:02d}@{DEMO_DOMAIN}", name=f"Asistente {n}")
              for n in range(30)]
    _events(people)
    _requests(staff, people)
    db.session.commit()
    outbox.clear()
    return staff


def _by_title(title: str) -> Survey:
    return _db.session.scalar(select(Survey).where(Survey.title == title))


def test_demo_surveys_answered_over_two_years_anonymously(app, world, outbox):
    made = demo.seed()
    _db.session.commit()
    assert outbox == []  # quiet: nobody is mailed
    assert [s.title for s in made] == [demo.EVENT_TITLE, demo.ADVISORY_TITLE,
                                       demo.PLATFORM_TITLE, demo.DRAFT_TITLE]
    event, advisory_survey, platform, draft = made
    assert [s.status for s in made] == ["open", "open", "open", "draft"]
    assert (event.preset, advisory_survey.preset, platform.audience) == (
        "event", "advisory", "public")
    assert draft.frozen_at is None and not draft.anonymous

    today = services.today()
    counts = dict(_db.session.execute(select(SurveyResponse.survey_id, func.count())
                                      .group_by(SurveyResponse.survey_id)).all())
    invited = dict(_db.session.execute(select(SurveyInvitation.survey_id, func.count())
                                       .group_by(SurveyInvitation.survey_id)).all())
    # Each person is invited once per survey: at the first event they attended.
    assert invited[event.id] == len({p for n in range(len(EVENT_DAYS))
                                     for p in range(n, n + ATTENDEES)})
    assert invited[advisory_survey.id] == 12
    assert 0.45 * invited[event.id] <= counts[event.id] < invited[event.id]
    assert 4 <= counts[advisory_survey.id] < 12
    assert counts[platform.id] == 60  # everyone who came to the public link answered once
    assert 0 < _db.session.scalar(select(func.count()).select_from(SurveyInvitation).where(
        SurveyInvitation.survey_id == platform.id, SurveyInvitation.user_id.is_not(None))) < 60
    assert draft.id not in counts

    days = _db.session.scalars(select(SurveyResponse.answered_on).where(
        SurveyResponse.survey_id == event.id)).all()
    assert {day.year for day in days} >= {today.year - 1, today.year}
    assert max(days) <= today

    _check_invitations(event, today)
    _check_anonymity()
    _check_tallies()
    _check_figures(event)


def _check_invitations(event: Survey, today) -> None:
    rows = _db.session.scalars(select(SurveyInvitation).where(
        SurveyInvitation.survey_id == event.id)).all()
    unanswered = [row for row in rows if row.answered_on is None]
    assert unanswered and any(row.reminded_on for row in unanswered)
    assert any(row.reminded_on and row.answered_on for row in rows)  # answered after it
    for row in rows:
        assert row.context_event_id and row.invited_on <= today
        if row.reminded_on:
            assert row.reminded_on == row.invited_on + timedelta(days=event.reminder_days)
        if row.answered_on:
            assert row.invited_on <= row.answered_on <= today


def _check_anonymity() -> None:
    """Anonymous surveys: no account or time on any response."""
    anonymous = select(Survey.id).where(Survey.anonymous.is_(True))
    assert _db.session.scalar(select(func.count()).select_from(SurveyResponse).where(
        SurveyResponse.survey_id.in_(anonymous),
        (SurveyResponse.user_id.is_not(None)) | (SurveyResponse.submitted_at.is_not(None)))) == 0


def _check_tallies() -> None:
    """The tallies are the sums of the answers (per question), and a multiple choice's ''
    tallies count its respondents."""
    answers = dict(_db.session.execute(select(SurveyAnswer.question_id, func.count())
                                       .group_by(SurveyAnswer.question_id)).all())
    multiple = select(SurveyQuestion.id).where(SurveyQuestion.kind == "multiple")
    respondent_rows = (SurveyTally.value == "") & SurveyTally.question_id.in_(multiple)
    tallies = dict(_db.session.execute(select(SurveyTally.question_id, func.sum(
        SurveyTally.count)).where(~respondent_rows).group_by(SurveyTally.question_id)).all())
    assert answers == tallies
    respondents = dict(_db.session.execute(
        select(SurveyAnswer.question_id, func.count(func.distinct(SurveyAnswer.response_id)))
        .where(SurveyAnswer.question_id.in_(multiple)).group_by(SurveyAnswer.question_id)).all())
    assert respondents and respondents == dict(_db.session.execute(
        select(SurveyTally.question_id, func.sum(SurveyTally.count)).where(respondent_rows)
        .group_by(SurveyTally.question_id)).all())


def _check_figures(event: Survey) -> None:
    """Mostly satisfied, some critical, and people wrote."""
    outcome = results.results(event, results.Filters())
    assert not outcome.hidden and outcome.answered > results.MIN_GROUP
    nps = next(q for q in outcome.questions if q.kind == "nps")
    assert 20 <= nps.stats["score"] <= 75
    likert = next(q for q in outcome.questions if q.kind == "likert_satisfaction")
    assert likert.stats["top_two"] >= 0.6 and likert.stats["mean"] < 4.9
    assert any(q.texts for q in outcome.questions if q.kind == "long_text")


def test_demo_results_pages_render_and_seed_is_idempotent(app, world, client):
    demo.seed()
    _db.session.commit()
    staff = world
    event = _by_title(demo.EVENT_TITLE)
    reader = app.test_client()
    assert sign_in(reader, staff.email, DEMO_PASSWORD).status_code == 302
    page = reader.get(f"/personal/encuestas/{event.id}/resultados")
    assert page.status_code == 200 and "menos de 5 respuestas" not in page.text[:5000]
    compare = reader.get(f"/personal/encuestas/{event.id}/resultados/comparar")
    assert compare.status_code == 200
    platform = _by_title(demo.PLATFORM_TITLE)
    public = client.get(f"/encuestas/{platform.slug}/resultados")
    assert public.status_code == 200

    before = [_db.session.scalar(select(func.count()).select_from(model))
              for model in (Survey, SurveyInvitation, SurveyResponse, SurveyAnswer)]
    assert demo.seed() == []
    _db.session.commit()
    assert before == [_db.session.scalar(select(func.count()).select_from(model))
                      for model in (Survey, SurveyInvitation, SurveyResponse, SurveyAnswer)]


def test_limit_keeps_the_demo_small(app, world, monkeypatch):
    monkeypatch.setattr(demo, "LIMIT", 10)  # what the seed-demo test does
    made = demo.seed()
    _db.session.commit()
    invited = dict(_db.session.execute(select(SurveyInvitation.survey_id, func.count())
                                       .group_by(SurveyInvitation.survey_id)).all())
    assert invited[made[0].id] <= 10 and invited[made[1].id] <= 10
    assert invited[made[2].id] == 10  # the public survey's participations


def test_seed_scale_surveys_tallies_are_the_sums_of_the_answers(app, db, runner):
    accounts_demo.seed()
    db.session.commit()
    result = runner.invoke(args=["seed-scale", "--orgs", "0", "--surveys", "300",
                                 "--batch-size", "100"])
    assert result.exit_code == 0, result.output
    survey = _by_title("Encuesta de escala: satisfacción con los eventos")
    assert len(survey.questions) == 15 and survey.frozen_at is not None
    assert {q.kind for q in survey.questions} >= set(services.QUESTION_KINDS)
    responses = _db.session.scalars(select(SurveyResponse).where(
        SurveyResponse.survey_id == survey.id)).all()
    assert len(responses) == 300 and all(r.user_id is None for r in responses)
    assert {r.answered_on.year for r in responses} >= {services.today().year - 1,
                                                       services.today().year}
    assert len({r.municipality_code for r in responses}) >= 10
    _check_tallies()
    answered = _db.session.scalar(select(func.count()).select_from(SurveyInvitation).where(
        SurveyInvitation.survey_id == survey.id, SurveyInvitation.answered_on.is_not(None)))
    assert answered == 300
    again = runner.invoke(args=["seed-scale", "--orgs", "0", "--surveys", "10"])
    assert again.exit_code != 0 and "--append" in again.output
    more = runner.invoke(args=["seed-scale", "--orgs", "0", "--surveys", "50", "--append"])
    assert more.exit_code == 0, more.output
    _check_tallies()
    assert results.results(survey, results.Filters()).answered == 350


def test_surveys_seed_after_the_events_and_the_asesorias():
    from community.demo.cli import DEMO_SEEDERS

    assert DEMO_SEEDERS.index("surveys") > max(DEMO_SEEDERS.index("events"),
                                               DEMO_SEEDERS.index("advisory"))
