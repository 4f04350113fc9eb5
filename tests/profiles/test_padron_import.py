"""The padrón's import engine: reading files by their content, the dry run's classes, applying
with revisions, re-applying as a no-op, the limits, and the command line."""

import hashlib
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import event, func, select
from werkzeug.datastructures import FileStorage

from community.core.errors import PermissionDenied, ValidationError
from community.core.models import AuditEntry
from community.extensions import db as _db
from community.profiles import padron_import as pi
from community.profiles.models import Membership, Organization, ProfileRevision
from community.profiles.validators import rfc_check_digit

HEADER = ["NOMBRE DE LA ORGANIZACION", "RFC", "CLUNI", "MUNICIPIO", "DOMICILIO", "TELEFONO",
          "CORREO ELECTRONICO", "FECHA DE CONSTITUCION", "ESTATUS", "DONATARIA AUTORIZADA",
          "OBJETO SOCIAL", "FOLIO REGISTRO SOCIAL"]


def rfc(letters: str, yymmdd: str = "100315", homoclave: str = "AB") -> str:
    body = f"{letters}{yymmdd}{homoclave}"
    return body + rfc_check_digit(body)


def row(name, rfc_="", cluni="", municipio="Toluca", domicilio="", telefono="", correo="",
        fecha="", estatus="ACTIVA", donataria="NO", objeto="", folio=""):
    return [name, rfc_, cluni, municipio, domicilio, telefono, correo, fecha, estatus,
            donataria, objeto, folio]


def csv_bytes(rows, encoding="cp1252", header=HEADER, delimiter=",") -> bytes:
    out = io.StringIO()
    import csv

    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def upload(data: bytes, name="padron.csv") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def store(staff, data, name="padron.csv"):
    imp = pi.store_upload(staff, upload(data, name))
    _db.session.commit()
    return imp


def dry_run(staff, imp):
    result = pi.analyse(staff, imp, pi.guess_mapping(pi.headers(imp)))
    _db.session.commit()
    return result


def by_number(result):
    return {r.number: r for r in result.rows}


# --- mapping ----------------------------------------------------------------------------------


def test_the_governments_headers_are_recognised():
    mapping = pi.guess_mapping(HEADER)
    assert mapping == {0: "name", 1: "rfc", 2: "cluni", 3: "municipality", 4: "address",
                       5: "phone", 6: "registry_email", 7: "constituted_on", 8: "status",
                       9: "sat_donee", 10: "social_object", 11: "social_registry_folio"}
    assert pi.guess_mapping(["Nombre", "Municipio", "Teléfono", "Otra cosa", "nombre"]) == {
        0: "name", 1: "municipality", 2: "phone"}


def test_a_mapping_needs_the_name_and_the_municipality(app, staff):
    imp = store(staff, csv_bytes([row("Fundación Sol")]))
    with pytest.raises(ValidationError) as caught:
        pi.analyse(staff, imp, {0: "name"})
    assert "municipio" in str(caught.value.errors["mapping"])
    with pytest.raises(ValidationError):
        pi.analyse(staff, imp, {0: "name", 1: "name", 3: "municipality"})


# --- reading files by their content -------------------------------------------------------------


def test_a_windows_1252_csv_is_read_with_its_accents(app, staff):
    imp = store(staff, csv_bytes([row("Fundación Niñez Feliz", municipio="Nezahualcóyotl")]))
    assert (imp.kind, imp.encoding, imp.rows, imp.status) == ("csv", "cp1252", 1, "uploaded")
    assert pi.stored_path(imp).read_bytes().startswith(b"NOMBRE")
    assert oct(pi.stored_path(imp).stat().st_mode & 0o777) == "0o600"
    result = dry_run(staff, imp)
    assert result.rows[0].name == "Fundación Niñez Feliz"
    assert result.rows[0].municipality == "15058"


@pytest.mark.parametrize(("encoding", "expected"), [("utf-8-sig", "utf-8-sig"),
                                                    ("utf-8", "utf-8")])
def test_utf8_with_or_without_bom(app, staff, encoding, expected):
    imp = store(staff, csv_bytes([row("Fundación Sol")], encoding=encoding, delimiter=";"))
    assert imp.encoding == expected
    assert pi.headers(imp)[0] == "NOMBRE DE LA ORGANIZACION"
    assert dry_run(staff, imp).rows[0].name == "Fundación Sol"


@pytest.mark.parametrize(("data", "name", "word"), [
    (b"\x00\x01\x02binary\x00" * 50, "padron.csv", "no es texto"),
    (b"just some bytes, not a zip", "padron.xlsx", "Excel"),
    (b"PK\x03\x04 broken zip", "padron.xlsx", "Excel"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "padron.xls", ".xls"),
    (b"", "padron.csv", "vacío"),
])
def test_what_is_not_a_padron_is_refused_in_spanish(app, staff, data, name, word):
    with pytest.raises(ValidationError) as caught:
        pi.store_upload(staff, upload(data, name))
    assert word in str(caught.value.errors["archivo"])


def test_a_zip_that_is_not_a_workbook_is_refused(app, staff):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hola")
    with pytest.raises(ValidationError) as caught:
        pi.store_upload(staff, upload(out.getvalue(), "padron.xlsx"))
    assert "Excel" in str(caught.value.errors["archivo"])


def _with_part(data: bytes, part: str, content: bytes) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename,
                            content if info.filename == part else source.read(info.filename))
    return out.getvalue()


BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
                  + b"".join(b'<!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1)
                                                              if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b"]>\n")


def test_a_billion_laughs_workbook_is_refused_in_spanish(app, staff):
    data = xlsx_bytes([row("Fundación Sol")])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    body = sheet.split(b"?>", 1)[1] if sheet.startswith(b"<?xml") else sheet
    bomb = BILLION_LAUGHS + body.replace(b"<t>", b"<t>&lol9;", 1)
    assert b"&lol9;" in bomb
    with pytest.raises(ValidationError) as caught:
        pi.store_upload(staff, upload(_with_part(data, "xl/worksheets/sheet1.xml", bomb),
                                      "padron.xlsx"))
    message = str(caught.value.errors["archivo"])
    assert "no es un libro de Excel" in message and "seguridad" in message
    strings = BILLION_LAUGHS + b'<sst xmlns="http://schemas.openxmlformats.org/' \
        b'spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'
    with pytest.raises(ValidationError):
        pi.store_upload(staff, upload(_with_part(data, "xl/workbook.xml", strings),
                                      "padron.xlsx"))


def test_an_xlsx_is_read_with_its_dates_and_numbers(app, staff):
    rows = [row("Fundación Sol", rfc("FSO"), fecha=datetime(2010, 3, 15), telefono=7221234567),
            row("Casa del Árbol", fecha=40179, municipio="Metepec")]
    imp = store(staff, xlsx_bytes(rows), "padron.xlsx")
    assert (imp.kind, imp.rows) == ("xlsx", 2)
    result = dry_run(staff, imp)
    assert result.counts["new"] == 2, result.rows
    pi.apply(staff, imp)
    sol = _db.session.scalar(select(Organization).where(Organization.name == "Fundación Sol"))
    assert sol.constituted_on == date(2010, 3, 15)
    assert sol.phone == "7221234567"
    arbol = _db.session.scalar(select(Organization).where(Organization.name == "Casa del Árbol"))
    assert arbol.constituted_on == date(2010, 1, 1)


def test_the_limits_columns_cells_and_permission(app, staff, make_user):
    with pytest.raises(ValidationError) as caught:
        pi.store_upload(staff, upload(csv_bytes([["x"] * 201], header=["h"] * 201)))
    assert "columnas" in str(caught.value.errors["archivo"])
    with pytest.raises(PermissionDenied):
        pi.store_upload(make_user(), upload(csv_bytes([row("Fundación Sol")])))
    imp = store(staff, csv_bytes([row("Fundación Sol", objeto="x" * 10_001)],
                                 encoding="utf-8"))
    result = dry_run(staff, imp)
    assert result.rows[0].klass == "error"
    assert "10,000" in result.rows[0].reasons[0]


def test_too_many_rows_are_refused(app, staff, monkeypatch):
    monkeypatch.setattr(pi, "MAX_ROWS", 3)
    with pytest.raises(ValidationError) as caught:
        pi.store_upload(staff, upload(csv_bytes([row(f"Org {i}") for i in range(4)])))
    assert "más de 3 filas" in str(caught.value.errors["archivo"])


# --- the dry run ------------------------------------------------------------------------------


def test_the_dry_run_classifies_every_row(app, staff, make_org):
    existing = make_org(name="Fundación Sol", municipality="15106", rfc=rfc("FSO"),
                        address="Calle 1")
    same = make_org(name="Casa Hogar Esperanza", municipality="15106", rfc=rfc("CHE"))
    similar = make_org(name="Red de Mujeres del Valle, A.C.", municipality="15054")
    rows = [
        row("Fundación Sol, A.C.", rfc("FSO"), domicilio="Av. Juárez 10", municipio="Toluca"),
        row("Casa Hogar Esperanza", rfc("CHE"), municipio="Toluca de Lerdo", estatus=""),
        row("RED DE MUJERES DEL VALLE AC", municipio="Metepec"),
        row("Jóvenes en Acción", municipio="Ecatepec"),
        row("Jovenes en Accion A.C.", municipio="Ecatepec de Morelos"),
        row("Jóvenes en Acción", municipio="Toluca"),
        row("Sin Municipio", municipio=""),
        row("Municipio Raro", municipio="Gotham"),
        row("Persona Física", "GOMJ800101AB1"),
        row("Otra con el mismo RFC", rfc("FSO"), municipio="Lerma"),
        row("Fecha Imposible", fecha="31/02/2010"),
        row("=HYPERLINK(\"http://x\")", municipio="Lerma"),
        row("<b>Fundación</b> <script>x</script>", municipio="Lerma"),
    ]
    imp = store(staff, csv_bytes(rows, encoding="utf-8"))
    result = dry_run(staff, imp)
    rows_ = by_number(result)
    assert result.counts == {"new": 4, "update": 1, "unchanged": 1, "duplicate": 2,
                             "error": 5}, [(r.number, r.klass, r.reasons) for r in result.rows]
    assert rows_[2].klass == "update" and rows_[2].match_slug == existing.slug
    assert ("address", "Calle 1", "Av. Juárez 10") in rows_[2].changes
    assert ("name", "Fundación Sol", "Fundación Sol, A.C.") in rows_[2].changes
    assert rows_[3].klass == "unchanged" and rows_[3].match_slug == same.slug
    assert rows_[4].klass == "duplicate" and rows_[4].match_slug == similar.slug
    assert "Red de Mujeres del Valle" in rows_[4].reasons[0]
    assert rows_[5].klass == "new" and rows_[5].municipality == "15033"
    assert rows_[6].klass == "duplicate" and "fila 5" in rows_[6].reasons[0]
    assert rows_[7].klass == "new"  # same name, another municipality
    assert "Falta el municipio" in rows_[8].reasons[0]
    assert "municipio desconocido" in rows_[9].reasons[0]
    assert "persona moral" in rows_[10].reasons[0]
    assert "fila 2" in rows_[11].reasons[0]
    assert rows_[12].klass == "error"
    assert rows_[13].name.startswith("=HYPERLINK") and rows_[13].klass == "new"
    assert rows_[14].name.startswith("<b>Fundación</b>")
    assert imp.status == "analysed" and imp.counts == result.counts
    assert imp.mapping["0"] == "name"
    assert _db.session.scalar(select(func.count()).select_from(Organization)) == 3
    entry = _db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "registry.import_analysed"))
    assert entry.details["new"] == 4 and entry.actor_id == staff.id


def test_existing_osc_are_read_once_per_batch_not_per_row(app, staff, make_org, monkeypatch):
    monkeypatch.setattr(pi, "BATCH", 100)
    make_org(name="Fundación Sol", rfc=rfc("FSO"))
    rows = [row(f"Org {hashlib.sha256(str(i).encode()).hexdigest()[:16]}",
                rfc("ORG", f"10{i // 28 + 1:02d}{i % 28 + 1:02d}")) for i in range(300)]
    imp = store(staff, csv_bytes(rows, encoding="utf-8"))
    mapping = pi.guess_mapping(pi.headers(imp))
    selects = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        result = pi.analyse(staff, imp, mapping)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert result.counts["new"] == 300
    organization_selects = [s for s in selects if "FROM organization" in s]
    assert len(organization_selects) <= 1 + 3  # the names once, then one per batch


# --- applying ---------------------------------------------------------------------------------


def test_apply_creates_unclaimed_osc_and_updates_with_revisions(app, staff, make_org):
    existing = make_org(name="Fundación Sol", rfc=rfc("FSO"), address="Calle 1")
    before = _db.session.scalar(select(func.count()).select_from(ProfileRevision).where(
        ProfileRevision.organization_id == existing.id))
    rows = [
        row("Fundación Sol", rfc("FSO"), domicilio="Av. Juárez 10", telefono="722 123 4567"),
        row("Jóvenes en Acción", rfc("JEA"), cluni="JEA1003151501A", municipio="Ecatepec",
            correo="Contacto@Jovenes.org", fecha="15/03/2010", estatus="VALIDADA",
            donataria="SÍ", objeto="Promover el deporte.", folio="RSE-123"),
        row("Casa Pendiente", municipio="Lerma", estatus="EN REVISIÓN"),
        row("Jovenes en Accion", municipio="Ecatepec"),
        row("Sin Municipio", municipio=""),
    ]
    imp = store(staff, csv_bytes(rows))
    dry_run(staff, imp)
    seen = []
    done = pi.apply(staff, imp, progress=seen.append)
    assert done == {"created": 2, "updated": 1, "unchanged": 0, "skipped": 1, "error": 1,
                    "revisions": done["revisions"]}
    assert seen == [5]
    assert imp.status == "applied" and imp.applied_at is not None and imp.progress == 5

    jovenes = _db.session.scalar(select(Organization).where(
        Organization.name == "Jóvenes en Acción"))
    assert (jovenes.status, jovenes.municipality_code, jovenes.cluni) == (
        "validated", "15033", "JEA1003151501A")
    assert jovenes.validated_at is not None
    assert jovenes.registry_email == "contacto@jovenes.org"
    assert jovenes.public_email is None
    assert jovenes.sat_donee is True and jovenes.constituted_on == date(2010, 3, 15)
    assert jovenes.social_object_html and "deporte" in jovenes.social_object_html
    assert (jovenes.source_file, jovenes.source_row) == ("padron.csv", 3)
    assert jovenes.imported_at is not None and jovenes.slug == "jovenes-en-accion"
    assert _db.session.scalar(select(Membership).where(
        Membership.organization_id == jovenes.id)) is None
    pendiente = _db.session.scalar(select(Organization).where(
        Organization.name == "Casa Pendiente"))
    assert pendiente.status == "pending" and pendiente.validated_at is None

    _db.session.refresh(existing)
    assert existing.address == "Av. Juárez 10" and existing.phone == "7221234567"
    revisions = list(_db.session.scalars(select(ProfileRevision).where(
        ProfileRevision.organization_id == existing.id).order_by(ProfileRevision.id)))
    assert [(r.field, r.old_value, r.new_value, r.kind, r.actor_id)
            for r in revisions[before:]] == [
        ("address", "Calle 1", "Av. Juárez 10", "published", staff.id),
        ("phone", None, "7221234567", "published", staff.id)]
    created = {r.field for r in _db.session.scalars(select(ProfileRevision).where(
        ProfileRevision.organization_id == jovenes.id))}
    assert {"name", "rfc", "cluni", "municipality_code", "registry_email",
            "status"} <= created
    assert _db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "registry.import_applied")).details["created"] == 2

    # The same file again: nothing changes.
    revisions_before = _db.session.scalar(select(func.count()).select_from(ProfileRevision))
    orgs_before = _db.session.scalar(select(func.count()).select_from(Organization))
    again = store(staff, csv_bytes(rows))
    result = dry_run(staff, again)
    assert result.counts == {"new": 0, "update": 0, "unchanged": 3, "duplicate": 1,
                             "error": 1}, result.rows
    done = pi.apply(staff, again)
    assert (done["created"], done["updated"], done["revisions"]) == (0, 0, 0)
    assert _db.session.scalar(select(func.count()).select_from(ProfileRevision)) \
        == revisions_before
    assert _db.session.scalar(select(func.count()).select_from(Organization)) == orgs_before


def test_staff_may_accept_a_single_duplicate(app, staff):
    rows = [row("Jóvenes en Acción", municipio="Ecatepec"),
            row("Jovenes en Accion", municipio="Ecatepec"),
            row("Jóvenes en Acción AC", municipio="Ecatepec")]
    imp = store(staff, csv_bytes(rows))
    result = dry_run(staff, imp)
    assert [r.klass for r in result.rows] == ["new", "duplicate", "duplicate"]
    done = pi.apply(staff, imp, accept={"new"}, rows={4})
    assert (done["created"], done["skipped"]) == (2, 1)
    assert set(_db.session.scalars(select(Organization.source_row))) == {2, 4}
    assert len(set(_db.session.scalars(select(Organization.slug)))) == 2


def test_apply_needs_a_dry_run_first_and_staff(app, staff, make_user):
    imp = store(staff, csv_bytes([row("Fundación Sol")]))
    with pytest.raises(ValidationError):
        pi.apply(staff, imp)
    with pytest.raises(PermissionDenied):
        pi.analyse(make_user(), imp, pi.guess_mapping(pi.headers(imp)))


def test_apply_commits_in_batches_and_reports_progress(app, staff, monkeypatch):
    monkeypatch.setattr(pi, "BATCH", 4)
    imp = store(staff, csv_bytes([row(f"Org {hashlib.sha256(str(i).encode()).hexdigest()[:16]}",
                                      municipio="Lerma") for i in range(10)]))
    assert dry_run(staff, imp).counts["new"] == 10
    seen = []
    pi.apply(staff, imp, progress=seen.append)
    assert seen == [4, 8, 10]
    assert _db.session.scalar(select(func.count()).select_from(Organization)) == 10


# --- the real sample ----------------------------------------------------------------------------


def test_the_sample_dry_run_gives_the_expected_counts(app, staff):
    sample = pytest.importorskip("community.demo.padron_sample")
    path = Path(sample.__file__).parent / "data" / "padron_muestra.csv"
    if not path.exists():
        pytest.skip("the sample file is not written yet")
    imp = store(staff, path.read_bytes(), path.name)
    assert imp.encoding == "cp1252"
    result = dry_run(staff, imp)
    expected = {k: v for k, v in sample.EXPECTED.items() if k in pi.CLASSES}
    assert {k: result.counts[k] for k in expected} == expected


# --- the command line ---------------------------------------------------------------------------


def test_the_command_line_dry_run_then_apply(app, runner, tmp_path):
    path = tmp_path / "padron.csv"
    path.write_bytes(csv_bytes([row("Fundación Sol", rfc("FSO")),
                                row("Sin Municipio", municipio="")]))
    result = runner.invoke(args=["registry", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "new: 1" in result.output and "error: 1" in result.output
    assert "fila 3 [error]" in result.output
    assert _db.session.scalar(select(func.count()).select_from(Organization)) == 0
    result = runner.invoke(args=["registry", "import", str(path), "--apply"])
    assert result.exit_code == 0, result.output
    assert "created: 1" in result.output
    org = _db.session.scalar(select(Organization))
    assert org.source_file == "padron.csv"
    revision = _db.session.scalar(select(ProfileRevision).where(
        ProfileRevision.field == "name"))
    assert revision.actor_id is None
    bad = tmp_path / "padron.xlsx"
    bad.write_bytes(b"not a workbook")
    result = runner.invoke(args=["registry", "import", str(bad)])
    assert result.exit_code != 0 and "Excel" in result.output
    result = runner.invoke(args=["registry", "import", str(path), "--accept", "todo"])
    assert result.exit_code != 0


def test_a_formula_with_doubled_quotes_stays_one_cell(app, staff):
    formula = '=HYPERLINK("https://mapas.example/?q=Av.+Juárez","Ver en el mapa")'
    imp = store(staff, csv_bytes([row("Fundación Sol", domicilio=formula, telefono="7221234567")]))
    result = dry_run(staff, imp)
    assert result.counts["new"] == 1, result.rows
    pi.apply(staff, imp)
    org = _db.session.scalar(select(Organization))
    assert (org.address, org.phone) == (formula, "7221234567")


def test_a_failed_apply_is_marked_and_keeps_the_batches_done(app, staff, monkeypatch):
    monkeypatch.setattr(pi, "BATCH", 2)
    imp = store(staff, csv_bytes([row(f"Org {hashlib.sha256(str(i).encode()).hexdigest()[:16]}")
                                  for i in range(5)]))
    dry_run(staff, imp)
    real, calls = pi._new_org, []

    def flaky(*args):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disco lleno")
        return real(*args)

    monkeypatch.setattr(pi, "_new_org", flaky)
    with pytest.raises(RuntimeError):
        pi.apply(staff, imp)
    assert (imp.status, imp.error, imp.progress) == ("failed", "disco lleno", 2)
    assert _db.session.scalar(select(func.count()).select_from(Organization)) == 2
    monkeypatch.setattr(pi, "_new_org", real)
    done = pi.apply(staff, imp)
    assert (done["created"], done["unchanged"], imp.status) == (3, 2, "applied")
    assert _db.session.scalar(select(func.count()).select_from(Organization)) == 5


def test_an_xlsx_too_wide_or_declaring_a_huge_sheet(app, staff):
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(row("Fundación Sol"))
    book.active.cell(row=2, column=300, value="lejos")
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ValidationError) as caught:
        pi.store_upload(staff, upload(out.getvalue(), "padron.xlsx"))
    assert "columnas" in str(caught.value.errors["archivo"])
    data = xlsx_bytes([row("Fundación Sol")])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    huge = sheet.replace(b'<dimension ref="A1:L2"/>', b'<dimension ref="A1:XFD1048576"/>')
    assert huge != sheet
    imp = store(staff, _with_part(data, "xl/worksheets/sheet1.xml", huge), "padron.xlsx")
    assert imp.rows == 1 and len(pi.headers(imp)) == len(HEADER)


def test_a_one_megabyte_cell_is_refused_with_a_message_not_a_500(app, staff):
    """Python's csv module stops at 131,072 characters a field: the file is refused at the
    upload, in Spanish, naming the problem (a row's cell over 10,000 characters but under
    that limit only makes its row an error: see test_the_limits_columns_cells_...)."""
    with pytest.raises(ValidationError) as caught:
        pi.store_upload(staff, upload(csv_bytes([row("Fundación Sol", objeto="x" * 1_000_000)],
                                                encoding="utf-8")))
    assert "celda enorme" in str(caught.value.errors["archivo"])
