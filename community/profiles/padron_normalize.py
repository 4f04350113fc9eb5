"""The cells of a government padrón, one at a time: what each says, in the platform's terms.

Every ``normalize_*`` function (and ``municipality_code``, ``parse_date``, ``clean_text``) is
pure: it takes one raw cell as the CSV reader or openpyxl gave it (``str``, ``int``,
``float``, ``datetime``, ``date`` or ``None``) and returns a ``Cell(value, error, warning)``:

- ``value``: what to store, or ``None`` when the cell was empty (or a placeholder such as
  "S/D", "N/A", "-", "SIN RFC") or unusable;
- ``error``: a Spanish sentence saying why the row cannot be imported as it is (RFC of a
  persona física, unknown municipality, a date that does not exist, a cell too long...);
- ``warning``: a Spanish sentence for staff when the value was kept but deserves a look (the
  RFC's check digit does not match, a second phone number was left out, a bad e-mail dropped).

Empty cells are never an error, except the two a row cannot do without: the name
(``normalize_name``) and the municipality (``municipality_code``).

The field rules (RFC, CLUNI, phone, e-mail, dates) are the profile form's own, from
``community.profiles.validators``; this module only adds what a spreadsheet brings: Excel's
serial dates, old municipality spellings, several phones in one cell, placeholders.

Cells are text: a cell starting with "=" is kept as that text (never evaluated; exports
escape it), and HTML is kept literally (templates escape it when shown).

``name_key`` and ``name_similarity`` are for finding the same OSC spelled twice: compare the
keys of two names in the same municipality with ``name_similarity`` (rapidfuzz); at
``DUPLICATE_SCORE`` or more they are probably the same organization.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from flask_babel import lazy_gettext as _l
from rapidfuzz import fuzz, process

from community.core.catalog import DATA_DIR
from community.core.text import fold
from community.profiles import validators as v

__all__ = [
    "DUPLICATE_SCORE",
    "EMPTY",
    "Cell",
    "clean_text",
    "excel_serial_to_date",
    "is_blank",
    "municipality_code",
    "municipality_names",
    "name_key",
    "name_similarity",
    "normalize_bool",
    "normalize_cluni",
    "normalize_email",
    "normalize_name",
    "normalize_phone",
    "normalize_rfc",
    "normalize_status",
    "parse_date",
    "split_legal_form",
]

NAME_MAX_LENGTH = 200  # Organization.name
DUPLICATE_SCORE = 90.0  # name_similarity at or above which two names are one OSC, probably


@dataclass(frozen=True, slots=True)
class Cell:
    """One normalized cell: ``value`` to store (None: empty), ``error``/``warning`` in Spanish."""

    value: Any = None
    error: str | None = None
    warning: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


EMPTY = Cell()


def _msg(lazy) -> str:
    return str(lazy)


# --------------------------------------------------------------------------------------------
# Raw cells
# --------------------------------------------------------------------------------------------

# What clerks type for "nothing here"; compared folded, without spaces or punctuation.
_PLACEHOLDERS = frozenset({
    "", "na", "nd", "sd", "sn", "sindato", "sindatos", "sininformacion", "noaplica",
    "notiene", "ninguno", "ninguna", "null", "none", "nan", "sinrfc", "sincluni", "sincorreo",
    "sintelefono", "notengo", "xxx", "srfc", "scluni",
})
_PUNCT_RE = re.compile(r"[\W_]+")
_BLANK_CHARS = frozenset("-–—_.0 /")
_PLACEHOLDER_MAX = 24  # "Sin información" and the like: longer text is never one


def _text(raw) -> str:
    """A raw cell as text: NFC, stripped; a float that is a whole number loses its ".0"."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return unicodedata.normalize("NFC", str(raw)).replace("\xa0", " ").strip()


def is_blank(raw) -> bool:
    """Whether a cell says nothing: empty, white space, or a placeholder like "S/D" or "N/A".

    A lone "-", "--" or "0" also counts as empty.
    """
    text = _text(raw)
    if not text or set(text) <= _BLANK_CHARS:
        return True
    return len(text) <= _PLACEHOLDER_MAX and _PUNCT_RE.sub("", fold(text)) in _PLACEHOLDERS


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------

_INVISIBLE_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\ufeff]")
_SPACES_RE = re.compile(r"[ \t]+")


def clean_text(raw, max_len: int, *, multiline: bool = False) -> Cell:
    """Text as text. A leading "=" stays (the cell is never a formula here), HTML stays
    literal; control characters go, runs of spaces become one. Longer than ``max_len``
    characters: an error (the value is None). ``multiline`` keeps line breaks (at most one
    empty line in a row), otherwise every run of white space becomes one space."""
    if raw is None:
        return EMPTY
    if multiline:
        text = unicodedata.normalize("NFC", _text(raw)).replace("\r\n", "\n").replace("\r", "\n")
        text = _INVISIBLE_RE.sub("", text)
        lines = [_SPACES_RE.sub(" ", line).strip() for line in text.split("\n")]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
        if not text:
            return EMPTY
        if len(text) > max_len:
            return Cell(None, _msg(_l(
                "El texto tiene %(count)d caracteres; el máximo es %(max)d.",
                count=len(text), max=max_len)))
        return Cell(text)
    try:
        return Cell(v.clean_text(_text(raw), max_len))
    except ValueError:
        length = len(_SPACES_RE.sub(" ", _text(raw)))
        return Cell(None, _msg(_l("El texto tiene %(count)d caracteres; el máximo es %(max)d.",
                                  count=length, max=max_len)))


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------

# Legal forms at the end of a name: "A.C.", "AC", "A. C.", "Asociación Civil", "I.A.P."...
_LEGAL_FORM_PATTERNS = (
    ("AC", r"a\.?\s*c\.?|asociaci[oó]n\s+civil"),
    ("IAP", r"i\.?\s*a\.?\s*p\.?|instituci[oó]n\s+de\s+asistencia\s+privada"),
    ("IBP", r"i\.?\s*b\.?\s*p\.?|instituci[oó]n\s+de\s+beneficencia\s+privada"),
    ("SC", r"s\.?\s*c\.?|sociedad\s+civil"),
)
_LEGAL_FORM_RES = tuple(
    (code, re.compile(rf"[\s,;.\-]*\b(?:{pattern})\s*$", re.IGNORECASE))
    for code, pattern in _LEGAL_FORM_PATTERNS)
_QUOTES = "\"'“”«»‘’"


def split_legal_form(name: str) -> tuple[str, str | None]:
    """("Fundación Sol", "AC") for "Fundación Sol, A.C."; the name as it was and None when it
    does not end in a legal form (AC, IAP, IBP, SC, as in ``fields.LEGAL_FORMS``)."""
    for code, regex in _LEGAL_FORM_RES:
        match = regex.search(name)
        if match and match.start() > 0:
            rest = name[:match.start()].rstrip(" ,;-")
            if rest:
                return rest, code
    return name, None


def normalize_name(raw) -> Cell:
    """The OSC's name as written, spaces tidied and stray quotes removed; required."""
    text = _text(raw)
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1]
    if is_blank(text):
        return Cell(None, _msg(_l("Falta el nombre de la organización.")))
    cell = clean_text(text, NAME_MAX_LENGTH)
    if cell.error:
        return Cell(None, _msg(_l(
            "El nombre tiene más de %(max)d caracteres.", max=NAME_MAX_LENGTH)))
    return cell


def name_key(name) -> str:
    """A name for comparing: folded (no accents, lower case), no legal form, no punctuation.

    "FUNDACIÓN SOL, A.C." and "Fundacion Sol AC" give the same key, "fundacion sol".
    """
    text = _text(name)
    base, _form = split_legal_form(text)
    return " ".join(_PUNCT_RE.sub(" ", fold(base)).split())


def name_similarity(key_a: str, key_b: str) -> float:
    """0 to 100: how alike two ``name_key``s are (rapidfuzz's token sort ratio)."""
    return fuzz.token_sort_ratio(key_a, key_b)


# --------------------------------------------------------------------------------------------
# RFC and CLUNI
# --------------------------------------------------------------------------------------------


_RFC_FISICA_RE = re.compile(r"[A-ZÑ&]{4}[0-9]{6}[A-Z0-9]{2}[A0-9]")


def normalize_rfc(raw) -> Cell:
    """A persona moral's RFC, upper case, no spaces or dashes. A persona física's (13
    characters) is an error; a check digit that does not match is only a warning."""
    if is_blank(raw):
        return EMPTY
    text = _text(raw)
    try:
        return Cell(v.clean_rfc(text))
    except v.RFCCheckDigitError:
        rfc = v.clean_rfc(text, verify_check_digit=False)
        return Cell(rfc, warning=_msg(_l(
            "El dígito verificador del RFC %(rfc)s no coincide; se importa tal cual, "
            "revísalo.", rfc=rfc)))
    except ValueError as exc:
        compact = re.sub(r"[\s\-]+", "", text).upper()
        if _RFC_FISICA_RE.fullmatch(compact):
            return Cell(None, _msg(_l(
                "El RFC %(rfc)s no es de persona moral: tiene 13 caracteres, como el de una "
                "persona física.", rfc=compact)))
        return Cell(None, _msg(_l("RFC %(rfc)s: %(reason)s", rfc=compact,
                                  reason=str(exc.args[0]))))


def normalize_cluni(raw) -> Cell:
    """The CLUNI, 14 characters in upper case."""
    if is_blank(raw):
        return EMPTY
    try:
        return Cell(v.clean_cluni(_text(raw)))
    except ValueError as exc:
        return Cell(None, _msg(_l("CLUNI %(cluni)s: %(reason)s",
                                  cluni=_text(raw), reason=str(exc.args[0]))))


# --------------------------------------------------------------------------------------------
# Municipalities
# --------------------------------------------------------------------------------------------

# Other names in use for a municipality (folded): short forms, the seat's name, old spellings.
_ALIASES = {
    "15001": ("acambay",),
    "15002": ("acolman de nezahualcoyotl",),
    "15009": ("amecameca de juarez",),
    "15014": ("atlacomulco de fabela",),
    "15019": ("capulhuac de mirafuentes",),
    "15020": ("coacalco",),
    "15025": ("chalco de diaz covarrubias",),
    "15033": ("ecatepec", "san cristobal ecatepec", "ecatepec de morelos edo mex"),
    "15034": ("ecatzingo de hidalgo",),
    "15037": ("huixquilucan de degollado",),
    "15042": ("ixtlahuaca de rayon",),
    "15043": ("jalatlaco",),
    "15045": ("jilotepec de molina enriquez",),
    "15051": ("lerma de villada",),
    "15055": ("mexicalcingo",),
    "15057": ("naucalpan", "naucalpan de juarez edo mex"),
    "15058": ("nezahualcoyotl", "neza", "ciudad neza", "ciudad nezahualcoyotl"),
    "15060": ("villa nicolas romero", "ciudad nicolas romero"),
    "15064": ("el oro de hidalgo",),
    "15065": ("otumba de gomez farias",),
    "15068": ("ozumba de alzate",),
    "15070": ("los reyes la paz", "los reyes acaquilpan", "la paz los reyes"),
    "15075": ("san martin piramides",),
    "15078": ("santo tomas de los platanos",),
    "15079": ("soyaniquilpan",),
    "15080": ("sultepec de pedro ascencio de alquisiras",),
    "15081": ("tecamac de felipe villanueva",),
    "15082": ("tejupilco de hidalgo",),
    "15085": ("temascalcingo de jose maria velasco",),
    "15088": ("tenancingo de degollado",),
    "15092": ("teotihuacan de arista", "san juan teotihuacan"),
    "15099": ("texcoco de mora",),
    "15101": ("tianguistenco de galeana", "santiago tianguistenco"),
    "15103": ("tlalmanalco de velazquez",),
    "15104": ("tlalnepantla",),
    "15106": ("toluca de lerdo",),
    "15109": ("tultitlan de mariano escobedo",),
    "15118": ("san miguel zinacantepec",),
    "15120": ("zumpango de ocampo",),
    "15121": ("izcalli",),
    "15122": ("valle de chalco",),
}
# Words around a municipality's name that say nothing about which one it is.
_NOISE_RE = re.compile(
    r"\b(?:municipio|mpio|municipalidad|h ayuntamiento|ayuntamiento)\s+(?:de\s+)?"
    r"|\s+(?:estado de mexico|edo de mexico|edo mex|edomex|mexico|mex)$")


def _municipality_form(text: str) -> str:
    """Folded, punctuation as spaces, "cd." as "ciudad", noise words out."""
    folded = " ".join(_PUNCT_RE.sub(" ", fold(text)).split())
    folded = re.sub(r"^cd\b", "ciudad", folded)
    for _ in range(2):
        folded = _NOISE_RE.sub("", folded).strip()
    return folded


@lru_cache(maxsize=1)
def municipality_names() -> dict[str, str]:
    """The 125 municipalities of the Estado de México, code -> official name, from the same
    catalogue CSV that ``core.catalog`` loads (no database needed)."""
    with open(DATA_DIR / "municipios_edomex.csv", newline="", encoding="utf-8") as handle:
        return {row["clave"]: row["nombre"] for row in csv.DictReader(handle)}


@lru_cache(maxsize=1)
def _municipality_index() -> dict[str, str]:
    index = {}
    for code, name in municipality_names().items():
        index[_municipality_form(name)] = code
    for code, aliases in _ALIASES.items():
        for alias in aliases:
            index.setdefault(_municipality_form(alias), code)
    return index


def _code_from(raw_code) -> str | None:
    """A municipality code as "15106", "15-106", "106" or 106; None if it is not one."""
    text = re.sub(r"[\s\-]+", "", _text(raw_code))
    if not text.isdigit():
        return None
    if len(text) <= 3:
        text = "15" + text.zfill(3)
    return text if text in municipality_names() else None


@lru_cache(maxsize=4096)
def _match_name(text: str) -> tuple[str | None, str | None]:
    """(code, None) for a known name or alias; (code, "fuzzy") when one catalogue name is
    clearly the closest; (None, None) otherwise."""
    form = _municipality_form(text)
    index = _municipality_index()
    if form in index:
        return index[form], None
    if len(form) < 5:
        return None, None
    best = process.extract(form, list(index), scorer=fuzz.ratio, limit=2)
    if best and best[0][1] >= 88:
        code = index[best[0][0]]
        runner_up = best[1] if len(best) > 1 else None
        if runner_up is None or index[runner_up[0]] == code or runner_up[1] < best[0][1] - 5:
            return code, "fuzzy"
    return None, None


def municipality_code(raw_name, raw_code=None) -> Cell:
    """The INEGI code ("15106") of an Estado de México municipality, from its name written
    any common way ("TOLUCA DE LERDO", "Nezahualcoyotl", "Ecatepec", "Mpio. de Metepec") or
    from a code column. A misspelling close to one name is taken with a warning; an unknown
    name is an error, and so is a row with neither name nor code."""
    name = _text(raw_name)
    code = _code_from(raw_code) if not is_blank(raw_code) else None
    if is_blank(name):
        if code:
            return Cell(code)
        return Cell(None, _msg(_l("Falta el municipio.")))
    if code is None and re.fullmatch(r"[\d\s\-]+", name):  # a code in the name column
        code = _code_from(name)
        if code is None:
            return Cell(None, _msg(_l("municipio desconocido: «%(name)s»", name=name)))
        return Cell(code)
    matched, how = _match_name(name)
    if code:
        if matched and matched != code:
            return Cell(code, warning=_msg(_l(
                "El municipio «%(name)s» no corresponde a la clave %(code)s (%(official)s); "
                "se usa la clave.", name=name, code=code,
                official=municipality_names()[code])))
        return Cell(code)
    if matched is None:
        return Cell(None, _msg(_l("municipio desconocido: «%(name)s»", name=name)))
    if how == "fuzzy":
        return Cell(matched, warning=_msg(_l(
            "Se leyó el municipio «%(name)s» como %(official)s.",
            name=name, official=municipality_names()[matched])))
    return Cell(matched)


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

_MONTHS = {
    "enero": 1, "ene": 1, "febrero": 2, "feb": 2, "marzo": 3, "mar": 3, "abril": 4, "abr": 4,
    "mayo": 5, "may": 5, "junio": 6, "jun": 6, "julio": 7, "jul": 7, "agosto": 8, "ago": 8,
    "septiembre": 9, "setiembre": 9, "sep": 9, "sept": 9, "set": 9, "octubre": 10, "oct": 10,
    "noviembre": 11, "nov": 11, "diciembre": 12, "dic": 12,
}
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 61 is 1 March 1900: Excel counts a 29 Feb 1900
_SERIAL_RE = re.compile(r"\d{1,6}(?:[.,]0+)?")  # "40179,0": a Spanish-locale Excel
_NUMERIC_RE = re.compile(r"(\d{1,4})[/\-.](\d{1,2})[/\-.](\d{1,4})")
_WORDS_RE = re.compile(r"(\d{1,2})(?:\s+de)?[\s\-/]+([a-z]+)\.?(?:\s+de(?:l)?)?[\s\-/]+(\d{2,4})")
_TIME_RE = re.compile(r"[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[ap]\.?\s*m\.?)?$")


class _BadDate(ValueError):
    pass


def excel_serial_to_date(serial: int) -> date:
    """Excel's 1900 date system: 1 is 1 January 1900, and 60 is the 29 February 1900 that
    never was (Lotus 1-2-3's leap-year bug, kept by Excel), so from 61 on a day is added."""
    if serial == 60:
        raise _BadDate(_l("El número de fecha de Excel 60 es el 29 de febrero de 1900, que no "
                          "existió."))
    if serial < 1:
        raise _BadDate(_l("El número de fecha de Excel %(n)d no es una fecha.", n=serial))
    if serial < 60:
        return _EXCEL_EPOCH + timedelta(days=serial + 1)
    return _EXCEL_EPOCH + timedelta(days=serial)


def _year(text: str, today: date) -> int:
    year = int(text)
    if len(text) == 2:
        return 2000 + year if 2000 + year <= today.year else 1900 + year
    if len(text) != 4:
        raise _BadDate(_l("El año %(year)s no tiene 4 cifras.", year=text))
    return year


def _real_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _BadDate(_l("La fecha %(day)02d/%(month)02d/%(year)d no existe.",
                          day=day, month=month, year=year)) from None


def _parse(raw, today: date) -> tuple[date, str | None]:
    """(date, warning) or _BadDate."""
    if isinstance(raw, datetime):
        return raw.date(), None
    if isinstance(raw, date):
        return raw, None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if not float(raw).is_integer():
            raw = int(raw)  # a time of day after the serial: the day is what counts
        raw = _text(raw)
    text = _TIME_RE.sub("", _text(raw))
    if _SERIAL_RE.fullmatch(text):
        number = int(float(text.replace(",", ".")))
        if 1900 <= number <= 2100:
            raise _BadDate(_l("«%(text)s» es solo un año: falta el día y el mes.", text=text))
        return excel_serial_to_date(number), None
    match = _NUMERIC_RE.fullmatch(text)
    if match:
        first, second, third = match.groups()
        if len(first) == 4:  # yyyy-mm-dd
            return _real_date(int(first), int(second), int(third)), None
        day, month, year = int(first), int(second), _year(third, today)
        if month > 12 and day <= 12:  # 03/15/2010: month first, as in US spreadsheets
            return _real_date(year, day, month), _msg(_l(
                "La fecha «%(text)s» venía con el mes primero; se leyó como %(date)s.",
                text=text, date=f"{month:02d}/{day:02d}/{year}"))
        return _real_date(year, month, day), None
    match = _WORDS_RE.fullmatch(fold(text))
    if match and match.group(2) in _MONTHS:
        day, month = int(match.group(1)), _MONTHS[match.group(2)]
        return _real_date(_year(match.group(3), today), month, day), None
    raise _BadDate(_l("«%(text)s» no es una fecha; se esperaba DD/MM/AAAA.", text=text))


def parse_date(raw, *, earliest: date = v.CONSTITUTION_EARLIEST,
               today: date | None = None) -> Cell:
    """A day from what Excel and clerks leave: an openpyxl ``date``/``datetime``, an Excel
    serial number (40179 or "40179.0" is 1 January 2010), "15/03/2010", "15/3/10",
    "2010-03-15", "15-mar-2010" or "15 de marzo de 2010". A day that does not exist, a lone
    year, or a day before ``earliest`` or after ``today`` (Mexico City) is an error."""
    if is_blank(raw) and not isinstance(raw, date | datetime | int | float):
        return EMPTY
    today = today or v.local_today()
    try:
        day, warning = _parse(raw, today)
    except _BadDate as exc:
        return Cell(None, _msg(exc.args[0]))
    try:
        v.clean_date_not_future(day, earliest=earliest, today=today)
    except ValueError as exc:
        return Cell(None, _msg(_l("Fecha imposible (%(date)s): %(reason)s",
                                  date=day.strftime("%d/%m/%Y"), reason=str(exc.args[0]))))
    return Cell(day, warning=warning)


# --------------------------------------------------------------------------------------------
# Phone and e-mail
# --------------------------------------------------------------------------------------------

_LIST_SPLIT_RE = re.compile(r"\s*(?:/|;|,|\||\n|\by\b|\bo\b|\bó\b)\s*", re.IGNORECASE)
_EXTENSION_RE = re.compile(r"\s*(?:ext|extension|extensión|x)\.?\s*\d+\s*$", re.IGNORECASE)
_PHONE_LABEL_RE = re.compile(r"^(?:tel|tels|telefono|teléfono|cel|celular|oficina|of)\.?:?\s*",
                             re.IGNORECASE)


def normalize_phone(raw) -> Cell:
    """The first phone of the cell as its 10 digits (the profile form's rule). Another phone
    or an extension is left out with a warning; a number that is not a phone is dropped
    with a warning (the row is still imported)."""
    if is_blank(raw):
        return EMPTY
    text = _text(raw)
    parts = [p for p in _LIST_SPLIT_RE.split(text) if p and not is_blank(p)]
    notes = []
    if len(parts) > 1:
        notes.append(_msg(_l("Se tomó el primer teléfono de «%(text)s».", text=text)))
    first = _PHONE_LABEL_RE.sub("", parts[0] if parts else text)
    without_ext = _EXTENSION_RE.sub("", first)
    if without_ext != first:
        notes.append(_msg(_l("Se dejó fuera la extensión de «%(text)s».", text=first)))
    try:
        phone = v.clean_phone(without_ext)
    except ValueError as exc:
        return Cell(None, warning=_msg(_l("Teléfono «%(text)s» descartado: %(reason)s",
                                          text=text, reason=str(exc.args[0]))))
    return Cell(phone, warning=" ".join(notes) or None)


_MAILTO_RE = re.compile(r"mailto:([^\"'\s;,)]+)", re.IGNORECASE)


def normalize_email(raw) -> Cell:
    """The first address of the cell, lower case (the profile form's rule). Another address is
    left out with a warning; one that is not valid is dropped with a warning. A formula like
    ``=HYPERLINK("mailto:...")`` gives its address, with a warning."""
    if is_blank(raw):
        return EMPTY
    text = _text(raw)
    notes = []
    if text.startswith("="):
        found = _MAILTO_RE.search(text)
        if not found:
            return Cell(None, warning=_msg(_l(
                "Correo «%(text)s» descartado: es una fórmula, no una dirección.", text=text)))
        notes.append(_msg(_l("El correo venía como fórmula; se tomó %(email)s.",
                             email=found.group(1))))
        text = found.group(1)
    elif text.lower().startswith("mailto:"):
        text = text[7:]
    parts = [p for p in re.split(r"\s*[;,/\s]\s*", text) if p]
    if len(parts) > 1:
        notes.append(_msg(_l("Se tomó el primer correo de «%(text)s».", text=text)))
    try:
        email = v.clean_email(parts[0] if parts else text)
    except ValueError as exc:
        return Cell(None, warning=_msg(_l("Correo «%(text)s» descartado: %(reason)s",
                                          text=text, reason=str(exc.args[0]))))
    return Cell(email, warning=" ".join(notes) or None)


# --------------------------------------------------------------------------------------------
# Status and yes/no
# --------------------------------------------------------------------------------------------

_VALIDATED = frozenset({
    "validada", "validado", "valida", "activa", "activo", "vigente", "si", "s", "1",
    "registrada", "aprobada", "aceptada", "verdadero", "true", "yes", "ok", "x",
    "validated", "active",
})
_PENDING = frozenset({
    "pendiente", "en revision", "revision", "en proceso", "en tramite", "tramite", "no", "n",
    "0", "inactiva", "inactivo", "baja", "suspendida", "no vigente", "no validada",
    "por validar", "sin validar", "falso", "false", "pending",
})
_YES = frozenset({"si", "s", "1", "x", "verdadero", "true", "yes", "autorizada", "autorizado",
                  "donataria", "donataria autorizada", "vigente"})
_NO = frozenset({"no", "n", "0", "falso", "false", "no autorizada", "no es donataria",
                 "no donataria", "revocada", "cancelada", "no vigente"})


def _word(raw) -> str:
    return " ".join(_PUNCT_RE.sub(" ", fold(_text(raw))).split())


def normalize_status(raw) -> Cell:
    """"validated" ("VALIDADA", "ACTIVA", "Vigente", "Sí"...) or "pending" ("PENDIENTE",
    "En revisión", "No", "BAJA"...). Empty: None. Anything else: "pending", with a warning."""
    word = _word(raw)
    if not word:
        return EMPTY
    if word in _VALIDATED:
        return Cell("validated")
    if word in _PENDING:
        return Cell("pending")
    return Cell("pending", warning=_msg(_l(
        "Estatus «%(text)s» no reconocido: la organización queda pendiente.", text=_text(raw))))


def normalize_bool(raw) -> Cell:
    """True for "Sí", "SI", "X", "1", "Autorizada"...; False for "No", "0", "Revocada"...;
    None for an empty cell; an unknown word is None with a warning."""
    if raw is True or raw is False:
        return Cell(raw)
    word = _word(raw)
    if not word:
        return EMPTY
    if word in _YES:
        return Cell(True)
    if word in _NO:
        return Cell(False)
    return Cell(None, warning=_msg(_l("«%(text)s» no es ni sí ni no; se deja vacío.",
                                      text=_text(raw))))
