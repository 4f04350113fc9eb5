"""The padrón's cells normalized one at a time, and the sample padrón that exercises them.

Pure functions: no application or database needed. The last part reads the sample file
``community/demo/data/padron_muestra.csv`` back with the normalizers and a reference dry run
(errors first, then an RFC or CLUNI seen in an earlier row, then a similar name in the same
municipality) and checks it against ``padron_sample.EXPECTED`` and the injected list.
"""

import csv
import io
from collections import Counter, defaultdict
from datetime import date, datetime

import pytest

from community.demo import padron_sample as sample
from community.profiles import padron_normalize as pn
from community.profiles.validators import rfc_check_digit

TODAY = date(2026, 12, 7)


def _rfc(body: str) -> str:
    return body + rfc_check_digit(body)


# --------------------------------------------------------------------------------------------
# RFC and CLUNI
# --------------------------------------------------------------------------------------------


def test_rfc_of_a_persona_moral_is_upper_case_without_spaces_or_dashes():
    rfc = _rfc("ABC010203AB")
    for raw in (rfc, rfc.lower(), f"{rfc[:3]}-{rfc[3:9]}-{rfc[9:]}", f" {rfc[:3]} {rfc[3:]} "):
        assert pn.normalize_rfc(raw) == pn.Cell(rfc)


def test_rfc_of_a_persona_fisica_is_an_error():
    rfc = _rfc("GOMJ800101AB")
    cell = pn.normalize_rfc(rfc)
    assert cell.value is None and cell.warning is None
    assert "no es de persona moral" in cell.error and rfc in cell.error


def test_a_wrong_check_digit_is_a_warning_not_an_error():
    good = _rfc("ABC010203AB")
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    cell = pn.normalize_rfc(bad)
    assert cell.value == bad and cell.error is None
    assert "dígito verificador" in cell.warning


@pytest.mark.parametrize("raw", ["ABC01020AB9", "ABC991332AB1", "ABCO10203AB9", "ABC0010203AB9"])
def test_a_malformed_rfc_is_an_error_with_the_profile_forms_reason(raw):
    cell = pn.normalize_rfc(raw)
    assert cell.value is None and cell.error.startswith("RFC ")
    assert "persona física" not in cell.error


@pytest.mark.parametrize("raw", [None, "", "  ", "S/RFC", "N/A", "-", "sin rfc"])
def test_empty_or_placeholder_rfc_is_empty(raw):
    assert pn.normalize_rfc(raw) == pn.EMPTY


def test_cluni():
    assert pn.normalize_cluni("abc-0503101501a").value == "ABC0503101501A"
    assert pn.normalize_cluni("S/D") == pn.EMPTY
    assert pn.normalize_cluni("ABC0503104501A").error  # state 45
    assert pn.normalize_cluni(_rfc("ABC010203AB")).error  # an RFC in the CLUNI column


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------


def test_name_is_tidied_and_required():
    assert pn.normalize_name('  "Fundación   Sol,  A.C."  ').value == "Fundación Sol, A.C."
    for raw in (None, "", "S/D", "N/A"):
        assert pn.normalize_name(raw).error == "Falta el nombre de la organización."
    assert pn.normalize_name("x" * 201).error


@pytest.mark.parametrize("raw,expected", [
    ("Fundación Sol, A.C.", ("Fundación Sol", "AC")),
    ("Fundación Sol A. C.", ("Fundación Sol", "AC")),
    ("FUNDACION SOL ASOCIACION CIVIL", ("FUNDACION SOL", "AC")),
    ("Casa Hogar Luz, I.A.P.", ("Casa Hogar Luz", "IAP")),
    ("Patronato Uno Institución de Beneficencia Privada", ("Patronato Uno", "IBP")),
    ("Consultores Sociales, S.C.", ("Consultores Sociales", "SC")),
    ("Red Sin Forma", ("Red Sin Forma", None)),
    ("A.C.", ("A.C.", None)),
])
def test_split_legal_form(raw, expected):
    assert pn.split_legal_form(raw) == expected


def test_name_key_drops_legal_form_accents_case_and_punctuation():
    keys = {pn.name_key(n) for n in ("Fundación Niños de Luz, A.C.",
                                     "FUNDACION NIÑOS DE LUZ AC",
                                     "fundacion  ninos de luz, asociación civil",
                                     "Fundación Niños-de-Luz A. C.")}
    assert keys == {"fundacion ninos de luz"}


def test_name_similarity_separates_spellings_from_other_oscs():
    one = pn.name_key("Centro Comunitario de Toluca, A.C.")
    assert pn.name_similarity(one, pn.name_key("CENTRO COMUNITRAIO DE TOLUCA")) \
        >= pn.DUPLICATE_SCORE
    assert pn.name_similarity(one, pn.name_key("Red de Mujeres de Toluca, A.C.")) \
        < pn.DUPLICATE_SCORE


# --------------------------------------------------------------------------------------------
# Municipalities
# --------------------------------------------------------------------------------------------


def test_all_125_official_names_are_read_in_any_case_and_without_accents():
    names = pn.municipality_names()
    assert len(names) == 125 and all(code.startswith("15") for code in names)
    for code, name in names.items():
        for raw in (name, name.upper(), name.lower(), sample._strip_accents(name).upper()):
            assert pn.municipality_code(raw) == pn.Cell(code), raw


@pytest.mark.parametrize("raw,code", [
    ("Nezahualcoyotl", "15058"),
    ("CD. NEZAHUALCOYOTL", "15058"),
    ("Ciudad Nezahualcóyotl", "15058"),
    ("Ecatepec", "15033"),
    ("ECATEPEC DE MORELOS", "15033"),
    ("Naucalpan", "15057"),
    ("Tlalnepantla", "15104"),
    ("TOLUCA DE LERDO", "15106"),
    ("Toluca, Edo. Méx.", "15106"),
    ("Mpio. de Metepec", "15054"),
    ("Valle de Chalco", "15122"),
    ("Los Reyes La Paz", "15070"),
    ("Izcalli", "15121"),
    # the shorter names are other municipalities, not short forms
    ("Atizapán", "15012"),
    ("Atizapan de Zaragoza", "15013"),
    ("Cuautitlán", "15024"),
    ("Chalco", "15025"),
])
def test_old_spellings_and_short_names(raw, code):
    assert pn.municipality_code(raw) == pn.Cell(code)


def test_a_misspelt_municipality_is_read_with_a_warning():
    cell = pn.municipality_code("Tlalnepanta de Baz")
    assert cell.value == "15104" and cell.error is None
    assert "Tlalnepantla de Baz" in cell.warning


@pytest.mark.parametrize("raw", ["Iztapalapa", "Pachuca de Soto", "Ciudad de México",
                                 "Tizayuca", "Almoloya", "Xyz"])
def test_an_unknown_or_ambiguous_municipality_is_an_error(raw):
    cell = pn.municipality_code(raw)
    assert cell.value is None and cell.error == f"municipio desconocido: «{raw}»"


def test_a_missing_municipality_is_an_error_unless_a_code_says_it():
    assert pn.municipality_code("").error == "Falta el municipio."
    assert pn.municipality_code("N/D").error == "Falta el municipio."
    for raw_code in ("15106", "15-106", "106", 106, 15106.0):
        assert pn.municipality_code("", raw_code) == pn.Cell("15106")
    assert pn.municipality_code("Toluca", "15106") == pn.Cell("15106")
    assert pn.municipality_code("15106") == pn.Cell("15106")  # a code in the name column
    assert pn.municipality_code("15999").error == "municipio desconocido: «15999»"
    mismatch = pn.municipality_code("Metepec", "15106")
    assert mismatch.value == "15106" and "no corresponde" in mismatch.warning


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw,expected", [
    (40179, date(2010, 1, 1)),
    ("40179", date(2010, 1, 1)),
    ("40179.0", date(2010, 1, 1)),
    ("40179,0", date(2010, 1, 1)),
    (40179.0, date(2010, 1, 1)),
    (40179.75, date(2010, 1, 1)),  # a time of day after the serial
    (1, date(1900, 1, 1)),
    (59, date(1900, 2, 28)),
    (61, date(1900, 3, 1)),  # Excel's phantom 29/02/1900 is serial 60: one day off from here
    (367, date(1901, 1, 1)),
    (datetime(2010, 3, 15, 0, 0), date(2010, 3, 15)),
    (date(2010, 3, 15), date(2010, 3, 15)),
    ("15/03/2010", date(2010, 3, 15)),
    ("5/3/2010", date(2010, 3, 5)),
    ("15/3/10", date(2010, 3, 15)),
    ("15/3/85", date(1985, 3, 15)),
    ("15-03-2010", date(2010, 3, 15)),
    ("2010-03-15", date(2010, 3, 15)),
    ("2010-03-15 00:00:00", date(2010, 3, 15)),
    ("15/03/2010 12:00 p.m.", date(2010, 3, 15)),
    ("15 de marzo de 2010", date(2010, 3, 15)),
    ("15 de Marzo del 2010", date(2010, 3, 15)),
    ("15-mar-2010", date(2010, 3, 15)),
    ("1 SEPT 1999", date(1999, 9, 1)),
])
def test_dates_as_excel_and_clerks_leave_them(raw, expected):
    assert pn.parse_date(raw, today=TODAY) == pn.Cell(expected)


def test_excel_serials_match_excels_own_calendar():
    # Excel shows 40179 as 01/01/2010 and 45658 as 01/01/2025; 60 is its 29/02/1900
    assert pn.excel_serial_to_date(40179) == date(2010, 1, 1)
    assert pn.excel_serial_to_date(45658) == date(2025, 1, 1)
    assert pn.parse_date(60, today=TODAY).error.startswith("El número de fecha de Excel 60")


@pytest.mark.parametrize("raw", ["31/02/2010", "30/02/2008", "29/02/2011", "2011-13-04",
                                 "45/07/2003", "12/05/2091", "1998", "ayer", "32 de mayo de 2001",
                                 "15/03/201"])
def test_impossible_dates_are_errors(raw):
    cell = pn.parse_date(raw, today=TODAY)
    assert cell.value is None and cell.error


def test_a_date_before_1900_or_after_today_is_an_error():
    assert "posterior a hoy" in pn.parse_date("08/12/2026", today=TODAY).error
    assert pn.parse_date("07/12/2026", today=TODAY).value == TODAY
    assert pn.parse_date("31/12/1899", today=TODAY).error


def test_a_date_with_the_month_first_is_read_with_a_warning():
    cell = pn.parse_date("03/15/2010", today=TODAY)
    assert cell.value == date(2010, 3, 15) and "mes primero" in cell.warning


@pytest.mark.parametrize("raw", [None, "", " ", "S/D", "00/00/0000", "-"])
def test_an_empty_date_is_empty(raw):
    assert pn.parse_date(raw, today=TODAY) == pn.EMPTY


# --------------------------------------------------------------------------------------------
# Phone and e-mail
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["722 123 4567", "(722) 123-4567", "722-123-45-67",
                                 "01 722 123 4567", "+52 722 123 4567", "Tel. 722 123 4567",
                                 7221234567, 7221234567.0])
def test_phone_is_ten_digits(raw):
    assert pn.normalize_phone(raw) == pn.Cell("7221234567")


def test_several_phones_or_an_extension_keep_the_first_number_with_a_warning():
    for raw in ("722 123 4567 / 722 765 4321", "7221234567, 7227654321",
                "722 123 4567 y 722 765 4321", "722 123 4567 ext. 104"):
        cell = pn.normalize_phone(raw)
        assert cell.value == "7221234567" and cell.warning and cell.error is None


def test_a_bad_phone_is_dropped_with_a_warning_not_an_error():
    cell = pn.normalize_phone("722 12 34")
    assert cell.value is None and cell.error is None and "descartado" in cell.warning
    assert pn.normalize_phone("S/N") == pn.EMPTY


def test_email():
    assert pn.normalize_email(" Contacto@Sol.Org.MX ") == pn.Cell("contacto@sol.org.mx")
    assert pn.normalize_email("mailto:a@sol.mx").value == "a@sol.mx"
    several = pn.normalize_email("a@sol.mx; b@sol.mx")
    assert several.value == "a@sol.mx" and several.warning
    formula = pn.normalize_email('=HYPERLINK("mailto:a@sol.mx","a@sol.mx")')
    assert formula.value == "a@sol.mx" and "fórmula" in formula.warning
    bad = pn.normalize_email("contacto.sol.mx")
    assert bad.value is None and bad.error is None and "descartado" in bad.warning
    assert pn.normalize_email('=SUMA(A1:A2)').value is None
    assert pn.normalize_email("S/D") == pn.EMPTY


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------


def test_a_formula_cell_stays_text():
    raw = '=HYPERLINK("https://mapas.example/?q=Hidalgo+12","Ver en el mapa")'
    assert pn.clean_text(raw, 250) == pn.Cell(raw)
    assert pn.clean_text("=1+1", 250).value == "=1+1"
    assert pn.clean_text("+52 722", 250).value == "+52 722"


def test_html_stays_literal_text():
    raw = "<script>alert('padrón')</script> Calle <b>Hidalgo</b> 12"
    assert pn.clean_text(raw, 250) == pn.Cell(raw)


def test_too_long_a_cell_is_an_error():
    cell = pn.clean_text("a" * 10_001, 10_000)
    assert cell.value is None and "10001" in cell.error.replace(",", "")
    assert pn.clean_text("a" * 10_000, 10_000).value == "a" * 10_000


def test_text_spaces_and_control_characters():
    assert pn.clean_text("  uno \t dos\x00 ", 50).value == "uno dos"
    assert pn.clean_text(" uno \r\n\r\n\r\n dos  tres ", 50, multiline=True).value == \
        "uno\n\ndos tres"
    assert pn.clean_text("   ", 50) == pn.EMPTY
    assert pn.clean_text(None, 50) == pn.EMPTY
    assert pn.clean_text(12.0, 50).value == "12"


# --------------------------------------------------------------------------------------------
# Status and yes/no
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["VALIDADA", "Validada", "ACTIVA", "Vigente", "Sí", "SI", "1"])
def test_validated_statuses(raw):
    assert pn.normalize_status(raw) == pn.Cell("validated")


@pytest.mark.parametrize("raw", ["PENDIENTE", "En revisión", "EN REVISION", "NO", "BAJA",
                                 "Inactiva", "0"])
def test_pending_statuses(raw):
    assert pn.normalize_status(raw) == pn.Cell("pending")


def test_an_unknown_status_is_pending_with_a_warning_and_an_empty_one_is_empty():
    cell = pn.normalize_status("En espera de papeles")
    assert cell.value == "pending" and cell.warning
    assert pn.normalize_status("") == pn.EMPTY


@pytest.mark.parametrize("raw,expected", [
    ("SI", True), ("Sí", True), ("si", True), ("X", True), ("1", True), (1, True),
    (True, True), ("Autorizada", True), ("NO", False), ("No", False), ("0", False),
    (False, False), ("Revocada", False), ("", None), (None, None),
])
def test_booleans(raw, expected):
    assert pn.normalize_bool(raw) == pn.Cell(expected)


def test_an_unknown_boolean_is_empty_with_a_warning():
    cell = pn.normalize_bool("quizá")
    assert cell.value is None and cell.warning


# --------------------------------------------------------------------------------------------
# The sample padrón
# --------------------------------------------------------------------------------------------


def _read_sample() -> list[list[str]]:
    data = sample.PATH.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # Windows-1252, as the government exports it
    return list(csv.reader(io.StringIO(data.decode(sample.ENCODING), newline="")))


def _row_cells(cells: list[str]) -> dict[str, pn.Cell]:
    return {
        "NOMBRE DE LA ORGANIZACION": pn.normalize_name(cells[sample.NAME]),
        "RFC": pn.normalize_rfc(cells[sample.RFC]),
        "CLUNI": pn.normalize_cluni(cells[sample.CLUNI]),
        "MUNICIPIO": pn.municipality_code(cells[sample.MUNICIPALITY]),
        "DOMICILIO": pn.clean_text(cells[sample.ADDRESS], 250),
        "TELEFONO": pn.normalize_phone(cells[sample.PHONE]),
        "CORREO ELECTRONICO": pn.normalize_email(cells[sample.EMAIL]),
        "FECHA DE CONSTITUCION": pn.parse_date(cells[sample.DATE], today=TODAY),
        "ESTATUS": pn.normalize_status(cells[sample.STATUS]),
        "DONATARIA AUTORIZADA": pn.normalize_bool(cells[sample.DONEE]),
        "OBJETO SOCIAL": pn.clean_text(cells[sample.OBJECT], sample.CELL_LIMIT,
                                       multiline=True),
        "FOLIO REGISTRO SOCIAL": pn.clean_text(cells[sample.FOLIO], 40),
    }


def _reference_dry_run(rows: list[list[str]]):
    """(class per row number, {row: {column: error}}, {row: {column: warning}})."""
    classes, errors, warnings = {}, {}, {}
    seen_ids: set[str] = set()
    keys: dict[str, list[str]] = defaultdict(list)
    for number, cells in enumerate(rows, start=2):
        normal = _row_cells(cells)
        errors[number] = {col: c.error for col, c in normal.items() if c.error}
        warnings[number] = {col: c.warning for col, c in normal.items() if c.warning}
        ids = {c.value for col, c in normal.items() if col in ("RFC", "CLUNI") and c.value}
        key, code = pn.name_key(normal["NOMBRE DE LA ORGANIZACION"].value), \
            normal["MUNICIPIO"].value
        if errors[number] or ids & seen_ids:
            classes[number] = "error"
            continue
        seen_ids |= ids
        if any(pn.name_similarity(key, other) >= pn.DUPLICATE_SCORE for other in keys[code]):
            classes[number] = "duplicate"
        else:
            classes[number] = "new"
            keys[code].append(key)
    return classes, errors, warnings


@pytest.fixture(scope="module")
def sample_file():
    table = _read_sample()
    return table[0], table[1:]


def test_sample_file_is_what_the_generator_writes(tmp_path):
    assert sample.write(tmp_path / "padron.csv").read_bytes() == sample.PATH.read_bytes()
    sample.build.cache_clear()
    assert sample.render() == sample.PATH.read_bytes()  # deterministic: built again


def test_sample_file_shape(sample_file):
    headers, rows = sample_file
    assert tuple(headers) == sample.HEADERS
    assert len(rows) == sample.ROWS == 2_700
    assert all(len(row) == len(headers) for row in rows)
    statuses = Counter(pn.normalize_status(row[sample.STATUS]).value for row in rows)
    assert statuses == {"validated": 2_008, "pending": 692}


def test_sample_dry_run_gives_expected(sample_file):
    _headers, rows = sample_file
    classes, _errors, _warnings = _reference_dry_run(rows)
    counts = Counter(classes.values())
    assert {k: counts.get(k, 0) for k in sample.EXPECTED} == sample.EXPECTED
    assert sample.EXPECTED == {"new": 2_617, "update": 0, "unchanged": 0, "duplicate": 24,
                               "error": 59}
    injected = {m.row: m for m in sample.injected()}
    for number, klass in classes.items():
        mark = injected.get(number)
        assert klass == (mark.expected if mark else "new"), (number, mark)
    new_status = sample.expected_new_status()
    assert sum(new_status.values()) == sample.EXPECTED["new"]


def test_sample_each_error_is_the_one_injected(sample_file):
    _headers, rows = sample_file
    _classes, errors, warnings = _reference_dry_run(rows)
    marks = sample.injected()
    kinds = Counter(m.kind for m in marks)
    for kind, (count, _column) in {**sample.ERROR_KINDS, **sample.WARNING_KINDS,
                                   **sample.TEXT_KINDS}.items():
        assert kinds[kind] == count, kind
    assert kinds["same_osc_two_spellings"] == sample.DUPLICATES
    by_row = {m.row: m for m in marks if m.kind not in sample.SILENT_KINDS}
    for number in errors:
        mark = by_row.get(number)
        if mark and mark.kind in sample.ERROR_KINDS and mark.kind != "rfc_repeated":
            assert list(errors[number]) == [mark.column], (number, mark)
        else:
            assert errors[number] == {}, (number, errors[number])
        if mark and mark.kind in sample.WARNING_KINDS:
            assert list(warnings[number]) == [mark.column], (number, mark)
        else:
            assert warnings[number] == {}, (number, warnings[number])


def test_sample_injected_cells_are_what_they_say(sample_file):
    _headers, rows = sample_file
    by_kind = defaultdict(list)
    for mark in sample.injected():
        by_kind[mark.kind].append(mark)
        assert rows[mark.row - 2][sample.HEADERS.index(mark.column)] == mark.value
    for mark in by_kind["rfc_repeated"]:
        assert pn.normalize_rfc(rows[mark.same_as - 2][sample.RFC]).value == mark.value
        assert mark.same_as < mark.row
    for mark in by_kind["same_osc_two_spellings"]:
        original, copy = rows[mark.same_as - 2], rows[mark.row - 2]
        assert original[sample.NAME] != copy[sample.NAME]
        assert pn.municipality_code(original[sample.MUNICIPALITY]).value == \
            pn.municipality_code(copy[sample.MUNICIPALITY]).value
        assert copy[sample.RFC] == copy[sample.CLUNI] == ""
        assert pn.name_similarity(pn.name_key(original[sample.NAME]),
                                  pn.name_key(copy[sample.NAME])) >= sample.DUPLICATE_AT_LEAST
    assert any(m.value.startswith("=HYPERLINK(") for m in by_kind["formula_address"])
    assert any("<script>" in m.value for m in by_kind["html_address"])
    assert len(by_kind["cell_too_long"][0].value) > sample.CELL_LIMIT
    assert {m.value for m in by_kind["date_impossible"]} >= {"31/02/2010", "60"}
    assert all(pn.parse_date(m.value, today=TODAY).value for m in by_kind["date_excel_serial"])
    assert len(by_kind["municipality_accents_lost"]) > 100
    assert len(by_kind["municipality_old_spelling"]) > 50
    assert len(by_kind["date_excel_serial"]) > 300


def test_sample_clean_rows_have_an_rfc_or_a_cluni_and_no_id_twice(sample_file):
    _headers, rows = sample_file
    not_clean = {m.row for m in sample.injected() if m.kind not in sample.SILENT_KINDS}
    seen = Counter()
    for number, cells in enumerate(rows, start=2):
        if number in not_clean:
            continue
        rfc, cluni = (pn.normalize_rfc(cells[sample.RFC]).value,
                      pn.normalize_cluni(cells[sample.CLUNI]).value)
        assert rfc or cluni, number
        seen.update(x for x in (rfc, cluni) if x)
    assert max(seen.values()) == 1
