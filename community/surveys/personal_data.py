"""What surveys keep about a person (core.personal_data).

The invitations are theirs: which surveys they were asked to answer and on which days they
answered. Their answers are part of the export only in identified surveys: in an anonymous
survey nothing links an answer to anyone, so there is nothing to find (and nothing to erase).

When the account closes (the account row stays, anonymized), unanswered invitations go: they
only served to ask. Answered ones stay, pointing at the anonymized account, so the response
rate stays true; they hold a day and nothing of the answers. The answers stay as the
program's statistics; in an identified survey they lose their author (``user_id`` cleared).
"""

from sqlalchemy import delete, select, update

from community.core.personal_data import exporter, iso, on_close
from community.extensions import db
from community.surveys import services
from community.surveys.models import (
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)


@exporter("survey_invitations")
def invitations(user) -> list[dict]:
    rows = db.session.execute(
        select(SurveyInvitation, Survey.title).join(Survey, Survey.id == SurveyInvitation.survey_id)
        .where(SurveyInvitation.user_id == user.id)
        .order_by(SurveyInvitation.invited_on, Survey.id)).all()
    return [{"survey": title,
             "invited_on": inv.invited_on.isoformat() if inv.invited_on else None,
             "reminded_on": inv.reminded_on.isoformat() if inv.reminded_on else None,
             "answered_on": inv.answered_on.isoformat() if inv.answered_on else None}
            for inv, title in rows]


@exporter("survey_answers")
def identified_answers(user) -> list[dict]:
    """Answers of identified surveys only (anonymous ones cannot be traced to anyone)."""
    responses = db.session.scalars(
        select(SurveyResponse).where(SurveyResponse.user_id == user.id)
        .order_by(SurveyResponse.answered_on, SurveyResponse.survey_id)).all()
    result = []
    for response in responses:
        answers = db.session.execute(
            select(SurveyQuestion.text, SurveyAnswer.option_code, SurveyAnswer.number,
                   SurveyAnswer.text)
            .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
            .where(SurveyAnswer.response_id == response.id)
            .order_by(SurveyQuestion.position, SurveyAnswer.option_code)).all()
        result.append({
            "survey": response.survey.title, "submitted_at": iso(response.submitted_at),
            "answers": [{"question": question, "option": code or None, "number": number,
                         "text": text} for question, code, number, text in answers]})
    return result


@on_close
def forget_invitations(user) -> None:
    """Remove the person's unanswered invitations (and their place in the invited counts:
    a closed account is no longer someone who could answer); identified answers lose their
    author."""
    unanswered = (SurveyInvitation.user_id == user.id, SurveyInvitation.answered_on.is_(None))
    services.count_invited(db.session.scalars(select(SurveyInvitation).where(*unanswered)),
                           sign=-1)
    db.session.execute(delete(SurveyInvitation).where(*unanswered)
                       .execution_options(synchronize_session=False))
    db.session.execute(update(SurveyResponse).where(SurveyResponse.user_id == user.id)
                       .values(user_id=None).execution_options(synchronize_session=False))
    db.session.flush()
