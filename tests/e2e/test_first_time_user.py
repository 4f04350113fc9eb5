"""A first-time visitor on a phone (390x844): after a directory search the first result shows
on the first screen (the filters are folded under "Filtrar"), and on an event page the
register button is above the fold, before the long description. Screenshots of the directory
with results, at phone and desktop size, go to tests/e2e/artifacts/first_time_user/
(git-ignored; E2E_ARTIFACTS_DIR moves the folder)."""

import os
from pathlib import Path

from playwright.sync_api import expect

from community.events import services as event_services
from community.extensions import db
from tests.e2e.conftest import E2E_DIR
from tests.events.conftest import event_form

ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS_DIR") or E2E_DIR / "artifacts") / "first_time_user"
FOLD = 844
MISSION = ("Acompañamos a mujeres de Toluca en la defensa de sus derechos con asesoría "
           "jurídica gratuita, talleres y una red de apoyo comunitaria.")


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=False)


def _directory_with_results(make_osc):
    make_osc("Red de Mujeres Solidarias de Toluca", mission=MISSION, areas=("IX", "VI", "XIII"))
    make_osc("Mujeres Emprendedoras del Valle", municipality="15099")
    make_osc("Colectivo Árbol Vivo", municipality="15011", areas=("XII",))


def test_directory_search_shows_a_result_on_the_first_screen(phone, page, axe, make_osc):
    _directory_with_results(make_osc)
    phone.goto("/osc?q=mujeres&orden=recientes")
    cards = phone.locator(".osc-card")
    expect(cards.first).to_be_visible()
    top = cards.first.bounding_box()["y"]
    assert top < FOLD, f"the first result starts at {top}px, below the first screen"
    # the filters are folded and say how many are in use; they still work without opening
    fold = phone.locator("details.filters-fold")
    expect(fold).not_to_have_attribute("open", "")
    expect(fold.locator("summary")).to_have_text("Filtrar (1 activo)")
    expect(phone.locator("#f-orden-note")).to_contain_text("relevancia")
    # a card leads with what the OSC does: initials, name, mission, place, short area tags
    card = cards.filter(has_text="Red de Mujeres Solidarias")
    expect(card.locator(".osc-card__initials")).to_have_text("RM")
    expect(card.locator(".osc-card__mission")).to_contain_text("Acompañamos a mujeres")
    expect(card.locator(".osc-card__place")).to_contain_text("Toluca")
    expect(card.locator(".osc-card__tags li").first).to_be_visible()
    axe.assert_accessible(phone, "directory search on a phone")
    _shot(phone, "directory-phone.png")

    page.goto("/osc?q=mujeres")
    expect(page.locator(".osc-card").first).to_be_visible()
    axe.assert_accessible(page, "directory search on a desktop")
    _shot(page, "directory-desktop.png")

    # the folded filters open and apply
    phone.locator("details.filters-fold summary").click()
    phone.get_by_label("Municipio").select_option("15099")
    phone.get_by_role("button", name="Aplicar filtros").click()
    expect(phone.locator(".osc-card")).to_have_count(1)
    expect(phone.locator("details.filters-fold summary")).to_have_text("Filtrar (2 activos)")


def test_event_register_button_above_the_fold(phone, axe, staff):
    long_text = "\n\n".join(["Un párrafo largo de la descripción del taller. " * 12] * 6)
    event = event_services.create_event(staff, event_form(description=long_text), None)
    event_services.publish(staff, event)
    db.session.commit()
    phone.goto(f"/eventos/{event.slug}")
    summary = phone.locator(".event-summary")
    expect(summary).to_contain_text("Toluca")
    expect(summary).to_contain_text("quedan 30 lugares")
    button = phone.get_by_role("link", name="Entra para registrarte")
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box["y"] + box["height"] <= FOLD, f"the register button ends at {box['y']}px"
    description = phone.locator(".event-description")
    assert description.bounding_box()["y"] > box["y"]
    axe.assert_accessible(phone, "event page on a phone")
    _shot(phone, "event-phone.png")


def test_calendar_filters_fold_after_a_search(phone, staff):
    event = event_services.create_event(staff, event_form(), None)
    event_services.publish(staff, event)
    db.session.commit()
    phone.goto("/eventos?tipo=taller")
    fold = phone.locator("details.event-filters")
    expect(fold.locator("summary")).to_have_text("Filtrar (1 activo)")
    card = phone.locator(".event-list > li").first
    expect(card).to_be_visible()
    assert card.bounding_box()["y"] < FOLD
