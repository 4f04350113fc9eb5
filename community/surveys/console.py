"""Surveys' tile on the staff console (``community.core.console``): how many surveys are
open now and how many answers arrived this month (Mexico City calendar), linking to the list
of surveys and to a new one. Both figures come from one query (two scalar subqueries)."""

from datetime import date

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from community.core.console import Figure, Summary, register_tile
from community.core.timeutil import to_local, utcnow
from community.extensions import db
from community.surveys.models import Survey, SurveyResponse


def first_of_this_month() -> date:
    """The first day of the current month in Mexico City (``answered_on`` is a day)."""
    return to_local(utcnow()).date().replace(day=1)


def console_counts() -> tuple[int, int]:
    """(open surveys, answers since the first of this month), in one round trip."""
    open_surveys = (select(func.count()).select_from(Survey)
                    .where(Survey.status == "open").scalar_subquery())
    answers = (select(func.count()).select_from(SurveyResponse)
               .where(SurveyResponse.answered_on >= first_of_this_month()).scalar_subquery())
    row = db.session.execute(select(open_surveys, answers)).one()
    return int(row[0] or 0), int(row[1] or 0)


def _counts(actor) -> Summary:
    open_surveys, answers = console_counts()
    return Summary(figures=(
        Figure(label=_l("Encuestas abiertas"), value=open_surveys,
               url=url_for("surveys.builder_index"), attention=False),
        Figure(label=_l("Respuestas este mes"), value=answers,
               url=url_for("surveys.builder_index"), attention=False),
    ))


register_tile("surveys", _l("Encuestas de satisfacción"), "surveys.builder_index", _counts,
              order=55,
              description=_l("Crear encuestas para eventos, asesorías e integrantes de OSC, "
                             "abrirlas y leer sus resultados."),
              links=[(_l("Nueva encuesta"), "surveys.builder_new")])
