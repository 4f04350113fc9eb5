"""Issue 16, exports: the indicators as an Excel workbook (values by period and municipality,
the MIR sheets), as CSV, and as the PDF *Informe de resultados*; staff only, audited, and a
bad period answers 400 in Spanish."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from community.advisory.models import AdvisoryRequest, AdvisorySession
from community.core.models import AuditEntry
from community.core.periods import local_today, one_year_earlier, quarter, year_to_date
from community.staff import figures
from community.staff import indicator_exports as exports
from community.staff.indicators import INDICATORS
from community.staff.models import IndicatorGoal
from tests.conftest import client_as

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATE = "Estado de México (todo el estado)"


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


@pytest.fixture
def data(db, make_org, staff):
    """Three validated OSCs (two in Toluca, one in Ecatepec), one pending, and one advisory
    session held today in Toluca; a goal for the padrón this year."""
    make_org(name="Mujeres que Reverdecen", municipality="15106")
    make_org(name="Jóvenes del Valle", municipality="15106")
    make_org(name="Red Ecatepec", municipality="15033")
    make_org(name="Pendiente de validar", status="pending")
    request = AdvisoryRequest(folio="ASE-2026-00001", topic="constituir", requester_kind="grupo",
                              proposed_name="Grupo Nuevo", municipality_code="15106",
                              modality="municipio", state="en_proceso")
    db.session.add(request)
    db.session.flush()
    db.session.add(AdvisorySession(request_id=request.id, held_on=local_today(),
                                   modality="municipio", duration_minutes=60,
                                   people_attended=4))
    db.session.add(IndicatorGoal(indicator="padron-validadas", year=local_today().year,
                                 value=6, set_by_id=staff.id))
    db.session.commit()


def _periods():
    return year_to_date(local_today())


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


# --- the workbook ---------------------------------------------------------------------------


def test_the_workbook_has_values_and_sheets(ctx, data):
    this, previous = _periods()
    book = load_workbook(io.BytesIO(exports.xlsx_bytes(this, previous)))
    assert book.sheetnames == ["Valores", "Indicadores"]
    values = _rows(book["Valores"])
    assert list(values[0]) == exports.VALUE_COLUMN_NAMES
    state = [row for row in values[1:] if row[6] == STATE]
    assert [row[0] for row in state] == [i.key for i in INDICATORS]
    sheets = _rows(book["Indicadores"])
    assert list(sheets[0]) == exports.SHEET_COLUMN_NAMES
    assert [row[0] for row in sheets[1:]] == [i.key for i in INDICATORS]
    padron = next(row for row in sheets[1:] if row[0] == "padron-validadas")
    assert padron[1] == "OSC en el padrón (validadas)"
    assert padron[8] == "ascendente" and padron[11] == 6
    late = next(row for row in sheets[1:] if row[0] == "dias-primer-contacto")
    assert late[8] == "descendente" and "mediana" in late[5]


def test_a_value_in_the_workbook_is_the_cards_value(ctx, data):
    this, previous = _periods()
    cards = {c.indicator.key: c for c in figures.cards(this, previous)}
    assert cards["padron-validadas"].value == 3
    assert cards["asesorias-otorgadas"].value == 1
    values = _rows(load_workbook(io.BytesIO(exports.xlsx_bytes(this, previous)))["Valores"])
    by_key = {(row[0], row[5]): row for row in values[1:]}
    for key in ("padron-validadas", "asesorias-otorgadas", "padron-nuevas"):
        row = by_key[(key, None)]
        assert row[7] == cards[key].value
        assert row[8] == cards[key].previous
        assert row[3].date() == this.start and row[4].date() == this.end
    # the municipalities with a value: Toluca has two OSCs, Ecatepec one
    assert by_key[("padron-validadas", "15106")][7] == 2
    assert by_key[("padron-validadas", "15106")][6] == "Toluca"
    assert by_key[("padron-validadas", "15033")][7] == 1
    assert by_key[("asesorias-otorgadas", "15106")][7] == 1
    assert ("asesorias-otorgadas", "15033") not in by_key
    assert by_key[("padron-validadas", "15106")][8] is None  # no comparison by municipality


def test_one_municipality_gets_its_own_rows_with_comparison(ctx, data):
    this, previous = _periods()
    values = _rows(load_workbook(io.BytesIO(
        exports.xlsx_bytes(this, previous, "15033")))["Valores"])[1:]
    assert len(values) == len(INDICATORS)
    assert {row[5] for row in values} == {"15033"}
    padron = next(row for row in values if row[0] == "padron-validadas")
    assert padron[7] == 1 and padron[8] == 0


def test_text_that_looks_like_a_formula_stays_text(ctx, data, monkeypatch):
    monkeypatch.setattr(exports, "state_label", lambda: "=HYPERLINK(\"http://x\")")
    this, previous = _periods()
    book = load_workbook(io.BytesIO(exports.xlsx_bytes(this, previous)))
    cell = book["Valores"]["G2"]
    assert cell.value == "=HYPERLINK(\"http://x\")"
    assert cell.data_type == "s" and cell.quotePrefix
    text = exports.csv_text(this, previous)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1][6] == "'=HYPERLINK(\"http://x\")"


# --- CSV ------------------------------------------------------------------------------------


def test_the_csv_is_the_values_table_with_a_bom(ctx, data):
    this, previous = _periods()
    text = exports.csv_text(this, previous)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert list(rows[0]) == exports.VALUE_COLUMN_NAMES
    state = {row["clave"]: row for row in rows if row["municipio"] == STATE}
    assert list(state) == [i.key for i in INDICATORS]
    assert state["padron-validadas"]["valor"] == "3"
    assert state["padron-validadas"]["desde"] == this.start.isoformat()
    assert state["asesorias-otorgadas"]["indicador"] == "Asesorías otorgadas"


def test_negative_figures_stay_numbers_in_the_csv():
    """A negative NPS is a number, not a formula to neutralise."""
    assert exports._csv_value(-20.0) == -20.0
    assert exports._csv_value("-2+3") == "'-2+3"
    assert exports.typed(3, 1) == 3.0 and exports.typed(2.0, 0) == 2


# --- the PDF ---------------------------------------------------------------------------------


def _pdf_text(body: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(body))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_report_has_the_cards_charts_and_method(ctx, data):
    this, previous = _periods()
    body = exports.report_pdf(this, previous, today=local_today())
    assert body.startswith(b"%PDF")
    pages, text = _pdf_text(body)
    assert 3 <= pages <= 8
    assert "Informe de resultados" in text
    assert "Asesorías otorgadas" in text and "Satisfacción" in text
    assert "OSC en el padrón (validadas)" in text
    assert "Anexo: definición y método de cada indicador" in text
    assert "Método: Cuenta cada sesión registrada" in text
    assert "50.0 %" in text  # 3 validated OSCs of a goal of 6


def test_the_report_of_a_quarter_in_a_municipality(ctx, data):
    period = quarter(2025, 4)
    body = exports.report_pdf(period, one_year_earlier(period), "15106",
                              today=date(2026, 1, 15))
    pages, text = _pdf_text(body)
    assert "Periodo: Trimestre 4 de 2025 (del 1 de octubre de 2025 al 31 de diciembre de " \
        "2025)" in text
    assert "Comparado con: del 1 de octubre de 2024 al 31 de diciembre de 2024" in text
    assert "Ámbito: Toluca" in text
    assert "las metas son anuales" in text.lower()


# --- HTTP ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "mimetype", "start"), [
    ("/personal/indicadores/exportar.xlsx", XLSX, b"PK"),
    ("/personal/indicadores/exportar.csv", "text/csv", "\ufeffclave".encode()),
    ("/personal/indicadores/informe.pdf", "application/pdf", b"%PDF"),
])
def test_staff_download_each_file(app, db, data, staff, url, mimetype, start):
    response = client_as(app, staff).get(url)
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.data.startswith(start)
    this, _previous = _periods()
    extension = url.rsplit(".", 1)[1]
    kind = "informe-resultados" if extension == "pdf" else "indicadores"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename={kind}-{this.start.isoformat()}-{this.end.isoformat()}"
        f".{extension}")
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "indicator.export")).one()
    assert entry.actor_id == staff.id
    assert entry.details == {"format": extension, "municipality": None,
                             "period": f"{this.start.isoformat()}/{this.end.isoformat()}"}


def test_the_period_and_municipality_come_from_the_address(app, data, staff):
    client = client_as(app, staff)
    response = client.get("/personal/indicadores/exportar.csv?periodo=fechas"
                          "&desde=2026-01-01&hasta=2026-03-31&municipio=15106")
    assert response.status_code == 200
    assert "indicadores-2026-01-01-2026-03-31-15106.csv" in \
        response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True)[1:])))
    assert {row["clave_municipio"] for row in rows} == {"15106"}
    assert {row["hasta"] for row in rows} == {"2026-03-31"}
    response = client.get("/personal/indicadores/informe.pdf?periodo=anio&anio=2025")
    assert "informe-resultados-2025-01-01-2025-12-31.pdf" in \
        response.headers["Content-Disposition"]


def test_admins_download_too(app, make_user):
    admin = make_user(role="admin")
    response = client_as(app, admin).get("/personal/indicadores/exportar.xlsx")
    assert response.status_code == 200


@pytest.mark.parametrize("query", [
    "?periodo=semestre",
    "?periodo=fechas&desde=ayer&hasta=2026-03-31",
    "?periodo=fechas&desde=2026-04-01&hasta=2026-03-31",
    "?periodo=anio&anio=veinte",
    "?municipio=99999",
])
def test_a_bad_period_is_400_in_spanish(app, db, staff, query):
    client = client_as(app, staff)
    for url in ("/personal/indicadores/exportar.xlsx", "/personal/indicadores/informe.pdf"):
        response = client.get(url + query)
        assert response.status_code == 400, (url, query)
        body = response.get_data(as_text=True)
        assert any(word in body for word in ("Elige", "Escribe", "La fecha final")), body
    assert db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "indicator.export")).first() is None


def test_anonymous_visitors_go_to_sign_in(client):
    for url in ("/personal/indicadores/exportar.xlsx", "/personal/indicadores/exportar.csv",
                "/personal/indicadores/informe.pdf"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/cuenta/entrar" in response.headers["Location"]


def test_members_get_403_even_with_a_bad_period(app, make_org):
    org = make_org()
    member = client_as(app, org.admin)
    for url in ("/personal/indicadores/exportar.xlsx", "/personal/indicadores/exportar.csv",
                "/personal/indicadores/informe.pdf?periodo=fechas&desde=ayer"):
        assert member.get(url).status_code == 403, url
