"""Finding one's work in a browser: staff reach the validation queue from the home page
through the phone menu, an OSC admin reaches their organization from /inicio; the header
keeps to one row on a 1366px screen and leaves a phone's screen to the content; axe finds
nothing serious on /inicio and /personal.

Screenshots of /, /inicio and /personal at phone and desktop size are written to
``tests/e2e/artifacts/navigation/`` (git-ignored; E2E_ARTIFACTS_DIR moves the folder), for a
person to look at after a run.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from community.core.notifications import notify
from community.core.timeutil import utcnow
from community.events import services as events
from community.forums import services as forums
from community.forums.models import Category
from community.profiles import services as registry
from tests.e2e.conftest import E2E_DIR, PHONE, _open_page
from tests.e2e.test_account_journey import assert_no_horizontal_scroll
from tests.e2e.test_registry_journey import sign_in
from tests.events.conftest import event_form, local_text

ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS_DIR") or E2E_DIR / "artifacts") / "navigation"
WIDE = {"viewport": {"width": 1366, "height": 900}}
PHONE_HEADER_MAX = 170  # px of a phone's screen the header may take before the content
ORG_NAME = "Red Comunitaria de Texcoco"
# A long name, as many are: the header shows it whole.
STAFF_NAME = "María Guadalupe Hernández Sánchez"


@pytest.fixture
def community(db, make_user, make_org, staff):
    """A validated OSC with its admin and a member, an OSC waiting for validation, an event
    this week with registrations, a followed topic with news and a few notices."""
    admin = make_user(email="coordinacion@redtexcoco.org.mx", name="Coordinación Texcoco")
    member = make_user(email="voluntaria@redtexcoco.org.mx", name="Voluntaria Texcoco")
    org = make_org(name=ORG_NAME, admin=admin, municipality="15099")
    registry.decide_join(admin, registry.request_join(member, org), accept=True)
    make_org(name="Colectivo en Revisión", status="pending")
    soon = utcnow() + timedelta(days=1)
    workshop = events.create_event(staff, event_form(
        title="Taller de rendición de cuentas", starts_at=local_text(soon),
        ends_at=local_text(soon + timedelta(hours=2))))
    events.publish(staff, workshop)
    events.register(admin, workshop)
    events.register(member, workshop)
    category = Category(slug="vinculacion", name="Vinculación", description="Para conversar.")
    db.session.add(category)
    db.session.flush()
    topic = forums.create_topic(member, category, {"title": "Aliados para la colecta anual",
                                                    "body": "¿Quién se suma?"})
    db.session.flush()
    forums.subscribe(admin, topic=topic)
    notify([admin], "test.notice", "Tu registro al taller quedó confirmado.", "/eventos")
    db.session.commit()
    staff_member = make_user(email="analista@edomex.mx", role="admin", name=STAFF_NAME)
    return {"admin": admin, "staff": staff_member, "org": org}


def open_menu(page) -> None:
    page.get_by_role("banner").get_by_role("button", name=re.compile("men[uú]", re.I)).click()


def header_height(page) -> int:
    page.wait_for_load_state("load")
    return page.evaluate("() => Math.round(document.querySelector('main').getBoundingClientRect()"
                         ".top)")


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("load")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_staff_reach_the_validation_queue_through_the_phone_menu(phone, community, axe):
    sign_in(phone, community["staff"].email)
    phone.goto("/")
    assert header_height(phone) <= PHONE_HEADER_MAX
    open_menu(phone)
    nav = phone.get_by_role("navigation", name="Menú principal")
    expect(nav.get_by_role("link", name=re.compile("Mi cuenta"))).to_be_visible()
    nav.get_by_role("link", name="Personal", exact=True).click()
    expect(phone).to_have_url(re.compile(r"/personal$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Consola del personal")
    assert header_height(phone) <= PHONE_HEADER_MAX
    assert_no_horizontal_scroll(phone)
    axe.assert_accessible(phone, "staff console on a phone")
    tile = phone.locator("#tile-registry")
    expect(tile).to_contain_text("Organizaciones por validar")
    tile.get_by_role("link", name="Validación del padrón").click()
    expect(phone).to_have_url(re.compile(r"/personal/registro$"))
    expect(phone.get_by_role("main")).to_contain_text("Colectivo en Revisión")


def test_osc_admin_reaches_their_organization_from_their_home(phone, community, axe):
    sign_in(phone, community["admin"].email)
    open_menu(phone)
    phone.get_by_role("navigation", name="Menú principal").get_by_role(
        "link", name="Inicio", exact=True).click()
    expect(phone).to_have_url(re.compile(r"/inicio$"))
    assert header_height(phone) <= PHONE_HEADER_MAX
    assert_no_horizontal_scroll(phone)
    main = phone.get_by_role("main")
    expect(main.get_by_role("heading", name="Mi organización")).to_be_visible()
    expect(main).to_contain_text("Taller de rendición de cuentas")
    expect(main).to_contain_text("Aliados para la colecta anual")
    expect(main).to_contain_text("Tu registro al taller quedó confirmado.")
    axe.assert_accessible(phone, "personal home on a phone")
    main.get_by_role("link", name=ORG_NAME, exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(ORG_NAME)
    expect(phone.get_by_role("main")).to_contain_text("Administración del perfil")


def test_the_wide_header_keeps_one_row_and_the_whole_name(browser, live_server, request,
                                                          community, axe):
    context, page = _open_page(browser, live_server, request, WIDE)
    try:
        sign_in(page, community["staff"].email)
        for path in ("/", "/inicio", "/personal"):
            page.goto(path)
            page.wait_for_load_state("load")
            rows = page.evaluate("""() => {
              const tops = [...document.querySelectorAll('.site-nav .nav-link')]
                .map(link => Math.round(link.getBoundingClientRect().top));
              return new Set(tops).size;
            }""")
            assert rows == 1, f"the navigation of {path} wraps to {rows} rows"
            name = page.locator(".nav-link__user")
            expect(name).to_have_text(STAFF_NAME)
            assert name.evaluate("el => el.scrollWidth <= el.clientWidth"), "the name is cut"
        axe.assert_accessible(page, "staff console on a wide screen")
        page.goto("/inicio")
        axe.assert_accessible(page, "personal home on a wide screen")
    finally:
        context.close()


def test_screenshots_of_the_homes(browser, live_server, request, community):
    """/ and /personal as an admin of the Dirección, /inicio as an OSC's admin (the fuller
    one), at phone and desktop size."""
    shots = (("staff", "home", "/"), ("staff", "personal", "/personal"),
             ("admin", "inicio", "/inicio"))
    for size, options in (("phone", PHONE), ("desktop", WIDE)):
        for who in ("staff", "admin"):
            context, page = _open_page(browser, live_server, request, options)
            try:
                sign_in(page, community[who].email)
                for _, name, path in (shot for shot in shots if shot[0] == who):
                    page.goto(path)
                    screenshot(page, f"{name}-{size}")
            finally:
                context.close()
    assert {p.name for p in ARTIFACTS.glob("*.png")} >= {
        f"{name}-{size}.png" for _, name, _ in shots for size in ("phone", "desktop")}
