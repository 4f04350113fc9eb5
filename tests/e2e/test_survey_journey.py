"""A satisfaction survey's whole life in a browser: staff build it from the template
"Satisfacción con el evento" for a workshop (reordering a question with the Subir/Bajar
buttons, which work without JavaScript) and open it; staff conclude the workshop, which invites
the people checked in (in the app and by mail); a citizen on a phone, with JavaScript off,
opens the mailed link, reads the anonymity promise, is told what is missing, answers with
radio buttons, checkboxes and text, and sends; a second tab's submit is refused; staff see the
answer counted in the charts and their tables. Five other attendees answered through the
services first, so the results pass the five-answer floor and the browser's is the sixth; the
optional questions only the phone answered stay hidden ("menos de 5 respuestas").

A short check with JavaScript on: survey-conditions.js hides a question shown only after an
earlier choice until that choice is made.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from community.core.models import Notification
from community.core.timeutil import utcnow
from community.events import attendance
from community.events import services as events
from community.extensions import db
from community.surveys import services as surveys
from community.surveys.models import Survey
from tests.e2e.conftest import DESKTOP, PHONE, _open_page
from tests.e2e.test_account_journey import assert_no_horizontal_scroll, link_from_mail
from tests.e2e.test_registry_journey import sign_in
from tests.events.conftest import event_form

EVENT_TITLE = "Taller de rendición de cuentas para OSC"
PRESET_TITLE = "Satisfacción con el evento"
SATISFACTION = "qué tan satisfecho o satisfecha quedaste"
USEFUL = "Los contenidos me serán útiles"
FULFILLED = "cumplió con lo que se anunció"
MASTERY = "dominaba el tema"
CLARITY = "Explicó con claridad"
ORGANIZATION = "Cómo calificas la organización"
DURATION = "La duración del evento fue"
NPS = "qué tan probable es que recomiendes"
TOPICS = "Sobre qué temas te gustaría otro taller"
IMPROVE = "Qué podríamos mejorar"
CITIZEN = "rosa.mendez@ejemplo.mx"
OTHERS = 5
HIDDEN = re.compile("menos de 5 respuestas", re.IGNORECASE)


def _without_js(browser, live_server, request, device):
    """A context with JavaScript disabled, watched like the conftest's pages."""
    context, page = _open_page(browser, live_server, request,
                               {**device, "java_script_enabled": False})
    request.addfinalizer(context.close)
    return page


@pytest.fixture
def phone_without_js(browser, live_server, request):
    return _without_js(browser, live_server, request, PHONE)


@pytest.fixture
def desktop_without_js(browser, live_server, request):
    return _without_js(browser, live_server, request, DESKTOP)


# --- the world: a workshop held this morning, six people checked in ------------------------


def held_workshop(staff, attendees) -> dict:
    """Announced, published, six registered; it started three hours ago and everyone was
    checked in at the door. Not concluded: staff do that in the browser."""
    event = events.create_event(staff, event_form(title=EVENT_TITLE))
    events.publish(staff, event)
    registrations = [events.register(person, event) for person in attendees]
    started = (utcnow() - timedelta(hours=3)).replace(microsecond=0)
    event.starts_at, event.ends_at = started, started + timedelta(hours=2)
    for registration in registrations:
        attendance.check_in(staff, registration)
    db.session.commit()
    values = {"id": event.id, "slug": event.slug}
    db.session.rollback()
    return values


def answer_as_the_others(survey_id: int, others) -> None:
    """Five attendees answer through the services (the same path the form takes): satisfied,
    agree, 4 of 5, "Adecuada", 9 of 10."""
    survey = db.session.get(Survey, survey_id)
    form = {}
    for question in survey.questions:
        if question.kind in ("likert_satisfaction", "likert_agreement", "rating"):
            form[question.field_name] = "4"
        elif question.kind == "nps":
            form[question.field_name] = "9"
        elif question.kind == "single" and question.required:
            form[question.field_name] = question.options[1].code
    for person in others:
        invitation = surveys.find_invitation(survey, person)
        surveys.submit(person, survey, form, invitation=invitation)
    db.session.commit()
    db.session.rollback()


# --- staff ------------------------------------------------------------------------------


def build_from_the_template(page, axe, event_id: int) -> str:
    page.goto("/personal/encuestas")
    page.get_by_role("link", name=f"Desde la plantilla «{PRESET_TITLE}»").click()
    expect(page.get_by_label("Título")).to_have_value(PRESET_TITLE)
    page.get_by_label("Evento", exact=True).select_option(str(event_id))
    page.get_by_role("button", name="Crear la encuesta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PRESET_TITLE)
    expect(page.locator("#structure")).to_contain_text(MASTERY)
    axe.assert_accessible(page, "survey builder: the edit page")
    return page.url.split("#")[0]


def question_order(page) -> list[str]:
    return [text.strip() for text in
            page.locator("#structure li[data-question-id] > p > strong").all_inner_texts()]


def reorder_without_javascript(page, edit_url: str) -> None:
    """Bajar, then Subir: each a plain form, so the order changes with scripts off."""
    page.goto(edit_url)
    before = question_order(page)
    assert before[3:5] == [before[3], before[4]] and MASTERY in before[3], before
    page.get_by_role("button", name="Bajar la pregunta 4").click()
    expect(page.get_by_role("status").first).to_contain_text("Cambiamos el orden.")
    after = question_order(page)
    assert after[3:5] == [before[4], before[3]], after
    page.get_by_role("button", name="Subir la pregunta 5").click()
    expect(page.get_by_role("status").first).to_contain_text("Cambiamos el orden.")
    assert question_order(page) == before


def open_and_conclude(page, edit_url: str, event_slug: str) -> None:
    page.goto(edit_url)
    page.get_by_role("button", name="Abrir la encuesta").click()
    expect(page.get_by_role("status").first).to_contain_text("La encuesta está abierta.")
    page.goto(f"/eventos/{event_slug}")
    page.get_by_role("button", name="Marcar como concluido").click()
    expect(page.get_by_text("Este evento ya concluyó.")).to_be_visible()


# --- the citizen on a phone, without JavaScript ---------------------------------------------


def group(phone, words: str):
    return phone.get_by_role("group", name=re.compile(re.escape(words)))


def answer_everything_but_nps(phone) -> None:
    group(phone, SATISFACTION).get_by_label("Muy satisfecho", exact=True).check()
    for words in (USEFUL, FULFILLED, MASTERY, CLARITY):
        group(phone, words).get_by_label("Totalmente de acuerdo", exact=True).check()
    group(phone, ORGANIZATION).get_by_label("5 de 5", exact=True).check()
    group(phone, DURATION).get_by_label("Adecuada", exact=True).check()
    topics = group(phone, TOPICS)
    topics.get_by_label("Procuración de fondos").check()
    topics.get_by_label("Obligaciones fiscales").check()
    phone.get_by_label(re.compile(IMPROVE)).fill("Más ejemplos de informes anuales.")


def check_the_page(phone, axe, link: str) -> None:
    """axe and the page's width need scripts in the page (Playwright's evaluate never returns
    where JavaScript is off): the same link, only read, on a phone with JavaScript."""
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text(PRESET_TITLE)
    assert_no_horizontal_scroll(phone)
    axe.assert_accessible(phone, "survey answering page on a phone")


def read_the_promise_and_answer(phone, link: str) -> None:
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text(PRESET_TITLE)
    promise = phone.locator(".survey-promise")
    expect(promise.get_by_role("heading")).to_have_text("Tus respuestas son anónimas")
    expect(promise).to_contain_text("sin tu nombre y sin ningún dato que las una contigo")
    expect(promise).to_contain_text("menos de 5 respuestas no se muestran")

    answer_everything_but_nps(phone)
    send(phone)
    expect(phone.get_by_role("alert")).to_contain_text("Revisa las siguientes respuestas")
    expect(group(phone, NPS).locator(".field-error")).to_be_visible()
    expect(group(phone, SATISFACTION).get_by_label("Muy satisfecho", exact=True)).to_be_checked()
    expect(group(phone, TOPICS).get_by_label("Obligaciones fiscales")).to_be_checked()
    expect(phone.get_by_label(re.compile(IMPROVE))).to_have_value(
        "Más ejemplos de informes anuales.")

    group(phone, NPS).get_by_label("10", exact=True).check()
    send(phone)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Gracias")


def send(phone) -> None:
    phone.get_by_role("button", name="Enviar mis respuestas").click()


# --- results ------------------------------------------------------------------------------


def result_of(page, words: str):
    return page.locator("article.survey-result").filter(
        has=page.get_by_role("heading", name=re.compile(re.escape(words))))


def see_the_answer_counted(page, axe, survey_id: int) -> None:
    page.goto(f"/personal/encuestas/{survey_id}/resultados")
    totals = page.locator(".survey-results__totals")
    expect(totals).to_contain_text(re.compile(r"Personas invitadas\s*6"))
    expect(totals).to_contain_text(re.compile(r"Respuestas recibidas\s*6"))
    satisfaction = result_of(page, SATISFACTION)
    chart = satisfaction.get_by_role("img")
    expect(chart).to_be_visible()
    expect(chart.locator("rect title", has_text="Muy satisfecho")).to_have_count(1)
    satisfaction.get_by_text("Ver los datos en una tabla").click()
    table = satisfaction.get_by_role("table")
    expect(table.get_by_role("row", name=re.compile(r"^Muy satisfecho 1 "))).to_be_visible()
    expect(table.get_by_role("row", name=re.compile(r"^Satisfecho 5 "))).to_be_visible()
    # Only the phone's answer reached the optional questions: one, below the floor of five.
    for words in (TOPICS, IMPROVE):
        expect(result_of(page, words)).to_contain_text(HIDDEN)
        expect(result_of(page, words).get_by_role("table")).to_have_count(0)
    expect(page.get_by_role("main")).not_to_contain_text("Más ejemplos de informes anuales.")
    axe.assert_accessible(page, "survey results")


# --- the journey ----------------------------------------------------------------------------


def test_build_invite_answer_on_a_phone_without_javascript_and_read_the_chart(
        page, phone, desktop_without_js, phone_without_js, make_user, axe, outbox):
    staff = make_user(email="evaluacion@edomex.mx", role="staff", name="Evaluación DGPS")
    citizen = make_user(email=CITIZEN, name="Rosa Méndez")
    others = [make_user(email=f"asistente{n}@ejemplo.mx") for n in range(OTHERS)]
    workshop = held_workshop(staff, [citizen, *others])

    sign_in(page, staff.email)
    edit_url = build_from_the_template(page, axe, workshop["id"])
    survey_id = int(edit_url.rstrip("/").rsplit("/", 1)[1])
    sign_in(desktop_without_js, staff.email)
    reorder_without_javascript(desktop_without_js, edit_url)
    open_and_conclude(page, edit_url, workshop["slug"])

    link = link_from_mail(outbox, CITIZEN, "/encuestas/")
    notice = db.session.scalar(select(Notification).where(Notification.user_id == citizen.id,
                                                          Notification.kind == "survey"))
    assert notice is not None and notice.url.endswith(link), notice
    assert f"«{PRESET_TITLE}»" in notice.message
    db.session.rollback()
    answer_as_the_others(survey_id, others)

    check_the_page(phone, axe, link)
    second_tab = phone_without_js.context.new_page()
    second_tab.goto(link)
    read_the_promise_and_answer(phone_without_js, link)
    answer_everything_but_nps(second_tab)
    group(second_tab, NPS).get_by_label("0", exact=True).check()
    send(second_tab)
    expect(second_tab.get_by_role("main")).to_contain_text("Ya respondiste")
    phone_without_js.goto(link)
    expect(phone_without_js.get_by_role("main")).to_contain_text("Ya respondiste")

    see_the_answer_counted(page, axe, survey_id)


def test_a_conditional_question_waits_for_its_choice_with_javascript(phone, make_user):
    staff = make_user(email="encuestas@edomex.mx", role="staff")
    survey = surveys.create_survey(staff, {"title": "Uso de la plataforma", "anonymous": True,
                                           "audience": "public", "reminder_days": "0"})
    trigger = surveys.add_question(staff, survey, {
        "kind": "single", "text": "¿Publicaste un evento este año?", "required": True,
        "options": ["Sí", "No"]})
    surveys.add_question(staff, survey, {
        "kind": "short_text", "text": "¿Qué evento publicaste?", "required": False,
        "condition_question_id": str(trigger.id), "condition_option": "o1"})
    surveys.open_survey(staff, survey)
    db.session.commit()
    slug = survey.slug
    db.session.rollback()

    phone.goto(f"/encuestas/{slug}")
    conditional = phone.get_by_label(re.compile("Qué evento publicaste"))
    expect(conditional).to_be_hidden()
    phone.get_by_label("No", exact=True).check()
    expect(conditional).to_be_hidden()
    phone.get_by_label("Sí", exact=True).check()
    expect(conditional).to_be_visible()
    expect(conditional).to_be_enabled()
    phone.get_by_label("No", exact=True).check()
    expect(conditional).to_be_hidden()
