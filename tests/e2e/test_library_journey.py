"""The library in a browser: staff on a desktop create the series, upload an issue of the
magazine with its table of contents and publish it; a citizen on a phone finds an article by
a phrase that is only inside its PDF, opens the article's page at that page and downloads
the PDF."""

import re
from pathlib import Path

from playwright.sync_api import expect

from community.extensions import db
from community.library import extraction
from tests.e2e.test_account_journey import assert_no_horizontal_scroll
from tests.e2e.test_registry_journey import sign_in
from tests.library.publishing import make_pdf

PHRASE = "huerto escolar de Temascalcingo"
ARTICLE = "Voluntariado y huertos comunitarios"
PAGES = [
    "Ciudadania Activa, numero 9. Portada.",
    "Indice: Participacion ciudadana; Voluntariado y huertos comunitarios.",
    "La participacion ciudadana en los municipios mexiquenses crece cada ano.",
    "El voluntariado sostiene proyectos locales de alimentacion y medio ambiente.",
    f"En el {PHRASE} las familias siembran hortalizas con apoyo de una OSC local.",
]


def create_series(page) -> None:
    page.goto("/")
    page.get_by_role("link", name="Personal").first.click()
    page.get_by_role("main").get_by_role("link", name="Biblioteca", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gestión de la biblioteca")
    page.goto("/biblioteca/gestion/series/nueva")
    page.get_by_label("Título de la serie").fill("Ciudadanía Activa")
    page.get_by_role("button", name=re.compile("Guardar")).click()
    expect(page.get_by_role("status").first).to_be_visible()


def upload_issue(page, axe, pdf_path: Path) -> None:
    page.goto("/biblioteca/gestion/nuevo")
    page.get_by_label("Título", exact=True).fill("Ciudadanía Activa, núm. 9")
    page.get_by_label("Tipo de publicación").select_option("issue")
    page.get_by_label("Autoría").fill("Consejo editorial (DGPS)")
    page.get_by_label("Fecha de publicación").fill("2025-10")
    page.get_by_label("Serie").select_option(label="Ciudadanía Activa")
    page.get_by_label("Número", exact=True).fill("9")
    page.get_by_label("Edición").select_option("digital")
    page.get_by_label("Archivo PDF").set_input_files(str(pdf_path))
    axe.assert_accessible(page, "library: new resource form")
    page.get_by_role("button", name="Guardar borrador").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ciudadanía Activa, núm. 9")
    page.get_by_role("textbox", name="Índice").fill(
        "3-3 | Participación ciudadana en el Estado de México | Laura Ortiz Vega (UAEMex)\n"
        f"4-5 | {ARTICLE} | Pedro Sánchez Luna (UNAM); Ana Ruiz (UMIN)")
    page.get_by_role("button", name="Guardar el índice").click()
    expect(page.get_by_role("status").first).to_be_visible()
    page.get_by_role("button", name="Publicar").first.click()
    expect(page.get_by_role("status").first).to_be_visible()
    axe.assert_accessible(page, "library: staff view of a resource")


def find_and_download_on_phone(phone, axe) -> bytes:
    phone.goto("/")
    phone.get_by_role("link", name="Biblioteca").first.click()
    phone.get_by_label("Buscar en la biblioteca").fill(PHRASE)
    phone.get_by_role("main").get_by_role("button", name="Buscar").click()
    first = phone.locator(".resource-item").first
    expect(first).to_contain_text(ARTICLE)
    expect(first).to_contain_text("Encontrado en la página 5")
    assert_no_horizontal_scroll(phone)
    axe.assert_accessible(phone, "library: search results on a phone")
    first.get_by_role("link", name=ARTICLE).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(ARTICLE)
    expect(phone.get_by_role("heading", name="Encontrado en la página 5")).to_be_visible()
    expect(phone.get_by_text(PHRASE).first).to_be_visible()
    assert_no_horizontal_scroll(phone)
    axe.assert_accessible(phone, "library: an article on a phone")
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Descargar PDF").click()
    return Path(download.value.path()).read_bytes()


def test_staff_publish_an_issue_and_a_citizen_finds_an_article_inside_it(
        page, phone, make_user, axe, tmp_path):
    staff = make_user(email="biblioteca@edomex.mx", role="staff", name="Biblioteca DGPS")
    pdf_path = tmp_path / "ciudadania-activa-9.pdf"
    pdf_path.write_bytes(make_pdf(PAGES))
    sign_in(page, staff.email)
    create_series(page)
    upload_issue(page, axe, pdf_path)
    db.session.rollback()  # end the test's read snapshot: see what the server committed
    assert extraction.extract_all_pending() == {"done": 1}  # the background reader's work
    data = find_and_download_on_phone(phone, axe)
    assert data == pdf_path.read_bytes()
