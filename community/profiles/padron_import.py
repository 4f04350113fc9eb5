"""Importing the government's padrón (CSV or XLSX) into the registry: upload, map the
columns, a dry run that classifies every row, then apply what staff accept.

The file is judged by its content (uploads.py's rule): a CSV must decode as UTF-8 (with or
without BOM) or Windows-1252 text; an XLSX must be a zip with ``xl/workbook.xml`` that
openpyxl reads in read-only mode, with defusedxml installed so entity expansion ("billion
laughs") is refused instead of eating the memory. It is stored privately and read again as a
stream each time: no step holds a 50,000-row file's objects at once.

Classification of a row (:func:`analyse`), in order:

- ``error``: a cell that cannot be read (unknown municipality, persona física RFC, date that
  does not exist, a cell longer than 10,000 characters...), a missing name or municipality,
  or an RFC/CLUNI already used by an earlier row of the same file;
- ``update`` / ``unchanged``: same RFC, else same CLUNI, as an existing OSC (one query per
  batch of rows, never per row); a row with neither is matched to the OSC an earlier import
  of the same file created from that row (same file name, row number and name key), so
  re-applying a file is a no-op;
- ``duplicate``: a name similar to an existing OSC or to an earlier row of the file in the
  same municipality (rapidfuzz token_sort_ratio >= 90 on ``padron_normalize.name_key``);
  never merged by itself: staff accept such rows one by one;
- ``new``: everything else.

:func:`apply` re-reads and re-classifies the file as it writes (the database may have changed
since the dry run) and commits every batch of ~500 rows itself. That is the one exception to
"the outermost caller commits once per request": an import of 50,000 rows runs from the
command line or in a background thread, a single transaction would hold SQLite's write lock
for minutes and keep every object of the file in the session, and the progress bar can only
show what is committed. A failure leaves the batches already committed (each complete, with
its revisions) and marks the import ``failed``; re-applying the same file continues, because
rows already written are now ``unchanged``. The search index is not fed after every batch
(see :func:`apply`); ``flask registry import --apply`` drains it fully at the end.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import secrets
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from rapidfuzz import fuzz, process
from sqlalchemy import insert, or_, select

from community.core import audit
from community.core.catalog import municipality_name
from community.core.errors import ValidationError
from community.core.inputs import PROFILE_TEXT_MAX
from community.core.permissions import require_staff
from community.core.sanitize import render_markdown
from community.core.text import fold, slugify
from community.core.timeutil import utcnow
from community.core.uploads import MB, read_upload
from community.extensions import db
from community.profiles import padron_normalize as pn
from community.profiles.fields import as_text
from community.profiles.models import Organization, PadronImport, ProfileRevision
from community.profiles.services import RESERVED_SLUGS
from community.search import outbox

FIELD = "archivo"
MAX_BYTES = 20 * MB
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_CELL = 10_000
# Reading the whole file once at upload (to count and check it) must end in this time.
READ_SECONDS = 120
# Uncompressed size an XLSX may unpack to: a 20 MB zip that inflates to gigabytes is a bomb.
MAX_UNZIPPED = 400 * MB
BATCH = 500
SIMILAR = 90  # token_sort_ratio on the name keys, 0..100
CLASSES = ("new", "update", "unchanged", "duplicate", "error")

# What a column can be mapped to (the mapping form's choices).
FIELDS: dict[str, object] = {
    "name": _l("Nombre de la organización"),
    "rfc": _l("RFC"),
    "cluni": _l("CLUNI"),
    "municipality": _l("Municipio (nombre)"),
    "municipality_code": _l("Municipio (clave INEGI)"),
    "address": _l("Domicilio"),
    "phone": _l("Teléfono"),
    "registry_email": _l("Correo electrónico (privado)"),
    "constituted_on": _l("Fecha de constitución"),
    "status": _l("Estatus en el padrón"),
    "sat_donee": _l("Donataria autorizada"),
    "social_object": _l("Objeto social"),
    "social_registry_folio": _l("Folio del Registro Social Estatal"),
}

# Headers (folded, punctuation as spaces) recognised for each field.
_HEADER_WORDS = {
    "name": ("nombre de la organizacion", "nombre de la osc", "nombre", "organizacion",
             "razon social", "denominacion", "denominacion social", "nombre o razon social"),
    "rfc": ("rfc", "r f c"),
    "cluni": ("cluni", "clave cluni", "clave unica de inscripcion"),
    "municipality": ("municipio", "nombre del municipio", "municipio sede"),
    "municipality_code": ("clave municipio", "clave del municipio", "cve mun", "clave inegi",
                          "cve municipio", "clave mun"),
    "address": ("domicilio", "direccion", "domicilio fiscal", "domicilio social"),
    "phone": ("telefono", "tel", "telefonos", "numero telefonico"),
    "registry_email": ("correo electronico", "correo", "email", "e mail", "mail"),
    "constituted_on": ("fecha de constitucion", "fecha constitucion", "constitucion"),
    "status": ("estatus", "status", "situacion", "estado del registro", "estatus registro"),
    "sat_donee": ("donataria autorizada", "donataria", "donataria sat"),
    "social_object": ("objeto social", "objeto"),
    "social_registry_folio": ("folio registro social", "folio del registro social",
                              "folio registro social estatal", "folio"),
}

# Profile fields an import writes (``municipality`` and ``municipality_code`` columns both
# give ``municipality_code``); an update changes these when the file has a value.
WRITTEN = ("name", "rfc", "cluni", "municipality_code", "address", "phone", "registry_email",
           "constituted_on", "sat_donee", "social_object", "social_registry_folio")
TEXT_MAX = {"address": 250, "social_object": PROFILE_TEXT_MAX, "social_registry_folio": 40}


class _CommandLine:
    """The actor of ``flask registry import``: whoever can run commands on the server."""

    id = None

    def __repr__(self) -> str:
        return "<command line>"


COMMAND_LINE = _CommandLine()


def _require_staff(actor) -> None:
    if actor is not COMMAND_LINE:
        require_staff(actor)


@dataclass
class RowResult:
    number: int  # the row's number in the sheet (the header is row 1)
    klass: str
    name: str | None
    municipality: str | None  # INEGI code when known, else what the file says
    changes: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    match_slug: str | None = None


@dataclass
class DryRun:
    counts: dict[str, int]
    rows: list[RowResult]

    def of(self, klass: str) -> list[RowResult]:
        return [row for row in self.rows if row.klass == klass]


# --- storing the upload ---------------------------------------------------------------------


def store_upload(actor, file_storage) -> PadronImport:
    """Check an uploaded padrón by its content, store it privately, count its rows.

    Raises ``ValidationError({"archivo": message})`` for anything that is not a readable CSV
    or XLSX within the limits. The caller commits.
    """
    _require_staff(actor)
    data = read_upload(file_storage, field=FIELD, max_bytes=MAX_BYTES, label=_l("El archivo"))
    filename = _display_name(getattr(file_storage, "filename", None))
    if data.startswith(b"PK\x03\x04"):
        kind, encoding = "xlsx", None
        _check_zip(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        _refuse(_l("Es un libro de Excel antiguo (.xls). Guárdalo como .xlsx o como CSV e "
                   "inténtalo de nuevo."))
    elif filename.lower().endswith((".xlsx", ".xlsm")):
        _refuse(_not_xlsx())
    else:
        kind, encoding = "csv", _detect_encoding(data)
    token = secrets.token_hex(16)
    imp = PadronImport(file_name=filename, stored_name=f"{token}.{kind}",
                       sha256=hashlib.sha256(data).hexdigest(), size=len(data), kind=kind,
                       encoding=encoding, mapping={}, counts={}, status="uploaded",
                       uploaded_by_id=getattr(actor, "id", None))
    imp.rows = _count_rows(_iter_source(kind, encoding, lambda: io.BytesIO(data)))
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / imp.stored_name
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.chmod(0o600)
    tmp.replace(path)
    db.session.add(imp)
    db.session.flush()
    return imp


def stored_path(imp: PadronImport) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}\.(csv|xlsx)", imp.stored_name or ""):
        raise ValueError(imp.stored_name)
    return _folder() / imp.stored_name


def _folder() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "private" / "padron"


def _display_name(filename: str | None) -> str:
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()
    return name[:200] or "padron.csv"


def _refuse(message) -> None:
    raise ValidationError({FIELD: message})


def _not_xlsx():
    return _l("El archivo no es un libro de Excel (.xlsx) válido, o contiene estructuras que "
              "no se permiten por seguridad. Ábrelo en Excel, guárdalo de nuevo como .xlsx o "
              "como CSV e inténtalo otra vez.")


def _detect_encoding(data: bytes) -> str:
    if b"\x00" in data:
        _refuse(_l("El archivo no es texto: sube el padrón como CSV o como libro de Excel "
                   "(.xlsx)."))
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        try:
            data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        _refuse(_l("No se pudo leer el texto del archivo: guárdalo como CSV en UTF-8 o en "
                   "Windows-1252 (ANSI) e inténtalo de nuevo."))
    controls = sum(1 for c in text[:65536] if ord(c) < 32 and c not in "\t\r\n")
    if controls > 10:
        _refuse(_l("El archivo no es texto: sube el padrón como CSV o como libro de Excel "
                   "(.xlsx)."))
    return encoding


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        _refuse(_not_xlsx())
    if "xl/workbook.xml" not in names:
        _refuse(_not_xlsx())
    if unzipped > MAX_UNZIPPED:
        _refuse(_l("El libro de Excel ocupa demasiado al descomprimirse. Guárdalo como CSV e "
                   "inténtalo de nuevo."))


def _count_rows(rows: Iterator[tuple[int, list]]) -> int:
    """Read the whole file once: every limit is checked here, at upload, not halfway through
    an import."""
    deadline = time.monotonic() + READ_SECONDS
    count = 0
    try:
        for number, _cells in rows:
            if number > 1:
                count += 1
            if count > MAX_ROWS:
                _refuse(_l("El archivo tiene más de %(n)s filas. Divídelo en partes más "
                           "pequeñas.", n=f"{MAX_ROWS:,}"))
            if time.monotonic() > deadline:
                _refuse(_l("El archivo tarda demasiado en leerse. Guárdalo como CSV o "
                           "divídelo en partes."))
    except ValidationError:
        raise
    except _TooWide:
        _refuse(_l("El archivo tiene más de %(n)d columnas; revisa que sea el padrón.",
                   n=MAX_COLUMNS))
    except csv.Error:
        _refuse(_l("El CSV está mal formado (comillas sin cerrar o una celda enorme). "
                   "Revísalo en una hoja de cálculo y guárdalo de nuevo."))
    except Exception:  # noqa: BLE001 - openpyxl/defusedxml raise many kinds on hostile files
        _refuse(_not_xlsx())
    if count == 0:
        _refuse(_l("El archivo no tiene filas de datos debajo de los encabezados."))
    return count


# --- reading rows ---------------------------------------------------------------------------


class _TooWide(Exception):
    pass


def _iter_source(kind: str, encoding: str | None, opener) -> Iterator[tuple[int, list]]:
    """(row number, cells) for every non-empty row, the header first; streamed."""
    if kind == "xlsx":
        yield from _iter_xlsx(opener)
    else:
        yield from _iter_csv(encoding, opener)


def _iter_csv(encoding: str, opener) -> Iterator[tuple[int, list]]:
    with opener() as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as text:
        first = text.readline()
        text.seek(0)
        # The header tells the delimiter (Excel in Spanish writes ";"); everything else is
        # Excel's dialect: csv.Sniffer guesses quoting wrong on cells with doubled quotes.
        delimiter = max(",;\t|", key=first.count)
        for number, cells in enumerate(csv.reader(text, csv.excel, delimiter=delimiter),
                                       start=1):
            if len(cells) > MAX_COLUMNS:
                raise _TooWide()
            if any(c.strip() for c in cells):
                yield number, cells


def _iter_xlsx(opener) -> Iterator[tuple[int, list]]:
    import openpyxl  # only imported when an XLSX comes

    with opener() as raw:
        book = openpyxl.load_workbook(raw, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            sheet.reset_dimensions()  # a declared A1:XFD1048576 must not pad every row
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                if len(cells) > MAX_COLUMNS:
                    cells = _trim(cells)
                if any(c is not None and str(c).strip() for c in cells):
                    yield number, list(cells)
        finally:
            book.close()


def _trim(cells) -> tuple:
    cells = tuple(cells)
    end = len(cells)
    while end and cells[end - 1] in (None, ""):
        end -= 1
    if end > MAX_COLUMNS:
        raise _TooWide()
    return cells[:end]


def _rows(imp: PadronImport) -> Iterator[tuple[int, list]]:
    path = stored_path(imp)
    return _iter_source(imp.kind, imp.encoding, lambda: open(path, "rb"))  # noqa: SIM115


def headers(imp: PadronImport) -> list[str]:
    for _number, cells in _rows(imp):
        return [_as_str(c) for c in cells]
    return []


def _header_key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text or "")).split())


def guess_mapping(header_row: list[str]) -> dict[int, str]:
    """Column index -> field for the headers we recognise; each field at most once."""
    lookup = {word: name for name, words in _HEADER_WORDS.items() for word in words}
    mapping: dict[int, str] = {}
    for index, header in enumerate(header_row):
        name = lookup.get(_header_key(header))
        if name and name not in mapping.values():
            mapping[index] = name
    return mapping


def _clean_mapping(mapping: dict) -> dict[int, str]:
    cleaned: dict[int, str] = {}
    for key, name in (mapping or {}).items():
        if not name:
            continue
        if name not in FIELDS:
            raise ValidationError({"mapping": _l("Elige campos de la lista.")})
        if name in cleaned.values():
            raise ValidationError({"mapping": _l("El campo «%(field)s» está en dos columnas.",
                                                 field=FIELDS[name])})
        cleaned[int(key)] = name
    if "name" not in cleaned.values():
        raise ValidationError({"mapping": _l("Indica la columna con el nombre de la "
                                             "organización.")})
    if not {"municipality", "municipality_code"} & set(cleaned.values()):
        raise ValidationError({"mapping": _l("Indica la columna del municipio.")})
    return cleaned


# --- normalizing one row --------------------------------------------------------------------


def _as_str(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


@dataclass
class _Row:
    number: int
    values: dict  # field -> normalized value (None when empty)
    reasons: list[str]
    errors: bool
    raw_municipality: str | None
    key: str = ""


def _normalize(number: int, cells: list, mapping: dict[int, str]) -> _Row:
    raw = {name: (cells[i] if i < len(cells) else None) for i, name in mapping.items()}
    reasons: list[str] = []
    errors = False
    for name, value in raw.items():
        if isinstance(value, str) and len(value) > MAX_CELL:
            reasons.append(str(_l("La celda «%(field)s» pasa de %(n)s caracteres.",
                                  field=FIELDS[name], n=f"{MAX_CELL:,}")))
            raw[name] = None
            errors = True
    values: dict = {}

    def take(name: str, cell) -> None:
        nonlocal errors
        label = _l("Municipio") if name == "municipality_code" else FIELDS[name]
        if cell.error:
            reasons.append(f"{label}: {cell.error}")
            errors = True
            values[name] = None
            return
        if cell.warning:
            reasons.append(f"{label}: {cell.warning}")
        values[name] = None if cell.value is None or cell.value == "" else cell.value

    if "name" in raw:
        take("name", pn.normalize_name(raw["name"]))
    if "rfc" in raw:
        take("rfc", pn.normalize_rfc(raw["rfc"]))
    if "cluni" in raw:
        take("cluni", pn.normalize_cluni(raw["cluni"]))
    raw_mun = _as_str(raw.get("municipality")).strip() or None
    raw_code = _as_str(raw.get("municipality_code")).strip() or None
    if "municipality" in raw or "municipality_code" in raw:
        take("municipality_code", pn.municipality_code(raw_mun or "", raw_code))
    if "address" in raw:
        take("address", pn.clean_text(raw["address"], TEXT_MAX["address"]))
    if "phone" in raw:
        take("phone", pn.normalize_phone(raw["phone"]))
    if "registry_email" in raw:
        take("registry_email", pn.normalize_email(raw["registry_email"]))
    if "constituted_on" in raw:
        take("constituted_on", pn.parse_date(raw["constituted_on"]))
    if "status" in raw:
        take("status", pn.normalize_status(raw["status"]))
    if "sat_donee" in raw:
        take("sat_donee", pn.normalize_bool(raw["sat_donee"]))
    if "social_object" in raw:
        take("social_object", pn.clean_text(raw["social_object"], TEXT_MAX["social_object"],
                                            multiline=True))
    if "social_registry_folio" in raw:
        take("social_registry_folio",
             pn.clean_text(raw["social_registry_folio"], TEXT_MAX["social_registry_folio"]))
    if not values.get("name") and "name" not in raw:
        reasons.append(str(_l("Falta el nombre de la organización.")))
        errors = True
    row = _Row(number, values, reasons, errors, raw_mun or raw_code)
    if values.get("name"):
        row.key = _sorted_key(values["name"])
    return row


def _sorted_key(name: str) -> str:
    """token_sort_ratio(a, b) is ratio() of the sorted tokens: sort once, compare many."""
    key = pn.name_key(name)
    key = getattr(key, "value", key) or ""
    return " ".join(sorted(key.split()))


# --- classifying ----------------------------------------------------------------------------

_COLUMNS = (Organization.id, Organization.slug, Organization.name, Organization.rfc,
            Organization.cluni, Organization.municipality_code, Organization.address,
            Organization.phone, Organization.registry_email, Organization.constituted_on,
            Organization.sat_donee, Organization.social_object,
            Organization.social_registry_folio)


class _Classifier:
    """The state a pass over the file carries from row to row: identifiers and names seen in
    earlier rows, and the existing OSCs' names per municipality (read once)."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.rfc_rows: dict[str, int] = {}
        self.cluni_rows: dict[str, int] = {}
        self.names: dict[str | None, tuple[list[str], list[tuple[str, str | None, int]]]] = {}
        # (source_file, source_row) -> (id, name key) of OSCs an import created
        self.imported: dict[tuple[str, int], tuple[int, str]] = {}
        self.exclude: set[int] = set()  # OSCs this apply created: not "existing"
        for org_id, slug, name, mun, source, number in db.session.execute(select(
                Organization.id, Organization.slug, Organization.name,
                Organization.municipality_code, Organization.source_file,
                Organization.source_row)):
            key = _sorted_key(name)
            self._remember(mun, key, (name, slug, 0))
            if source is not None and number is not None:
                self.imported[(source, number)] = (org_id, key)

    def _same_row(self, row: _Row) -> int | None:
        """The OSC an earlier import of this file created from this very row (same file name,
        same row number, same name key): how a row without RFC or CLUNI is found again."""
        found = self.imported.get((self.file_name, row.number))
        return found[0] if found is not None and found[1] == row.key else None

    def _remember(self, mun, key: str, info) -> None:
        keys, infos = self.names.setdefault(mun, ([], []))
        keys.append(key)
        infos.append(info)

    def batch(self, rows: list[_Row]) -> list[tuple[RowResult, _Row, dict | None]]:
        rfcs = {r.values.get("rfc") for r in rows if not r.errors} - {None}
        clunis = {r.values.get("cluni") for r in rows if not r.errors} - {None}
        exact = {self._same_row(r) for r in rows if not r.errors} - {None}
        by_rfc, by_cluni, by_id = {}, {}, {}
        if rfcs or clunis or exact:
            conditions = []
            if rfcs:
                conditions.append(Organization.rfc.in_(rfcs))
            if clunis:
                conditions.append(Organization.cluni.in_(clunis))
            if exact:
                conditions.append(Organization.id.in_(exact))
            for found in db.session.execute(select(*_COLUMNS).where(or_(*conditions))):
                current = found._asdict()
                if current["id"] in self.exclude:
                    continue
                by_id[current["id"]] = current
                if current["rfc"]:
                    by_rfc.setdefault(current["rfc"], current)
                if current["cluni"]:
                    by_cluni.setdefault(current["cluni"], current)
        return [self._one(r, by_rfc, by_cluni, by_id) for r in rows]

    def _one(self, row: _Row, by_rfc, by_cluni, by_id) -> tuple[RowResult, _Row, dict | None]:
        values = row.values
        mun = values.get("municipality_code")
        result = RowResult(row.number, "error", values.get("name"), mun or row.raw_municipality,
                           reasons=list(row.reasons))
        if row.errors:
            return result, row, None
        rfc, cluni = values.get("rfc"), values.get("cluni")
        for label, value, seen in ((_l("El RFC"), rfc, self.rfc_rows),
                                   (_l("La CLUNI"), cluni, self.cluni_rows)):
            if value and value in seen:
                result.reasons.append(str(_l("%(what)s %(value)s ya aparece en la fila %(row)d "
                                             "del archivo.", what=label, value=value,
                                             row=seen[value])))
        if len(result.reasons) > len(row.reasons):
            return result, row, None
        if rfc:
            self.rfc_rows[rfc] = row.number
        if cluni:
            self.cluni_rows[cluni] = row.number
        current = (by_rfc.get(rfc) if rfc else None) or (by_cluni.get(cluni) if cluni else None)
        if current is not None and cluni and cluni in by_cluni \
                and by_cluni[cluni]["id"] != current["id"]:
            result.reasons.append(str(_l("El RFC y la CLUNI corresponden a organizaciones "
                                         "distintas (%(a)s y %(b)s).", a=current["slug"],
                                         b=by_cluni[cluni]["slug"])))
            return result, row, None
        if current is None and not rfc and not cluni:
            current = by_id.get(self._same_row(row))
        if current is not None:
            result.match_slug = current["slug"]
            result.changes = _changes(current, values)
            result.klass = "update" if result.changes else "unchanged"
            return result, row, current
        keys, infos = self.names.get(mun, ([], []))
        found = process.extractOne(row.key, keys, scorer=fuzz.ratio, score_cutoff=SIMILAR) \
            if keys and row.key else None
        if found is not None:
            name, slug, number = infos[found[2]]
            result.klass, result.match_slug = "duplicate", slug
            if number:
                result.reasons.append(str(_l("Nombre parecido a «%(name)s» de la fila %(row)d "
                                             "(mismo municipio).", name=name, row=number)))
            else:
                result.reasons.append(str(_l("Nombre parecido a la organización registrada "
                                             "«%(name)s» (mismo municipio).", name=name)))
            return result, row, None
        result.klass = "new"
        self._remember(mun, row.key, (values["name"], None, row.number))
        return result, row, None


def _changes(current: dict, values: dict) -> list[tuple[str, str | None, str | None]]:
    """The file's non-empty values that differ from the OSC's, as (field, old, new) text."""
    changes = []
    for name in WRITTEN:
        new = values.get(name)
        if new is None or new == "":
            continue
        old = current.get(name)
        if as_text(old) != as_text(new):
            changes.append((name, as_text(old), as_text(new)))
    return changes


def _batches(imp: PadronImport, mapping: dict[int, str]) -> Iterator[list[_Row]]:
    batch: list[_Row] = []
    rows = _rows(imp)
    next(rows, None)  # the header
    for number, cells in rows:
        batch.append(_normalize(number, cells, mapping))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


# --- the dry run ----------------------------------------------------------------------------


def analyse(actor, imp: PadronImport, mapping: dict,
            progress: Callable[[int], None] | None = None) -> DryRun:
    """Classify every row without writing any OSC; keeps the mapping and the counts on the
    import and records the dry run in the audit log. The caller commits."""
    _require_staff(actor)
    if is_running(imp):
        raise ValidationError({FIELD: _l("Este archivo se está aplicando; espera a que "
                                         "termine.")})
    cleaned = _clean_mapping(mapping)
    counts = dict.fromkeys(CLASSES, 0)
    results: list[RowResult] = []
    classifier = _Classifier(imp.file_name)
    done = 0
    for batch in _batches(imp, cleaned):
        for result, _row, _current in classifier.batch(batch):
            counts[result.klass] += 1
            results.append(result)
        done += len(batch)
        if progress is not None:
            progress(done)
    imp.mapping = {str(k): v for k, v in cleaned.items()}
    imp.counts = counts
    imp.rows = done
    if imp.status in ("uploaded", "analysed", "failed"):
        imp.status = "analysed"
    audit.record("registry.import_analysed", actor=_audit_actor(actor), target=imp,
                 file=imp.file_name, **counts)
    return DryRun(counts, results)


def _audit_actor(actor):
    return None if actor is COMMAND_LINE else actor


# --- applying -------------------------------------------------------------------------------

#: An import "applying" with no committed batch for this long was cut short (a restart
#: killed the thread or the command): it reads as failed and may be applied again, which
#: completes it without repeating what was written.
STALLED_AFTER = timedelta(minutes=10)


def is_stalled(imp: PadronImport, now: datetime | None = None) -> bool:
    return imp.status == "applying" and (
        imp.progress_at is None or imp.progress_at < (now or utcnow()) - STALLED_AFTER)


def is_running(imp: PadronImport, now: datetime | None = None) -> bool:
    return imp.status == "applying" and not is_stalled(imp, now)


def state(imp: PadronImport, now: datetime | None = None) -> str:
    """The status people are shown: a stalled "applying" is "failed"."""
    return "failed" if is_stalled(imp, now) else imp.status


def apply(actor, imp: PadronImport, accept=frozenset({"new", "update"}),
          rows: set[int] | None = None,
          progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Write the accepted rows: a row is written when its class is in ``accept``, or when
    its number is in ``rows`` (staff picking single rows, e.g. duplicates they judged to be
    distinct OSCs); ``error`` and ``unchanged`` rows never are.

    New OSCs are created unclaimed (no membership) with the file's status; updates write one
    ProfileRevision per changed field. Commits every batch (see the module's docstring).
    """
    _require_staff(actor)
    accept = frozenset(accept or ())
    picked = frozenset(rows or ())
    if is_running(imp):
        raise ValidationError({FIELD: _l("Este archivo ya se está aplicando.")})
    if not imp.mapping or imp.status == "uploaded":
        raise ValidationError({FIELD: _l("Revisa el archivo (la revisión previa) antes de "
                                         "aplicarlo.")})
    mapping = _clean_mapping(imp.mapping)
    imp.status, imp.progress, imp.error = "applying", 0, None
    imp.progress_at = utcnow()
    db.session.commit()
    done = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0, "error": 0,
            "revisions": 0}
    try:
        classifier = _Classifier(imp.file_name)
        slugs = set(db.session.scalars(select(Organization.slug)))
        now = utcnow()
        seen = 0
        for batch in _batches(imp, mapping):
            _apply_batch(actor, imp, classifier, batch, accept, picked, slugs, now, done)
            seen += len(batch)
            imp.progress, imp.progress_at = seen, utcnow()
            # The batch's search outbox rows commit with it, but are not drained into the
            # index after each batch (seconds per 500 OSCs): the final commit drains as any
            # commit does, and later commits or ``flask search drain`` do the rest.
            db.session.info.pop(outbox.PENDING_KEY, None)
            db.session.commit()
            if progress is not None:
                progress(seen)
        imp.status, imp.applied_at = "applied", utcnow()
        audit.record("registry.import_applied", actor=_audit_actor(actor), target=imp,
                     file=imp.file_name, **done)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        imp.status = "failed"
        imp.error = str(error)[:2000]
        db.session.commit()
        raise
    return done


def _apply_batch(actor, imp, classifier: _Classifier, batch: list[_Row], accept, picked,
                 slugs: set[str], now: datetime, done: dict) -> None:
    classified = classifier.batch(batch)
    update_ids = [current["id"] for result, _row, current in classified
                  if current is not None and result.klass == "update"
                  and (result.klass in accept or result.number in picked)]
    orgs = {org.id: org for org in db.session.scalars(
        select(Organization).where(Organization.id.in_(update_ids)))} if update_ids else {}
    created: list[tuple[Organization, _Row]] = []
    revisions: list[dict] = []
    actor_id = getattr(actor, "id", None)
    for result, row, current in classified:
        if result.klass in ("error", "unchanged"):
            done[result.klass] += 1
            continue
        if result.klass not in accept and result.number not in picked:
            done["skipped"] += 1
            continue
        if result.klass == "update":
            org = orgs[current["id"]]
            for name, old, new in result.changes:
                _set(org, name, row.values[name])
                revisions.append(_revision(org.id, name, old, new, "published", actor_id, now))
            org.updated_at = now
            done["updated"] += 1
        else:  # new, or a duplicate staff accepted as a distinct OSC
            org = _new_org(imp, row, slugs, now)
            db.session.add(org)
            created.append((org, row))
            done["created"] += 1
    if created:
        db.session.flush()
        for org, row in created:
            classifier.exclude.add(org.id)
            for name in WRITTEN:
                value = row.values.get(name)
                if value not in (None, ""):
                    revisions.append(_revision(org.id, name, None, as_text(value), "created",
                                               actor_id, now))
            revisions.append(_revision(org.id, "status", None, org.status, "created",
                                       actor_id, now))
    if revisions:
        _insert_revisions(revisions)
        done["revisions"] += len(revisions)


_REVISION_COLUMNS = ("organization_id", "field", "old_value", "new_value", "kind", "actor_id",
                     "created_at", "change_request_id")


def _insert_revisions(revisions: list[dict]) -> None:
    """About ten revisions per new OSC (436,000 for 50,000 rows). PostgreSQL takes them by
    ``COPY`` in the session's transaction: a multi-row ``INSERT`` of that size spends more
    time in the driver re-parsing the statement and in the server planning it than in
    writing (the 50,000-row import was 5 % over its two minutes)."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        db.session.execute(insert(ProfileRevision), revisions)
        return
    table = ProfileRevision.__table__.name
    statement = f"COPY {table} ({', '.join(_REVISION_COLUMNS)}) FROM STDIN"
    with connection.connection.driver_connection.cursor() as cursor, \
            cursor.copy(statement) as copy:
        for revision in revisions:
            copy.write_row([revision[column] for column in _REVISION_COLUMNS])


def _revision(org_id, name, old, new, kind, actor_id, now) -> dict:
    return {"organization_id": org_id, "field": name, "old_value": old, "new_value": new,
            "kind": kind, "actor_id": actor_id, "created_at": now, "change_request_id": None}


def _set(org: Organization, name: str, value) -> None:
    setattr(org, name, value)
    if name == "name":
        org.name_folded = fold(value)
    elif name == "social_object":
        org.social_object_html = _rendered(value)


@lru_cache(maxsize=2048)
def _rendered(text: str) -> str:
    """Padrón files repeat the same social objects word for word: render each text once."""
    return str(render_markdown(text))


def _new_org(imp: PadronImport, row: _Row, slugs: set[str], now: datetime) -> Organization:
    values = row.values
    status = "validated" if values.get("status") == "validated" else "pending"
    org = Organization(slug=_unique_slug(values["name"], slugs), status=status,
                       source_file=imp.file_name[:200], source_row=row.number,
                       imported_at=now, created_at=now, updated_at=now,
                       sat_donee=bool(values.get("sat_donee")), social_links={})
    for name in WRITTEN:
        if name != "sat_donee" and values.get(name) not in (None, ""):
            _set(org, name, values[name])
    if status == "validated":
        org.validated_at = org.confirmed_at = now
    return org


def _unique_slug(name: str, taken: set[str]) -> str:
    """As services._unique_slug, against the slugs read once for the whole import."""
    base = slugify(name, max_length=80)
    if base in RESERVED_SLUGS:
        base = f"{base}-osc"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def municipality_label(code: str | None) -> str | None:
    """The municipality of a RowResult as people read it (the code when unknown)."""
    return municipality_name(code) or code
