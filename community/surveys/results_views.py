"""Staff's reading of a survey (/personal/encuestas/<id>/resultados): the figures and charts
under GET filters, two periods side by side, every text answer page by page, and the answers
as CSV or XLSX.

Every route asks ``results.require_results_access`` first (staff only; 403 for anyone else)
and only reads: the filters are a GET form, so the pages work without JavaScript and can be
bookmarked. A refused filter comes back next to its field with HTTP 400.
"""

from datetime import date

from flask import (
    Response,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.core.pagination import page_arg
from community.core.timeutil import to_local, utcnow
from community.surveys import bp, charts, exports
from community.surveys import results as survey_results
from community.surveys.labels import QUESTION_KINDS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTER_NAMES = ("evento", "tipo", "municipio", "desde", "hasta")


def _today() -> date:
    """Today in Mexico City (a period "until today" ends on the local day)."""
    return to_local(utcnow()).date()


def _survey(survey_id: int):
    """The survey for staff: 403 for anyone else, then 404 for an unknown id."""
    return survey_results.require_results_access(current_user,
                                                 survey_results.get_survey(survey_id))


def _filters(survey):
    choices = survey_results.filter_choices(survey)
    filters, chosen, errors = survey_results.parse_filters(request.args, choices)
    return filters, chosen, errors, choices


def _filter_args(chosen: dict) -> dict:
    """The chosen filters as query arguments (empty ones left out), for links."""
    return {name: chosen[name] for name in FILTER_NAMES if chosen.get(name)}


def fmt_value(value, unit: str) -> str:
    """An indicator as a person reads it."""
    if value is None:
        return "—"
    if unit == "share":
        return charts.percent(value)
    if unit == "score":
        return charts.signed(value)
    if unit == "count":
        return str(int(value))
    return charts.decimal(value)


def fmt_difference(value, unit: str) -> str:
    """A difference: percentage points for shares, signed for the rest."""
    if value is None:
        return "—"
    if unit == "share":
        return _("%(points)s puntos", points=charts.signed(value * 100))
    if unit in ("score", "count"):
        return charts.signed(value)
    return charts.signed(value, 1)


HELPERS = {"percent": charts.percent, "decimal": charts.decimal, "signed": charts.signed,
           "fmt_value": fmt_value, "fmt_difference": fmt_difference,
           "question_kinds": QUESTION_KINDS, "hidden_message": survey_results.HIDDEN_MESSAGE}


@bp.route("/personal/encuestas/<int:survey_id>/resultados")
@login_required
def results(survey_id: int):
    survey = _survey(survey_id)
    filters, chosen, errors, choices = _filters(survey)
    outcome = survey_results.results(survey, filters)
    links = _filter_args(chosen)
    body = render_template(
        "surveys/results.html", survey=survey, results=outcome, chosen=chosen, errors=errors,
        choices=choices, filter_args=links, staff=True,
        text_url=lambda question_id: url_for("surveys.results_texts", survey_id=survey.id,
                                             question_id=question_id, **links),
        **HELPERS)
    return body, 400 if errors else 200


@bp.route("/personal/encuestas/<int:survey_id>/resultados/comparar")
@login_required
def results_compare(survey_id: int):
    survey = _survey(survey_id)
    filters, chosen, errors, choices = _filters(survey)
    period_a, period_b, periods, period_errors = survey_results.parse_periods(request.args,
                                                                             _today())
    comparison = survey_results.compare(survey, period_a, period_b, filters)
    errors = {**errors, **period_errors}
    body = render_template(
        "surveys/results_compare.html", survey=survey, comparison=comparison, chosen=chosen,
        periods=periods, errors=errors, choices=choices, filter_args=_filter_args(chosen),
        this_year=_today().year, **HELPERS)
    return body, 400 if errors else 200


@bp.route("/personal/encuestas/<int:survey_id>/resultados/textos/<int:question_id>")
@login_required
def results_texts(survey_id: int, question_id: int):
    survey = _survey(survey_id)
    filters, chosen, errors, _choices = _filters(survey)
    question, answered, page = survey_results.text_page(survey, question_id, filters,
                                                        page_arg(request.args))
    links = _filter_args(chosen)
    return render_template(
        "surveys/results_texts.html", survey=survey, question=question, answered=answered,
        page=page, filter_args=links, errors=errors,
        page_url=lambda number: url_for("surveys.results_texts", survey_id=survey.id,
                                        question_id=question.id, page=number, **links),
        **HELPERS)


def _export_allowed(survey, filters) -> bool:
    """An anonymous survey's rows leave only in groups of at least MIN_GROUP answers."""
    if not survey.anonymous:
        return True
    _invited, answered = survey_results.totals(survey, filters)
    return answered >= survey_results.MIN_GROUP


def _export_name(survey, extension: str) -> str:
    return f"encuesta-{survey.id}-respuestas-{_today().strftime('%Y%m%d')}.{extension}"


def _refuse_export(survey, chosen):
    flash(_("No se puede exportar: hay menos de 5 respuestas con estos filtros."), "error")
    return redirect(url_for("surveys.results", survey_id=survey.id, **_filter_args(chosen)))


@bp.route("/personal/encuestas/<int:survey_id>/resultados.csv")
@login_required
def results_csv(survey_id: int):
    """One row per response, streamed (a large survey never sits in memory)."""
    survey = _survey(survey_id)
    filters, chosen, _errors, _choices = _filters(survey)
    if not _export_allowed(survey, filters):
        return _refuse_export(survey, chosen)
    body = exports.csv_chunks(survey, filters)
    response = Response(stream_with_context(body), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f"attachment; filename={_export_name(survey, 'csv')}")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/personal/encuestas/<int:survey_id>/resultados.xlsx")
@login_required
def results_xlsx(survey_id: int):
    survey = _survey(survey_id)
    filters, chosen, _errors, _choices = _filters(survey)
    if not _export_allowed(survey, filters):
        return _refuse_export(survey, chosen)
    response = send_file(exports.xlsx_file(survey, filters), mimetype=XLSX,
                         as_attachment=True, download_name=_export_name(survey, "xlsx"),
                         max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


def public_context(survey) -> dict:
    """What ``surveys/_results.html`` needs on the public page (S-C's view): the published
    aggregate results (404 unless staff published them), no text answers, no staff links."""
    return {"results": survey_results.public_results(survey), "staff": False, **HELPERS}
