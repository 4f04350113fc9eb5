"""Answering: the validation matrix (nothing saved on any refusal), conditions, who may
answer, once per person, and the tallies counted in the same transaction."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from community.core.errors import ValidationError
from community.surveys import services
from community.surveys.models import SurveyAnswer, SurveyResponse, SurveyTally

from .conftest import question_data, valid_answers


def _saved(db) -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (SurveyResponse, SurveyAnswer, SurveyTally))


def _refused(db, survey, actor, form, invitation=None, anon_key=None) -> dict:
    with pytest.raises(ValidationError) as refused:
        services.submit(actor, survey, form, invitation=invitation, anon_key=anon_key)
    db.session.rollback()
    assert _saved(db) == (0, 0, 0), "a refused answer saves nothing"
    return refused.value.errors


@pytest.mark.parametrize(("kind", "value", "message"), [
    ("nps", "11", "del 0 al 10"),
    ("nps", "-1", "del 0 al 10"),
    ("nps", "9.5", "del 0 al 10"),
    ("likert_agreement", "6", "cinco"),
    ("likert_satisfaction", "0", "cinco"),
    ("rating", "٣", "1 al 5"),
    ("single", "o9", "opciones"),
    ("single", ["o1", "o2"], "solo una"),
    ("multiple", ["o1", "zz"], "opciones"),
    ("multiple", ["__other"], "otra opción"),
    ("number", "121", "entre 0 y 120"),
    ("number", "3.5", "entero"),
    ("number", "treinta", "entero"),
    ("short_text", "x" * 301, "300"),
    ("long_text", "x" * 5001, "5000"),
])
def test_bad_values_refused_next_to_their_question(db, make_survey, citizen, kind, value,
                                                   message):
    survey = make_survey(open=True, audience="public")
    errors = _refused(db, survey, citizen, valid_answers(survey, **{kind: value}))
    assert list(errors) == [survey.q[kind].field_name]
    assert message in str(errors[survey.q[kind].field_name])


def test_a_choice_of_another_question_is_not_an_option(db, make_survey, citizen, staff):
    survey = make_survey(audience="public")
    services.set_options(staff, survey.q["multiple"], ["Fondos", "Fiscal", "Comunicación",
                                                       "Voluntariado"])
    services.open_survey(staff, survey)
    db.session.commit()
    assert "o4" in {o.code for o in survey.q["multiple"].options}
    errors = _refused(db, survey, citizen, valid_answers(survey, single="o4"))
    assert list(errors) == [survey.q["single"].field_name]


def test_a_question_of_another_survey_is_refused(db, make_survey, citizen):
    survey = make_survey(open=True, audience="public")
    other = make_survey(open=True, audience="public")
    form = valid_answers(survey)
    form[other.q["nps"].field_name] = "10"
    errors = _refused(db, survey, citizen, form)
    assert "otra" not in errors and "no es de esta encuesta" in errors["form"]


def test_missing_required_answers(db, make_survey, citizen):
    survey = make_survey(open=True, audience="public")
    form = valid_answers(survey)
    del form[survey.q["nps"].field_name]
    form[survey.q["single"].field_name] = "  "
    errors = _refused(db, survey, citizen, form)
    assert set(errors) == {survey.q["nps"].field_name, survey.q["single"].field_name}
    assert "obligatoria" in errors[survey.q["nps"].field_name]


def test_optional_questions_may_stay_empty(db, make_survey, citizen, answer):
    survey = make_survey(open=True, audience="public")
    response = answer(survey, actor=citizen, multiple=[], short_text="", long_text="")
    assert {a.question_id for a in response.answers} == {
        survey.q[k].id for k in ("likert_agreement", "likert_satisfaction", "nps", "rating",
                                 "single", "number")}


def test_closed_and_not_yet_open_surveys_refuse(db, make_survey, citizen, staff, clock):
    survey = make_survey(open=True, audience="public")
    services.close_survey(staff, survey)
    db.session.commit()
    assert "cerró" in _refused(db, survey, citizen, valid_answers(survey))["form"]
    draft = make_survey(audience="public")
    assert "todavía no" in _refused(db, draft, citizen, valid_answers(draft))["form"]
    later = make_survey(open=True, audience="public")
    later.opens_at = clock.current + timedelta(days=2)
    later.closes_at = clock.current + timedelta(days=9)
    db.session.commit()
    assert "abre el" in _refused(db, later, citizen, valid_answers(later))["form"]
    clock.advance(days=3)
    assert services.is_answerable(later)
    clock.advance(days=7)
    assert "cerró" in _refused(db, later, citizen, valid_answers(later))["form"]


def test_hidden_questions_are_not_required_and_their_answers_dropped(db, make_survey, staff,
                                                                     citizen, other_citizen,
                                                                     answer):
    survey = make_survey(kinds=("single", "long_text"), audience="public")
    text = survey.q["long_text"]
    services.update_question(staff, text, question_data(
        "long_text", required=True, condition_question_id=str(survey.q["single"].id),
        condition_option="o2"))
    services.open_survey(staff, survey)
    db.session.commit()
    # "Sí" hides the follow-up: not required, and what was typed is dropped
    response = answer(survey, actor=citizen, single="o1", long_text="no debería guardarse")
    assert [a.question_id for a in response.answers] == [survey.q["single"].id]
    # "No" shows it: now it is required
    form = valid_answers(survey, single="o2")
    del form[text.field_name]
    errors = _refused_keep(db, survey, other_citizen, form)
    assert list(errors) == [text.field_name]
    assert [q.id for q in services.visible_questions(survey, {survey.q["single"].id: "o2"})] \
        == [survey.q["single"].id, text.id]
    assert [q.id for q in services.visible_questions(survey, {})] == [survey.q["single"].id]


def _refused_keep(db, survey, actor, form) -> dict:
    with pytest.raises(ValidationError) as refused:
        services.submit(actor, survey, form)
    db.session.rollback()
    return refused.value.errors


def test_answers_and_tallies_are_stored(db, make_survey, citizen, other_citizen, answer):
    survey = make_survey(open=True, audience="public")
    answer(survey, actor=citizen, multiple=["o1", "__other"],
           **{f"{survey.q['multiple'].field_name}_other": "  Género  y  diversidad "})
    answer(survey, actor=other_citizen, nps="10")
    rows = {(a.question_id, a.option_code): a for a in db.session.scalars(select(SurveyAnswer))}
    other = rows[(survey.q["multiple"].id, "__other")]
    assert other.text == "Género y diversidad"
    tallies = {(t.question_id, t.value): t.count for t in db.session.scalars(select(SurveyTally))}
    assert tallies[(survey.q["nps"].id, "9")] == 1 and tallies[(survey.q["nps"].id, "10")] == 1
    assert tallies[(survey.q["single"].id, "o1")] == 2
    assert tallies[(survey.q["multiple"].id, "o1")] == 2
    assert tallies[(survey.q["multiple"].id, "o3")] == 1
    assert tallies[(survey.q["multiple"].id, "__other")] == 1
    assert tallies[(survey.q["long_text"].id, "")] == 2
    day = services.today()
    assert {t.day for t in db.session.scalars(select(SurveyTally))} == {day}
    assert {(t.event_id, t.event_kind, t.municipality_code)
            for t in db.session.scalars(select(SurveyTally))} == {(0, "", "")}


def test_once_per_account_on_a_public_survey(db, make_survey, citizen, answer):
    survey = make_survey(open=True, audience="public")
    answer(survey, actor=citizen)
    assert services.can_answer(citizen, survey) == (False, "Ya respondiste esta encuesta.")
    errors = _refused_keep(db, survey, citizen, valid_answers(survey))
    assert errors == {"form": "Ya respondiste esta encuesta."}
    assert services.answer_count(survey) == 1


def test_once_per_browser_without_account(db, make_survey, answer):
    survey = make_survey(open=True, audience="public")
    assert services.can_answer(None, survey)[0] is False  # no cookie, no answer
    answer(survey, anon_key="a" * 64)
    errors = _refused_keep(db, survey, None, valid_answers(survey))
    assert "cookies" in errors["form"]
    with pytest.raises(ValidationError):
        services.submit(None, survey, valid_answers(survey), anon_key="a" * 64)
    db.session.rollback()
    answer(survey, anon_key="b" * 64)
    assert services.answer_count(survey) == 2


def test_only_the_invited_answer_an_invitation_survey(db, event_survey, citizen, make_user,
                                                      answer):
    stranger = make_user()
    allowed, reason = services.can_answer(stranger, event_survey)
    assert not allowed and "invitadas" in reason
    assert services.can_answer(None, event_survey)[0] is False
    invitation = event_survey.invitations[citizen.id]
    assert services.invitation_for_token(invitation.token) == invitation
    assert services.invitation_for_token("no-existe") is None
    # signed in as the invited person, or anyone holding the link
    assert services.can_answer(citizen, event_survey) == (True, "")
    answer(event_survey, invitation=invitation)
    assert invitation.answered_on == services.today()
    assert services.can_answer(citizen, event_survey)[0] is False
    with pytest.raises(ValidationError) as refused:
        services.submit(citizen, event_survey, valid_answers(event_survey))
    assert refused.value.errors == {"form": "Ya respondiste esta encuesta."}


def test_an_invitation_answers_only_its_survey(db, event_survey, make_survey, citizen):
    other = make_survey(open=True)
    invitation = event_survey.invitations[citizen.id]
    allowed, reason = services.can_answer(None, other, invitation)
    assert not allowed and "no es de esta encuesta" in reason


def test_context_of_the_invitation_reaches_the_response(db, event_survey, citizen, answer):
    response = answer(event_survey, invitation=event_survey.invitations[citizen.id])
    assert (response.event_kind, response.municipality_code) == ("taller", "15106")
    tally = db.session.scalars(select(SurveyTally)).first()
    assert (tally.event_kind, tally.municipality_code) == ("taller", "15106")


def test_identified_surveys_keep_who_and_when(db, make_survey, citizen, answer):
    survey = make_survey(open=True, audience="public", anonymous=False)
    response = answer(survey, actor=citizen)
    assert response.user_id == citizen.id and response.submitted_at is not None


def test_pending_for_user(db, event_survey, citizen, other_citizen, staff, answer, make_survey):
    assert [s.id for s, _ in services.pending_for_user(citizen)] == [event_survey.id]
    answer(event_survey, invitation=event_survey.invitations[citizen.id])
    assert services.pending_for_user(citizen) == []
    services.close_survey(staff, event_survey)
    assert services.pending_for_user(other_citizen) == []
    assert services.pending_for_user(None) == []
