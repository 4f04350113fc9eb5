"""Profile pages through HTTP: registering, editing, uploads, members, staff decisions, exports."""

import csv
import io
import json

import pytest
from fpdf import FPDF
from PIL import Image

from community.profiles import services
from community.profiles.models import Organization, OrganizationDocument, ProfileRevision
from tests.conftest import post_form, sign_in

BASE = {"name": "Colectivo Raíces de Texcoco", "municipality_code": "15099",
        "activities": ["IX", "XI"]}


def _png(size=(64, 64), fmt="PNG") -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, (138, 21, 56)).save(buffer, fmt)
    buffer.seek(0)
    return buffer


def _pdf() -> io.BytesIO:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Acta constitutiva")
    return io.BytesIO(bytes(pdf.output()))


def test_register_through_the_form(client, signed_in, db):
    user = signed_in()
    response = post_form(client, "/osc/registrar", {**BASE, "rfc": "", "status": "validated"},
                         page="/osc/registrar")
    assert response.status_code == 302
    org = db.session.scalar(db.select(Organization))
    assert response.headers["Location"] == f"/osc/{org.slug}"
    assert org.status == "pending" and services.is_org_admin(user, org)
    page = client.get(f"/osc/{org.slug}").get_data(as_text=True)
    assert "Pendiente de validación" in page and "Nivel de transparencia" in page


def test_bad_input_keeps_what_was_typed_and_explains(client, signed_in):
    signed_in()
    response = post_form(client, "/osc/registrar", {
        **BASE, "rfc": "abc123", "postal_code": "9", "public_email": "correo@",
        "mission": "Nuestra misión **escrita**"}, page="/osc/registrar")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="rfc-error"' in body and "RFC" in body
    assert 'id="postal_code-error"' in body and 'id="public_email-error"' in body
    assert "Nuestra misión **escrita**" in body and 'value="Colectivo Raíces de Texcoco"' in body


def test_failed_edit_loses_nothing_already_saved(client, make_org, db):
    org = make_org(status="pending", mission="Misión guardada")
    sign_in(client, org.admin.email)
    response = post_form(client, f"/osc/{org.slug}/editar",
                         {**BASE, "name": org.name, "mission": "Nueva", "website": "javascript:x"},
                         page=f"/osc/{org.slug}/editar")
    assert response.status_code == 422
    db.session.refresh(org)
    assert org.mission == "Misión guardada"


def test_fields_a_role_may_not_set_are_ignored(client, make_org, db):
    org = make_org(status="pending")
    sign_in(client, org.admin.email)
    response = post_form(client, f"/osc/{org.slug}/editar", {
        **BASE, "name": org.name, "status": "validated", "validated_at": "2020-01-01",
        "role": "admin", "slug": "otra", "id": "999"}, page=f"/osc/{org.slug}/editar")
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.status == "pending" and org.validated_at is None and org.slug != "otra"


def test_admin_of_a_cannot_change_b_by_url(client, make_org, db):
    mine, theirs = make_org(), make_org(name="La Otra")
    sign_in(client, mine.admin.email)
    assert client.get(f"/osc/{theirs.slug}/editar").status_code == 403
    response = post_form(client, f"/osc/{theirs.slug}/editar", {**BASE, "name": "Tomada"})
    assert response.status_code == 403
    db.session.refresh(theirs)
    assert theirs.name == "La Otra"


def test_logo_upload_checked_by_content(client, make_org, db):
    org = make_org()
    sign_in(client, org.admin.email)
    response = post_form(client, f"/osc/{org.slug}/logo",
                         {"logo": (_png((1200, 800)), "logo.png")},
                         page=f"/osc/{org.slug}/editar", content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.logo_file
    logo = client.get(f"/osc/logo/{org.logo_file}")
    assert logo.status_code == 200 and max(Image.open(io.BytesIO(logo.data)).size) <= 512

    svg = io.BytesIO(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    response = post_form(client, f"/osc/{org.slug}/logo", {"logo": (svg, "logo.png")},
                         page=f"/osc/{org.slug}/editar", content_type="multipart/form-data",
                         follow_redirects=True)
    assert "PNG o JPEG" in response.get_data(as_text=True)


def test_oversized_upload_is_413(app, client, make_org):
    org = make_org()
    sign_in(client, org.admin.email)
    app.config["MAX_CONTENT_LENGTH"] = 100_000
    response = post_form(client, f"/osc/{org.slug}/documentos",
                         {"kind": "acta", "document": (io.BytesIO(b"%PDF-" + b"0" * 200_000),
                                                       "acta.pdf")},
                         page=f"/osc/{org.slug}/editar", content_type="multipart/form-data")
    assert response.status_code == 413


def test_private_documents_only_for_admins_and_staff(app, client, db, make_org, make_user,
                                                     staff):
    org = make_org()
    sign_in(client, org.admin.email)
    response = post_form(client, f"/osc/{org.slug}/documentos",
                         {"kind": "acta", "document": (_pdf(), "Acta 2019.pdf")},
                         page=f"/osc/{org.slug}/editar", content_type="multipart/form-data")
    assert response.status_code == 302
    doc_id = db.session.scalar(db.select(OrganizationDocument.id))
    url = f"/osc/{org.slug}/documentos/{doc_id}"
    download = client.get(url)
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert "attachment" in download.headers["Content-Disposition"]
    for person, status in ((make_user(), 403), (staff, 200)):
        other = app.test_client()
        sign_in(other, person.email)
        assert other.get(url).status_code == status
    assert app.test_client().get(url).status_code == 302  # anonymous: sign in first


def test_history_shows_old_and_new(client, make_org):
    org = make_org(status="pending", phone="7221112233")
    sign_in(client, org.admin.email)
    post_form(client, f"/osc/{org.slug}/editar", {**BASE, "name": org.name, "phone": "7229998877"},
              page=f"/osc/{org.slug}/editar")
    page = client.get(f"/osc/{org.slug}/historial").get_data(as_text=True)
    assert "7221112233" in page and "7229998877" in page


def test_staff_validate_through_the_queue(client, make_org, staff, db, outbox):
    org = make_org(status="pending")
    sign_in(client, staff.email)
    queue = client.get("/personal/registro").get_data(as_text=True)
    assert org.name in queue
    response = post_form(client, f"/personal/osc/{org.slug}/decision", {"decision": "reject"},
                         page="/personal/registro", follow_redirects=True)
    assert "Escribe el motivo" in response.get_data(as_text=True)
    post_form(client, f"/personal/osc/{org.slug}/decision", {"decision": "validate"},
              page="/personal/registro")
    db.session.refresh(org)
    assert org.status == "validated"
    assert "fue validada" in outbox[-1].body


def test_confirm_button(client, make_org, db):
    org = make_org()
    sign_in(client, org.admin.email)
    page = client.get(f"/osc/{org.slug}").get_data(as_text=True)
    assert "Confirmar que los datos siguen vigentes" in page
    assert post_form(client, f"/osc/{org.slug}/confirmar").status_code == 302
    kinds = db.session.scalars(db.select(ProfileRevision.field).where(
        ProfileRevision.organization_id == org.id))
    assert "confirmed_at" in set(kinds)


def test_staff_export_csv_escapes_formulas_and_keeps_accents(client, make_org, staff):
    make_org(name="=HYPERLINK(\"http://evil\")", municipality="15058",
             legal_name="+Peligrosa A.C.")
    make_org(name="Niñez Alegre", municipality="15106", activities=("I",))
    make_org(name="Pendiente", status="pending")
    sign_in(client, staff.email)
    response = client.get("/personal/padron.csv")
    raw = response.data
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    names = {row["nombre"] for row in rows}
    assert names == {"'=HYPERLINK(\"http://evil\")", "Niñez Alegre"}
    assert {row["razon_social"] for row in rows} >= {"'+Peligrosa A.C."}
    filtered = client.get("/personal/padron.json?municipio=15106&area=I")
    assert [r["nombre"] for r in json.loads(filtered.data)] == ["Niñez Alegre"]
    pending = client.get("/personal/padron.json?estatus=pending")
    assert [r["nombre"] for r in json.loads(pending.data)] == ["Pendiente"]


@pytest.mark.parametrize("query", ["estatus=nada", "desde=ayer"])
def test_staff_export_bad_filters_are_clear(client, staff, query):
    sign_in(client, staff.email)
    response = client.get(f"/personal/padron.csv?{query}")
    assert response.status_code == 422


def test_members_invite_and_join_request(client, make_org, make_user, outbox, app):
    org = make_org()
    person = make_user()
    other = app.test_client()
    sign_in(other, person.email)
    post_form(other, f"/osc/{org.slug}/unirme", page=f"/osc/{org.slug}")
    assert "quiere unirse" in outbox[-1].subject
    sign_in(client, org.admin.email)
    page = client.get(f"/osc/{org.slug}/miembros").get_data(as_text=True)
    assert person.name in page and "Solicitud pendiente" in page
    response = post_form(client, f"/osc/{org.slug}/miembros/invitar",
                         {"email": "no-valido", "role": "member"}, page=f"/osc/{org.slug}/miembros")
    assert response.status_code == 422
    assert "correo electrónico válido" in response.get_data(as_text=True)


def test_staff_deactivate_from_the_profile(client, make_org, staff, db):
    org = make_org()
    sign_in(client, staff.email)
    page = client.get(f"/osc/{org.slug}").get_data(as_text=True)
    assert "Dar de baja" in page
    post_form(client, f"/personal/osc/{org.slug}/decision",
              {"decision": "deactivate", "reason": "Disolución ante notario."},
              page=f"/osc/{org.slug}")
    db.session.refresh(org)
    assert org.status == "inactive" and org.status_reason == "Disolución ante notario."
    assert f'href="/osc/{org.slug}"' not in client.get("/osc").get_data(as_text=True)
