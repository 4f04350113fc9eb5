"""A citizen's whole account life on a phone: sign up, confirm, sign in and out, reset.

Run on the phone viewport because that is how most people in the municipalities reach
the site; the mail links are read from the captured outbox, as a person reads their inbox.
"""

import re

from playwright.sync_api import expect

NAME = "Ana Lucía Pérez Gómez"
EMAIL = "ana.perez@example.org"
PASSWORD = "una frase que recuerdo"
NEW_PASSWORD = "otra frase más larga"
PHONE_WIDTH = 390


def link_from_mail(outbox, recipient: str, path: str) -> str:
    """Path of the newest absolute link to `path` mailed to `recipient`."""
    pattern = re.compile(r"https?://[^/\s]+(" + re.escape(path) + r"[^\s\"'<>]+)")
    for message in reversed(outbox):
        if recipient in message.recipients and (match := pattern.search(message.body)):
            return match.group(1)
    subjects = [(m.recipients, m.subject) for m in outbox]
    raise AssertionError(f"no mail to {recipient} with a {path} link; outbox: {subjects}")


def assert_no_horizontal_scroll(page) -> None:
    """A page wider than the phone forces sideways scrolling, which people on phones hate.

    Measured once the page and its stylesheets have loaded: during a navigation the new
    document can be read before its CSS applies, and unstyled content is wider."""
    page.wait_for_load_state("load")
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width}px wide on a {PHONE_WIDTH}px phone"


def click_in_header(page, role: str, name: str) -> None:
    """Click a header control, opening the phone menu first if it is collapsed."""
    control = page.get_by_role("banner").get_by_role(role, name=name, exact=True)
    if not control.is_visible():
        page.get_by_role("banner").get_by_role("button", name=re.compile("men[uú]", re.I)).click()
    control.click()


def sign_up(phone) -> None:
    phone.goto("/")
    assert_no_horizontal_scroll(phone)
    phone.get_by_role("main").get_by_role("link", name="Crear cuenta").click()
    expect(phone).to_have_url(re.compile(r"/cuenta/registro$"))
    assert_no_horizontal_scroll(phone)
    phone.get_by_label("Nombre completo").fill(NAME)
    phone.get_by_label("Correo electrónico").fill(EMAIL)
    phone.get_by_label("Contraseña").fill(PASSWORD)
    phone.locator("select[name=municipality]").select_option("15106")
    phone.get_by_label("He leído el aviso de privacidad").check()
    phone.get_by_role("button", name="Crear cuenta").click()
    expect(phone).to_have_url(re.compile(r"/cuenta/revisa-tu-correo"))
    expect(phone.get_by_role("main")).to_contain_text("correo")
    assert_no_horizontal_scroll(phone)


def sign_in(phone, password: str) -> None:
    phone.goto("/cuenta/entrar")
    phone.get_by_label("Correo electrónico").fill(EMAIL)
    phone.get_by_label("Contraseña").fill(password)
    phone.get_by_role("button", name="Entrar", exact=True).click()
    expect(phone.get_by_role("banner")).to_contain_text(NAME)


def sign_out(phone) -> None:
    click_in_header(phone, "button", "Salir")
    expect(phone.get_by_role("banner")).not_to_contain_text(NAME)


def reset_password(phone, outbox) -> None:
    phone.goto("/cuenta/entrar")
    phone.get_by_role("link", name=re.compile("olvidaste", re.I)).click()
    expect(phone).to_have_url(re.compile(r"/cuenta/recuperar$"))
    phone.get_by_label("Correo electrónico").fill(EMAIL)
    phone.get_by_role("button", name="Enviar enlace").click()
    phone.goto(link_from_mail(outbox, EMAIL, "/cuenta/restablecer/"))
    assert_no_horizontal_scroll(phone)
    phone.get_by_label("contraseña").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Guardar contraseña").click()
    expect(phone).to_have_url(re.compile(r"/cuenta/entrar"))
    expect(phone.get_by_role("status")).to_contain_text("contraseña")


def test_account_journey_on_phone(phone, outbox):
    sign_up(phone)
    phone.goto(link_from_mail(outbox, EMAIL, "/cuenta/confirmar/"))
    phone.get_by_role("button", name="Confirmar mi correo").click()
    expect(phone.get_by_role("status")).to_contain_text("confirmado")
    sign_in(phone, PASSWORD)
    assert_no_horizontal_scroll(phone)
    sign_out(phone)
    reset_password(phone, outbox)
    sign_in(phone, NEW_PASSWORD)
