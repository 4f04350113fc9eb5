"""Surveys built through the real services, for every surveys test file.

- ``citizen``, ``other_citizen``: signed-up people (``staff`` comes from tests/conftest.py).
- ``make_survey(**settings)``: a committed draft survey by ``staff`` with one question of
  each kind (``survey.q`` maps a kind to its question; the single question has options
  o1 "Sí", o2 "No", o3 "Tal vez"; the multiple one allows "otro"; the number is 0-120).
  ``open=True`` opens it.
- ``valid_answers(survey, **overrides)``: a form that answers every required question.
- ``answer(survey, actor=None, invitation=None, anon_key=None, **overrides)``: submits and
  commits a valid form; returns the response.
- ``event_survey``: an open anonymous event survey with invitations for ``citizen`` and
  ``other_citizen`` (context: a taller in Toluca).
- ``clock``: moves ``services.now`` (``clock.set(datetime)``, ``clock.advance(days=3)``).
"""

from datetime import timedelta

import pytest

from community.core.timeutil import utcnow
from community.surveys import audiences, services

KINDS = ("likert_agreement", "likert_satisfaction", "nps", "rating", "single", "multiple",
         "number", "short_text", "long_text")


def survey_data(**overrides) -> dict:
    data = {"title": "Satisfacción con el taller de procuración", "intro": "Tu opinión *cuenta*.",
            "anonymous": True, "audience": "event", "reminder_days": "7"}
    data.update(overrides)
    return data


def question_data(kind: str, **overrides) -> dict:
    data = {"kind": kind, "text": f"Pregunta de tipo {kind}", "required": True}
    if kind == "single":
        data["options"] = ["Sí", "No", "Tal vez"]
    if kind == "multiple":
        data.update(options=["Fondos", "Fiscal", "Comunicación"], allow_other=True,
                    required=False)
    if kind == "number":
        data.update(number_min="0", number_max="120")
    if kind in ("short_text", "long_text"):
        data["required"] = False
    data.update(overrides)
    return data


def valid_answers(survey, **overrides) -> dict:
    """Answers to every question of a ``make_survey`` survey, by field name."""
    values = {"likert_agreement": "4", "likert_satisfaction": "5", "nps": "9", "rating": "4",
              "single": "o1", "multiple": ["o1", "o3"], "number": "35",
              "short_text": "Muy bien", "long_text": "Más talleres en Ecatepec, por favor."}
    form = {survey.q[kind].field_name: value for kind, value in values.items()
            if kind in survey.q}
    for kind, value in overrides.items():
        if kind in survey.q:
            form[survey.q[kind].field_name] = value
        else:
            form[kind] = value
    return form


class Clock:
    def __init__(self, monkeypatch) -> None:
        self.current = utcnow()
        monkeypatch.setattr(services, "now", lambda: self.current)

    def set(self, moment):
        self.current = moment
        return moment

    def advance(self, **delta):
        self.current += timedelta(**delta)
        return self.current


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def citizen(make_user):
    return make_user(name="Rosa Martínez", email="rosa@ejemplo.mx")


@pytest.fixture
def other_citizen(make_user):
    return make_user(name="Luis Pérez", email="luis@ejemplo.mx")


@pytest.fixture
def make_survey(db, staff):
    def factory(kinds=KINDS, open=False, **settings):
        survey = services.create_survey(staff, survey_data(**settings))
        survey.q = {}
        for kind in kinds:
            survey.q[kind] = services.add_question(staff, survey, question_data(kind))
        if open:
            services.open_survey(staff, survey)
        db.session.commit()
        return survey

    return factory


@pytest.fixture
def answer(db):
    def submit(survey, actor=None, invitation=None, anon_key=None, **overrides):
        response = services.submit(actor, survey, valid_answers(survey, **overrides),
                                   invitation=invitation, anon_key=anon_key)
        db.session.commit()
        return response

    return submit


@pytest.fixture
def event_survey(db, make_survey, citizen, other_citizen):
    survey = make_survey(open=True)
    context = {"event_id": None, "kind": "taller", "municipality_code": "15106"}
    audiences.invite_users(survey, [citizen.id, other_citizen.id], context)
    db.session.commit()
    survey.invitations = {
        user.id: services.find_invitation(survey, user) for user in (citizen, other_citizen)}
    return survey
