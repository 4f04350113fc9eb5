"""The padrón export (issue 12): the validated padrón by default, labels beside codes, and an
XLSX whose typed cells keep a postal code's leading zero and never run a formula."""

import csv
import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from community.profiles import exports
from tests.conftest import sign_in


@pytest.fixture
def padron(make_org):
    make_org(name="=HYPERLINK(\"http://evil\")", municipality="15058", legal_name="+Peligrosa",
             postal_code="05120", rfc="ABC010203AB9", social_registry_folio="0012",
             constituted_on="2001-02-03", sat_donee=True, legal_form="AC",
             activities=("I", "II"), populations=["ninez", "mujeres"],
             served_municipalities=["15058", "15099"])
    make_org(name="Niñez Alegre", municipality="15106", activities=("IX",))
    make_org(name="Pendiente", status="pending")


def _xlsx(client, query=""):
    response = client.get(f"/personal/padron.xlsx{query}")
    assert response.status_code == 200, response.status_code
    assert response.mimetype == exports_mimetype()
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    return sheet, [dict(zip(header, row, strict=True)) for row in rows[1:]]


def exports_mimetype():
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_xlsx_has_typed_cells_labels_and_codes(client, staff, padron):
    sign_in(client, staff.email)
    sheet, rows = _xlsx(client)
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == 40
    # the default is the validated padrón
    assert {row["estatus_codigo"].value for row in rows} == {"validated"}
    assert len(rows) == 2
    evil = next(row for row in rows if row["nombre"].value.startswith("="))
    # text cells: the leading zero stays, a formula stays text
    assert evil["codigo_postal"].value == "05120" and evil["codigo_postal"].data_type == "s"
    assert evil["folio_registro_social"].value == "0012"
    assert evil["nombre"].data_type == "s" and evil["nombre"].value == '=HYPERLINK("http://evil")'
    assert evil["razon_social"].data_type == "s" and evil["razon_social"].value == "+Peligrosa"
    assert evil["rfc"].value == "ABC010203AB9" and evil["rfc"].number_format == "@"
    # dates as dates, booleans as Sí/No
    assert evil["fecha_constitucion"].is_date
    assert evil["fecha_constitucion"].value == datetime(2001, 2, 3)
    assert isinstance(evil["validada_en"].value, datetime)
    assert evil["donataria_autorizada"].value == "Sí"
    # labels beside codes
    assert evil["estatus"].value == "Validada"
    assert evil["figura_juridica"].value.startswith("Asociación Civil")
    assert evil["figura_juridica_codigo"].value == "AC"
    assert evil["actividades_fracciones"].value == "I, II"
    assert "I, II" not in evil["actividades"].value and len(evil["actividades"].value) > 20
    assert evil["poblaciones"].value == "Niñez; Mujeres" or set(
        evil["poblaciones"].value.split("; ")) == {"Niñez", "Mujeres"}
    assert set(evil["poblaciones_codigos"].value.split(", ")) == {"ninez", "mujeres"}
    assert "Texcoco" in evil["municipios_atendidos"].value
    assert set(evil["municipios_atendidos_claves"].value.split(", ")) == {"15058", "15099"}


def test_xlsx_has_the_csv_filters(client, staff, padron):
    sign_in(client, staff.email)
    _, rows = _xlsx(client, "?municipio=15106&area=IX")
    assert [row["nombre"].value for row in rows] == ["Niñez Alegre"]
    _, rows = _xlsx(client, "?estatus=pending")
    assert [row["nombre"].value for row in rows] == ["Pendiente"]
    assert rows[0]["estatus"].value == "Pendiente de validación"
    assert client.get("/personal/padron.xlsx?estatus=nada").status_code == 422


def test_csv_has_labels_beside_codes(client, staff, padron):
    sign_in(client, staff.email)
    raw = client.get("/personal/padron.csv").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw)))
    assert len(rows) == 2 and {r["estatus"] for r in rows} == {"Validada"}
    evil = next(row for row in rows if "HYPERLINK" in row["nombre"])
    assert evil["nombre"].startswith("'=")  # still neutralised in the CSV
    assert evil["estatus_codigo"] == "validated"
    assert evil["actividades_fracciones"] == "I, II"
    assert evil["poblaciones_codigos"] and "Niñez" in evil["poblaciones"]
    assert evil["donataria_autorizada"] == "Sí" and evil["fecha_constitucion"] == "2001-02-03"


def test_export_page_defaults_to_the_validated_padron_and_offers_xlsx(client, staff):
    sign_in(client, staff.email)
    body = client.get("/personal/padron").get_data(as_text=True)
    assert re.search(r'<option value="validated" selected>', body)
    assert not re.search(r'<option value="pending" selected>', body)
    assert "/personal/padron.xlsx" in body and 'id="xlsx-size"' in body


def test_xlsx_writes_many_rows_in_write_only_mode():
    records = ({"nombre": f"OSC {n}", "codigo_postal": "05000", "validada_en": date(2026, 1, 1),
                "donataria_autorizada": False} for n in range(5000))
    handle = exports.xlsx_file(records)
    sheet = load_workbook(handle, read_only=True).active
    rows = sheet.iter_rows(values_only=True)
    assert next(rows)[0] == "slug"
    assert sum(1 for _ in rows) == 5000
