"""Privacy on a phone (390×844): a person signs up seeing the simplified notice and ticking
"He leído el aviso de privacidad", confirms, signs in and downloads their data from /cuenta;
the full notice passes axe."""

import json
import re
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.test_account_journey import assert_no_horizontal_scroll, link_from_mail

NAME = "Rosa Elena Díaz"
EMAIL = "rosa.privacidad@example.org"
PASSWORD = "una frase que recuerdo"


def test_sign_up_with_the_notice_then_download_my_data(phone, outbox):
    phone.goto("/cuenta/registro")
    notice = phone.locator("[data-privacy-short]")
    expect(notice).to_contain_text("Aviso de privacidad simplificado")
    expect(notice.get_by_role("link", name="Consulta el aviso de privacidad integral")) \
        .to_have_attribute("href", "/privacidad")
    phone.get_by_label("Nombre completo").fill(NAME)
    phone.get_by_label("Correo electrónico").fill(EMAIL)
    phone.get_by_label("Contraseña").fill(PASSWORD)
    phone.locator("select[name=municipality]").select_option("15106")
    phone.get_by_role("button", name="Crear cuenta").click()
    # Without the checkbox: the field error next to it, and what was typed is still there.
    expect(phone.locator("#accept_privacy-error")).to_contain_text("aviso de privacidad")
    expect(phone.get_by_label("Nombre completo")).to_have_value(NAME)
    assert_no_horizontal_scroll(phone)
    phone.get_by_label("Contraseña").fill(PASSWORD)
    phone.get_by_label("He leído el aviso de privacidad").check()
    phone.get_by_role("button", name="Crear cuenta").click()
    expect(phone).to_have_url(re.compile(r"/cuenta/revisa-tu-correo"))

    phone.goto(link_from_mail(outbox, EMAIL, "/cuenta/confirmar/"))
    phone.get_by_role("button", name="Confirmar mi correo").click()
    phone.goto("/cuenta/entrar")
    phone.get_by_label("Correo electrónico").fill(EMAIL)
    phone.get_by_label("Contraseña").fill(PASSWORD)
    phone.get_by_role("button", name="Entrar", exact=True).click()
    expect(phone.get_by_role("banner")).to_contain_text(NAME)

    phone.goto("/cuenta")
    expect(phone.get_by_role("main")).to_contain_text("Aceptaste el aviso de privacidad")
    with phone.expect_download() as info:
        phone.get_by_role("link", name="Descargar mis datos").click()
    download = info.value
    assert download.suggested_filename.endswith(".json")
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["account"]["email"] == EMAIL
    assert data["privacy"]["accepted_version"] == data["privacy"]["current_version"]
    assert "password_hash" not in json.dumps(data)


def test_the_privacy_notice_is_accessible(phone, axe):
    phone.goto("/privacidad")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Aviso de privacidad integral")
    assert_no_horizontal_scroll(phone)
    report = axe.report(phone, "/privacidad")
    assert not report, report
