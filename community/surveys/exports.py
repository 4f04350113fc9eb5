"""A survey's answers as a spreadsheet: one row per response, one column per question.

Choices are written as their labels (several joined with "; ", "otro" as "Otro: <texto>"),
scales and numbers as numbers, texts as typed. An anonymous survey's export carries the day
of each answer and nothing else about the person or the context (no event, municipality,
account or time): with them, a filter in a spreadsheet would undo the small-group hiding of
the results page. An identified survey adds the person's name and e-mail and the context.

Rows are read in pages of ``CHUNK`` responses by response id (random, so the order of the
rows says nothing about the order of the answers), each page with its answers in one more
statement, so memory stays flat. Every text cell that a spreadsheet would run as a formula
(= + - @, a tab or a carriage return first) is written with a leading apostrophe.
"""

import csv
import io
import tempfile
from dataclasses import dataclass

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import select

from community.accounts.models import User
from community.core.catalog import municipality_choices
from community.events.models import Event
from community.extensions import db
from community.profiles.queries import FORMULA_PREFIXES
from community.surveys import results as survey_results
from community.surveys.labels import OTHER_LABEL
from community.surveys.models import (
    CHOICE_KINDS,
    OTHER_CODE,
    Survey,
    SurveyAnswer,
    SurveyResponse,
)

CHUNK = 500
SEPARATOR = "; "


@dataclass(frozen=True)
class Column:
    key: str
    title: str


def safe_text(value) -> str:
    """A text cell no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def columns(survey: Survey, questions) -> list[Column]:
    """The header: the day, the person and context for identified surveys, then one column
    per question (numbered as in the survey)."""
    head = [Column("fecha", _("Fecha"))]
    if not survey.anonymous:
        head += [Column("persona", _("Persona")), Column("correo", _("Correo")),
                 Column("evento", _("Evento")), Column("tipo", _("Tipo")),
                 Column("municipio", _("Municipio"))]
    return head + [Column(f"q{question.id}", f"{index}. {question.text}")
                   for index, (question, _options) in enumerate(questions, start=1)]


def _answer_value(question, options: dict, answers: list):
    """The cell of one question from its answer rows (several for a multiple choice)."""
    if question.kind in CHOICE_KINDS:
        by_code = {answer.option_code: answer for answer in answers}
        labels = [options[code] for code in options if code in by_code]
        if OTHER_CODE in by_code:
            other = by_code[OTHER_CODE].text or ""
            labels.append(f"{OTHER_LABEL}: {other}" if other else str(OTHER_LABEL))
        return SEPARATOR.join(labels)
    answer = answers[0]
    return answer.number if answer.number is not None else (answer.text or "")


def _responses(survey: Survey, filters):
    """Responses in pages of CHUNK ordered by id (keyset, not OFFSET)."""
    last = ""
    conditions = survey_results._response_conditions(filters)
    while True:
        page = list(db.session.scalars(
            select(SurveyResponse).where(SurveyResponse.survey_id == survey.id,
                                         SurveyResponse.id > last, *conditions)
            .order_by(SurveyResponse.id).limit(CHUNK)))
        if not page:
            return
        yield page
        last = page[-1].id


def records(survey: Survey, filters, questions=None):
    """One dict per response: column key -> value (numbers stay numbers, a date a date)."""
    questions = questions if questions is not None else survey_results.questions_of(survey)
    option_labels = {q.id: {o.code: o.label for o in options} for q, options in questions}
    kinds = {q.id: q for q, _options in questions}
    context = _context_names() if not survey.anonymous else {}
    for page in _responses(survey, filters):
        ids = [response.id for response in page]
        grouped: dict[str, dict[int, list]] = {}
        for answer in db.session.scalars(
                select(SurveyAnswer).where(SurveyAnswer.response_id.in_(ids))):
            grouped.setdefault(answer.response_id, {}).setdefault(
                answer.question_id, []).append(answer)
        people = _people(page) if not survey.anonymous else {}
        for response in page:
            record = {"fecha": response.answered_on}
            if not survey.anonymous:
                person = people.get(response.user_id)
                record.update(persona=person[0] if person else "",
                              correo=person[1] if person else "",
                              evento=context.get("events", {}).get(response.event_id, ""),
                              tipo=response.event_kind or "",
                              municipio=context.get("municipalities", {}).get(
                                  response.municipality_code, response.municipality_code or ""))
            for question_id, answers in grouped.get(response.id, {}).items():
                question = kinds.get(question_id)
                if question is not None:
                    record[f"q{question_id}"] = _answer_value(
                        question, option_labels[question_id], answers)
            yield record


def _people(page) -> dict:
    ids = {response.user_id for response in page if response.user_id}
    if not ids:
        return {}
    return {row[0]: (row[1], row[2]) for row in db.session.execute(
        select(User.id, User.name, User.email).where(User.id.in_(ids)))}


def _context_names() -> dict:
    return {"municipalities": dict(municipality_choices()),
            "events": dict(db.session.execute(select(Event.id, Event.title)).all())}


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return safe_text(value)


def csv_chunks(survey: Survey, filters, questions=None):
    """The CSV, streamed: UTF-8 with a BOM (Excel then shows accents), a line at a time."""
    questions = questions if questions is not None else survey_results.questions_of(survey)
    header = columns(survey, questions)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow([safe_text(column.title) for column in header])
    for record in records(survey, filters, questions):
        writer.writerow([_csv_value(record.get(column.key)) for column in header])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _xlsx_cell(sheet, value):
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    if hasattr(value, "isoformat"):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    text = str(value)
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # a string cell: never a formula, whatever it starts with
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True
    return cell


def xlsx_file(survey: Survey, filters, questions=None):
    """The workbook in a temporary file (openpyxl's write-only mode keeps memory flat);
    returns the file, rewound."""
    questions = questions if questions is not None else survey_results.questions_of(survey)
    header = columns(survey, questions)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Respuestas recibidas"))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    titles = []
    for column in header:
        cell = _xlsx_cell(sheet, column.title)
        cell.font = bold
        titles.append(cell)
    sheet.append(titles)
    for record in records(survey, filters, questions):
        sheet.append([_xlsx_cell(sheet, record.get(column.key)) for column in header])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - returned; the response closes it
    workbook.save(handle)
    handle.seek(0)
    return handle
