"""Accessibility of the public and account pages, measured by axe-core and by keyboard.

axe catches what a machine can (contrast, labels, landmarks, ARIA); the keyboard tests
check what it cannot: that a person without a mouse can reach the content and sign in.
"""

import re

import pytest
from playwright.sync_api import expect

PUBLIC_PAGES = ["/", "/cuenta/entrar", "/cuenta/registro"]
MAX_TABS = 40


@pytest.fixture(params=["page", "phone"])
def viewport(request):
    """The same checks at desktop and phone width: layouts differ, so do their defects."""
    return request.getfixturevalue(request.param)


def submit_invalid_sign_up(page) -> None:
    """Send a sign-up the server must refuse, so the page shows its field errors."""
    page.goto("/cuenta/registro")
    page.get_by_label("Nombre completo").fill("Ana")
    page.get_by_label("Correo electrónico").fill("ana@example.org")
    page.get_by_label("Contraseña").fill("corta")
    page.get_by_role("button", name="Crear cuenta").click()
    expect(page).to_have_url(re.compile(r"/cuenta/registro"))
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()


def test_pages_have_no_serious_violations(viewport, axe):
    reports = []
    for path in PUBLIC_PAGES:
        viewport.goto(path)
        reports.append(axe.report(viewport, path))
    submit_invalid_sign_up(viewport)
    reports.append(axe.report(viewport, "/cuenta/registro (with errors)"))
    failures = [report for report in reports if report]
    assert not failures, "\n\n".join(failures)


def tab_to(page, selector: str) -> None:
    """Press Tab until the focused element matches `selector`, as a keyboard user would."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reachable with {MAX_TABS} presses of Tab")


def test_first_tab_focuses_skip_link(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_be_visible()
    href = focused.get_attribute("href") or ""
    assert href.startswith("#"), f"first Tab focused {focused.evaluate('e => e.outerHTML')}"
    expect(page.locator(href)).to_have_count(1)


def test_sign_in_with_keyboard_only(page, make_user):
    make_user(email="teclado@example.org", password="solo con teclado", name="Rosa Teclado")
    page.goto("/cuenta/entrar")
    tab_to(page, "input[name=email]")
    page.keyboard.type("teclado@example.org")
    tab_to(page, "input[name=password]")
    page.keyboard.type("solo con teclado")
    tab_to(page, "button[type=submit], input[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("banner")).to_contain_text("Rosa Teclado")
