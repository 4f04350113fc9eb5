"""The library's staff pages through HTTP: a record with its PDF is saved whole or not at all,
files become versions whose text is read in the background, the table of contents names the
line it cannot read, publishing and withdrawing are audited, and nobody but staff gets in."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from sqlalchemy import func, select

from community.core.models import AuditEntry
from community.library import extraction, services
from community.library.models import Resource, ResourceFile, ResourcePage
from community.profiles import services as registry
from tests.conftest import client_as, field_error, post_form
from tests.library.publishing import make_pdf

PAGES = ["Participación ciudadana en Nezahualcóyotl",
         "Capacitación para organizaciones de la sociedad civil",
         "Rendición de cuentas y transparencia",
         "Directorio de instituciones"]


def text_pdf(pages=PAGES) -> bytes:
    return make_pdf(pages)


def rewrite(data: bytes, change) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(BytesIO(data)))
    change(writer)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def record(**overrides) -> dict:
    """A valid record form: a guide of June 2021 by two people."""
    data = {"title": "Guía de procuración de fondos", "kind": "guide",
            "description": "Material de **capacitación** para OSC.",
            "creators": "Ana López (UAEMex)\nLuis Pérez", "issued": "2021-06",
            "language": "es", "rights": "cc-by-nc-4.0", "publisher": "Gobierno del Estado",
            "identifier": "", "access": "public", "series": "", "issue_number": "",
            "issue_format": "print", "areas": ["IX"]}
    data.update(overrides)
    return data


@pytest.fixture
def uploads_dir(app, tmp_path) -> Path:
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def staff_client(app, staff, uploads_dir):
    return client_as(app, staff)


def private_files(uploads_dir: Path) -> list[Path]:
    folder = uploads_dir / "private"
    return [p for p in folder.iterdir() if p.is_file()] if folder.exists() else []


def create(client, data: bytes | None, name="guia.pdf", **overrides):
    form = record(**overrides)
    if data is not None:
        form["file"] = (BytesIO(data), name)
    return post_form(client, "/biblioteca/gestion/nuevo", form, page="/biblioteca/gestion/nuevo",
                     content_type="multipart/form-data")


def resource_count(db) -> int:
    return db.session.scalar(select(func.count(Resource.id)))


def upload(client, resource_id: int, data: bytes, note="", name="nueva.pdf"):
    page = f"/biblioteca/gestion/{resource_id}"
    return post_form(client, f"{page}/archivo",
                     {"file": (BytesIO(data), name), "version_note": note}, page=page,
                     content_type="multipart/form-data")


def created_id(response) -> int:
    match = re.search(r"/biblioteca/gestion/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match[1])


# --- creating with a PDF ------------------------------------------------------------------


def test_a_record_with_a_valid_pdf_is_a_draft_whose_text_is_read_later(
        db, staff_client, uploads_dir):
    extraction.queued_event.clear()
    response = create(staff_client, text_pdf())

    assert response.status_code == 302
    resource = db.session.get(Resource, created_id(response))
    assert resource.status == "draft"
    assert [c.name for c in resource.creators] == ["Ana López", "Luis Pérez"]
    assert resource.current_file.version == 1
    assert resource.current_file.pages == 4
    assert resource.current_file.text_status == "pending"
    assert resource.current_file.original_name == "guia.pdf"
    assert len(private_files(uploads_dir)) == 1
    assert extraction.queued_event.is_set()  # the worker thread is woken
    page = staff_client.get(f"/biblioteca/gestion/{resource.id}").get_data(as_text=True)
    assert "en proceso" in page

    assert extraction.extract_all_pending() == {"done": 1}

    db.session.expire_all()
    stored = db.session.get(Resource, resource.id).current_file
    assert stored.text_status == "done"
    texts = dict(db.session.execute(select(ResourcePage.number, ResourcePage.text)
                                    .where(ResourcePage.file_id == stored.id)).all())
    assert sorted(texts) == [1, 2, 3, 4]
    assert "Nezahualcóyotl" in texts[1]
    page = staff_client.get(f"/biblioteca/gestion/{resource.id}").get_data(as_text=True)
    assert "texto listo" in page


def test_a_record_without_a_file_is_saved_and_audited(db, staff_client, uploads_dir):
    response = create(staff_client, None)

    assert response.status_code == 302
    resource = db.session.get(Resource, created_id(response))
    assert resource.current_file is None
    assert db.session.scalar(select(AuditEntry.action).where(
        AuditEntry.target_type == "resource",
        AuditEntry.target_id == str(resource.id))) == "library.create"
    assert private_files(uploads_dir) == []


@pytest.mark.parametrize("name, data, message", [
    ("html", b"<!doctype html><html><body>No soy un PDF</body></html>", "PDF válido"),
    ("png", png_bytes(), "PDF válido"),
    ("encrypted", rewrite(text_pdf(), lambda w: w.encrypt("secreta", algorithm="AES-128")),
     "protegido con contraseña"),
])
def test_a_file_that_is_not_an_openable_pdf_saves_nothing(db, staff_client, uploads_dir, name,
                                                           data, message):
    response = create(staff_client, data, name=f"{name}.pdf")

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in field_error(body, "file")
    assert 'aria-describedby="file-hint file-error"' in body
    assert resource_count(db) == 0
    assert private_files(uploads_dir) == []
    assert 'value="Guía de procuración de fondos"' in body  # what was typed stays


def test_a_field_error_and_a_bad_file_are_both_shown_and_nothing_is_saved(
        db, staff_client, uploads_dir):
    response = create(staff_client, b"%PDF-1.4 roto", title="", issued="junio")

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "obligatorio" in field_error(body, "title")
    assert "2021-06" in field_error(body, "issued")
    assert "PDF válido" in field_error(body, "file")
    assert resource_count(db) == 0
    assert private_files(uploads_dir) == []


def test_a_good_file_with_a_refused_field_is_not_kept(db, staff_client, uploads_dir):
    response = create(staff_client, text_pdf(), kind="issue")  # an issue needs its series

    assert response.status_code == 422
    assert "serie" in field_error(response.get_data(as_text=True), "series")
    assert resource_count(db) == 0
    assert db.session.scalar(select(func.count(ResourceFile.id))) == 0
    assert private_files(uploads_dir) == []


def test_a_pdf_with_javascript_is_accepted_and_flagged(db, staff_client, uploads_dir):
    scripted = rewrite(text_pdf(), lambda w: w.add_open_action(JavaScript("app.alert('x');")))

    response = create(staff_client, scripted)

    assert response.status_code == 302
    resource = db.session.get(Resource, created_id(response))
    assert resource.current_file.has_javascript is True
    page = staff_client.get(f"/biblioteca/gestion/{resource.id}").get_data(as_text=True)
    assert "Contiene JavaScript" in page


def test_an_oversized_upload_is_413_with_the_library_limit_and_saves_nothing(
        app, db, staff_client, uploads_dir):
    app.config["LIBRARY_MAX_UPLOAD_BYTES"] = 10_000
    big = text_pdf(["x" * 2000] * 40) + b"%" * 400_000  # past the limit and the form's room

    response = create(staff_client, big)

    assert response.status_code == 413
    assert "demasiado grande" in response.get_data(as_text=True)
    assert resource_count(db) == 0
    assert private_files(uploads_dir) == []


def test_a_pdf_just_over_the_limit_gets_the_message_next_to_the_field(
        app, db, staff_client, uploads_dir):
    data = text_pdf()
    app.config["LIBRARY_MAX_UPLOAD_BYTES"] = len(data) - 1

    response = create(staff_client, data)

    assert response.status_code == 422
    assert "pesa más de" in field_error(response.get_data(as_text=True), "file")
    assert resource_count(db) == 0


def test_the_library_limit_applies_above_the_site_limit(app, db, staff_client, uploads_dir):
    data = text_pdf(PAGES) + b"%" * 20_000
    app.config["MAX_CONTENT_LENGTH"] = 5_000  # the rest of the site: far smaller

    response = create(staff_client, data)

    assert response.status_code == 302
    assert resource_count(db) == 1


# --- versions -----------------------------------------------------------------------------


def test_a_new_file_is_version_2_and_version_1_stays_listed(db, staff_client, uploads_dir):
    resource_id = created_id(create(staff_client, text_pdf(), name="primera.pdf"))
    extraction.queued_event.clear()

    response = upload(staff_client, resource_id, text_pdf(PAGES[:2]), note="Fe de erratas",
                      name="segunda.pdf")

    assert response.status_code == 302
    resource = db.session.get(Resource, resource_id)
    assert resource.current_file.version == 2
    assert resource.current_file.note == "Fe de erratas"
    assert [f.version for f in resource.files] == [2, 1]
    assert extraction.queued_event.is_set()
    page = staff_client.get(f"/biblioteca/gestion/{resource_id}").get_data(as_text=True)
    assert "primera.pdf" in page and "segunda.pdf" in page
    assert len(private_files(uploads_dir)) == 2
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "library.file")) == 2


def test_a_refused_new_version_says_why_next_to_the_field(db, staff_client, uploads_dir):
    resource_id = created_id(create(staff_client, text_pdf()))

    response = upload(staff_client, resource_id, png_bytes())

    assert response.status_code == 422
    assert "PDF válido" in field_error(response.get_data(as_text=True), "file")
    assert [f.version for f in db.session.get(Resource, resource_id).files] == [1]
    assert len(private_files(uploads_dir)) == 1


def test_an_oversized_new_version_is_413(app, db, staff_client, uploads_dir):
    resource_id = created_id(create(staff_client, text_pdf()))
    app.config["LIBRARY_MAX_UPLOAD_BYTES"] = 10_000

    response = upload(staff_client, resource_id, b"%PDF-1.4" + b"%" * 400_000)

    assert response.status_code == 413
    assert len(db.session.get(Resource, resource_id).files) == 1


# --- table of contents --------------------------------------------------------------------


def _manual(client) -> int:
    return created_id(create(client, text_pdf(), kind="manual", title="Manual de visibilidad"))


def test_a_bad_table_of_contents_line_is_named(db, staff_client, uploads_dir):
    resource_id = _manual(staff_client)
    page = f"/biblioteca/gestion/{resource_id}"

    response = post_form(staff_client, f"{page}/indice",
                         {"toc": "1-2 | Presentación | Ana López\nsin páginas ni título"},
                         page=page)

    assert response.status_code == 422
    assert "Línea 2" in field_error(response.get_data(as_text=True), "toc")
    assert db.session.get(Resource, resource_id).parts == []

    response = post_form(staff_client, f"{page}/indice", {"toc": "3-9 | Más allá del PDF"},
                         page=page)
    assert response.status_code == 422
    assert "Línea 1" in field_error(response.get_data(as_text=True), "toc")


def test_a_good_table_of_contents_makes_parts(db, staff_client, uploads_dir):
    resource_id = _manual(staff_client)
    page = f"/biblioteca/gestion/{resource_id}"

    response = post_form(staff_client, f"{page}/indice", {"toc": (
        "1-2 | Presentación | Ana López (UAEMex)\n"
        "3-4 | Rendición de cuentas | Luis Pérez; María Ruiz (Colmex)")}, page=page)

    assert response.status_code == 302
    parts = db.session.get(Resource, resource_id).parts
    assert [(p.title, p.first_page, p.last_page, p.kind) for p in parts] == [
        ("Presentación", 1, 2, "chapter"), ("Rendición de cuentas", 3, 4, "chapter")]
    assert [c.name for c in parts[1].creators] == ["Luis Pérez", "María Ruiz"]
    body = staff_client.get(page).get_data(as_text=True)
    assert "3-4 | Rendición de cuentas | Luis Pérez; María Ruiz (Colmex)" in body


# --- status -------------------------------------------------------------------------------


def test_publish_and_withdraw_are_audited(db, staff_client, staff, uploads_dir):
    resource_id = created_id(create(staff_client, text_pdf()))
    page = f"/biblioteca/gestion/{resource_id}"

    assert post_form(staff_client, f"{page}/publicar", page=page).status_code == 302
    assert db.session.get(Resource, resource_id).status == "published"

    refused = post_form(staff_client, f"{page}/retirar", {"note": "  "}, page=page)
    assert refused.status_code == 422
    assert "Explica por qué" in field_error(refused.get_data(as_text=True), "note")
    assert db.session.get(Resource, resource_id).status == "published"

    done = post_form(staff_client, f"{page}/retirar", {"note": "Hay una edición corregida."},
                     page=page)
    assert done.status_code == 302
    resource = db.session.get(Resource, resource_id)
    assert resource.status == "withdrawn"
    assert resource.withdrawn_note == "Hay una edición corregida."
    entries = db.session.execute(select(AuditEntry.action, AuditEntry.actor_id).where(
        AuditEntry.target_id == str(resource_id), AuditEntry.target_type == "resource",
        AuditEntry.action.in_(("library.publish", "library.withdraw")))
        .order_by(AuditEntry.id)).all()
    assert entries == [("library.publish", staff.id), ("library.withdraw", staff.id)]


# --- editing, series, subjects ------------------------------------------------------------


def test_the_edit_form_is_filled_and_saves(db, staff_client, uploads_dir):
    resource_id = created_id(create(staff_client, None))
    url = f"/biblioteca/gestion/{resource_id}/editar"

    body = staff_client.get(url).get_data(as_text=True)
    assert "Ana López (UAEMex)\nLuis Pérez</textarea>" in body
    assert 'value="2021-06-01"' in body

    response = post_form(staff_client, url, record(title="Guía corregida",
                                                   access="members"), page=url)
    assert response.status_code == 302
    resource = db.session.get(Resource, resource_id)
    assert (resource.title, resource.access) == ("Guía corregida", "members")


def test_an_issue_names_its_series(db, staff_client, uploads_dir):
    response = post_form(staff_client, "/biblioteca/gestion/series/nueva",
                         {"title": "Ciudadanía Activa", "identifier": "2594-0000"},
                         page="/biblioteca/gestion/series/nueva")
    assert response.status_code == 302
    series = services.all_series()[0]

    response = create(staff_client, None, kind="issue", series=series.slug, issue_number="7",
                      issue_format="digital", title="Ciudadanía Activa 7")

    resource = db.session.get(Resource, created_id(response))
    assert (resource.series_id, resource.issue_number, resource.issue_format) == (
        series.id, 7, "digital")
    edit = f"/biblioteca/gestion/series/{series.id}/editar"
    assert 'value="Ciudadanía Activa"' in staff_client.get(edit).get_data(as_text=True)


def test_subjects_are_added_renamed_and_offered_in_the_form(db, staff_client, uploads_dir):
    page = "/biblioteca/gestion/temas"
    assert post_form(staff_client, page, {"name": "Igualdad de género"},
                     page=page).status_code == 302
    duplicate = post_form(staff_client, page, {"name": "Igualdad de género"}, page=page)
    assert duplicate.status_code == 422
    assert "ya está" in field_error(duplicate.get_data(as_text=True), "name")

    subject = next(s for s in services.subjects() if s.name == "Igualdad de género")
    empty = post_form(staff_client, f"{page}/{subject.id}", {"name": " "}, page=page)
    assert empty.status_code == 422
    assert "Escribe el nombre" in field_error(empty.get_data(as_text=True),
                                              f"subject-{subject.id}")
    assert post_form(staff_client, f"{page}/{subject.id}", {"name": "Igualdad sustantiva"},
                     page=page).status_code == 302
    db.session.expire_all()
    assert subject.name == "Igualdad sustantiva" and subject.slug == "igualdad-de-genero"

    response = create(staff_client, None, subjects=[subject.slug])
    assert [s.slug for s in db.session.get(Resource, created_id(response)).subjects] == [
        subject.slug]


# --- the list and the console -------------------------------------------------------------


def test_the_list_filters_by_status_and_file(db, staff_client, uploads_dir):
    with_file = created_id(create(staff_client, text_pdf(), title="Con PDF"))
    created_id(create(staff_client, None, title="Sin PDF todavía"))
    post_form(staff_client, f"/biblioteca/gestion/{with_file}/publicar",
              page=f"/biblioteca/gestion/{with_file}")

    drafts = staff_client.get("/biblioteca/gestion?estado=draft").get_data(as_text=True)
    assert "Sin PDF todavía" in drafts and "Con PDF" not in drafts
    waiting = staff_client.get("/biblioteca/gestion?archivo=en-proceso").get_data(as_text=True)
    assert "Con PDF" in waiting and "Sin PDF todavía" not in waiting
    bad = staff_client.get("/biblioteca/gestion?estado=perdido")
    assert bad.status_code == 400
    assert "Elige un estado" in field_error(bad.get_data(as_text=True), "estado")


def test_the_console_tile_counts_drafts_and_files(db, staff_client, uploads_dir):
    create(staff_client, text_pdf(), title="Borrador con PDF")

    body = staff_client.get("/personal").get_data(as_text=True)

    assert "Biblioteca" in body
    assert "/biblioteca/gestion?estado=draft" in body
    assert "PDF en espera de extraer su texto" in body


# --- who may ------------------------------------------------------------------------------


GETS = ["/biblioteca/gestion", "/biblioteca/gestion/nuevo", "/biblioteca/gestion/{id}",
        "/biblioteca/gestion/{id}/editar", "/biblioteca/gestion/series/nueva",
        "/biblioteca/gestion/temas"]
POSTS = ["/biblioteca/gestion/nuevo", "/biblioteca/gestion/{id}/archivo",
         "/biblioteca/gestion/{id}/indice", "/biblioteca/gestion/{id}/publicar",
         "/biblioteca/gestion/{id}/retirar", "/biblioteca/gestion/temas"]


@pytest.mark.parametrize("role", ["citizen", "osc_member"])
def test_citizens_and_members_are_refused_everywhere(app, db, make_user, make_org, staff,
                                                     uploads_dir, role):
    resource = services.create_resource(staff, record())
    db.session.commit()
    person = make_user()
    if role == "osc_member":
        org = make_org()
        membership = registry.request_join(person, org)
        db.session.flush()
        registry.decide_join(org.admin, membership, accept=True)
        db.session.commit()
    client = client_as(app, person)
    for url in GETS:
        assert client.get(url.format(id=resource.id)).status_code == 403, url
    for url in POSTS:
        response = post_form(client, url.format(id=resource.id),
                             {"file": (BytesIO(text_pdf()), "x.pdf"), "note": "x",
                              **record()}, content_type="multipart/form-data")
        assert response.status_code == 403, url
    assert resource_count(db) == 1
    assert private_files(uploads_dir) == []


def test_a_pdf_the_check_cannot_read_in_time_saves_nothing(app, db, staff_client, uploads_dir):
    """What a parser caught in a loop meets, sooner: the check's time limit ends it."""
    app.config["LIBRARY_CHECK_SECONDS"] = 0.01
    try:
        response = create(staff_client, text_pdf(["Página de prueba. " * 200] * 40))
    finally:
        app.config["LIBRARY_CHECK_SECONDS"] = 20.0
    assert response.status_code == 422
    assert "tiempo razonable" in field_error(response.get_data(as_text=True), "file")
    assert resource_count(db) == 0
    assert private_files(uploads_dir) == []
