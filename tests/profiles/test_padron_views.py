"""The padrón import's staff pages over HTTP: upload a CSV or an XLSX, the columns form with
the recognised headers chosen, the dry run's report (each class, changes old -> new, reasons),
apply, the progress page; bad files answered next to the "archivo" field with nothing saved;
only staff."""

import csv
import io
import re
import threading

import openpyxl
import pytest
from sqlalchemy import func, select

from community.core.database import mark_read_only
from community.core.models import AuditEntry
from community.extensions import db as _db
from community.profiles.models import Membership, Organization, PadronImport
from community.profiles.validators import rfc_check_digit
from tests.conftest import client_as, field_error, post_form

UPLOAD = "/personal/padron/importar"
HEADER = ["NOMBRE DE LA ORGANIZACION", "RFC", "CLUNI", "MUNICIPIO", "DOMICILIO", "TELEFONO",
          "CORREO ELECTRONICO", "ESTATUS"]


def rfc(letters: str) -> str:
    body = f"{letters}100315AB"
    return body + rfc_check_digit(body)


def row(name, rfc_="", municipio="Toluca", domicilio="", estatus="ACTIVA"):
    return [name, rfc_, "", municipio, domicilio, "", "", estatus]


ROWS = [
    row("Fundación Sol, A.C.", rfc("FSO"), domicilio="Av. Juárez 10"),  # 2: update
    row("Manos que Ayudan", rfc("MQA")),  # 3: new
    row("RED DE MUJERES DEL VALLE AC", municipio="Metepec"),  # 4: duplicate
    row("Municipio Raro", municipio="Gotham"),  # 5: error
    row("Jóvenes en Acción", municipio="Ecatepec"),  # 6: new
]


def csv_bytes(rows=ROWS, encoding="cp1252") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows=ROWS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def existing(make_org):
    """The platform's OSC the sample rows meet: one to update, one a name like a row's."""
    sol = make_org(name="Fundación Sol", municipality="15106", rfc=rfc("FSO"),
                   address="Calle 1")
    red = make_org(name="Red de Mujeres del Valle, A.C.", municipality="15054")
    return {"sol": sol, "red": red}


@pytest.fixture
def staff_client(app, staff):
    return client_as(app, staff)


def upload(client, data: bytes, name: str):
    return post_form(client, UPLOAD, {"archivo": (io.BytesIO(data), name)}, page=UPLOAD,
                     content_type="multipart/form-data")


def selected(body: str, column: int) -> str:
    """The value chosen in the select of one column of the mapping form."""
    select_ = re.search(rf'<select id="columna-{column}".*?</select>', body, re.S).group(0)
    match = re.search(r'<option value="([^"]*)" selected>', select_)
    return match.group(1) if match else ""


def mapping_form(body: str) -> dict:
    return {f"columna-{i}": selected(body, i) for i in range(len(HEADER))}


def import_id(response) -> int:
    return int(re.search(r"/importar/(\d+)", response.headers["Location"]).group(1))


def imports() -> int:
    return _db.session.scalar(select(func.count()).select_from(PadronImport))


def stored_files(app) -> list:
    from community.profiles import padron_import

    with app.test_request_context():
        folder = padron_import._folder()  # noqa: SLF001 - where the engine keeps the files
    return sorted(p for p in folder.glob("*") if p.is_file()) if folder.exists() else []


# --- the whole way ---------------------------------------------------------------------------


def test_staff_upload_a_csv_map_it_read_the_dry_run_and_apply_it(app, staff_client, existing):
    page = staff_client.get(UPLOAD).get_data(as_text=True)
    assert 'for="archivo"' in page and 'type="file"' in page
    response = upload(staff_client, csv_bytes(), "padron 2026.csv")
    assert response.status_code == 303
    number = import_id(response)
    mapping_url = f"{UPLOAD}/{number}"
    assert response.headers["Location"].endswith(mapping_url)

    body = staff_client.get(mapping_url).get_data(as_text=True)
    assert "Columna 1: NOMBRE DE LA ORGANIZACION" in body
    assert [selected(body, i) for i in range(len(HEADER))] == [
        "name", "rfc", "cluni", "municipality", "address", "phone", "registry_email", "status"]

    response = post_form(staff_client, mapping_url, mapping_form(body), page=mapping_url)
    assert response.status_code == 303
    review = f"{mapping_url}/revision"
    assert response.headers["Location"].endswith(review)
    imp = _db.session.get(PadronImport, number)
    assert imp.status == "analysed"
    assert imp.counts == {"new": 2, "update": 1, "unchanged": 0, "duplicate": 1, "error": 1}

    body = staff_client.get(review).get_data(as_text=True)
    counts = dict(re.findall(r'<tr id="conteo-(\w+)">.*?<td>(\d+)</td>', body, re.S))
    assert counts == {"new": "2", "update": "1", "unchanged": "0", "duplicate": "1",
                      "error": "1"}
    assert "Manos que Ayudan" in body and "Jóvenes en Acción" in body  # new, shown first
    assert "Ecatepec de Morelos" in body  # the municipality's name, not its code
    update = staff_client.get(review + "?clase=update").get_data(as_text=True)
    assert "Calle 1 → Av. Juárez 10" in update
    assert f'href="/osc/{existing["sol"].slug}"' in update
    duplicate = staff_client.get(review + "?clase=duplicate").get_data(as_text=True)
    assert "RED DE MUJERES DEL VALLE AC" in duplicate
    assert f'href="/osc/{existing["red"].slug}"' in duplicate
    assert 'name="fila" value="4"' in duplicate
    error = staff_client.get(review + "?clase=error").get_data(as_text=True)
    assert "municipio desconocido" in error
    assert "Ninguna fila." in staff_client.get(review + "?clase=unchanged").get_data(
        as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(Organization)) == 2

    response = post_form(staff_client, f"{mapping_url}/aplicar",
                         {"aceptar": ["new", "update"]}, page=review)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{mapping_url}/progreso")
    progress = staff_client.get(f"{mapping_url}/progreso").get_data(as_text=True)
    assert "Importación terminada" in progress
    assert 'http-equiv="refresh"' not in progress
    assert re.search(r'<progress id="avance" max="5" value="5">', progress)
    figures = dict(re.findall(r"<dt>(.*?)</dt><dd>(\d+)</dd>", progress))
    assert figures["OSC creadas"] == "2" and figures["OSC actualizadas"] == "1"

    made = _db.session.scalar(select(Organization).where(Organization.name == "Manos que Ayudan"))
    assert made.source_file == "padron 2026.csv" and made.source_row == 3
    assert _db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.organization_id == made.id)) == 0
    _db.session.refresh(existing["sol"])
    assert existing["sol"].address == "Av. Juárez 10"
    assert _db.session.get(PadronImport, number).status == "applied"

    # Applied: the review offers no second apply, and posting again changes nothing.
    assert 'id="aplicar-form"' not in staff_client.get(review).get_data(as_text=True)
    again = post_form(staff_client, f"{mapping_url}/aplicar", {"aceptar": ["new"]}, page=review)
    assert again.headers["Location"].endswith(f"{mapping_url}/progreso")
    assert _db.session.scalar(select(func.count()).select_from(Organization)) == 4


def test_an_xlsx_is_uploaded_and_its_headers_recognised(staff_client):
    response = upload(staff_client, xlsx_bytes(), "padron.xlsx")
    assert response.status_code == 303
    imp = _db.session.get(PadronImport, import_id(response))
    assert (imp.kind, imp.rows) == ("xlsx", 5)
    body = staff_client.get(f"{UPLOAD}/{imp.id}").get_data(as_text=True)
    assert selected(body, 0) == "name" and selected(body, 3) == "municipality"
    assert "padron.xlsx" in staff_client.get(UPLOAD).get_data(as_text=True)


def test_a_duplicate_staff_judge_distinct_is_created_with_the_new_ones(app, staff_client,
                                                                       existing):
    number = import_id(upload(staff_client, csv_bytes(), "padron.csv"))
    url = f"{UPLOAD}/{number}"
    body = staff_client.get(url).get_data(as_text=True)
    post_form(staff_client, url, mapping_form(body), page=url)
    response = post_form(staff_client, f"{url}/aplicar", {"aceptar": ["new"], "fila": ["4"]},
                         page=f"{url}/revision")
    assert response.status_code == 303
    names = set(_db.session.scalars(select(Organization.name)))
    assert "RED DE MUJERES DEL VALLE AC" in names and "Manos que Ayudan" in names
    _db.session.refresh(existing["sol"])
    assert existing["sol"].address == "Calle 1"  # the update was not accepted


def test_the_mapping_needs_a_name_column(staff_client):
    number = import_id(upload(staff_client, csv_bytes(), "padron.csv"))
    url = f"{UPLOAD}/{number}"
    form = mapping_form(staff_client.get(url).get_data(as_text=True))
    form["columna-0"] = ""
    response = post_form(staff_client, url, form, page=url)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "nombre de la organización" in body and 'role="alert"' in body
    form["columna-0"] = "inventado"
    response = post_form(staff_client, url, form, page=url)
    assert response.status_code == 400
    assert "Elige un dato de la lista." in field_error(response.get_data(as_text=True),
                                                       "columna-0")
    assert _db.session.get(PadronImport, number).status == "uploaded"


def test_nothing_chosen_to_apply_goes_back_to_the_review(staff_client):
    number = import_id(upload(staff_client, csv_bytes(), "padron.csv"))
    url = f"{UPLOAD}/{number}"
    post_form(staff_client, url, mapping_form(staff_client.get(url).get_data(as_text=True)),
              page=url)
    response = post_form(staff_client, f"{url}/aplicar", {}, page=f"{url}/revision")
    assert response.status_code == 303 and response.headers["Location"].endswith("/revision")
    assert "Elige qué aplicar" in staff_client.get(f"{url}/revision").get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(Organization)) == 0


def test_the_progress_page_follows_the_import_while_applying(staff_client):
    from community.core.timeutil import utcnow

    number = import_id(upload(staff_client, csv_bytes(), "padron.csv"))
    imp = _db.session.get(PadronImport, number)
    imp.status, imp.progress, imp.progress_at = "applying", 2, utcnow()
    _db.session.commit()
    body = staff_client.get(f"{UPLOAD}/{number}/progreso").get_data(as_text=True)
    # import-progress.js reads the page again every 2 s; without it, a link to do so.
    assert 'data-import-progress="2"' in body and "js/import-progress.js" in body
    assert "Actualizar ahora" in body and 'http-equiv="refresh"' not in body
    assert '<progress id="avance" max="5" value="2">' in body
    assert "2 de 5 filas" in body
    # The review sends there too, and a second apply does not start another run.
    assert staff_client.get(f"{UPLOAD}/{number}/revision").headers["Location"].endswith(
        "/progreso")


def test_a_large_file_is_applied_in_a_background_thread(app, staff_client):
    app.config.update(PADRON_APPLY_INLINE=False, PADRON_INLINE_ROWS=2)
    number = import_id(upload(staff_client, csv_bytes(), "padron.csv"))
    url = f"{UPLOAD}/{number}"
    post_form(staff_client, url, mapping_form(staff_client.get(url).get_data(as_text=True)),
              page=url)
    # The test's own session reads with DEFERRED transactions from here on, as the live
    # server's tests do: an IMMEDIATE one left open would hold the lock the thread needs.
    mark_read_only(True)
    try:
        response = post_form(staff_client, f"{url}/aplicar", {"aceptar": ["new"]},
                             page=f"{url}/revision")
        _db.session.rollback()
        assert response.status_code == 303
        worker = next(t for t in threading.enumerate() if t.name == f"padron-import-{number}")
        worker.join(timeout=60)
        assert not worker.is_alive()
    finally:
        mark_read_only(False)
    _db.session.expire_all()
    assert _db.session.get(PadronImport, number).status == "applied"
    body = staff_client.get(f"{url}/progreso").get_data(as_text=True)
    assert "Importación terminada" in body
    assert dict(re.findall(r"<dt>(.*?)</dt><dd>(\d+)</dd>", body))["OSC creadas"] == "4"
    assert _db.session.scalar(select(AuditEntry.actor_id).where(
        AuditEntry.action == "registry.import_applied")) is not None
    # The thread fed the search index with what it wrote.
    found = staff_client.get("/api/v1/buscar?q=Manos que Ayudan").get_data(as_text=True)
    assert "Manos que Ayudan" in found


# --- bad files -------------------------------------------------------------------------------

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.mark.parametrize(("data", "name"), [
    (PNG, "padron.csv"),
    (b"", "padron.csv"),
    (b"NOMBRE,MUNICIPIO\r\n" + b"x" * (25 * 1024 * 1024), "padron.csv"),
    (bytes(range(256)) * 64, "padron.xlsx"),
], ids=["png-renamed-csv", "empty", "25-mb", "binary-renamed-xlsx"])
def test_a_bad_file_is_answered_next_to_the_field_and_nothing_is_saved(app, staff_client,
                                                                       data, name):
    before = stored_files(app)
    response = upload(staff_client, data, name)
    assert response.status_code in (400, 422)
    body = response.get_data(as_text=True)
    assert field_error(body, "archivo").strip()
    assert re.search(r'<input type="file" id="archivo"[^>]*aria-invalid="true"', body)
    assert 'aria-describedby="archivo-hint archivo-error"' in body
    assert imports() == 0 and stored_files(app) == before


def test_no_file_chosen(staff_client):
    response = post_form(staff_client, UPLOAD, {}, page=UPLOAD)
    assert response.status_code == 400
    assert "Elige el archivo" in field_error(response.get_data(as_text=True), "archivo")


# --- only staff ------------------------------------------------------------------------------


def test_members_and_citizens_get_403_and_nothing_is_saved(app, make_user, make_org, staff):
    org = make_org()
    member = client_as(app, org.admin)
    number = import_id(upload(client_as(app, staff), csv_bytes(), "padron.csv"))
    url = f"{UPLOAD}/{number}"
    for client in (member, client_as(app, make_user(email="vecina@ejemplo.mx"))):
        assert client.get(UPLOAD).status_code == 403
        assert upload(client, csv_bytes(), "padron.csv").status_code == 403
        for path in (url, f"{url}/revision", f"{url}/progreso"):
            assert client.get(path).status_code == 403, path
        assert post_form(client, url, {"columna-0": "name"}).status_code == 403
        assert post_form(client, f"{url}/aplicar", {"aceptar": ["new"]}).status_code == 403
    assert imports() == 1
    assert _db.session.get(PadronImport, number).status == "uploaded"
    assert _db.session.scalar(select(func.count()).select_from(Organization)) == 1


def test_the_console_links_to_the_import(staff_client):
    assert f'href="{UPLOAD}"' in staff_client.get("/personal").get_data(as_text=True)


def test_the_report_pages_a_class_and_reuses_the_dry_run(staff_client, make_org, monkeypatch):
    from community.profiles import padron_import

    rows = [row(f"Colectivo Número {n}") for n in range(60)]  # similar names: duplicates
    number = import_id(upload(staff_client, csv_bytes(rows, encoding="utf-8"), "largo.csv"))
    url = f"{UPLOAD}/{number}"
    post_form(staff_client, url, mapping_form(staff_client.get(url).get_data(as_text=True)),
              page=url)
    calls = []
    real = padron_import.analyse
    monkeypatch.setattr(padron_import, "analyse", lambda *a, **k: calls.append(1) or real(*a, **k))
    counts = _db.session.get(PadronImport, number).counts
    assert counts["duplicate"] > 50, counts
    first = staff_client.get(f"{url}/revision?clase=duplicate").get_data(as_text=True)
    assert "Página 1 de 2" in first and 'rel="next"' in first
    second = staff_client.get(f"{url}/revision?clase=duplicate&pagina=2").get_data(as_text=True)
    assert "Página 2 de 2" in second and 'rel="prev"' in second
    assert second.count('name="fila"') == counts["duplicate"] - 50
    assert calls == []  # the dry run of the columns form, reused
    make_org(name="Otra OSC del registro")
    staff_client.get(f"{url}/revision")
    assert calls == [1]  # the registry changed: read again


def test_hostile_cells_come_out_as_text(staff_client):
    rows = [row('<script>alert("x")</script> Fundación'), row('=HYPERLINK("http://x","y")')]
    number = import_id(upload(staff_client, csv_bytes(rows, encoding="utf-8"),
                              '<img src=x onerror=alert(1)>.csv'))
    url = f"{UPLOAD}/{number}"
    body = staff_client.get(url).get_data(as_text=True)
    assert "<img src=x" not in body
    post_form(staff_client, url, mapping_form(body), page=url)
    review = staff_client.get(f"{url}/revision?clase=new").get_data(as_text=True)
    assert "<script>alert" not in review
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Fundación" in review
    assert "=HYPERLINK(&#34;http://x&#34;,&#34;y&#34;)" in review


def test_a_failed_import_says_why_and_may_be_applied_again(staff_client):
    number = import_id(upload(staff_client, csv_bytes(), "padron.csv"))
    url = f"{UPLOAD}/{number}"
    post_form(staff_client, url, mapping_form(staff_client.get(url).get_data(as_text=True)),
              page=url)
    imp = _db.session.get(PadronImport, number)
    imp.status, imp.progress, imp.error = "failed", 2, "Se perdió la conexión con la base."
    _db.session.commit()
    body = staff_client.get(f"{url}/progreso").get_data(as_text=True)
    assert "La importación no terminó:" in body and "Se perdió la conexión" in body
    assert 'http-equiv="refresh"' not in body
    assert 'id="aplicar-form"' in staff_client.get(f"{url}/revision").get_data(as_text=True)
    response = post_form(staff_client, f"{url}/aplicar", {"aceptar": ["new"]},
                         page=f"{url}/revision")
    assert response.headers["Location"].endswith("/progreso")
    assert _db.session.get(PadronImport, number).status == "applied"
