"""A sample padrón as the government hands it over: ``data/padron_muestra.csv``.

``python -m community.demo.padron_sample`` rewrites the file; the same code always writes the
same bytes. 2,700 fictional OSCs of the Estado de México (names, RFCs and addresses made up
by ``community.demo.fake``; mail addresses on the reserved ``.example`` domain), 2,008 of them
validated and the rest pending, like the real padrón (2,657 registered, 2,008 validated),
in Windows-1252 with the government's headers, and with the errors real files have.

Each data row is one of:

- clean: imported as a new OSC. Many of them still need normalizing, silently: municipality
  names in capitals, without accents or in an old spelling ("TOLUCA DE LERDO", "Naucalpan",
  "Nezahualcoyotl"), dates as Excel serial numbers ("40179", "40179.0") or as "d/m/yy",
  "aaaa-mm-dd" and "15 de marzo de 2010", phones with +52 or 01, placeholders ("S/D");
- warned (``WARNING_KINDS``): imported, with one ``Cell.warning`` from
  ``community.profiles.padron_normalize`` on one column (RFC check digit, a misspelt
  municipality, a date with the month first, two phones or two e-mails in a cell, a bad
  phone or e-mail dropped, an e-mail given as an ``=HYPERLINK`` formula);
- text kept as text (``TEXT_KINDS``): a formula ("=HYPERLINK(...)") or HTML in a cell,
  imported literally, no warning;
- an error (``ERROR_KINDS``): exactly one ``Cell.error`` on one column (RFC of a persona
  física, a malformed RFC or CLUNI, no name, no municipality, a municipality of another
  state, a date that does not exist, a cell over 10,000 characters), or ``rfc_repeated``: a
  different OSC with the RFC of an earlier row (its cells are all valid: only comparing
  with that row shows the error);
- a duplicate (``DUPLICATES`` rows, kind ``same_osc_two_spellings``): an earlier clean row
  spelled another way (accents lost, capitals, "Asociación Civil" for "A.C.", a typo), in
  the same municipality, without RFC or CLUNI, so only its name can match it.

So the dry run of this file into a database without OSCs gives exactly ``EXPECTED``.
Similarity, measured on ``padron_normalize.name_key`` with rapidfuzz's ``ratio``,
``token_sort_ratio`` and ``token_set_ratio``: any two different OSCs of one municipality
score below ``DISTINCT_BELOW`` (85) on all three, and each duplicate scores at least
``DUPLICATE_AT_LEAST`` (92) on all three with its original, so any threshold between them
(``padron_normalize.DUPLICATE_SCORE`` is 90) gives the same classes.

``injected()`` lists every row that is not plainly clean (``Injected``: the spreadsheet row,
header being row 1; its kind; the column; the raw value; the class the dry run should give;
for ``rfc_repeated`` and duplicates, the row it repeats). Every clean row has an RFC or a
CLUNI (or both), so a second import of the file can find each OSC again.
"""

from __future__ import annotations

import csv
import io
import random
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from community.core.catalog import DATA_DIR
from community.core.text import fold
from community.demo import fake
from community.profiles import padron_normalize as pn
from community.profiles import validators as v

SEED = 17  # issue 17
ROWS = 2_700
VALIDATED = 2_008
PATH = Path(__file__).resolve().parent / "data" / "padron_muestra.csv"
ENCODING = "cp1252"  # Windows-1252, as the government's spreadsheets are exported
CELL_LIMIT = 10_000  # the importer's longest cell

HEADERS = (
    "NOMBRE DE LA ORGANIZACION", "RFC", "CLUNI", "MUNICIPIO", "DOMICILIO", "TELEFONO",
    "CORREO ELECTRONICO", "FECHA DE CONSTITUCION", "ESTATUS", "DONATARIA AUTORIZADA",
    "OBJETO SOCIAL", "FOLIO REGISTRO SOCIAL",
)
NAME, RFC, CLUNI, MUNICIPALITY, ADDRESS, PHONE, EMAIL, DATE, STATUS, DONEE, OBJECT, FOLIO = (
    range(len(HEADERS)))

# Rows whose class is "error", by kind: (how many, column).
ERROR_KINDS = {
    "rfc_persona_fisica": (6, "RFC"),
    "rfc_malformed": (5, "RFC"),
    "rfc_repeated": (10, "RFC"),
    "cluni_malformed": (4, "CLUNI"),
    "name_missing": (4, "NOMBRE DE LA ORGANIZACION"),
    "municipality_missing": (14, "MUNICIPIO"),
    "municipality_unknown": (8, "MUNICIPIO"),
    "date_impossible": (7, "FECHA DE CONSTITUCION"),
    "cell_too_long": (1, "OBJETO SOCIAL"),
}
DUPLICATES = 24  # rows of class "duplicate": kind "same_osc_two_spellings"
# Rows imported as new with one warning, by kind: (how many, column).
WARNING_KINDS = {
    "rfc_check_digit": (9, "RFC"),
    "municipality_misspelt": (6, "MUNICIPIO"),
    "date_month_first": (3, "FECHA DE CONSTITUCION"),
    "phone_several": (20, "TELEFONO"),
    "phone_invalid": (5, "TELEFONO"),
    "email_several": (10, "CORREO ELECTRONICO"),
    "email_invalid": (5, "CORREO ELECTRONICO"),
    "email_formula": (2, "CORREO ELECTRONICO"),
}
# Rows imported as new, a cell kept literally as text (no warning): (how many, column).
TEXT_KINDS = {
    "formula_address": (2, "DOMICILIO"),
    "formula_object": (1, "OBJETO SOCIAL"),
    "html_object": (2, "OBJETO SOCIAL"),
    "html_address": (1, "DOMICILIO"),
}
# Silent normalizations recorded in ``injected()`` too (class "new"; counts vary).
SILENT_KINDS = ("municipality_accents_lost", "municipality_old_spelling", "date_excel_serial")

ERRORS = sum(count for count, _column in ERROR_KINDS.values())
WARNINGS = sum(count for count, _column in WARNING_KINDS.values())
# The dry run of the file into a database without OSCs.
EXPECTED = {
    "new": ROWS - ERRORS - DUPLICATES,
    "update": 0,
    "unchanged": 0,
    "duplicate": DUPLICATES,
    "error": ERRORS,
}
# Of the rows applied as new, how many the file says are validated: see ``expected_new_status``.

DISTINCT_BELOW = 85.0
DUPLICATE_AT_LEAST = 92.0
_SCORERS = (fuzz.ratio, fuzz.token_sort_ratio, fuzz.token_set_ratio)


@dataclass(frozen=True)
class Injected:
    row: int  # spreadsheet row: the header is row 1, the first OSC row 2
    kind: str
    column: str
    value: str
    expected: str  # "new", "duplicate" or "error"
    same_as: int | None = None  # the earlier row it repeats (rfc_repeated, duplicates)


# --------------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------------


def _places() -> list[fake.Place]:
    with open(DATA_DIR / "municipios_edomex.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [fake.Place(r["clave"], r["nombre"], fake.SHORT_NAMES.get(r["clave"], r["nombre"]),
                       int(r["poblacion_2020"]), float(r["lat"]), float(r["lon"]))
            for r in sorted(rows, key=lambda r: r["clave"])]


# Spellings other than the official one, as clerks write them (all in padron_normalize).
OLD_SPELLINGS = {
    "15106": ("TOLUCA DE LERDO", "Toluca de Lerdo"),
    "15057": ("Naucalpan", "NAUCALPAN"),
    "15104": ("Tlalnepantla", "TLALNEPANTLA"),
    "15058": ("Nezahualcoyotl", "CD. NEZAHUALCOYOTL", "Ciudad Nezahualcóyotl"),
    "15033": ("Ecatepec", "ECATEPEC"),
    "15020": ("Coacalco",),
    "15122": ("Valle de Chalco",),
    "15099": ("Texcoco de Mora",),
    "15070": ("Los Reyes La Paz",),
    "15121": ("Izcalli",),
    "15001": ("Acambay",),
    "15109": ("Tultitlán de Mariano Escobedo",),
    "15092": ("San Juan Teotihuacán",),
    "15101": ("Santiago Tianguistenco",),
    "15120": ("Zumpango de Ocampo",),
}
OTHER_STATES_PLACES = ("Iztapalapa", "Pachuca de Soto", "Cuernavaca", "Gustavo A. Madero",
                       "Querétaro", "Ciudad de México", "Tizayuca", "Puebla")


def _municipality_cell(rng: random.Random, place: fake.Place) -> tuple[str, str | None]:
    """(cell, silent kind or None)."""
    roll = rng.random()
    if roll < 0.12 and place.code in OLD_SPELLINGS:
        return rng.choice(OLD_SPELLINGS[place.code]), "municipality_old_spelling"
    if roll < 0.55:
        return place.name, None
    if roll < 0.75:
        return place.name.upper(), None
    folded = _strip_accents(place.name)
    cell = folded.upper() if roll < 0.88 else folded
    return cell, ("municipality_accents_lost" if folded != place.name else None)


def _strip_accents(text: str) -> str:
    """Accents off, but the Ñ kept (as old systems do)."""
    out = []
    for char in text:
        if char in "ñÑ" or not char.isalpha():
            out.append(char)
        else:
            base = fold(char)
            out.append(base.upper() if char.isupper() else base)
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------------------------

MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
          "septiembre", "octubre", "noviembre", "diciembre")


def _excel_serial(day: date) -> int:
    return (day - date(1899, 12, 30)).days


def _date_cell(rng: random.Random, day: date) -> tuple[str, str | None]:
    roll = rng.random()
    if roll < 0.10:
        return "", None
    if roll < 0.28:
        return str(_excel_serial(day)), "date_excel_serial"
    if roll < 0.32:
        return f"{_excel_serial(day)}.0", "date_excel_serial"
    if roll < 0.40:
        return f"{day.day}/{day.month}/{day:%y}", None
    if roll < 0.50:
        return day.isoformat(), None
    if roll < 0.55:
        return f"{day.day} de {MONTHS[day.month - 1]} de {day.year}", None
    return day.strftime("%d/%m/%Y"), None


def _phone_cell(rng: random.Random, digits: str) -> str:
    roll = rng.random()
    two = digits[:2] in {"55", "56"}
    head, rest = (digits[:2], digits[2:]) if two else (digits[:3], digits[3:])
    if roll < 0.1:
        return ""
    if roll < 0.35:
        return digits
    if roll < 0.55:
        return f"({head}) {rest[:-4]} {rest[-4:]}"
    if roll < 0.7:
        return f"{head}-{rest[:-4]}-{rest[-4:-2]}-{rest[-2:]}"
    if roll < 0.8:
        return f"01 {head} {rest}"
    if roll < 0.85:
        return f"+52 {head} {rest}"
    return f"{head} {rest[:-4]} {rest[-4:]}"


def _status_cell(rng: random.Random, validated: bool) -> str:
    roll = rng.random()
    if validated:
        return ("VALIDADA" if roll < 0.7 else "ACTIVA" if roll < 0.85
                else "Validada" if roll < 0.95 else "SI")
    return ("PENDIENTE" if roll < 0.6 else "EN REVISION" if roll < 0.85
            else "NO" if roll < 0.95 else "Pendiente")


def _donee_cell(rng: random.Random) -> str:
    roll = rng.random()
    return ("SI" if roll < 0.15 else "NO" if roll < 0.70 else "" if roll < 0.95
            else "Sí" if roll < 0.98 else "X")


def _name_cell(rng: random.Random, name: str, legal_form: str) -> str:
    suffix = fake.LEGAL_SUFFIXES[legal_form]
    roll = rng.random()
    if roll < 0.60:
        return f"{name}, {suffix}"
    if roll < 0.75:
        return f"{name} {suffix}"
    if roll < 0.85:
        return f"{name}, {suffix}".upper()
    if roll < 0.90:
        return _strip_accents(f"{name} {suffix}").upper()
    return name


def _key(name_cell: str) -> str:
    return pn.name_key(name_cell)


def _too_similar(key: str, keys: list[str]) -> bool:
    return any(process.extractOne(key, keys, scorer=scorer, score_cutoff=DISTINCT_BELOW)
               for scorer in _SCORERS)


def _alike(a: str, b: str) -> float:
    return min(scorer(a, b) for scorer in _SCORERS)


def _respell(rng: random.Random, name_cell: str) -> str:
    """The same OSC written by another clerk."""
    base, form = pn.split_legal_form(name_cell)
    words = base.split()
    choice = rng.randrange(5)
    if choice == 0:  # accents lost, capitals
        variant = _strip_accents(name_cell).upper()
    elif choice == 1:  # the legal form spelled out
        long_form = {"AC": "Asociación Civil", "IAP": "Institución de Asistencia Privada",
                     "IBP": "Institución de Beneficencia Privada", "SC": "Sociedad Civil"}
        variant = f"{base} {long_form.get(form or 'AC')}"
    elif choice == 2:  # a typo: two letters swapped in the longest word
        index = max(range(len(words)), key=lambda i: len(words[i]))
        word = words[index]
        if len(word) > 4:
            middle = rng.randrange(1, len(word) - 2)
            word = word[:middle] + word[middle + 1] + word[middle] + word[middle + 2:]
        variant = " ".join([*words[:index], word, *words[index + 1:]]) + ", A.C."
    elif choice == 3:  # a letter dropped, no legal form
        index = max(range(len(words)), key=lambda i: len(words[i]))
        word = words[index]
        cut = rng.randrange(1, len(word) - 1)
        variant = " ".join([*words[:index], word[:cut] + word[cut + 1:], *words[index + 1:]])
    else:  # lower case with stray spaces and periods
        variant = "  ".join(base.lower().split()) + " a. c."
    return variant


def _fisica_rfc(rng: random.Random) -> str:
    first, surname, second = (rng.choice(fake.FIRST_NAMES), rng.choice(fake.SURNAMES),
                              rng.choice(fake.SURNAMES))
    letters = fold(surname[:2] + second[0] + first[0]).upper()
    born = date(rng.randint(1950, 1995), rng.randint(1, 12), rng.randint(1, 28))
    body = letters + born.strftime("%y%m%d") + "".join(
        rng.choice(fake.HOMOCLAVE_ALPHABET) for _ in range(2))
    return body + v.rfc_check_digit(body)


# --------------------------------------------------------------------------------------------
# The file
# --------------------------------------------------------------------------------------------


@dataclass
class _Row:
    cells: list[str]
    code: str | None
    key: str
    kind: str | None = None


def _kinds_plan(rng: random.Random) -> dict[int, str]:
    """Which row index (0-based) gets which special kind; repeats come after row 300."""
    kinds = [kind for group in (ERROR_KINDS, WARNING_KINDS, TEXT_KINDS)
             for kind, (count, _column) in group.items() for _ in range(count)]
    kinds += ["same_osc_two_spellings"] * DUPLICATES
    repeats = [k for k in kinds if k in ("rfc_repeated", "same_osc_two_spellings")]
    others = [k for k in kinds if k not in ("rfc_repeated", "same_osc_two_spellings")]
    late = rng.sample(range(300, ROWS), len(repeats))
    free = sorted(set(range(ROWS)) - set(late))
    anywhere = rng.sample(free, len(others))
    plan = dict(zip(late, repeats, strict=True))
    plan.update(zip(anywhere, others, strict=True))
    return plan


@lru_cache(maxsize=1)
def build() -> tuple[tuple[tuple[str, ...], ...], tuple[Injected, ...]]:
    """(rows without the header, injected); the same every time."""
    rng = random.Random(SEED)
    places = _places()
    weights = fake.municipality_weights(places, 0.8)
    near = fake.neighbours(places)
    plan = _kinds_plan(rng)
    validated = set(rng.sample(range(ROWS), VALIDATED))
    keys_by_code: dict[str, list[str]] = defaultdict(list)
    rows: list[_Row] = []
    injected: list[Injected] = []
    rfcs: set[str] = set()
    clunis: set[str] = set()
    folios: set[int] = set()
    used_sources: set[int] = set()

    for index in range(ROWS):
        kind = plan.get(index)
        place = rng.choices(places, weights=weights)[0]
        for _attempt in range(500):
            osc = fake.fake_osc(rng, place, near=near, first_year=1970)
            fields = osc.fields
            constituted = date.fromisoformat(fields["constituted_on"])
            if constituted.year > 2015:  # the padrón was closed in 2015
                continue
            name_cell = _name_cell(rng, fields["name"], fields["legal_form"])
            key = _key(name_cell)
            if key and not _too_similar(key, keys_by_code[place.code]):
                break
        else:  # pragma: no cover - the catalogue is large enough
            raise RuntimeError(f"no distinct name left for {place.name}")
        keys_by_code[place.code].append(key)
        rfc = fields.get("rfc") or fake.make_rfc(rng, fields["name"], constituted)
        cluni = fields.get("cluni")
        if rfc in rfcs or (cluni and cluni in clunis):
            rfc = fake.make_rfc(rng, fields["name"] + " bis", constituted)
            cluni = None
        roll = rng.random()
        if roll < 0.03 and cluni:
            rfc_cell = rng.choice(("", "S/RFC", "N/A"))
        else:
            rfc_cell = rfc if roll < 0.85 else (
                f"{rfc[:3]}-{rfc[3:9]}-{rfc[9:]}" if roll < 0.93 else f"{rfc[:3]} {rfc[3:]}")
            rfcs.add(rfc)
        cluni_cell = cluni if cluni and (rng.random() < 0.8 or pn.is_blank(rfc_cell)) else ""
        if cluni_cell:
            clunis.add(cluni)
        municipality_cell, silent_municipality = _municipality_cell(rng, place)
        date_cell, silent_date = _date_cell(rng, constituted)
        address = fields.get("address")
        address_cell = f"{address}, C.P. {fields['postal_code']}" if address else ""
        phone_cell = _phone_cell(rng, fields["phone"]) if fields.get("phone") else ""
        email_cell = fields.get("public_email") or ""
        if not email_cell and rng.random() < 0.5:
            email_cell = rng.choice(("S/D", "N/D", ""))
        folio_cell = ""
        if rng.random() < 0.5:
            number = rng.randint(1, 9999)
            while number in folios:
                number = rng.randint(1, 9999)
            folios.add(number)
            folio_cell = f"RSE/{rng.randint(max(2012, constituted.year), 2015)}/{number:05d}"
        cells = [name_cell, rfc_cell, cluni_cell, municipality_cell, address_cell, phone_cell,
                 email_cell, date_cell, _status_cell(rng, index in validated),
                 _donee_cell(rng), fields.get("social_object") or "", folio_cell]
        row = _Row(cells, place.code, key)
        number = index + 2
        if kind is None:
            if silent_municipality:
                injected.append(Injected(number, silent_municipality, "MUNICIPIO",
                                         municipality_cell, "new"))
            if silent_date:
                injected.append(Injected(number, silent_date, "FECHA DE CONSTITUCION",
                                         date_cell, "new"))
        else:
            row.kind = kind
            same_as = _inject(rng, kind, row, rows, used_sources, keys_by_code, places)
            column, expected = _column_and_class(kind)
            injected.append(Injected(number, kind, column, row.cells[HEADERS.index(column)],
                                     expected, same_as))
        rows.append(row)
    return tuple(tuple(r.cells) for r in rows), tuple(injected)


def _column_and_class(kind: str) -> tuple[str, str]:
    if kind == "same_osc_two_spellings":
        return "NOMBRE DE LA ORGANIZACION", "duplicate"
    for group, klass in ((ERROR_KINDS, "error"), (WARNING_KINDS, "new"), (TEXT_KINDS, "new")):
        if kind in group:
            return group[kind][1], klass
    raise KeyError(kind)


def _source(rng: random.Random, rows: list[_Row], used: set[int], *, with_rfc: bool) -> int:
    """An earlier clean row (0-based) not repeated yet."""
    while True:
        index = rng.randrange(len(rows))
        row = rows[index]
        if row.kind is None and index not in used and (
                not with_rfc or pn.normalize_rfc(row.cells[RFC]).value):
            used.add(index)
            return index


def _inject(rng: random.Random, kind: str, row: _Row, rows: list[_Row], used: set[int],
            keys_by_code: dict[str, list[str]], places: list[fake.Place]) -> int | None:
    cells = row.cells
    rfc = pn.normalize_rfc(cells[RFC]).value
    if kind == "same_osc_two_spellings":
        keys_by_code[row.code].remove(row.key)
        for _attempt in range(200):
            index = _source(rng, rows, used, with_rfc=False)
            source = rows[index]
            variant = _respell(rng, source.cells[NAME])
            key = _key(variant)
            others = [k for k in keys_by_code[source.code] if k != source.key]
            if (variant != source.cells[NAME] and _alike(key, source.key) >= DUPLICATE_AT_LEAST
                    and not _too_similar(key, others)):
                break
            used.discard(index)
        else:  # pragma: no cover
            raise RuntimeError("no respelling found")
        place = next(p for p in places if p.code == source.code)
        cells[NAME] = variant
        cells[RFC] = cells[CLUNI] = ""
        cells[MUNICIPALITY] = rng.choice((place.name, place.name.upper(),
                                          _strip_accents(place.name).upper()))
        if rng.random() < 0.5:
            cells[ADDRESS] = source.cells[ADDRESS]
        row.code, row.key = source.code, key
        keys_by_code[source.code].append(key)
        return index + 2
    if kind == "rfc_repeated":
        index = _source(rng, rows, used, with_rfc=True)
        cells[RFC] = pn.normalize_rfc(rows[index].cells[RFC]).value
        cells[CLUNI] = ""
        return index + 2
    if not rfc:  # every other row keeps an identifier
        cells[RFC] = fake.make_rfc(rng, cells[NAME] or "Organización", date(2001, 2, 3))
        rfc = cells[RFC]
    if kind == "rfc_persona_fisica":
        cells[RFC] = _fisica_rfc(rng)
    elif kind == "rfc_malformed":
        count = sum(1 for r in rows if r.kind == "rfc_malformed")
        cells[RFC] = (
            rfc[:6] + rfc[7:],  # a digit of the date missing: 11 characters
            rfc[:3] + "0" + rfc[3:],  # 13 characters, but a persona moral's shape
            rfc[:3] + "991332" + rfc[9:],  # a date that does not exist
            rfc[:3] + "O" + rfc[4:],  # the letter O for a zero
            rfc + "15",  # the CLUNI's state pasted after it: 14 characters
        )[count % 5]
    elif kind == "cluni_malformed":
        cells[CLUNI] = rng.choice((rfc, rfc[:9] + "45" + "01A", rfc[:9] + "1501"))
    elif kind == "name_missing":
        cells[NAME] = rng.choice(("", "", "S/D"))
    elif kind == "municipality_missing":
        cells[MUNICIPALITY] = rng.choice(("", "", "", "N/D", "-"))
    elif kind == "municipality_unknown":
        cells[MUNICIPALITY] = OTHER_STATES_PLACES[sum(
            1 for r in rows if r.kind == "municipality_unknown") % len(OTHER_STATES_PLACES)]
    elif kind == "date_impossible":
        count = sum(1 for r in rows if r.kind == "date_impossible")
        cells[DATE] = ("31/02/2010", "30/02/2008", "2011-13-04", "45/07/2003", "12/05/2091",
                       "60", "1998")[count % 7]
    elif kind == "cell_too_long":
        sentence = ("La asociación tiene por objeto la asistencia social a niñas, niños y "
                    "adolescentes en situación de vulnerabilidad. ")
        cells[OBJECT] = (sentence * (CELL_LIMIT // len(sentence) + 5))[:CELL_LIMIT + 500]
    elif kind == "rfc_check_digit":
        digit = rfc[-1]
        cells[RFC] = rfc[:-1] + rng.choice([d for d in "0123456789" if d != digit])
    elif kind == "municipality_misspelt":
        cells[MUNICIPALITY], code = _misspelt(rng, row.code, row.key, keys_by_code)
        if code != row.code:
            keys_by_code[row.code].remove(row.key)
            keys_by_code[code].append(row.key)
            row.code = code
    elif kind == "date_month_first":
        cells[DATE] = f"{rng.randint(1, 12):02d}/{rng.randint(13, 28)}/{rng.randint(1990, 2014)}"
    elif kind == "phone_several":
        first = v.clean_phone(cells[PHONE]) if cells[PHONE] else fake.make_phone(rng, "722")
        second = fake.make_phone(rng, first[:3])
        cells[PHONE] = rng.choice((f"{first} / {second}", f"{first}, {second}",
                                   f"{first} y {second}"))
    elif kind == "phone_invalid":
        cells[PHONE] = rng.choice(("722 12 34", "123456789012345", "55-1234", "0 800 123 4567"))
    elif kind == "email_several":
        handle = fake.handle_for(pn.split_legal_form(cells[NAME])[0])
        cells[EMAIL] = f"contacto@{handle}.example; direccion@{handle}.example"
    elif kind == "email_invalid":
        handle = fake.handle_for(pn.split_legal_form(cells[NAME])[0])
        cells[EMAIL] = rng.choice((f"contacto@{handle}", f"contacto.{handle}.example",
                                   f"contacto @ {handle}.example", "correo en trámite"))
    elif kind == "email_formula":
        handle = fake.handle_for(pn.split_legal_form(cells[NAME])[0])
        address = f"contacto@{handle}.example"
        cells[EMAIL] = f'=HYPERLINK("mailto:{address}","{address}")'
    elif kind == "formula_address":
        cells[ADDRESS] = ('=HYPERLINK("https://mapas.example/?q=' + fake.make_address(rng)
                          .replace(" ", "+").replace(",", "") + '","Ver en el mapa")')
    elif kind == "formula_object":
        cells[OBJECT] = '=CONCATENAR("Asistencia social a ";"personas mayores")'
    elif kind == "html_object":
        cells[OBJECT] = rng.choice((
            "<p>Apoyo a <b>niñas y niños</b> en situación de calle</p>",
            "Atención a mujeres<br>y sus familias <a href=\"https://ejemplo.example\">aquí</a>",
        ))
    elif kind == "html_address":
        cells[ADDRESS] = "<script>alert('padrón')</script> Calle Hidalgo 12, Col. Centro"
    return None


def _misspelt(rng: random.Random, code: str, key: str,
              keys_by_code: dict[str, list[str]]) -> tuple[str, str]:
    """(a municipality one letter off that the normalizer reads with a warning, its code):
    the row's own, or, when no misspelling of it is read back, another where its name is
    still distinct."""
    candidates = sorted(pn.municipality_names())
    for target in [code, *rng.sample(candidates, len(candidates))]:
        if target != code and _too_similar(key, keys_by_code[target]):
            continue
        name = pn.municipality_names()[target]
        letters = [i for i, ch in enumerate(name) if ch.isalpha() and 0 < i < len(name) - 1]
        for cut in rng.sample(letters, len(letters)):
            cell = name[:cut] + name[cut + 1:]
            result = pn.municipality_code(cell)
            if result.value == target and result.warning:
                return cell, target
    raise RuntimeError("no misspelling found")  # pragma: no cover


def render() -> bytes:
    """The CSV file's bytes: Windows-1252, CRLF line ends, the government's headers."""
    rows, _injected = build()
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode(ENCODING)


def injected() -> tuple[Injected, ...]:
    return build()[1]


def expected_new_status() -> Counter:
    """Of the rows the dry run calls new, how many the file says are validated and pending."""
    rows, marks = build()
    not_new = {m.row for m in marks if m.expected != "new"}
    counts: Counter = Counter()
    for number, cells in enumerate(rows, start=2):
        if number not in not_new:
            counts[pn.normalize_status(cells[STATUS]).value] += 1
    return counts


def write(path: Path = PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render())
    return path


def main() -> None:
    path = write()
    marks = Counter(m.kind for m in injected())
    print(f"{path}: {ROWS} filas; esperado {EXPECTED}")
    for kind, count in sorted(marks.items()):
        print(f"  {kind}: {count}")


if __name__ == "__main__":
    main()
    sys.exit(0)
