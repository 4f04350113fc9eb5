"""Anonymity as a promise that can be checked: reading the schema and the rows after several
answers, nothing links an answer to a participation (no foreign key, no shared column or
value, no order, no time finer than the day), and an anonymous survey stays anonymous."""

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, inspect, select, text

from community.core.errors import ValidationError
from community.core.models import AuditEntry, Notification, OutgoingMail
from community.core.timeutil import LOCAL_TZ
from community.surveys import services
from community.surveys.models import (
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
    SurveyTally,
)

ANSWER_TABLES = ("survey_response", "survey_answer")
#: What says who: the participation's own keys and whatever names a person.
IDENTIFYING = {"token", "anon_key", "email", "invitation_id", "participation_id",
               "context_event_id", "reminded_on", "invited_on"}


@pytest.fixture
def answered(db, make_survey, make_user, answer):
    """An anonymous invitation survey answered by eight invited people, one at a time."""
    from community.surveys import audiences

    survey = make_survey(open=True)
    people = [make_user() for _ in range(8)]
    audiences.invite_users(survey, [p.id for p in people],
                           {"kind": "taller", "municipality_code": "15106"})
    db.session.commit()
    invitations = db.session.scalars(select(SurveyInvitation).where(
        SurveyInvitation.survey_id == survey.id)).all()
    order = []
    for number, invitation in enumerate(invitations):
        response = answer(survey, invitation=invitation, nps=str(number % 11))
        order.append(response.id)
    return survey, invitations, order


def test_no_foreign_key_or_column_joins_answers_to_participation(app, db):
    inspector = inspect(db.engine)
    for table in ANSWER_TABLES:
        targets = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
        assert "survey_invitation" not in targets
        columns = {column["name"] for column in inspector.get_columns(table)}
        assert not columns & IDENTIFYING, table
        # only the day: the one exact time is submitted_at, kept for identified surveys
        times = {c["name"] for c in inspector.get_columns(table)
                 if "TIMESTAMP" in str(c["type"]).upper() or "DATETIME" in str(c["type"]).upper()}
        assert times <= {"submitted_at"}, table
    # survey_answer does not even know the survey or the person
    assert {c["name"] for c in inspector.get_columns("survey_answer")} == {
        "response_id", "question_id", "option_code", "number", "text"}
    invitation_times = {c["name"] for c in inspector.get_columns("survey_invitation")
                        if "TIME" in str(c["type"]).upper()}
    assert invitation_times == set()


def test_sqlite_keeps_no_hidden_rowid(app, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("WITHOUT ROWID is SQLite's; PostgreSQL has no rowid")
    for table in ANSWER_TABLES:
        sql = db.session.scalar(text("SELECT sql FROM sqlite_master WHERE name = :name"),
                                {"name": table})
        assert "WITHOUT ROWID" in sql.upper()
        with pytest.raises(Exception, match="rowid"):
            db.session.execute(text(f"SELECT rowid FROM {table}"))  # noqa: S608 - our names
        db.session.rollback()


def test_rows_hold_nothing_of_the_person_nor_the_moment(db, answered):
    survey, invitations, _ = answered
    responses = db.session.scalars(select(SurveyResponse)).all()
    assert len(responses) == 8
    for response in responses:
        assert response.user_id is None and response.submitted_at is None
        assert type(response.answered_on) is date
    for invitation in invitations:
        assert type(invitation.answered_on) is date
    # no value of a participation appears anywhere in the answers
    secrets_of_invitations = set()
    for invitation in invitations:
        secrets_of_invitations |= {invitation.id, invitation.token}
    answer_values = set()
    for row in db.session.execute(select(SurveyResponse.__table__)).all():
        answer_values |= {str(value) for value in row}
    for row in db.session.execute(select(SurveyAnswer.__table__)).all():
        answer_values |= {str(value) for value in row}
    for row in db.session.execute(select(SurveyTally.__table__)).all():
        answer_values |= {str(value) for value in row}
    assert not answer_values & secrets_of_invitations


def test_ids_are_random_not_a_sequence(db, answered):
    _, invitations, order = answered
    for key in order + [i.id for i in invitations]:
        assert len(key) == 32 and int(key, 16) >= 0
    # eight answers in a row: sorting their ids does not give back the order they came in
    # (a sequence or a time-based id would; random ids do by chance once in 40,320 runs)
    assert sorted(order) != order
    assert len(set(order)) == 8


def test_stored_order_is_the_random_key_not_the_arrival(db, answered):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite WITHOUT ROWID stores rows by key; PostgreSQL's heap is not read "
                    "here (see the module's note in models.py)")
    _, _, order = answered
    stored = list(db.session.scalars(text("SELECT id FROM survey_response")))
    assert stored == sorted(order)
    assert stored != order


def test_survey_times_do_not_point_at_the_first_answer(db, make_survey, citizen, answer):
    survey = make_survey(open=True, audience="public")
    updated_before = survey.updated_at
    answer(survey, actor=citizen)
    db.session.expire_all()
    survey = db.session.get(Survey, survey.id)
    midnight = datetime.combine(services.today(), time(), tzinfo=LOCAL_TZ)
    assert survey.frozen_at == midnight.astimezone(UTC).replace(tzinfo=None)
    assert survey.updated_at == updated_before


def test_answering_writes_no_trace_elsewhere(db, make_survey, citizen, answer):
    survey = make_survey(open=True, audience="public")
    before = [db.session.scalar(select(func.count()).select_from(model))
              for model in (AuditEntry, Notification, OutgoingMail)]
    answer(survey, actor=citizen)
    after = [db.session.scalar(select(func.count()).select_from(model))
             for model in (AuditEntry, Notification, OutgoingMail)]
    assert after == before


def test_an_anonymous_survey_never_becomes_identified_after_an_answer(db, staff, make_survey,
                                                                      citizen, answer):
    survey = make_survey(open=True, audience="public")
    services.update_survey(staff, survey, {"anonymous": False})  # before answers: allowed
    services.update_survey(staff, survey, {"anonymous": True})
    db.session.commit()
    answer(survey, actor=citizen)
    with pytest.raises(ValidationError) as refused:
        services.update_survey(staff, survey, {"anonymous": False})
    assert "anonymous" in refused.value.errors
    db.session.rollback()
    assert db.session.get(Survey, survey.id).anonymous is True
