"""Surveys with answers written straight into the contract's tables, for the results tests.

``answer()`` stores what S-A's ``submit`` stores for one response: the response row with its
context, one answer row per question (one per chosen option of a choice), and ``count + 1``
on the tally of each value (option code, number as text, '' for a text answered), and one
more answer on the day count; ``invite()`` adds to the day's invited count as audiences do.
"""

from datetime import UTC, date, datetime

from community.events.models import Event
from community.extensions import db
from community.surveys import services
from community.surveys.models import (
    CHOICE_KINDS,
    OTHER_CODE,
    TEXT_KINDS,
    Survey,
    SurveyAnswer,
    SurveyDay,
    SurveyInvitation,
    SurveyOption,
    SurveyQuestion,
    SurveyResponse,
    SurveyTally,
)

XSS = '=cmd|"/c calc"!A1 <script>alert("x")</script>'


def make_survey(questions, *, anonymous=True, audience="event", title="Satisfacción",
                results_public=False) -> Survey:
    """``questions``: ``(kind, text, [option labels])`` or ``(kind, text)``."""
    survey = Survey(slug=f"encuesta-{datetime.now(UTC).timestamp()}", title=title,
                    status="open", anonymous=anonymous, audience=audience,
                    results_public=results_public)
    db.session.add(survey)
    db.session.flush()
    for position, spec in enumerate(questions):
        kind, text = spec[0], spec[1]
        question = SurveyQuestion(survey_id=survey.id, position=position, kind=kind, text=text,
                                  allow_other=kind == "multiple")
        db.session.add(question)
        db.session.flush()
        for index, label in enumerate(spec[2] if len(spec) > 2 else []):
            db.session.add(SurveyOption(question_id=question.id, position=index,
                                        code=f"o{index + 1}", label=label))
    db.session.commit()
    return survey


def make_event(kind="taller", title="Taller de procuración") -> Event:
    event = Event(slug=f"evento-{datetime.now(UTC).timestamp()}", title=title, kind=kind,
                  starts_at=datetime(2025, 3, 1, 16), ends_at=datetime(2025, 3, 1, 18))
    db.session.add(event)
    db.session.commit()
    return event


def _count(survey, question, value, day, event_id, kind, municipality) -> None:
    key = {"survey_id": survey.id, "question_id": question.id, "day": day, "value": value,
           "event_id": event_id or 0, "event_kind": kind or "",
           "municipality_code": municipality or ""}
    tally = db.session.get(SurveyTally, key)
    if tally is None:
        db.session.add(SurveyTally(**key, count=1))
    else:
        tally.count += 1
    db.session.flush()


def answer(survey, values: dict, *, day=date(2026, 3, 2), event_id=None, kind=None,
           municipality=None, user_id=None) -> SurveyResponse:
    """One response: ``values`` maps a question (or its position) to its answer: an int, a
    text, an option code, a list of codes, or ``("__other", "texto")`` inside the list."""
    questions = {q.position: q for q in survey.questions}
    response = SurveyResponse(survey_id=survey.id, answered_on=day, event_id=event_id,
                              event_kind=kind, municipality_code=municipality,
                              user_id=None if survey.anonymous else user_id)
    db.session.add(response)
    db.session.flush()
    context = (day, event_id, kind, municipality)
    for key, value in values.items():
        question = questions[key] if isinstance(key, int) else key
        if question.kind in CHOICE_KINDS:
            for choice in value if isinstance(value, list) else [value]:
                code, text = choice if isinstance(choice, tuple) else (choice, None)
                db.session.add(SurveyAnswer(response_id=response.id, question_id=question.id,
                                            option_code=code, text=text))
                _count(survey, question, code, *context)
        elif question.kind in TEXT_KINDS:
            db.session.add(SurveyAnswer(response_id=response.id, question_id=question.id,
                                        option_code="", text=value))
            _count(survey, question, "", *context)
        else:
            db.session.add(SurveyAnswer(response_id=response.id, question_id=question.id,
                                        option_code="", number=value))
            _count(survey, question, str(value), *context)
    services.add_counts(SurveyDay, [{
        "survey_id": survey.id, "day": day, "event_id": event_id or 0, "event_kind": kind or "",
        "municipality_code": municipality or "", "invited": 0, "answered": 1}], "answered")
    db.session.commit()
    return response


def invite(survey, count: int, *, day=date(2026, 3, 1), kind=None, municipality=None,
           event_id=None) -> None:
    rows = [SurveyInvitation(survey_id=survey.id, email=f"invitada{index}-{kind}-{day}@ejemplo.mx",
                             invited_on=day, context_kind=kind,
                             context_municipality=municipality, context_event_id=event_id)
            for index in range(count)]
    db.session.add_all(rows)
    db.session.flush()
    services.count_invited(rows)
    db.session.commit()


__all__ = ["OTHER_CODE", "XSS", "answer", "invite", "make_event", "make_survey"]
