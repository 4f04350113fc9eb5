"""An event's whole life in a browser: staff announce and publish a workshop; a citizen on a
phone registers and gets the confirmation mail; staff check the citizen in at the door; the
citizen downloads the certificate and its code verifies on the public page."""

import io
import re
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from community.core import mail_sender
from community.core.timeutil import to_local, utcnow
from community.extensions import mail
from tests.e2e.test_account_journey import assert_no_horizontal_scroll, click_in_header
from tests.e2e.test_registry_journey import sign_in

TITLE = "Taller de marco lógico para proyectos sociales"
CODE_RE = re.compile(r"\b([A-Z2-9]{5}-[A-Z2-9]{5})\b")


def _local(value) -> str:
    return to_local(value).strftime("%Y-%m-%dT%H:%M")


def announce_and_publish(page) -> None:
    starts = (utcnow() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    page.goto("/eventos/nuevo")
    page.get_by_label("Título").fill(TITLE)
    page.get_by_label("Tipo de evento").select_option("taller")
    page.get_by_label("Resumen").fill("Aprende a construir la matriz de marco lógico.")
    page.get_by_label("Descripción").fill("Trae **un proyecto** de tu OSC.")
    page.get_by_label("Empieza").fill(_local(starts))
    page.get_by_label("Termina").fill(_local(starts + timedelta(hours=4)))
    page.get_by_label("Modalidad").select_option("presencial")
    page.get_by_label("Municipio").select_option("15106")
    page.get_by_label("Lugar", exact=True).fill("Centro de Servicios Administrativos")
    page.get_by_label("Cupo").fill("25")
    page.get_by_role("button", name="Guardar borrador").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    page.get_by_role("button", name="Publicar el evento").click()
    expect(page.get_by_role("status").first).to_be_visible()


def register_on_phone(phone, axe, email: str) -> None:
    sign_in(phone, email)
    phone.goto("/eventos")
    assert_no_horizontal_scroll(phone)
    axe.assert_accessible(phone, "calendar on a phone")
    phone.get_by_role("link", name=TITLE).first.click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text(TITLE)
    phone.get_by_role("button", name="Registrarme").click()
    expect(phone.get_by_text("Lugar confirmado").first).to_be_visible()
    expect(phone.get_by_alt_text(re.compile("Código QR"))).to_be_visible()
    assert_no_horizontal_scroll(phone)
    axe.assert_accessible(phone, "event page, registered")


def check_in_at_the_door(page, name: str) -> None:
    page.get_by_role("link", name="Tomar asistencia").click()
    page.get_by_label("Buscar por nombre, correo u OSC").fill(name.split()[0])
    page.get_by_role("button", name="Buscar", exact=True).last.click()
    page.get_by_role("button", name=re.compile(f"Registrar asistencia.*{name}")).click()
    expect(page.get_by_role("status").first).to_be_visible()


def download_certificate_code(phone) -> str:
    phone.reload()
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Descargar mi constancia (PDF)").click()
    data = Path(download.value.path()).read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert TITLE.split()[0] in text
    return CODE_RE.search(text).group(1)


def test_publish_register_check_in_and_verify_certificate(page, phone, make_user, axe):
    staff = make_user(email="capacitacion@edomex.mx", role="staff", name="Capacitación DGPS")
    citizen = make_user(email="rosa.mendez@ejemplo.mx", name="Rosa Méndez")
    sign_in(page, staff.email)
    announce_and_publish(page)
    event_url = page.url
    mail_sender.send_all_due()  # the announcement's notices, queued when staff published
    with mail.record_messages() as sent:
        register_on_phone(phone, axe, citizen.email)
        mail_sender.send_all_due()  # what the background sender does a moment later
    confirmation = [m for m in sent if citizen.email in m.recipients]
    assert confirmation and "confirmado" in confirmation[0].subject.lower()
    assert {a.content_type for a in confirmation[0].attachments} >= {"text/calendar", "image/png"}
    page.goto(event_url)
    check_in_at_the_door(page, citizen.name)
    code = download_certificate_code(phone)
    phone.goto(f"/constancias/{code}")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Constancia auténtica")
    expect(phone.get_by_role("main")).to_contain_text(citizen.name)
    axe.assert_accessible(phone, "certificate verification")
    click_in_header(page, "button", "Salir")
