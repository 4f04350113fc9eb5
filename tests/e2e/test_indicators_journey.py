"""The results indicators in a browser: a staff member on a phone reaches them from the
console, reads the cards of the year to date, switches to a whole year, opens the padrón's
indicator (its chart's table, the municipalities, the sheet), sets the year's goal (a bad
value first: the message is next to the field and what was typed stays), and follows the
figure to the OSCs it counts. A citizen reaches /resultados from the footer."""

import re

from playwright.sync_api import expect

from community.core.periods import local_today
from tests.e2e.test_account_journey import assert_no_horizontal_scroll
from tests.e2e.test_registry_journey import sign_in

ORG_NAMES = ("Mujeres que Transforman Toluca", "Red Juvenil de Metepec", "Voces del Valle")


def test_staff_read_the_indicators_and_set_a_goal_on_a_phone(phone, axe, staff, make_org):
    for name, municipality in zip(ORG_NAMES, ("15106", "15054", "15106"), strict=True):
        make_org(name=name, municipality=municipality)
    sign_in(phone, staff.email)
    phone.goto("/personal")
    phone.get_by_role("link", name="Indicadores de resultados").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Indicadores de resultados")
    expect(phone.get_by_role("heading", name="Padrón", level=2)).to_be_visible()
    assert_no_horizontal_scroll(phone)
    axe.assert_accessible(phone, "indicators: the cards on a phone")

    year = local_today().year
    phone.get_by_label("Periodo", exact=True).select_option("anio")
    phone.get_by_label("Año (para año completo o trimestre)").select_option(str(year))
    phone.get_by_role("button", name="Ver cifras").click()
    expect(phone.locator(".lead")).to_contain_text(str(year))

    phone.get_by_role("link", name="OSC en el padrón (validadas)").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("OSC en el padrón (validadas)")
    expect(phone.get_by_role("img", name=re.compile("por mes"))).to_be_visible()
    toluca = phone.locator("#tabla-municipios").get_by_role("row", name=re.compile("Toluca"))
    expect(toluca).to_contain_text("2")
    expect(phone.get_by_text("Método de cálculo")).to_be_visible()
    assert_no_horizontal_scroll(phone)
    axe.assert_accessible(phone, "indicators: one indicator on a phone")

    goal = phone.get_by_label(re.compile(r"^Meta \("))
    goal.fill("muchas")
    phone.get_by_role("button", name="Guardar meta").click()
    expect(phone.locator("#meta-valor-error")).to_contain_text("Escribe un número")
    expect(goal).to_have_value("muchas")
    goal.fill("6")
    phone.get_by_role("button", name="Guardar meta").click()
    expect(phone.get_by_text("Meta guardada.")).to_be_visible()
    expect(phone.locator(".indicator-figure")).to_contain_text("50.0 % de la meta")

    phone.get_by_role("link", name="Ver los registros que suma esta cifra").click()
    for name in ORG_NAMES:
        expect(phone.get_by_role("link", name=name)).to_be_visible()


def test_a_citizen_reads_the_results_from_the_footer(page, axe, make_org):
    make_org()
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Resultados del programa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Resultados del programa")
    expect(page.locator("#resultados")).to_contain_text("menos de 5")
    axe.assert_accessible(page, "public results")


def test_the_cards_page_offers_the_downloads_of_the_chosen_period(page, staff, make_org):
    make_org()
    sign_in(page, staff.email)
    page.goto("/personal/indicadores?periodo=anio&anio=2025")
    with page.expect_download() as download:
        page.get_by_role("link", name="Descargar Excel (XLSX)").click()
    assert download.value.suggested_filename == "indicadores-2025-01-01-2025-12-31.xlsx"
