"""The survey builder (staff, /personal/encuestas): the list of surveys, a survey's settings,
its sections and questions, their order, the preview as a respondent sees it, and opening,
closing and duplicating.

Views parse the request, call ``services`` (every permission and every write, including
what a frozen survey still accepts) and render; the one commit of a request happens here.
Each change is its own POST form (POST-redirect-GET). When a service refuses, the session
is rolled back (nothing half-saved) and the page comes back with the message next to the
field, HTTP 422. The order changes with "Subir"/"Bajar" forms (no JavaScript needed) or
with ``static/js/survey-builder.js``, which posts the whole order to ``builder_reorder``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.core.errors import ValidationError
from community.core.forms import attach_errors
from community.core.permissions import require_staff
from community.core.timeutil import to_local
from community.events import queries as event_queries
from community.events.fields import KINDS as EVENT_KINDS
from community.extensions import db, limiter
from community.surveys import answer_form, bp, labels, presets, services
from community.surveys.builder_forms import (
    ANONYMOUS,
    ANONYMOUS_PROMISE,
    CONDITION_SEPARATOR,
    IDENTIFIED,
    IDENTIFIED_PROMISE,
    KIND_HELP,
    ActionForm,
    QuestionForm,
    SectionForm,
    SurveyForm,
)
from community.surveys.models import CHOICE_KINDS, Survey, SurveyQuestion, SurveySection

POST_LIMIT = "120 per minute"
#: Service keys whose messages belong to a differently named field of the question form.
QUESTION_FIELD_OF = {"condition_question_id": "condition", "condition_option": "condition",
                     "labels": "options"}


# --- shared pieces ---------------------------------------------------------------------------


def _survey(survey_id: int) -> Survey:
    """The survey for staff (403 for anyone else, 404 for an unknown id)."""
    require_staff(current_user)
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    return survey


def _question(survey: Survey, question_id: int) -> SurveyQuestion:
    question = db.session.get(SurveyQuestion, question_id)
    if question is None or question.survey_id != survey.id:
        abort(404)
    return question


def _section(survey: Survey, section_id: int) -> SurveySection:
    section = db.session.get(SurveySection, section_id)
    if section is None or section.survey_id != survey.id:
        abort(404)
    return section


def _edit_url(survey: Survey, anchor: str | None = None) -> str:
    return url_for("surveys.builder_edit", survey_id=survey.id, _anchor=anchor)


def _has_endpoint(name: str) -> bool:
    return name in current_app.view_functions


def _labels() -> dict:
    return {"statuses": labels.STATUSES, "audiences": labels.AUDIENCES,
            "kinds": labels.QUESTION_KINDS, "event_kinds": EVENT_KINDS,
            "has_results": _has_endpoint("surveys.results")}


def _attach(form, error: ValidationError, field_of: dict | None = None) -> None:
    """The service's messages next to the form's fields (renamed where the form splits or
    joins the service's keys)."""
    field_of = field_of or {}
    attach_errors(form, ValidationError({field_of.get(name, name): message
                                         for name, message in error.errors.items()}))


def _unit(act: Callable[[], object]) -> tuple[object, ValidationError | None]:
    """Run one service call as the request's unit of work: commit when it is accepted,
    roll back (nothing half-saved) when it is refused."""
    try:
        result = act()
    except ValidationError as error:
        db.session.rollback()
        return None, error
    db.session.commit()
    return result, None


# --- the list ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyRow:
    survey: Survey
    answers: int


@bp.route("/personal/encuestas", endpoint="builder_index")
@login_required
def index():
    require_staff(current_user)
    surveys, counts = services.staff_list(current_user)
    rows = [SurveyRow(survey, counts.get(survey.id, 0)) for survey in surveys]
    return render_template("surveys/builder_index.html", rows=rows,
                           presets=presets.preset_choices(), **_labels())


# --- a survey's settings -------------------------------------------------------------------


def _event_choices(survey: Survey | None) -> list[tuple[int, str]]:
    """Upcoming and recent events of the public calendar (the events module's public data),
    newest first, plus the survey's own event when it is older than those."""
    found = {}
    for past in (False, True):
        page = event_queries.calendar(event_queries.CalendarFilters(past=past))
        for event in page.items:
            found[event.id] = event
    if survey is not None and survey.event is not None:
        found.setdefault(survey.event.id, survey.event)
    ordered = sorted(found.values(), key=lambda event: event.starts_at, reverse=True)
    return [(event.id, _("%(title)s (%(date)s)", title=event.title,
                         date=to_local(event.starts_at).strftime("%d/%m/%Y"))) for event in ordered]


def _survey_form(survey: Survey | None = None, **kwargs) -> SurveyForm:
    return SurveyForm(audiences=list(labels.AUDIENCES.items()),
                      events=_event_choices(survey), kinds=list(EVENT_KINDS.items()),
                      presets=presets.preset_choices(), **kwargs)


def _promises() -> dict:
    return {ANONYMOUS: ANONYMOUS_PROMISE, IDENTIFIED: IDENTIFIED_PROMISE}


@bp.route("/personal/encuestas/nueva", methods=["GET", "POST"], endpoint="builder_new")
@login_required
@limiter.limit(POST_LIMIT, methods=["POST"])
def new():
    require_staff(current_user)
    form = _survey_form()
    if request.method == "GET":
        preset = (request.args.get("plantilla") or "").strip()
        form = _survey_form(data=_new_defaults(preset))
    elif form.validate_on_submit():
        survey, error = _unit(lambda: _create(form))
        if error is None:
            flash(_("Creamos la encuesta. Ahora revisa sus preguntas."), "success")
            return redirect(_edit_url(survey, "preguntas"))
        _attach(form, error)
    status = 422 if form.errors else 200
    return render_template("surveys/builder_edit.html", form=form, survey=None, frozen=False,
                           promises=_promises(), **_labels()), status


def _new_defaults(preset: str) -> dict:
    """The new survey form's first values: the preset's title and audience when one is
    chosen; anonymous, answered by event attendees, one reminder after 7 days."""
    data = {"anonymous": ANONYMOUS, "audience": "event", "reminder_days": "7",
            "preset": ""}
    chosen = presets.PRESETS.get(preset)
    if chosen:
        data.update(preset=preset, title=str(chosen["title"]),
                    intro=str(chosen.get("intro", "")), audience=chosen.get("audience", "event"))
    return data


def _create(form: SurveyForm) -> Survey:
    data = form.survey_data()
    preset = (form.preset.data or "").strip()
    if preset:
        return services.create_from_preset(current_user, preset, data)
    return services.create_survey(current_user, data)


@bp.route("/personal/encuestas/<int:survey_id>", methods=["GET", "POST"],
          endpoint="builder_edit")
@login_required
@limiter.limit(POST_LIMIT, methods=["POST"])
def edit(survey_id: int):
    survey = _survey(survey_id)
    if request.method == "GET":
        return _edit_page(survey)
    form = _survey_form(survey)
    if form.validate_on_submit():
        _done, error = _unit(lambda: services.update_survey(current_user, survey,
                                                            form.survey_data()))
        if error is None:
            flash(_("Guardamos los datos de la encuesta."), "success")
            return redirect(_edit_url(survey))
        _attach(form, error)
    return _edit_page(survey, 422, form=form)


def _groups(survey: Survey) -> list[tuple[SurveySection | None, list[SurveyQuestion]]]:
    """The questions by section, in the order the respondent sees them (as
    ``answer_form.build`` lays them out): each section in its order, then the questions
    without a section."""
    by_section: dict[int | None, list[SurveyQuestion]] = {}
    for question in survey.questions:
        by_section.setdefault(question.section_id, []).append(question)
    groups = [(section, by_section.get(section.id, [])) for section in survey.sections]
    if None in by_section:
        groups.append((None, by_section[None]))
    return groups


def _ordered(survey: Survey) -> list[SurveyQuestion]:
    return [question for _section, questions in _groups(survey) for question in questions]


def _numbers(survey: Survey) -> dict[int, int]:
    return {question.id: number for number, question in enumerate(_ordered(survey), 1)}


def _condition_texter(survey: Survey) -> Callable[[SurveyQuestion], str]:
    numbers = _numbers(survey)
    questions = {question.id: question for question in survey.questions}

    def text(question: SurveyQuestion) -> str:
        source = questions.get(question.condition_question_id)
        if source is None or not question.condition_option:
            return ""
        option = next((o.label for o in source.options if o.code == question.condition_option),
                      question.condition_option)
        return _("Se muestra solo si en la pregunta %(num)d («%(text)s») se eligió «%(option)s».",
                 num=numbers.get(source.id, 0), text=source.text, option=option)

    return text


def _section_forms(survey: Survey) -> dict[int, SectionForm]:
    return {section.id: SectionForm(formdata=None, prefix=f"s{section.id}",
                                    data={"title": section.title,
                                          "description": section.description})
            for section in survey.sections}


def _share_url(survey: Survey) -> str | None:
    if survey.status != "open" or survey.audience != "public":
        return None
    if not _has_endpoint("surveys.answer"):
        return None
    return url_for("surveys.answer", key=survey.slug, _external=True)


def _edit_page(survey: Survey, status: int = 200, form: SurveyForm | None = None,
               section_form: SectionForm | None = None, section_forms: dict | None = None,
               refused: list | None = None):
    return render_template(
        "surveys/builder_edit.html", survey=survey,
        form=form or _survey_form(survey, formdata=None, data=SurveyForm.initial(survey)),
        frozen=services.is_frozen(survey), groups=_groups(survey), numbers=_numbers(survey),
        condition_text=_condition_texter(survey),
        section_form=section_form or SectionForm(formdata=None, prefix="new_section"),
        section_forms={**_section_forms(survey), **(section_forms or {})},
        answers=services.answer_count(survey), share_url=_share_url(survey),
        refused=[str(message) for message in refused or ()],
        promises=_promises(), **_labels()), status


# --- open, close, duplicate --------------------------------------------------------------


def _button(survey: Survey, act: Callable[[], object], done: str, anchor: str | None = None):
    """One of the builder's buttons (a POST with only the CSRF token): commit and go back
    to the survey with ``done``, or show the survey again with the refusal (422)."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    _result, error = _unit(act)
    if error is not None:
        return _edit_page(survey, 422, refused=list(error.errors.values()))
    flash(done, "success")
    return redirect(_edit_url(survey, anchor))


@bp.route("/personal/encuestas/<int:survey_id>/abrir", methods=["POST"],
          endpoint="builder_open")
@login_required
@limiter.limit(POST_LIMIT)
def open_survey(survey_id: int):
    survey = _survey(survey_id)
    return _button(survey, lambda: services.open_survey(current_user, survey),
                   _("La encuesta está abierta."))


@bp.route("/personal/encuestas/<int:survey_id>/cerrar", methods=["POST"],
          endpoint="builder_close")
@login_required
@limiter.limit(POST_LIMIT)
def close_survey(survey_id: int):
    survey = _survey(survey_id)
    return _button(survey, lambda: services.close_survey(current_user, survey),
                   _("La encuesta está cerrada: ya no recibe respuestas."))


@bp.route("/personal/encuestas/<int:survey_id>/duplicar", methods=["POST"],
          endpoint="builder_duplicate")
@login_required
@limiter.limit(POST_LIMIT)
def duplicate(survey_id: int):
    survey = _survey(survey_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    copy, error = _unit(lambda: services.duplicate(current_user, survey))
    if error is not None:
        return _edit_page(survey, 422, refused=list(error.errors.values()))
    flash(_("Creamos una copia en borrador. Cambia lo que necesites antes de abrirla."),
          "success")
    return redirect(_edit_url(copy))


# --- sections ------------------------------------------------------------------------------


@bp.route("/personal/encuestas/<int:survey_id>/secciones", methods=["POST"],
          endpoint="builder_section_new")
@login_required
@limiter.limit(POST_LIMIT)
def section_new(survey_id: int):
    survey = _survey(survey_id)
    form = SectionForm(prefix="new_section")
    if form.validate_on_submit():
        _done, error = _unit(lambda: services.add_section(current_user, survey,
                                                          form.section_data()))
        if error is None:
            flash(_("Agregamos la sección."), "success")
            return redirect(_edit_url(survey, "preguntas"))
        _attach(form, error)
    return _edit_page(survey, 422, section_form=form)


@bp.route("/personal/encuestas/<int:survey_id>/secciones/<int:section_id>", methods=["POST"],
          endpoint="builder_section_edit")
@login_required
@limiter.limit(POST_LIMIT)
def section_edit(survey_id: int, section_id: int):
    survey = _survey(survey_id)
    section = _section(survey, section_id)
    form = SectionForm(prefix=f"s{section.id}")
    if form.validate_on_submit():
        _done, error = _unit(lambda: services.update_section(current_user, section,
                                                             form.section_data()))
        if error is None:
            flash(_("Guardamos la sección."), "success")
            return redirect(_edit_url(survey, "preguntas"))
        _attach(form, error)
    return _edit_page(survey, 422, section_forms={section.id: form})


@bp.route("/personal/encuestas/<int:survey_id>/secciones/<int:section_id>/borrar",
          methods=["POST"], endpoint="builder_section_delete")
@login_required
@limiter.limit(POST_LIMIT)
def section_delete(survey_id: int, section_id: int):
    survey = _survey(survey_id)
    section = _section(survey, section_id)
    def act():
        services.delete_section(current_user, section)
        _follow_sections(survey)

    return _button(survey, act, _("Borramos la sección; sus preguntas quedaron sin sección, "
                                  "al final."), "preguntas")


# --- questions -------------------------------------------------------------------------------


def _condition_choices(survey: Survey, question: SurveyQuestion | None) -> list:
    """Every option of the choice questions before ``question`` (all of them for a new
    question, which goes last), as "<id>:<code>" with "N. question = option"."""
    numbers = _numbers(survey)
    choices = []
    for earlier in _ordered(survey):
        if question is not None and earlier.id == question.id:
            break
        if earlier.kind not in CHOICE_KINDS:
            continue
        for option in earlier.options:
            choices.append((f"{earlier.id}{CONDITION_SEPARATOR}{option.code}",
                            f"{numbers[earlier.id]}. {earlier.text} = {option.label}"))
    return choices


def _question_form(survey: Survey, question: SurveyQuestion | None, **kwargs) -> QuestionForm:
    sections = [(section.id, section.title or _("Sección sin título"))
                for section in survey.sections]
    if sections:
        sections.append(("", _("Sin sección (al final)")))
    return QuestionForm(sections=sections, kinds=list(labels.QUESTION_KINDS.items()),
                        conditions=_condition_choices(survey, question), **kwargs)


def _question_page(survey: Survey, question: SurveyQuestion | None, form: QuestionForm,
                   status: int = 200):
    return render_template("surveys/builder_question.html", survey=survey, question=question,
                           form=form, kind_help=KIND_HELP), status


def _structure_open(survey: Survey):
    """A frozen survey's questions cannot change: its question pages send staff back to the
    survey with the reason (the services refuse the POSTs as well)."""
    if services.is_frozen(survey):
        flash(_("Esta encuesta ya tiene respuestas: sus preguntas no se pueden cambiar. "
                "Duplícala para crear una nueva versión."), "error")
        return redirect(_edit_url(survey))
    return None


def _save_question(survey: Survey, question: SurveyQuestion | None, form: QuestionForm):
    """Add or change the question and its options (``data["options"]``, which the
    service applies to choice questions) as one unit of work."""
    data = form.question_data()

    def act():
        saved = (services.update_question(current_user, question, data) if question
                 else services.add_question(current_user, survey, data))
        _follow_sections(survey)
        return saved

    return _unit(act)


def _follow_sections(survey: Survey) -> None:
    """Keep the questions' global positions in the order people see them (section by
    section): a question added to, or moved into, an earlier section is appended at the end
    by the service, and the answering page numbers questions by position."""
    db.session.expire(survey, ["questions", "sections"])
    shown = [question.id for question in _ordered(survey)]
    if shown != [question.id for question in survey.questions]:
        services.reorder_questions(current_user, survey, shown)


@bp.route("/personal/encuestas/<int:survey_id>/preguntas/nueva", methods=["GET", "POST"],
          endpoint="builder_question_new")
@login_required
@limiter.limit(POST_LIMIT, methods=["POST"])
def question_new(survey_id: int):
    survey = _survey(survey_id)
    if request.method == "GET":
        section = request.args.get("seccion") or (
            str(survey.sections[-1].id) if survey.sections else "")
        return _structure_open(survey) or _question_page(
            survey, None, _question_form(survey, None, data={"section_id": section}))
    form = _question_form(survey, None)
    if form.validate_on_submit():
        saved, error = _save_question(survey, None, form)
        if error is None:
            flash(_("Agregamos la pregunta."), "success")
            return redirect(_edit_url(survey, f"pregunta-{saved.id}"))
        _attach(form, error, QUESTION_FIELD_OF)
    return _question_page(survey, None, form, 422)


@bp.route("/personal/encuestas/<int:survey_id>/preguntas/<int:question_id>",
          methods=["GET", "POST"], endpoint="builder_question_edit")
@login_required
@limiter.limit(POST_LIMIT, methods=["POST"])
def question_edit(survey_id: int, question_id: int):
    survey = _survey(survey_id)
    question = _question(survey, question_id)
    if request.method == "GET":
        return _structure_open(survey) or _question_page(
            survey, question, _question_form(survey, question,
                                             data=QuestionForm.initial(question)))
    form = _question_form(survey, question)
    if form.validate_on_submit():
        _saved, error = _save_question(survey, question, form)
        if error is None:
            flash(_("Guardamos la pregunta."), "success")
            return redirect(_edit_url(survey, f"pregunta-{question.id}"))
        _attach(form, error, QUESTION_FIELD_OF)
    return _question_page(survey, question, form, 422)


@bp.route("/personal/encuestas/<int:survey_id>/preguntas/<int:question_id>/borrar",
          methods=["POST"], endpoint="builder_question_delete")
@login_required
@limiter.limit(POST_LIMIT)
def question_delete(survey_id: int, question_id: int):
    survey = _survey(survey_id)
    question = _question(survey, question_id)
    return _button(survey, lambda: services.delete_question(current_user, question),
                   _("Borramos la pregunta."), "preguntas")


@bp.route("/personal/encuestas/<int:survey_id>/preguntas/<int:question_id>/mover",
          methods=["POST"], endpoint="builder_question_move")
@login_required
@limiter.limit(POST_LIMIT)
def question_move(survey_id: int, question_id: int):
    survey = _survey(survey_id)
    question = _question(survey, question_id)
    direction = request.form.get("direction", "")
    return _button(survey, lambda: services.move_question(current_user, question, direction),
                   _("Cambiamos el orden."), f"pregunta-{question.id}")


@bp.route("/personal/encuestas/<int:survey_id>/orden", methods=["POST"],
          endpoint="builder_reorder")
@login_required
@limiter.limit(POST_LIMIT)
def reorder(survey_id: int):
    """The whole order at once (``order`` repeated, every question id in the new order):
    what survey-builder.js posts after a drag. JSON for the script, a redirect otherwise."""
    survey = _survey(survey_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    ids = request.form.getlist("order")
    _done, error = _unit(lambda: services.reorder_questions(current_user, survey, ids))
    wants_json = request.accept_mimetypes.best == "application/json"
    if error is not None:
        message = " ".join(str(text) for text in error.errors.values())
        if wants_json:
            return jsonify(ok=False, error=message), 422
        return _edit_page(survey, 422, refused=[message])
    if wants_json:
        return jsonify(ok=True, order=[question.id for question in _ordered(survey)])
    flash(_("Cambiamos el orden."), "success")
    return redirect(_edit_url(survey, "preguntas"))


# --- preview -------------------------------------------------------------------------------


@bp.route("/personal/encuestas/<int:survey_id>/vista-previa", endpoint="builder_preview")
@login_required
def preview(survey_id: int):
    """The survey as a respondent sees it; the form goes nowhere, so nothing is saved."""
    survey = _survey(survey_id)
    return render_template("surveys/builder_preview.html", survey=survey,
                           sections=answer_form.build(survey, typed=request.args),
                           cookie_notice=False)
