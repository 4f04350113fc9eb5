"""The indicators taken away: an Excel workbook (the values by period and municipality, and the
indicators' MIR sheets), the same values as CSV, and the PDF *Informe de resultados* (the
cards by group, a chart of the months of each indicator, and the method as an annex).

The builders are request-free: the period, its comparison and the municipality come in as
arguments (``figures.parse_period`` reads them from a query string) and every figure comes from
``figures``, so a number in a file is the number on the page. ``export`` is the use case: it
checks that the person is staff and records the download in the audit trail.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from community.core import audit
from community.core.catalog import municipality_name
from community.core.periods import Period, date_range, local_today
from community.core.permissions import require_staff
from community.events.certificates import pdf_text
from community.profiles.exports import new_sheet
from community.profiles.queries import FORMULA_PREFIXES, csv_cell
from community.staff import figures
from community.staff.indicators import INDICATORS, Indicator

Value = int | float | None
FORMATS = ("xlsx", "csv", "pdf")
BRAND = (138, 21, 56)
GRAY = (170, 170, 170)
INK = (33, 33, 33)
GOOD, BAD = (27, 110, 54), (176, 32, 32)


# --- the use case -----------------------------------------------------------------------------


def export_indicators(actor) -> None:
    """Only staff and admins take the indicators away; asked before anything is read, so a
    bad period in someone else's address answers 403, never 400."""
    require_staff(actor)


def export(actor, fmt: str, period: Period, previous: Period,
           municipality: str | None = None, today: date | None = None) -> bytes:
    """The file in ``fmt`` (xlsx, csv or pdf), with an audit entry of who took what."""
    require_staff(actor)
    if fmt == "xlsx":
        body = xlsx_bytes(period, previous, municipality)
    elif fmt == "csv":
        body = csv_text(period, previous, municipality).encode("utf-8")
    elif fmt == "pdf":
        body = report_pdf(period, previous, municipality, today=today)
    else:
        raise ValueError(fmt)
    audit.record("indicator.export", actor, None, format=fmt,
                 period=f"{period.start.isoformat()}/{period.end.isoformat()}",
                 municipality=municipality)
    return body


def file_name(kind: str, period: Period, fmt: str, municipality: str | None = None) -> str:
    """``indicadores-2026-01-01-2026-12-07.xlsx``, ``informe-resultados-...-15106.pdf``."""
    place = f"-{municipality}" if municipality else ""
    return f"{kind}-{period.start.isoformat()}-{period.end.isoformat()}{place}.{fmt}"


# --- the values table (XLSX sheet "Valores" and the CSV) -------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    width: int = 14


VALUE_COLUMNS = [
    Column("clave", 24), Column("indicador", 42), Column("periodo", 26), Column("desde", 11),
    Column("hasta", 11), Column("clave_municipio", 10), Column("municipio", 28),
    Column("valor", 11), Column("valor_anio_anterior", 11), Column("unidad", 14),
]
VALUE_COLUMN_NAMES = [c.name for c in VALUE_COLUMNS]

SHEET_COLUMNS = [
    Column("clave", 24), Column("nombre", 40), Column("grupo", 14), Column("nivel", 12),
    Column("definicion", 50), Column("metodo_de_calculo", 70), Column("unidad", 12),
    Column("frecuencia", 11), Column("sentido", 12), Column("medios_de_verificacion", 45),
    Column("linea_base", 40), Column("meta_del_anio", 11),
]
SHEET_COLUMN_NAMES = [c.name for c in SHEET_COLUMNS]


def state_label() -> str:
    return _("Estado de México (todo el estado)")


def typed(value: Value, decimals: int) -> Value:
    """A figure as its indicator writes it: whole numbers as int, the others as a float with
    the indicator's decimals (a median of 3 days is 3.0 whichever way it was computed)."""
    if value is None:
        return None
    return round(float(value), decimals) if decimals else int(value)


def value_rows(period: Period, previous: Period, municipality: str | None = None) -> list[dict]:
    """One row per indicator for the scope asked (the whole state, or one municipality, with
    the value a year earlier), and, for the whole state, one row per indicator and
    municipality with a value (``figures.by_municipality``; no comparison there)."""
    common = {"periodo": period.label, "desde": period.start, "hasta": period.end}
    place = (municipality, municipality_name(municipality) or municipality) if municipality \
        else ("", state_label())
    rows = []
    for card in figures.cards(period, previous, municipality):
        indicator = card.indicator
        rows.append({"clave": indicator.key, "indicador": str(indicator.name), **common,
                     "clave_municipio": place[0], "municipio": place[1],
                     "valor": typed(card.value, indicator.decimals),
                     "valor_anio_anterior": typed(card.previous, indicator.decimals),
                     "unidad": str(indicator.unit), "_decimals": indicator.decimals})
    if municipality:
        return rows
    for indicator in INDICATORS:
        if not indicator.has_municipality:
            continue
        for place in figures.by_municipality(indicator, period):
            rows.append({"clave": indicator.key, "indicador": str(indicator.name), **common,
                         "clave_municipio": place.code, "municipio": place.name,
                         "valor": typed(place.value, indicator.decimals),
                         "valor_anio_anterior": None,
                         "unidad": str(indicator.unit), "_decimals": indicator.decimals})
    return rows


def direction_label(indicator: Indicator) -> str:
    return _("ascendente") if indicator.direction == "up" else _("descendente")


def sheet_rows(year: int) -> list[dict]:
    """Each indicator's MIR sheet, with the goal of ``year`` (the year the period ends in)."""
    year_goals = figures.goals(year)
    return [{"clave": i.key, "nombre": str(i.name), "grupo": str(i.group), "nivel": str(i.level),
             "definicion": str(i.definition), "metodo_de_calculo": str(i.method),
             "unidad": str(i.unit), "frecuencia": str(i.frequency),
             "sentido": direction_label(i), "medios_de_verificacion": str(i.verification),
             "linea_base": str(i.baseline), "meta_del_anio": year_goals.get(i.key),
             "_decimals": i.decimals}
            for i in INDICATORS]


# --- XLSX -------------------------------------------------------------------------------------


def _number_format(decimals: int) -> str:
    return "#,##0" if not decimals else "#,##0." + "0" * decimals


def _cell(sheet, value, decimals: int = 0):
    """A typed cell: dates as dates, figures as numbers, text that could start a formula
    (=, +, -, @) kept as a quoted string that Excel never runs (as the padrón's export)."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, int | float) and not isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = _number_format(decimals)
        return cell
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) or text.isdigit():
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        cell.number_format = "@"
        cell.quotePrefix = text.startswith(FORMULA_PREFIXES)
        return cell
    return text


def _sheet(workbook, title: str, columns: list[Column], rows: list[dict]) -> None:
    sheet = new_sheet(workbook, title, columns)
    for row in rows:
        sheet.append([_cell(sheet, row.get(c.name), row.get("_decimals", 0)) for c in columns])


def xlsx_bytes(period: Period, previous: Period, municipality: str | None = None) -> bytes:
    """Two sheets: "Valores" (indicator × scope) and "Indicadores" (the MIR sheets)."""
    workbook = Workbook(write_only=True)
    _sheet(workbook, _("Valores"), VALUE_COLUMNS, value_rows(period, previous, municipality))
    _sheet(workbook, _("Indicadores"), SHEET_COLUMNS, sheet_rows(period.end.year))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- CSV --------------------------------------------------------------------------------------


def _csv_value(value):
    """Figures as numbers (a negative NPS stays a number, not a quoted text), dates as
    AAAA-MM-DD, text through the padrón's formula-safe ``csv_cell``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return csv_cell(value)


def csv_text(period: Period, previous: Period, municipality: str | None = None) -> str:
    """The "Valores" table, UTF-8 with a BOM so Excel shows the accents."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(VALUE_COLUMN_NAMES)
    for row in value_rows(period, previous, municipality):
        writer.writerow([_csv_value(row.get(name)) for name in VALUE_COLUMN_NAMES])
    return buffer.getvalue()


# --- PDF: the Informe de resultados ----------------------------------------------------------


def number(value: Value, decimals: int = 0, signed: bool = False) -> str:
    if value is None:
        return "—"
    pattern = "#,##0" if not decimals else "#,##0." + "0" * decimals
    text = format_decimal(value, format=pattern)
    return f"+{text}" if signed and value > 0 else text


def percent(value: Value, signed: bool = False) -> str:
    return "—" if value is None else f"{number(value, 1, signed)} %"


def period_text(period: Period) -> str:
    """"Trimestre 4 de 2025 (del 1 de octubre de 2025 al 31 de diciembre de 2025)"; a range of
    days, whose label is its two dates already, only as the words."""
    days = _("del %(start)s al %(end)s", start=format_date(period.start, "long"),
             end=format_date(period.end, "long"))
    if period.label == date_range(period.start, period.end).label:
        return days
    return f"{period.label} ({days})"


class Report(FPDF):
    """A4 portrait, the core fonts (latin-1 has every Spanish letter; ``pdf_text`` writes the
    rest the closest way, as the certificates do), a footer with the page number."""

    footer_text = ""

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(120, 120, 120)
        self.cell(0, 5, pdf_text(self.footer_text), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, pdf_text(_("Página %(n)d", n=self.page_no())), align="R")


def _text(pdf: FPDF, text, size: float = 10, style: str = "", color=INK, height=None,
          align: str = "L") -> None:
    pdf.set_font("Helvetica", style=style, size=size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, height or size * 0.5, pdf_text(text), align=align,
                   new_x="LMARGIN", new_y="NEXT")


def _groups(cards: list[figures.Card]) -> list[tuple[str, list[figures.Card]]]:
    out: list[tuple[str, list[figures.Card]]] = []
    for card in cards:
        group = str(card.indicator.group)
        if not out or out[-1][0] != group:
            out.append((group, []))
        out[-1][1].append(card)
    return out


CARD_WIDTHS = (66, 22, 22, 22, 20, 28)


def _card_table(pdf: FPDF, cards: list[figures.Card], with_goal: bool) -> None:
    heads = (_("Indicador"), _("Valor"), _("Año anterior"), _("Cambio"), _("Cambio %"),
             _("Avance de la meta"))
    pdf.set_font("Helvetica", style="B", size=8)
    pdf.set_fill_color(240, 232, 235)
    pdf.set_text_color(*INK)
    for width, head in zip(CARD_WIDTHS, heads, strict=True):
        pdf.cell(width, 6, pdf_text(head), border="B", fill=True,
                 align="L" if width == CARD_WIDTHS[0] else "R")
    pdf.ln(6)
    for card in cards:
        indicator = card.indicator
        if pdf.will_page_break(6):
            pdf.add_page()
        pdf.set_font("Helvetica", size=8.5)
        pdf.set_text_color(*INK)
        name = f"{indicator.name} ({indicator.unit})"
        pdf.cell(CARD_WIDTHS[0], 6, pdf_text(_fit(pdf, name, CARD_WIDTHS[0])), border="B")
        pdf.set_font("Helvetica", style="B", size=8.5)
        pdf.cell(CARD_WIDTHS[1], 6, pdf_text(number(card.value, indicator.decimals)),
                 border="B", align="R")
        pdf.set_font("Helvetica", size=8.5)
        pdf.cell(CARD_WIDTHS[2], 6, pdf_text(number(card.previous, indicator.decimals)),
                 border="B", align="R")
        color = GOOD if card.change.good else BAD if card.change.good is False else INK
        pdf.set_text_color(*color)
        pdf.cell(CARD_WIDTHS[3], 6,
                 pdf_text(number(card.change.absolute, indicator.decimals, signed=True)),
                 border="B", align="R")
        pdf.cell(CARD_WIDTHS[4], 6, pdf_text(percent(card.change.percent, signed=True)),
                 border="B", align="R")
        pdf.set_text_color(*INK)
        goal = percent(card.goal_percent) if with_goal else "—"
        pdf.cell(CARD_WIDTHS[5], 6, pdf_text(goal), border="B", align="R")
        pdf.ln(6)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """The text cut with "..." to fit one table cell."""
    text = pdf_text(text)
    if pdf.get_string_width(text) <= width - 2:
        return text
    while text and pdf.get_string_width(text + "...") > width - 2:
        text = text[:-1]
    return text.rstrip() + "..."


CHART_W, CHART_H, CHART_GAP, CHART_COLUMNS = 56, 38, 6, 3


def _chart(pdf: FPDF, x: float, y: float, indicator: Indicator,
           rows: list[figures.MonthRow], year: int) -> None:
    """Bars of each month of ``year`` (brand colour) beside the same month a year earlier
    (gray), from a zero line, so a negative NPS hangs below it."""
    pdf.set_xy(x, y)
    pdf.set_font("Helvetica", style="B", size=8)
    pdf.set_text_color(*INK)
    pdf.cell(CHART_W, 4, pdf_text(_fit(pdf, str(indicator.name), CHART_W)))
    top, bottom = y + 9, y + CHART_H - 6
    left, right = x + 10, x + CHART_W
    values = [v for row in rows for v in (row.value, row.previous) if v is not None]
    high, low = max([0, *values]), min([0, *values])
    pdf.set_font("Helvetica", size=6.5)
    pdf.set_text_color(110, 110, 110)
    if not values:
        pdf.set_xy(left, top + 10)
        pdf.cell(right - left, 4, pdf_text(_("Sin datos en los meses del año.")), align="C")
        return
    span = (high - low) or 1
    zero = bottom - (0 - low) / span * (bottom - top)
    for value, at in ((high, top), (low, bottom), (0, zero)):
        if value or at == zero:
            pdf.set_xy(x, at - 1.5)
            pdf.cell(9, 3, pdf_text(number(value, indicator.decimals) if value else "0"),
                     align="R")
    pdf.set_draw_color(150, 150, 150)
    pdf.set_line_width(0.2)
    pdf.line(left, zero, right, zero)
    slot = (right - left) / 12
    bar = slot * 0.36
    for index, row in enumerate(rows):
        start = left + index * slot + slot * 0.12
        for offset, value, color in ((0, row.previous, GRAY), (bar, row.value, BRAND)):
            if value is None or value == 0:
                continue
            height = abs(value) / span * (bottom - top)
            pdf.set_fill_color(*color)
            pdf.rect(start + offset, zero - height if value > 0 else zero, bar, height,
                     style="F")
        pdf.set_xy(left + index * slot, bottom + 0.5)
        pdf.cell(slot, 3, pdf_text(format_date(row.month.start, "MMMMM").upper()),
                 align="C")


def _legend(pdf: FPDF, year: int) -> None:
    pdf.set_font("Helvetica", size=8)
    pdf.set_text_color(*INK)
    y = pdf.get_y()
    for index, (color, label) in enumerate(((BRAND, str(year)), (GRAY, str(year - 1)))):
        x = pdf.l_margin + index * 30
        pdf.set_fill_color(*color)
        pdf.rect(x, y + 1, 4, 3, style="F")
        pdf.set_xy(x + 5, y)
        pdf.cell(22, 5, pdf_text(label))
    pdf.ln(6)


def _charts(pdf: FPDF, indicators: list[Indicator], year: int, municipality: str | None,
            today: date) -> None:
    y = pdf.get_y()
    for index, indicator in enumerate(indicators):
        column = index % CHART_COLUMNS
        if column == 0:
            if pdf.will_page_break(CHART_H + 2):
                pdf.add_page()
            y = pdf.get_y()
        rows = figures.monthly(indicator, year, municipality, today=today)
        _chart(pdf, pdf.l_margin + column * (CHART_W + CHART_GAP), y, indicator, rows, year)
        if column == CHART_COLUMNS - 1 or index == len(indicators) - 1:
            pdf.set_xy(pdf.l_margin, y + CHART_H + 2)


def report_pdf(period: Period, previous: Period, municipality: str | None = None,
               today: date | None = None) -> bytes:
    """The *Informe de resultados*: the period and its comparison, one block per group of
    indicators (the cards as a table, then a chart of the months of the year the period ends
    in against the year before), and an annex with each indicator's definition and method."""
    today = today or local_today()
    cards = figures.cards(period, previous, municipality)
    year = period.end.year
    pdf = Report(orientation="P", unit="mm", format="A4")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(pdf_text(_("Informe de resultados")))
    pdf.set_author("Comunidad OSC")
    pdf.set_creator("Comunidad OSC")
    pdf.set_creation_date(datetime(2000, 1, 1))  # the same figures give the same bytes
    place = municipality_name(municipality) or municipality if municipality else state_label()
    pdf.footer_text = _("Informe de resultados · %(period)s · %(place)s",
                        period=period.label, place=place)
    pdf.add_page()
    _text(pdf, _("Gobierno del Estado de México · Comunidad OSC"), 9, "B", (90, 90, 90))
    pdf.ln(2)
    _text(pdf, _("Informe de resultados"), 22, "B", BRAND, 10)
    pdf.ln(1)
    _text(pdf, _("Periodo: %(period)s", period=period_text(period)), 10.5, "B")
    _text(pdf, _("Comparado con: %(period)s", period=period_text(previous)), 10.5)
    _text(pdf, _("Ámbito: %(place)s", place=place), 10.5)
    _text(pdf, _("Elaborado el %(day)s con los registros de la plataforma; el método de cada "
                 "indicador está en el anexo.", day=format_date(today, "long")), 9,
          color=(90, 90, 90))
    if municipality:
        _text(pdf, _("Las metas son anuales y del estado completo: no se reparten entre "
                     "municipios, por eso no se muestra su avance."), 9, color=(90, 90, 90))
    for group, group_cards in _groups(cards):
        # the heading, the table and the first row of charts stay on one page
        if pdf.will_page_break(24 + 6 * (len(group_cards) + 1) + CHART_H + 10):
            pdf.add_page()
        pdf.ln(4)
        _text(pdf, group, 14, "B", BRAND, 7)
        pdf.ln(1)
        _card_table(pdf, group_cards, with_goal=not municipality)
        pdf.ln(3)
        _legend(pdf, year)
        _charts(pdf, [c.indicator for c in group_cards], year, municipality, today)
    pdf.add_page()
    _text(pdf, _("Anexo: definición y método de cada indicador"), 14, "B", BRAND, 7)
    pdf.ln(2)
    for indicator in INDICATORS:
        if pdf.will_page_break(24):
            pdf.add_page()
        _text(pdf, f"{indicator.name}", 10, "B", height=5)
        _text(pdf, _("%(group)s · nivel %(level)s · %(unit)s · %(frequency)s · sentido "
                     "%(direction)s · clave %(key)s", group=indicator.group,
                     level=str(indicator.level).lower(), unit=indicator.unit,
                     frequency=str(indicator.frequency).lower(),
                     direction=direction_label(indicator), key=indicator.key),
              7.5, color=(90, 90, 90), height=4)
        _text(pdf, _("Definición: %(text)s", text=indicator.definition), 8.5, height=4.2)
        _text(pdf, _("Método: %(text)s", text=indicator.method), 8.5, height=4.2)
        _text(pdf, _("Medios de verificación: %(text)s", text=indicator.verification), 8.5,
              height=4.2)
        pdf.ln(2.5)
    return bytes(pdf.output())
