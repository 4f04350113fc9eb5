"""Twenty submissions by one person at the same moment save one answer and count it once:
by an invitation link, by an account on a public survey, and by an anonymous browser.

Each submission runs in its own thread with its own app context and database session, as
twenty requests would. The suite runs this on SQLite (a file, writes begin IMMEDIATE) and,
with ``TEST_DATABASE_URL`` naming a PostgreSQL server (CI), on PostgreSQL, where the
conditional UPDATE and the unique key are what decide.
"""

import threading

import pytest
from sqlalchemy import func, select

from community.accounts.models import User
from community.core.database import mark_read_only
from community.core.errors import ValidationError
from community.extensions import db as _db
from community.surveys import services
from community.surveys.models import Survey, SurveyResponse, SurveyTally

from .conftest import valid_answers

SUBMISSIONS = 20


def _race(app, survey_id: int, user_id: int | None = None, token: str | None = None,
          anon_key: str | None = None) -> tuple[list, list, list]:
    """Twenty threads submit at once; returns (saved, refused, unexpected errors)."""
    saved, refused, errors = [], [], []
    start = threading.Barrier(SUBMISSIONS)

    def submit():
        with app.app_context():
            try:
                mark_read_only(True)  # the form is built from a read, as a GET would
                form = valid_answers(_with_questions(_db.session.get(Survey, survey_id)))
                _db.session.commit()
                start.wait(timeout=30)  # then all post at once
                mark_read_only(False)  # a POST request writes
                survey = _db.session.get(Survey, survey_id)
                actor = _db.session.get(User, user_id) if user_id else None
                invitation = services.invitation_for_token(token) if token else None
                services.submit(actor, survey, form, invitation=invitation, anon_key=anon_key)
                _db.session.commit()
                saved.append(1)
            except ValidationError as error:
                _db.session.rollback()
                refused.append(error.errors)
            except Exception as error:  # noqa: BLE001 - reported by the test
                _db.session.rollback()
                errors.append(repr(error))
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(SUBMISSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return saved, refused, errors


def _with_questions(survey: Survey) -> Survey:
    survey.q = {question.kind: question for question in survey.questions}
    return survey


def _check_one_answer(db, survey, saved, refused, errors) -> None:
    assert errors == []
    assert len(saved) == 1
    assert refused == [{"form": "Ya respondiste esta encuesta."}] * (SUBMISSIONS - 1)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)
                             .where(SurveyResponse.survey_id == survey.id)) == 1
    nps = next(q for q in survey.questions if q.kind == "nps")
    assert db.session.scalar(select(func.sum(SurveyTally.count))
                             .where(SurveyTally.question_id == nps.id)) == 1


@pytest.fixture
def released(db):
    """The test's own session lets go of the database before the threads start."""

    def release():
        db.session.commit()
        db.session.close()

    return release


def test_twenty_submissions_with_one_invitation(app, db, event_survey, citizen, released):
    token, survey_id = event_survey.invitations[citizen.id].token, event_survey.id
    released()
    saved, refused, errors = _race(app, survey_id, token=token)
    _check_one_answer(db, db.session.get(Survey, survey_id), saved, refused, errors)


def test_twenty_submissions_by_one_account_on_a_public_survey(app, db, make_survey, citizen,
                                                              released):
    survey_id = make_survey(open=True, audience="public").id
    user_id = citizen.id
    released()
    saved, refused, errors = _race(app, survey_id, user_id=user_id)
    _check_one_answer(db, db.session.get(Survey, survey_id), saved, refused, errors)


def test_twenty_submissions_by_one_browser_without_account(app, db, make_survey, released):
    survey_id = make_survey(open=True, audience="public").id
    released()
    saved, refused, errors = _race(app, survey_id, anon_key="c" * 64)
    _check_one_answer(db, db.session.get(Survey, survey_id), saved, refused, errors)
