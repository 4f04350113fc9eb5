"""CSV and XLSX exports: one row per response, choices as labels, formula-safe cells, hostile
text kept as text, and no identity (nor context) in an anonymous survey."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from community.surveys import exports
from tests.conftest import client_as
from tests.surveys.results_helpers import OTHER_CODE, XSS, answer, make_survey

QUESTIONS = [
    ("single", "=SUM(A1) ¿Cómo te enteraste?", ["Redes", "+Correo"]),
    ("multiple", "Temas", ["Fiscal", "Legal", XSS]),
    ("nps", "¿Recomendarías?"),
    ("long_text", "Comentarios"),
]
ROWS = [
    {0: "o1", 1: ["o1", "o3"], 2: 10, 3: "=HYPERLINK(\"http://x\")"},
    {0: "o2", 1: ["o2", (OTHER_CODE, "@Arte")], 2: 7, 3: XSS},
    {0: "o1", 1: ["o1"], 2: 0, 3: "-2+3"},
    {0: "o2", 1: ["o3"], 2: 9, 3: "\tTabulado"},
    {0: "o1", 2: 8, 3: "Normal"},
]


def _fill(survey, user_id=None):
    for row in ROWS:
        answer(survey, row, day=date(2026, 3, 2), kind="taller", municipality="15106",
               user_id=user_id)


def _csv(client, survey):
    response = client.get(f"/personal/encuestas/{survey.id}/resultados.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_one_row_per_response_with_labels_and_safe_cells(app, staff):
    survey = make_survey(QUESTIONS)
    _fill(survey)
    rows = _csv(client_as(app, staff), survey)
    header, body = rows[0], rows[1:]
    assert header == ["Fecha", "1. =SUM(A1) ¿Cómo te enteraste?", "2. Temas",
                      "3. ¿Recomendarías?", "4. Comentarios"]
    assert len(body) == 5
    by_nps = {row[3]: row for row in body}
    assert by_nps["10"] == ["2026-03-02", "Redes", "Fiscal; " + XSS,
                            "10", "'=HYPERLINK(\"http://x\")"]
    assert by_nps["7"][1] == "'+Correo"
    assert by_nps["7"][2] == "Legal; Otro: @Arte"
    assert by_nps["7"][4] == XSS.replace("=", "'=", 1)  # stays text, made safe
    assert by_nps["0"][4] == "'-2+3"
    assert by_nps["9"][4] == "'\tTabulado"
    assert by_nps["8"][2] == ""  # the multiple choice was skipped
    for row in body:
        assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_anonymous_export_has_no_identity_nor_context(app, staff, make_user):
    person = make_user(name="Rosa Identificable", email="rosa@ejemplo.mx")
    survey = make_survey(QUESTIONS)
    _fill(survey, user_id=person.id)
    client = client_as(app, staff)
    text = "\n".join(",".join(row) for row in _csv(client, survey))
    for secret in ("Rosa", "rosa@ejemplo.mx", "15106", "Toluca", "taller"):
        assert secret not in text
    workbook = load_workbook(io.BytesIO(client.get(
        f"/personal/encuestas/{survey.id}/resultados.xlsx").data))
    values = [str(cell.value) for row in workbook.active.iter_rows() for cell in row]
    assert not any("Rosa" in v or "15106" in v or "taller" in v for v in values)


def test_identified_export_names_the_person(app, staff, make_user):
    person = make_user(name="Rosa Identificada", email="rosa@ejemplo.mx")
    survey = make_survey(QUESTIONS, anonymous=False)
    _fill(survey, user_id=person.id)
    rows = _csv(client_as(app, staff), survey)
    assert rows[0][:6] == ["Fecha", "Persona", "Correo", "Evento", "Tipo", "Municipio"]
    assert rows[1][1:3] == ["Rosa Identificada", "rosa@ejemplo.mx"]
    assert rows[1][5] == "Toluca"


def test_xlsx_typed_and_formula_safe(app, staff):
    survey = make_survey(QUESTIONS)
    _fill(survey)
    response = client_as(app, staff).get(f"/personal/encuestas/{survey.id}/resultados.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]][1] == "1. =SUM(A1) ¿Cómo te enteraste?"
    assert rows[0][1].data_type == "s"  # numbered, so never read as a formula
    assert len(rows) == 6
    by_nps = {row[3].value: row for row in rows[1:]}
    assert by_nps[10][0].value.date() == date(2026, 3, 2)
    formula = by_nps[10][4]
    assert formula.value == "=HYPERLINK(\"http://x\")"
    assert formula.data_type == "s" and formula.quotePrefix  # text, shown with its apostrophe
    assert by_nps[7][4].value == XSS and by_nps[7][4].data_type == "s"
    assert all(cell.data_type != "f" for row in rows for cell in row)


def test_safe_text_prefixes_every_formula_start():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert exports.safe_text(start + "1") == "'" + start + "1"
    assert exports.safe_text("Hola") == "Hola"
    assert exports.safe_text(None) == ""


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_export_of_an_anonymous_group_under_five_is_refused(app, staff, extension):
    survey = make_survey(QUESTIONS)
    _fill(survey)
    client = client_as(app, staff)
    response = client.get(
        f"/personal/encuestas/{survey.id}/resultados.{extension}?desde=2026-03-03")
    assert response.status_code == 302
    assert f"/personal/encuestas/{survey.id}/resultados?desde=2026-03-03" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "menos de 5 respuestas con estos filtros" in page
