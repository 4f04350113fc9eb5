"""A citizen on a phone searches from the header box, with a typo, and narrows by a facet."""

import re

from playwright.sync_api import expect

from tests.e2e.test_account_journey import assert_no_horizontal_scroll


def test_search_from_the_header_on_a_phone(phone, make_org, axe):
    make_org(name="Comedor Comunitario de Toluca", municipality="15106", activities=("II",),
             mission="Alimentación para familias de Toluca.")
    make_org(name="Red de Mujeres de Toluca", municipality="15106", activities=("VI",),
             mission="Capacitación para mujeres emprendedoras.")
    make_org(name="Red de Mujeres de Ecatepec", municipality="15033", activities=("VI",),
             mission="Capacitación para mujeres.")
    phone.goto("/")
    phone.get_by_role("search").first.get_by_label("Buscar en el sitio").fill("mujeres toluka")
    phone.get_by_role("search").first.get_by_role("button", name="Buscar").click()
    expect(phone).to_have_url(re.compile(r"/buscar\?q=mujeres"))
    results = phone.get_by_role("main")
    expect(results.get_by_role("link", name="Red de Mujeres de Toluca")).to_be_visible()
    assert_no_horizontal_scroll(phone)
    axe.assert_accessible(phone, "search results")
    phone.goto("/buscar?q=mujeres")
    results.get_by_role("link", name="Ecatepec de Morelos").click()
    expect(results.get_by_role("link", name="Red de Mujeres de Ecatepec")).to_be_visible()
    expect(results.get_by_role("link", name="Red de Mujeres de Toluca")).to_have_count(0)
