"""The registry's whole loop in a browser: an OSC admin registers the organization, staff
validate it, and a citizen on a phone finds it by municipality and opens the profile."""

import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.test_account_journey import assert_no_horizontal_scroll, click_in_header

ORG_NAME = "Red de Mujeres Emprendedoras de Neza"


def sign_in(page, email: str) -> None:
    page.goto("/cuenta/entrar")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Entrar").click()
    expect(page).not_to_have_url(re.compile(r"/cuenta/entrar"))


def register_organization(page) -> None:
    page.goto("/osc/registrar")
    page.get_by_label("Nombre de la organización").fill(ORG_NAME)
    page.locator("select[name=municipality_code]").select_option("15058")
    page.get_by_label(re.compile(r"^IX\. ")).check()
    page.get_by_label("Misión").fill("Acompañamos a **mujeres emprendedoras** de Nezahualcóyotl.")
    page.get_by_label("Correo público").fill("contacto@redmujeresneza.org.mx")
    page.get_by_role("button", name="Registrar organización").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ORG_NAME)
    expect(page.get_by_text("Pendiente de validación").first).to_be_visible()


def validate_as_staff(page) -> None:
    page.goto("/personal/registro")
    item = page.locator("article", has_text=ORG_NAME)
    item.get_by_role("button", name="Validar").click()
    expect(page.get_by_role("status")).to_contain_text("Decisión registrada")


def find_on_phone(phone, axe) -> None:
    phone.goto("/osc/municipios")
    assert_no_horizontal_scroll(phone)
    phone.get_by_role("main").get_by_role("link", name="Nezahualcóyotl", exact=True).first.click()
    expect(phone).to_have_url(re.compile(r"/osc/municipios/15058"))
    assert_no_horizontal_scroll(phone)
    axe.assert_accessible(phone, "municipality directory")
    phone.get_by_role("link", name=ORG_NAME).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(ORG_NAME)
    expect(phone.get_by_text("Validada").first).to_be_visible()
    expect(phone.get_by_role("main")).to_contain_text("mujeres emprendedoras")
    assert_no_horizontal_scroll(phone)
    axe.assert_accessible(phone, "public profile")


def test_register_validate_and_find_on_a_phone(page, phone, make_user, axe):
    admin = make_user(email="coordinadora@redneza.org.mx", name="Coordinadora Neza")
    staff = make_user(email="analista@edomex.mx", role="staff", name="Analista DGPS")
    sign_in(page, admin.email)
    register_organization(page)
    axe.assert_accessible(page, "profile as its admin")
    click_in_header(page, "button", "Salir")
    sign_in(page, staff.email)
    validate_as_staff(page)
    find_on_phone(phone, axe)
