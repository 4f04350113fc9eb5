"""An advisory request's whole life in a browser: a citizen on a phone, without an account,
reads the guide and asks (with the keyboard only) for advice to constitute an OSC in her
municipality; she confirms by the link in her mail; staff on a desktop find the request in
their queue filtered by municipality, take it, log a session held in the municipality, record
"OSC constituida" with the date of the acta and conclude; the citizen follows every step on
her status page, through the signed link, and is invited to register the new OSC."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from community.advisory import services
from tests.e2e.test_account_journey import (
    assert_no_horizontal_scroll,
    click_in_header,
    link_from_mail,
)
from tests.e2e.test_registry_journey import sign_in

EMAIL = "guadalupe.reyes@ejemplo.mx"
OSC_NAME = "Vecinas de San Buenaventura"
FOLIO_RE = re.compile(r"ASE-\d{4}-[2-9A-HJKMNP-TV-Z]{5}")
MAX_TABS = 60


def tab_to(page, locator) -> None:
    """Press Tab until ``locator`` has the focus, as a person without a mouse would."""
    handle = locator.element_handle()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => document.activeElement === el", handle):
            return
    raise AssertionError(f"{locator} never got the focus after {MAX_TABS} tabs")


def type_into(page, locator, text: str) -> None:
    tab_to(page, locator)
    page.keyboard.type(text)


def read_guide(phone, axe) -> None:
    phone.goto("/")
    click_in_header(phone, "link", "Asesorías")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Cómo constituir")
    assert_no_horizontal_scroll(phone)
    axe.assert_accessible(phone, "advisory: the guide on a phone")
    phone.get_by_role("main").get_by_role("link", name="Solicitar asesoría").first.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Solicitar asesoría")


def ask_with_the_keyboard(phone, axe) -> str:
    """Fill and send the request form without touching the mouse: Tab to each field, type,
    arrow keys for the radios, type-ahead for the municipality, Enter on the button. The
    most common answers (constituir, a group, en mi municipio, by mail) come chosen."""
    assert_no_horizontal_scroll(phone)
    axe.assert_accessible(phone, "advisory: the request form on a phone")
    main = phone.get_by_role("main")
    expect(main.get_by_label("Constituir una OSC", exact=True)).to_be_checked()
    expect(main.get_by_label("Un grupo que quiere constituir una OSC", exact=True)).to_be_checked()
    expect(main.get_by_label("En mi municipio", exact=True)).to_be_checked()
    phone.locator("body").focus()
    type_into(phone, main.get_by_label("Nombre que piensan darle a la OSC"), OSC_NAME)
    type_into(phone, main.get_by_label("¿Cuántas personas la fundarían?"), "8")
    tab_to(phone, main.get_by_label("Municipio", exact=True))
    phone.keyboard.type("Toluca")
    expect(main.get_by_label("Municipio", exact=True)).to_have_value("15106")
    type_into(phone, main.get_by_label("Cuéntanos tu situación"),
              "Somos ocho vecinas que organizan un comedor comunitario y queremos "
              "constituirnos como asociación civil.")
    type_into(phone, main.get_by_label("Tu nombre"), "Guadalupe Reyes")
    type_into(phone, main.get_by_label("Tu correo electrónico"), EMAIL)
    tab_to(phone, main.get_by_role("button", name="Enviar solicitud"))
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Revisa tu correo")
    expect(main).to_contain_text(EMAIL)
    return FOLIO_RE.search(main.inner_text()).group(0)


def confirm_from_mail(phone, outbox, folio: str) -> str:
    """Open the mailed link, press the button; the status page's signed URL, for later."""
    phone.goto(link_from_mail(outbox, EMAIL, "/asesorias/confirmar/"))
    phone.get_by_role("button", name="Confirmar mi solicitud").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Folio {folio}")
    expect(phone.get_by_role("status").first).to_contain_text("Confirmamos tu solicitud")
    expect(phone.locator("#estado")).to_contain_text("Recibida")
    assert "t=" in phone.url
    return phone.url


def find_in_queue(page, axe, folio: str) -> None:
    page.goto("/personal")
    page.locator("#tile-advisory").get_by_role("link", name="Asesorías").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Solicitudes de asesoría")
    page.get_by_label("Municipio", exact=True).select_option(label="Toluca")
    page.get_by_role("button", name="Filtrar").click()
    expect(page).to_have_url(re.compile(r"municipio=15106"))
    row = page.locator("#queue tbody tr", has_text=folio)
    expect(row).to_contain_text(OSC_NAME)
    expect(row).to_contain_text("Sin asignar")
    axe.assert_accessible(page, "advisory: the staff queue, filtered")
    row.get_by_role("link", name=folio).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Solicitud {folio}")
    axe.assert_accessible(page, "advisory: the case page")


def act(page, button: str, done: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(done)


def assign_to_me(page, staff_name: str) -> None:
    page.get_by_label("Asignar a").select_option(label=staff_name)
    act(page, "Asignar", "Asignamos la solicitud")


def log_session(page) -> None:
    """The form comes filled with today, the request's modality and its municipality."""
    expect(page.get_by_label("Modalidad", exact=True)).to_have_value("municipio")
    expect(page.get_by_label("Municipio donde se dio")).to_have_value("15106")
    page.get_by_label("Duración en minutos").fill("120")
    page.get_by_label("Personas atendidas").fill("8")
    page.get_by_label("Temas tratados").fill("Objeto social, asociadas y estatutos.")
    page.get_by_label("Siguientes pasos").fill("Cita con la **notaría** para firmar el acta.")
    act(page, "Registrar la sesión", "Registramos la sesión")


def conclude_constituted(page, acta_date: str) -> None:
    page.get_by_label("Nuevo estado").select_option(label="En atención")
    act(page, "Cambiar el estado", "Cambiamos el estado")
    page.get_by_label("Resultado", exact=True).select_option(label="OSC constituida")
    page.get_by_label("Fecha", exact=True).fill(acta_date)
    act(page, "Registrar el resultado", "Registramos el resultado")
    act(page, "Concluir la solicitud", "Concluimos la solicitud")
    expect(page.get_by_role("paragraph").filter(has_text="Esta solicitud está cerrada")
           ).to_be_visible()


def follow_on_phone(phone, status_url: str, *texts: str) -> None:
    phone.goto(status_url)
    for text in texts:
        expect(phone.get_by_role("main")).to_contain_text(text)


def test_ask_confirm_assign_session_conclude_and_follow_on_the_status_page(
        page, phone, make_user, axe, outbox):
    staff = make_user(email="asesorias@edomex.mx", role="staff", name="Marisol Vega")
    read_guide(phone, axe)
    folio = ask_with_the_keyboard(phone, axe)
    status_url = confirm_from_mail(phone, outbox, folio)

    sign_in(page, staff.email)
    find_in_queue(page, axe, folio)
    assign_to_me(page, staff.name)
    follow_on_phone(phone, status_url, "Asignada",
                    "Una persona asesora quedó a cargo de la solicitud.")

    log_session(page)
    follow_on_phone(phone, status_url, "Se registró una sesión de asesoría.")
    sessions = phone.get_by_role("table", name=re.compile("Sesiones de asesoría"))
    expect(sessions).to_contain_text("En mi municipio")
    expect(sessions).to_contain_text("Toluca")
    expect(sessions.locator("strong")).to_have_text("notaría")

    acta = services.today() - timedelta(days=3)
    conclude_constituted(page, acta.isoformat())
    follow_on_phone(phone, status_url, "Concluida", "OSC constituida",
                    "Cambió el estado a «Concluida».")
    register = phone.get_by_role("link", name="Registra tu OSC en la plataforma")
    expect(register).to_have_attribute("href", re.compile(
        rf"/osc/registrar\?.*asesoria={folio}"))
    assert_no_horizontal_scroll(phone)
    axe.assert_accessible(phone, "advisory: the concluded status page on a phone")

    mailed = [m for m in outbox if EMAIL in m.recipients]
    assert any("concluyó" in m.body for m in mailed), [m.subject for m in mailed]
    assert status_url.endswith(link_from_mail(outbox, EMAIL, f"/asesorias/{folio}?t="))
