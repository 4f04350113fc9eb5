"""The survey builder through HTTP (/personal/encuestas): who gets in, the CSRF token on
every POST, each action (create blank or from a template, settings, sections, questions,
order by buttons and by the reorder endpoint, open, close, duplicate, preview), refusals
that answer 422 with the Spanish message next to the field and save nothing, a frozen
survey that refuses structural changes, hostile text escaped on every builder page, and the
console tile."""

import json
from datetime import datetime

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from community.events import services as events_services
from community.extensions import db
from community.surveys import console, services
from community.surveys.models import (
    Survey,
    SurveyOption,
    SurveyQuestion,
    SurveyResponse,
    SurveySection,
)
from tests.conftest import client_as, csrf_token, field_error, post_form
from tests.events.conftest import event_form

LIST = "/personal/encuestas"
NEW = "/personal/encuestas/nueva"
HOSTILE = '<script>alert("x")</script>"><img src=x onerror=alert(1)>'
SETTINGS = {"title": "Satisfacción con el Foro de Voluntariado", "intro": "Gracias por venir.",
            "anonymous": "anonima", "audience": "event", "event_id": "", "event_kind": "",
            "opens_at": "", "closes_at": "", "reminder_days": "7"}


@pytest.fixture
def staff_client(app, staff):
    return client_as(app, staff)


def edit_path(survey) -> str:
    return f"{LIST}/{survey.id}"


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def fresh(survey) -> Survey:
    db.session.expire_all()
    return db.session.get(Survey, survey.id)


def questions_of(survey) -> list[SurveyQuestion]:
    return list(fresh(survey).questions)


def post(client, survey, action: str, data=None, **kwargs):
    """POST one builder action with the CSRF token of the survey's page."""
    return post_form(client, f"{edit_path(survey)}{action}", data or {},
                     page=edit_path(survey), **kwargs)


def question_form(**overrides) -> dict:
    data = {"section_id": "", "kind": "single", "text": "¿Volverías a participar?",
            "help": "", "options": "Sí\nNo\nTal vez", "number_min": "", "number_max": "",
            "condition": ""}
    data.update(overrides)
    return data


# --- who gets in ------------------------------------------------------------------------------


def builder_pages(survey) -> list[str]:
    question = survey.questions[0]
    return [LIST, NEW, edit_path(survey), f"{edit_path(survey)}/vista-previa",
            f"{edit_path(survey)}/preguntas/nueva",
            f"{edit_path(survey)}/preguntas/{question.id}"]


def builder_posts(survey) -> list[str]:
    question = survey.questions[0]
    base = edit_path(survey)
    sections = [f"{base}/secciones/{section.id}{end}" for section in survey.sections
                for end in ("", "/borrar")]
    return [NEW, base, f"{base}/abrir", f"{base}/cerrar", f"{base}/duplicar",
            f"{base}/secciones", *sections, f"{base}/preguntas/nueva",
            f"{base}/preguntas/{question.id}", f"{base}/preguntas/{question.id}/borrar",
            f"{base}/preguntas/{question.id}/mover", f"{base}/orden"]


@pytest.fixture
def sectioned_survey(db, staff, make_survey):
    """A draft with a single-choice and an NPS question and one section."""
    survey = make_survey(kinds=("single", "nps"))
    services.add_section(staff, survey, {"title": "Sobre el taller"})
    db.session.commit()
    return fresh(survey)


def test_every_builder_page_is_for_staff_only(app, client, make_user, make_org,
                                              sectioned_survey, staff_client):
    survey = sectioned_survey
    member = make_user(name="Integrante de OSC")
    make_org(admin=member)
    for page in builder_pages(survey):
        assert staff_client.get(page).status_code == 200, page
        anonymous = client.get(page)
        assert anonymous.status_code == 302, page
        assert "/cuenta/entrar" in anonymous.headers["Location"]
    for person in (make_user(name="Ciudadana"), member):
        other = client_as(app, person)
        for page in builder_pages(survey):
            assert other.get(page).status_code == 403, (person.name, page)
        for action in builder_posts(survey):
            response = post_form(other, action, {**SETTINGS, **question_form(),
                                                 "direction": "up"}, page="/")
            assert response.status_code == 403, (person.name, action)
    assert count(Survey) == 1 and count(SurveySection) == 1
    assert [q.kind for q in questions_of(survey)] == ["single", "nps"]
    assert fresh(survey).status == "draft"


def test_posts_without_the_csrf_token_are_refused(staff_client, sectioned_survey):
    survey = sectioned_survey
    for action in builder_posts(survey):
        response = staff_client.post(action, data={**SETTINGS, **question_form(),
                                                   "direction": "down"})
        assert response.status_code == 400, action
    assert count(Survey) == 1 and count(SurveySection) == 1
    assert [q.kind for q in questions_of(survey)] == ["single", "nps"]
    assert fresh(survey).status == "draft"


def test_unknown_ids_are_not_found(staff_client, make_survey):
    survey = make_survey(kinds=("single",))
    other = make_survey(kinds=("nps",))
    assert staff_client.get(f"{LIST}/999999").status_code == 404
    foreign = other.questions[0].id
    assert staff_client.get(f"{edit_path(survey)}/preguntas/{foreign}").status_code == 404
    response = post(staff_client, survey, f"/preguntas/{foreign}/borrar")
    assert response.status_code == 404
    assert count(SurveyQuestion, SurveyQuestion.id == foreign) == 1


# --- the list and the console -----------------------------------------------------------------


def test_the_list_shows_each_survey_with_its_state_audience_anonymity_and_answers(
        staff_client, make_survey, answer):
    answered = make_survey(kinds=("nps",), open=True, title="Encuesta del taller fiscal",
                           audience="public")
    make_survey(kinds=("nps",), title="Encuesta identificada de integrantes",
                anonymous=False, audience="members")
    make_survey(kinds=("nps",), title="Encuesta de eventos")
    answer(answered, anon_key="visitante-1")
    body = staff_client.get(LIST).get_data(as_text=True)
    assert "Encuesta del taller fiscal" in body
    assert "Encuesta identificada de integrantes" in body
    assert "Abierta" in body and "Borrador" in body
    assert "Anónima" in body and "Identificada" in body
    assert "Integrantes de OSC validadas" in body and "Público (con un enlace)" in body
    assert "todos los eventos concluidos" in body
    assert "<td>1</td>" in body and "<td>0</td>" in body
    assert "Satisfacción con el evento" in body and "Satisfacción con la asesoría" in body
    assert f'action="{edit_path(answered)}/duplicar"' in body
    assert f'href="{edit_path(answered)}/resultados"' in body


def test_the_console_tile_counts_open_surveys_and_this_months_answers(
        app, staff_client, make_survey, answer):
    survey = make_survey(kinds=("nps",), open=True, audience="public")
    make_survey(kinds=("nps",))
    answer(survey, anon_key="visitante-1")
    answer(survey, anon_key="visitante-2")
    statements = []

    def note(*args):
        statements.append(args[2])

    sa_event.listen(db.engine, "before_cursor_execute", note)
    try:
        assert console.console_counts() == (1, 2)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", note)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1, \
        statements
    body = staff_client.get("/personal").get_data(as_text=True)
    assert "Encuestas de satisfacción" in body
    assert "Encuestas abiertas" in body and "Respuestas este mes" in body
    assert 'href="/personal/encuestas/nueva"' in body


# --- creating a survey and its settings -------------------------------------------------------


def test_a_blank_survey_is_created_with_local_times_stored_in_utc(staff_client):
    page = staff_client.get(NEW).get_data(as_text=True)
    assert "Anónima: guardamos quién respondió" in page
    assert "Identificada: cada respuesta queda guardada con el nombre" in page
    response = post_form(staff_client, NEW, {
        **SETTINGS, "opens_at": "2026-12-03T10:00", "closes_at": "2026-12-20T18:30",
        "reminder_days": "3", "results_public": "y", "anonymous": "identificada"}, page=NEW)
    assert response.status_code == 302
    survey = db.session.scalar(select(Survey))
    assert response.headers["Location"].endswith(f"{edit_path(survey)}#preguntas")
    assert survey.title == SETTINGS["title"] and survey.status == "draft"
    assert survey.opens_at == datetime(2026, 12, 3, 16, 0)  # 10:00 in Mexico City
    assert survey.closes_at == datetime(2026, 12, 21, 0, 30)
    assert survey.reminder_days == 3 and survey.results_public
    assert survey.anonymous is False
    edit = staff_client.get(edit_path(survey)).get_data(as_text=True)
    assert 'value="2026-12-03T10:00"' in edit  # shown again in Mexico City time


@pytest.mark.parametrize(("code", "title"), [("event", "Satisfacción con el evento"),
                                             ("advisory", "Satisfacción con la asesoría")])
def test_a_survey_from_a_template_brings_its_questions(staff_client, code, title):
    page = staff_client.get(NEW, query_string={"plantilla": code}).get_data(as_text=True)
    assert f'value="{title}"' in page
    audience = "advisory" if code == "advisory" else "event"
    response = post_form(staff_client, NEW, {**SETTINGS, "preset": code, "title": title,
                                             "audience": audience}, page=NEW)
    assert response.status_code == 302
    survey = db.session.scalar(select(Survey))
    assert survey.preset == code and survey.title == title
    assert len(survey.sections) >= 2 and len(survey.questions) >= 5
    assert any(q.kind == "nps" for q in survey.questions)


def test_bad_settings_are_refused_next_to_each_field_and_nothing_is_saved(staff_client):
    response = post_form(staff_client, NEW, {
        **SETTINGS, "title": "", "audience": "todos", "opens_at": "2026-12-20T10:00",
        "closes_at": "2026-12-03T10:00", "reminder_days": "muchos"}, page=NEW)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Escribe el título de la encuesta." in field_error(body, "title")
    assert "Elige a quién se envía la encuesta." in field_error(body, "audience")
    assert "posterior a la de apertura" in field_error(body, "closes_at")
    assert field_error(body, "reminder_days")
    assert 'value="muchos"' in body  # what was typed stays
    response = post_form(staff_client, NEW, {**SETTINGS, "opens_at": "mañana"}, page=NEW)
    assert response.status_code == 422
    assert "2026-12-03 10:00" in field_error(response.get_data(as_text=True), "opens_at")
    response = post_form(staff_client, NEW, {**SETTINGS, "preset": "otra"}, page=NEW)
    assert response.status_code == 422
    assert "plantilla" in field_error(response.get_data(as_text=True), "preset")
    assert count(Survey) == 0


def test_settings_are_changed_and_an_unknown_event_is_refused(staff_client, make_survey):
    survey = make_survey(kinds=("nps",))
    response = post(staff_client, survey, "", {**SETTINGS, "title": "Nuevo título",
                                               "audience": "public"})
    assert response.status_code == 302
    assert fresh(survey).title == "Nuevo título" and fresh(survey).audience == "public"
    response = post(staff_client, survey, "", {**SETTINGS, "event_id": "999999"})
    assert response.status_code == 422
    assert "Elige un evento de la lista." in field_error(response.get_data(as_text=True),
                                                         "event_id")
    assert fresh(survey).event_id is None and fresh(survey).title == "Nuevo título"


def test_the_event_is_chosen_from_the_calendars_events(staff_client, staff, make_survey):
    event = events_services.create_event(staff, event_form(title="Taller de marco lógico"),
                                         None)
    events_services.publish(staff, event)
    db.session.commit()
    survey = make_survey(kinds=("nps",))
    page = staff_client.get(edit_path(survey)).get_data(as_text=True)
    assert f'<option value="{event.id}">Taller de marco lógico (' in page
    response = post(staff_client, survey, "", {**SETTINGS, "event_id": str(event.id)})
    assert response.status_code == 302
    assert fresh(survey).event_id == event.id
    assert "Taller de marco lógico" in staff_client.get(LIST).get_data(as_text=True)
    response = post(staff_client, survey, "", {**SETTINGS, "event_id": str(event.id),
                                               "audience": "members"})
    assert response.status_code == 422
    assert "asistentes de eventos" in field_error(response.get_data(as_text=True), "event_id")
    assert fresh(survey).audience == "event"


# --- sections ---------------------------------------------------------------------------------


def test_sections_are_added_renamed_and_deleted(staff_client, make_survey):
    survey = make_survey(kinds=("nps",))
    response = post(staff_client, survey, "/secciones",
                    {"new_section-title": "Sobre el taller", "new_section-description": ""})
    assert response.status_code == 302
    section = db.session.scalar(select(SurveySection))
    assert section.title == "Sobre el taller"
    response = post(staff_client, survey, f"/secciones/{section.id}",
                    {f"s{section.id}-title": "Sobre la sede",
                     f"s{section.id}-description": "Lugar y horario"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(SurveySection, section.id).description == "Lugar y horario"
    response = post(staff_client, survey, f"/secciones/{section.id}",
                    {f"s{section.id}-title": ""})
    assert response.status_code == 422
    assert "título de la sección" in field_error(response.get_data(as_text=True),
                                                  f"s{section.id}-title")
    assert post(staff_client, survey, f"/secciones/{section.id}/borrar").status_code == 302
    assert count(SurveySection) == 0
    assert len(questions_of(survey)) == 1


def test_an_empty_new_section_is_refused_next_to_its_field(staff_client, make_survey):
    survey = make_survey(kinds=("nps",))
    response = post(staff_client, survey, "/secciones", {"new_section-title": " "})
    assert response.status_code == 422
    assert "título de la sección" in field_error(response.get_data(as_text=True),
                                                  "new_section-title")
    assert count(SurveySection) == 0


# --- questions --------------------------------------------------------------------------------


def test_a_choice_question_is_added_with_its_options_and_a_condition(staff_client,
                                                                     make_survey):
    survey = make_survey(kinds=("single",))
    source = survey.questions[0]
    page = staff_client.get(f"{edit_path(survey)}/preguntas/nueva").get_data(as_text=True)
    assert f'value="{source.id}:o1"' in page  # "1. … = Sí"
    response = post(staff_client, survey, "/preguntas/nueva", question_form(
        kind="multiple", text="¿Qué temas te interesan?", help="Elige los que quieras",
        options="Fondos\n\nFiscal\nComunicación\n", allow_other="y", required="y",
        condition=f"{source.id}:o1"))
    assert response.status_code == 302
    added = questions_of(survey)[-1]
    assert added.kind == "multiple" and added.allow_other and added.required
    assert added.help == "Elige los que quieras"
    assert [o.label for o in added.options] == ["Fondos", "Fiscal", "Comunicación"]
    assert (added.condition_question_id, added.condition_option) == (source.id, "o1")
    body = staff_client.get(edit_path(survey)).get_data(as_text=True)
    assert "Se muestra solo si en la pregunta 1" in body and "se eligió «Sí»" in body


def test_a_number_question_keeps_its_bounds(staff_client, make_survey):
    survey = make_survey(kinds=("nps",))
    response = post(staff_client, survey, "/preguntas/nueva", question_form(
        kind="number", text="¿Cuántas personas integran tu OSC?", options="",
        number_min="1", number_max="500"))
    assert response.status_code == 302
    added = questions_of(survey)[-1]
    assert (added.number_min, added.number_max) == (1, 500)


def test_bad_questions_are_refused_next_to_each_field_and_nothing_is_saved(staff_client,
                                                                           make_survey):
    survey = make_survey(kinds=("single", "nps"))
    later = survey.q["nps"]
    cases = [
        (question_form(kind=""), "kind", "Elige el tipo de pregunta."),
        (question_form(text=""), "text", "Escribe la pregunta."),
        (question_form(options="Solo una"), "options", "al menos dos opciones"),
        (question_form(options="Sí\nsí"), "options", "repetida"),
        (question_form(kind="number", options="", number_min="10", number_max="2"),
         "number_max", "mayor o igual que el mínimo"),
        (question_form(condition=f"{later.id}:o1"), "condition", "pregunta anterior"),
        (question_form(condition=f"{survey.q['single'].id}:o9"), "condition",
         "opciones de esa pregunta"),
        (question_form(text="x" * 501), "text", "como máximo 500"),
    ]
    for data, name, message in cases:
        response = post(staff_client, survey, "/preguntas/nueva", data)
        assert response.status_code == 422, data
        assert message in field_error(response.get_data(as_text=True), name), (name, data)
    assert len(questions_of(survey)) == 2
    assert count(SurveyOption) == 3


def test_a_question_is_edited_keeping_the_codes_of_unchanged_options(staff_client,
                                                                     make_survey):
    survey = make_survey(kinds=("single",))
    question = survey.q["single"]
    path = f"/preguntas/{question.id}"
    page = staff_client.get(edit_path(survey) + path).get_data(as_text=True)
    assert "Sí\nNo\nTal vez" in page
    response = post(staff_client, survey, path, question_form(
        text="¿Volverías?", options="No\nSí\nQuizá más adelante"))
    assert response.status_code == 302
    db.session.expire_all()
    options = {o.label: o.code for o in db.session.get(SurveyQuestion, question.id).options}
    assert options == {"No": "o2", "Sí": "o1", "Quizá más adelante": "o4"}
    response = post(staff_client, survey, path, question_form(text=""))
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(SurveyQuestion, question.id).text == "¿Volverías?"


def test_a_question_is_deleted(staff_client, make_survey):
    survey = make_survey(kinds=("single", "nps"))
    response = post(staff_client, survey, f"/preguntas/{survey.q['single'].id}/borrar")
    assert response.status_code == 302
    assert [q.kind for q in questions_of(survey)] == ["nps"]


# --- order ------------------------------------------------------------------------------------


def test_the_order_changes_with_the_buttons(staff_client, make_survey):
    survey = make_survey(kinds=("single", "nps", "rating"))
    rating = survey.q["rating"]
    response = post(staff_client, survey, f"/preguntas/{rating.id}/mover", {"direction": "up"})
    assert response.status_code == 302
    assert [q.kind for q in questions_of(survey)] == ["single", "rating", "nps"]
    post(staff_client, survey, f"/preguntas/{survey.q['single'].id}/mover",
         {"direction": "down"})
    assert [q.kind for q in questions_of(survey)] == ["rating", "single", "nps"]
    response = post(staff_client, survey, f"/preguntas/{rating.id}/mover",
                    {"direction": "sideways"})
    assert response.status_code == 422
    assert "Elige subir o bajar." in response.get_data(as_text=True)
    assert [q.kind for q in questions_of(survey)] == ["rating", "single", "nps"]


def test_positions_follow_the_sections_as_people_see_them(staff_client, staff, make_survey):
    survey = make_survey(kinds=())
    first = services.add_section(staff, survey, {"title": "Primera"})
    second = services.add_section(staff, survey, {"title": "Segunda"})
    services.add_question(staff, survey, {"kind": "nps", "text": "B", "section_id": second.id})
    db.session.commit()
    page = staff_client.get(f"{edit_path(survey)}/preguntas/nueva").get_data(as_text=True)
    assert f'<option selected value="{second.id}">Segunda</option>' in page
    response = post(staff_client, survey, "/preguntas/nueva", question_form(
        kind="rating", text="A", options="", section_id=str(first.id)))
    assert response.status_code == 302
    assert [q.text for q in questions_of(survey)] == ["A", "B"]
    body = staff_client.get(edit_path(survey)).get_data(as_text=True)
    assert 'value="up"' not in body and 'value="down"' not in body  # one per section
    assert post(staff_client, survey, f"/secciones/{first.id}/borrar").status_code == 302
    assert [(q.text, q.section_id) for q in questions_of(survey)] == [("B", second.id),
                                                                      ("A", None)]


def test_the_reorder_endpoint_takes_the_whole_order(staff_client, make_survey):
    survey = make_survey(kinds=("single", "nps", "rating"))
    ids = [survey.q[kind].id for kind in ("rating", "single", "nps")]
    headers = {"Accept": "application/json"}
    response = post(staff_client, survey, "/orden", {"order": [str(i) for i in ids]},
                    headers=headers)
    assert response.status_code == 200
    assert json.loads(response.get_data(as_text=True)) == {"ok": True, "order": ids}
    assert [q.id for q in questions_of(survey)] == ids
    # Without JavaScript the same POST redirects back to the survey.
    response = post(staff_client, survey, "/orden", {"order": [str(i) for i in ids[::-1]]})
    assert response.status_code == 302
    assert [q.id for q in questions_of(survey)] == ids[::-1]
    # An order that is not exactly this survey's questions changes nothing.
    for bad in (ids[:2], [*ids, 999999], ["x", *ids[1:]]):
        response = post(staff_client, survey, "/orden", {"order": [str(i) for i in bad]},
                        headers=headers)
        assert response.status_code == 422, bad
        assert "recarga la página" in json.loads(response.get_data(as_text=True))["error"]
    assert [q.id for q in questions_of(survey)] == ids[::-1]


def test_the_reorder_endpoint_needs_the_csrf_token_in_the_header_or_form(staff_client,
                                                                        make_survey):
    survey = make_survey(kinds=("single", "nps"))
    ids = [str(survey.q["nps"].id), str(survey.q["single"].id)]
    path = f"{edit_path(survey)}/orden"
    assert staff_client.post(path, data={"order": ids}).status_code == 400
    token = csrf_token(staff_client, edit_path(survey))
    response = staff_client.post(path, data={"order": ids},
                                 headers={"X-CSRFToken": token, "Accept": "application/json"})
    assert response.status_code == 200
    assert [q.kind for q in questions_of(survey)] == ["nps", "single"]


def test_the_edit_page_offers_drag_and_drop_by_script_and_buttons_without_it(staff_client,
                                                                             make_survey):
    survey = make_survey(kinds=("single", "nps"))
    body = staff_client.get(edit_path(survey)).get_data(as_text=True)
    assert f'data-reorder-url="{edit_path(survey)}/orden"' in body
    assert "/static/js/survey-builder.js" in body and "<script>" not in body
    assert body.count('name="direction" value="up"') == 1  # not on the first question
    assert body.count('name="direction" value="down"') == 1  # not on the last


# --- open, close, duplicate, preview ----------------------------------------------------------


def test_a_survey_is_opened_closed_and_reopened(staff_client, make_survey):
    survey = make_survey(kinds=("single",))
    assert post(staff_client, survey, "/abrir").status_code == 302
    assert fresh(survey).status == "open"
    assert post(staff_client, survey, "/cerrar").status_code == 302
    assert fresh(survey).status == "closed"
    assert "Reabrir la encuesta" in staff_client.get(edit_path(survey)).get_data(as_text=True)
    assert post(staff_client, survey, "/abrir").status_code == 302
    assert fresh(survey).status == "open"


def test_opening_a_survey_without_questions_is_refused_with_the_reason(staff_client,
                                                                       make_survey):
    survey = make_survey(kinds=())
    response = post(staff_client, survey, "/abrir")
    assert response.status_code == 422
    assert "Agrega al menos una pregunta antes de abrir." in response.get_data(as_text=True)
    assert fresh(survey).status == "draft"
    response = post(staff_client, survey, "/cerrar")
    assert response.status_code == 422
    assert fresh(survey).status == "draft"


def test_a_survey_is_duplicated_as_a_draft(staff_client, make_survey):
    survey = make_survey(kinds=("single", "nps"), open=True)
    response = post(staff_client, survey, "/duplicar")
    assert response.status_code == 302
    copy = db.session.scalar(select(Survey).where(Survey.id != survey.id))
    assert response.headers["Location"].endswith(edit_path(copy))
    assert copy.status == "draft" and copy.copied_from_id == survey.id
    assert [q.kind for q in copy.questions] == ["single", "nps"]


def test_the_preview_shows_the_survey_as_a_respondent_and_saves_nothing(staff_client,
                                                                        make_survey):
    survey = make_survey(open=True)
    path = f"{edit_path(survey)}/vista-previa"
    body = staff_client.get(path).get_data(as_text=True)
    assert "Vista previa." in body and "Tus respuestas son anónimas" in body
    for question in survey.questions:
        assert question.text in body
    assert f'<form method="get" action="{path}" novalidate class="survey-form"' in body
    assert f'action="/encuestas/{survey.slug}"' not in body
    assert '<button type="submit" class="button">' not in body
    response = staff_client.get(path, query_string={survey.q["nps"].field_name: "9"})
    assert response.status_code == 200
    assert count(SurveyResponse) == 0 and fresh(survey).frozen_at is None


# --- a frozen survey --------------------------------------------------------------------------


def test_a_frozen_survey_is_read_only_and_offers_a_new_version(staff_client, make_survey,
                                                               answer):
    survey = make_survey(kinds=("single", "nps"), open=True, audience="public")
    answer(survey, anon_key="visitante-1")
    single, nps = survey.q["single"], survey.q["nps"]
    body = staff_client.get(edit_path(survey)).get_data(as_text=True)
    assert "Esta encuesta ya tiene respuestas." in body
    assert "Duplicar para una nueva versión" in body
    assert "data-reorder-url" not in body and 'value="up"' not in body
    assert "/preguntas/nueva" not in body
    refused = [
        ("/preguntas/nueva", question_form()),
        (f"/preguntas/{single.id}", question_form(text="Otra pregunta")),
        (f"/preguntas/{single.id}/borrar", {}),
        (f"/preguntas/{nps.id}/mover", {"direction": "up"}),
        ("/orden", {"order": [str(nps.id), str(single.id)]}),
        ("/secciones", {"new_section-title": "Nueva"}),
    ]
    for action, data in refused:
        response = post(staff_client, survey, action, data)
        assert response.status_code == 422, action
        assert "ya tiene respuestas" in response.get_data(as_text=True), action
    response = post(staff_client, survey, "", {**SETTINGS, "anonymous": "identificada"})
    assert response.status_code == 422
    assert "ya no se puede cambiar" in response.get_data(as_text=True)
    questions = questions_of(survey)
    assert [(q.id, q.text) for q in questions] == [(single.id, single.text), (nps.id, nps.text)]
    assert count(SurveySection) == 0 and fresh(survey).anonymous is True
    page = staff_client.get(f"{edit_path(survey)}/preguntas/{single.id}")
    assert page.status_code == 302 and page.headers["Location"].endswith(edit_path(survey))
    response = post(staff_client, survey, "/duplicar")
    copy = db.session.scalar(select(Survey).where(Survey.id != survey.id))
    assert response.status_code == 302 and copy.frozen_at is None
    assert services.is_frozen(fresh(survey))


def test_a_frozen_identified_survey_keeps_its_settings_editable(staff_client, make_survey,
                                                                answer):
    survey = make_survey(kinds=("nps",), open=True, audience="public", anonymous=False)
    answer(survey, anon_key="visitante-1")
    body = staff_client.get(edit_path(survey)).get_data(as_text=True)
    assert 'name="anonymous"' not in body and "Identificada: cada respuesta" in body
    data = {key: value for key, value in SETTINGS.items() if key != "anonymous"}
    response = post(staff_client, survey, "", {**data, "audience": "public",
                                               "title": "Plataforma: segunda vuelta"})
    assert response.status_code == 302
    assert fresh(survey).title == "Plataforma: segunda vuelta"
    assert fresh(survey).anonymous is False


# --- hostile text -----------------------------------------------------------------------------


def test_hostile_text_is_escaped_on_every_builder_page(staff_client, make_survey):
    survey = make_survey(kinds=("single",), title=HOSTILE, intro=HOSTILE)
    post(staff_client, survey, "/secciones",
         {"new_section-title": HOSTILE[:200], "new_section-description": HOSTILE})
    response = post(staff_client, survey, "/preguntas/nueva", question_form(
        text=HOSTILE, help=HOSTILE, options=f"{HOSTILE}\nOtra opción"))
    assert response.status_code == 302
    single = survey.q["single"]
    post(staff_client, survey, "/preguntas/nueva", question_form(
        text="Depende", condition=f"{questions_of(survey)[-1].id}:o1"))
    pages = [*builder_pages(fresh(survey)),
             f"{edit_path(survey)}/preguntas/{single.id}"]
    for page in pages:
        body = staff_client.get(page).get_data(as_text=True)
        assert "<script>alert" not in body, page
        assert "<img src=x" not in body, page
    body = staff_client.get(edit_path(survey)).get_data(as_text=True)
    assert "&lt;script&gt;alert(" in body
    refused = post(staff_client, survey, "", {**SETTINGS, "title": HOSTILE, "audience": "x"})
    assert refused.status_code == 422
    assert "<script>alert" not in refused.get_data(as_text=True)
