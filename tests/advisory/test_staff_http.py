"""The staff side of advisory through HTTP: the queue and its filters, the case page with each
action (assign, state, message, internal note, session, outcome, conclude, cancel), refusals
that change nothing, the planning map, the console tile, who gets in, and a queue page whose
number of queries does not grow with the number of requests."""

import re

import pytest
from sqlalchemy import func, select

from community.advisory import services
from community.advisory.models import (
    AdvisoryActivity,
    AdvisoryOutcome,
    AdvisoryRequest,
    AdvisorySession,
)
from community.core.models import AuditEntry
from community.extensions import db
from tests.conftest import client_as, count_queries, field_error, post_form

QUEUE = "/personal/asesorias"
MAP = "/personal/asesorias/mapa"
ACTIONS = ("asignar", "estado", "mensaje", "nota", "sesion", "resultado", "concluir",
           "cancelar")
SESSION = {"held_on": "", "modality": "municipio", "municipality_code": "15106",
           "duration_minutes": "90", "people_attended": "7",
           "topics": "Acta constitutiva y estatutos", "next_steps": "Cita con el notario"}


@pytest.fixture
def staff_client(app, staff):
    return client_as(app, staff)


def case_path(req) -> str:
    return f"{QUEUE}/{req.folio}"


def act(client, req, action: str, data: dict | None = None):
    """POST one action of the case page with the CSRF token of that page."""
    return post_form(client, f"{case_path(req)}/{action}", data or {}, page=case_path(req))


def fresh(req) -> AdvisoryRequest:
    db.session.expire_all()
    return db.session.get(AdvisoryRequest, req.id)


def folios_in(body: str) -> set[str]:
    """The folios the queue's table lists (its row headers)."""
    return set(re.findall(r'<th scope="row"><a href="/personal/asesorias/(ASE-[^"]+)"', body))


def activity_count(req) -> int:
    return db.session.scalar(select(func.count(AdvisoryActivity.id))
                             .where(AdvisoryActivity.request_id == req.id))


# --- who gets in -------------------------------------------------------------------------------


def test_every_staff_page_is_for_staff_only(app, client, make_request, make_user, make_org,
                                            staff_client):
    req = make_request()
    member = make_user(name="Integrante")
    org = make_org(admin=member)
    assert org.admin is member
    pages = [QUEUE, case_path(req), MAP]
    for page in pages:
        assert staff_client.get(page).status_code == 200, page
        anonymous = client.get(page)
        assert anonymous.status_code == 302 and "/cuenta/entrar" in anonymous.headers["Location"]
    for person in (make_user(name="Ciudadana"), member):
        other = client_as(app, person)
        for page in pages:
            assert other.get(page).status_code == 403, (person.name, page)


def test_the_requester_cannot_act_on_the_staff_page_of_their_own_request(app, citizen,
                                                                         make_request):
    req = make_request(actor=citizen)
    own = client_as(app, citizen)
    assert own.get(case_path(req)).status_code == 403
    before = activity_count(req)
    for action in ACTIONS:
        response = post_form(own, f"{case_path(req)}/{action}",
                             {"assignee_id": str(citizen.id), "state": "en_atencion",
                              "body": "hola", "reason": "no"}, page="/asesorias")
        assert response.status_code == 403, action
    assert activity_count(req) == before
    assert fresh(req).state == "recibida"


def test_posts_without_the_csrf_token_are_refused(staff_client, make_request, staff):
    req = make_request()
    response = staff_client.post(f"{case_path(req)}/asignar", data={"assignee_id": staff.id})
    assert response.status_code == 400
    assert fresh(req).assignee_id is None


def test_an_unknown_folio_is_not_found(staff_client):
    assert staff_client.get(f"{QUEUE}/ASE-2026-ZZZZZ").status_code == 404


# --- the queue ---------------------------------------------------------------------------------


def test_the_queue_lists_requests_with_their_data_and_state_counts(staff_client, make_request,
                                                                   osc, staff):
    group = make_request()
    organization = make_request(actor=osc.admin, requester_kind="osc", organization_id=osc.id,
                                proposed_name="", topic="cluni", municipality_code="15058",
                                state="asignada")
    unconfirmed = make_request(state="por_confirmar", proposed_name="Sin Confirmar")
    body = staff_client.get(QUEUE).get_data(as_text=True)
    assert folios_in(body) == {group.folio, organization.folio}
    assert unconfirmed.folio not in body
    assert "Mujeres que Reverdecen" in body and osc.name in body
    assert "Constituir una OSC" in body and "CLUNI" in body
    assert "Toluca" in body and "Nezahualcóyotl" in body
    assert staff.name in body and "Sin asignar" in body
    assert "Recibida: <strong>1</strong>" in body and "Asignada: <strong>1</strong>" in body
    assert "Hoy" in body  # age of requests that entered the queue today


def test_filters_narrow_the_queue(staff_client, make_request, advisor, staff):
    toluca = make_request(municipality_code="15106", topic="constituir")
    neza = make_request(municipality_code="15058", topic="fiscal", state="asignada")
    waiting = make_request(municipality_code="15058", topic="cluni", state="en_espera",
                           proposed_name="Colectivo Girasol")
    services.assign(staff, waiting, advisor.id)
    db.session.commit()

    def listed(**args):
        response = staff_client.get(QUEUE, query_string=args)
        assert response.status_code == 200, args
        return folios_in(response.get_data(as_text=True))

    assert listed() == {toluca.folio, neza.folio, waiting.folio}
    assert listed(estado="recibida") == {toluca.folio}
    assert listed(tema="fiscal") == {neza.folio}
    assert listed(municipio="15058") == {neza.folio, waiting.folio}
    assert listed(asignada="sin") == {toluca.folio}
    assert listed(asignada="mias") == {neza.folio}
    assert listed(asignada=str(advisor.id)) == {waiting.folio}
    assert listed(q=waiting.folio) == {waiting.folio}
    assert listed(q="girasol") == {waiting.folio}
    assert listed(municipio="15058", tema="cluni") == {waiting.folio}
    assert listed(vencidas="1") == set()


def test_overdue_requests_are_filtered_and_marked(staff_client, make_request, clock):
    clock.set_local(2026, 9, 14, 10)  # a Monday
    late = make_request()
    clock.set_local(2026, 9, 21, 10)  # a week later: first contact was due on the 16th
    recent = make_request()
    response = staff_client.get(QUEUE, query_string={"vencidas": "1"})
    body = response.get_data(as_text=True)
    assert folios_in(body) == {late.folio}
    assert "Vencida" in body
    assert recent.folio in staff_client.get(QUEUE).get_data(as_text=True)


def test_bad_filters_are_explained_and_ignored(staff_client, make_request):
    req = make_request()
    response = staff_client.get(QUEUE, query_string={"estado": "inventado", "asignada": "x",
                                                     "municipio": "99999"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Elige un estado de la lista." in field_error(body, "estado")
    assert "Elige a una persona del personal" in field_error(body, "asignada")
    assert "Elige un municipio de la lista." in field_error(body, "municipio")
    assert folios_in(body) == {req.folio}


def test_the_queue_is_paginated(app, staff_client, make_request, monkeypatch):
    from community.advisory import staff_views

    monkeypatch.setattr(staff_views, "PER_PAGE", 2)
    made = {make_request().folio for _ in range(3)}
    first = staff_client.get(QUEUE).get_data(as_text=True)
    second = staff_client.get(QUEUE, query_string={"page": "2"}).get_data(as_text=True)
    assert len(folios_in(first)) == 2 and len(folios_in(second)) == 1
    assert folios_in(first) | folios_in(second) == made
    assert 'rel="next"' in first


def queue_queries(client) -> int:
    client.get(QUEUE)  # warm what a first visit loads once (catalogues)
    with count_queries() as statements:
        assert client.get(QUEUE).status_code == 200
    return len(statements)


def test_the_queue_costs_the_same_queries_for_5_or_40_requests(staff_client, make_request,
                                                                osc, staff, advisor):
    def add(count):
        for n in range(count):
            if n % 3 == 0:
                make_request(actor=osc.admin, requester_kind="osc", organization_id=osc.id,
                             proposed_name="", state="asignada")
            else:
                req = make_request(state="asignada" if n % 2 else "recibida")
                if n % 5 == 0 and req.state == "asignada":
                    services.assign(staff, req, advisor.id)
                    db.session.commit()

    add(5)
    few = queue_queries(staff_client)
    add(35)
    many = queue_queries(staff_client)
    assert many == few, (few, many)


# --- the case page -----------------------------------------------------------------------------


def test_the_case_page_shows_everything_and_marks_internal_notes(staff_client, make_request,
                                                                 staff, citizen):
    req = make_request(actor=citizen, state="en_atencion", contact_phone="7221234567")
    services.add_note(staff, req, "Llamar por la tarde.")
    services.post_message(staff, req, "Le esperamos el lunes.")
    db.session.commit()
    body = staff_client.get(case_path(req)).get_data(as_text=True)
    for text in (req.folio, "Mujeres que Reverdecen", "Toluca", "rosa@ejemplo.mx",
                 "7221234567", "Primer contacto", "Conclusión", "Días en espera",
                 "Llamar por la tarde.", "Le esperamos el lunes.",
                 "Nota interna (no la ve el solicitante)", "De «Asignada» a «En atención»"):
        assert text in body, text
    assert body.count("Nota interna (no la ve el solicitante)") == 1
    # the state form offers only what the diagram allows from en_atencion
    state_select = re.search(r'<select[^>]*id="new_state".*?</select>', body, re.S).group(0)
    assert 'value="en_espera"' in state_select
    assert 'value="en_atencion"' not in state_select and "concluida" not in state_select


def test_assigning_moves_a_received_request_and_is_audited(staff_client, make_request,
                                                           advisor):
    req = make_request()
    response = act(staff_client, req, "asignar", {"assignee_id": str(advisor.id)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{case_path(req)}#datos")
    req = fresh(req)
    assert (req.state, req.assignee_id) == ("asignada", advisor.id)
    assert db.session.scalar(select(func.count(AuditEntry.id))
                             .where(AuditEntry.action == "advisory.assign")) == 1
    page = staff_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Asignamos la solicitud." in page


def test_assigning_to_someone_who_is_not_staff_is_refused(staff_client, make_request, citizen):
    req = make_request()
    response = act(staff_client, req, "asignar", {"assignee_id": str(citizen.id)})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Elige a una persona del personal." in field_error(body, "assignee_id")
    assert (fresh(req).state, fresh(req).assignee_id) == ("recibida", None)


def test_state_changes_follow_the_diagram(staff_client, make_request):
    req = make_request(state="asignada")
    assert act(staff_client, req, "estado", {"state": "en_atencion"}).status_code == 302
    req = fresh(req)
    assert req.state == "en_atencion" and req.first_contact_at is not None
    assert act(staff_client, req, "estado", {"state": "en_espera"}).status_code == 302
    assert fresh(req).state == "en_espera"
    assert act(staff_client, req, "estado", {"state": "en_atencion"}).status_code == 302
    assert fresh(req).state == "en_atencion"


@pytest.mark.parametrize(("state", "target"), [("recibida", "en_atencion"),
                                               ("recibida", "en_espera"),
                                               ("en_espera", "en_espera"),
                                               ("en_atencion", "asignada"),
                                               ("concluida", "en_atencion"),
                                               ("asignada", "inventado")])
def test_transitions_the_diagram_does_not_allow_change_nothing(staff_client, make_request,
                                                               state, target):
    req = make_request(state=state)
    before = (req.state, activity_count(req))
    response = act(staff_client, req, "estado", {"state": target})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    message = field_error(body, "new_state") or re.search(
        r'class="error-summary".*?</ul>', body, re.S).group(0)
    assert re.search(r"no puede pasar|Elige|cerrada|asignar", message), message
    req = fresh(req)
    assert (req.state, activity_count(req)) == before


def test_a_message_reaches_the_requester_and_counts_as_first_contact(staff_client,
                                                                    make_request, outbox):
    req = make_request(state="asignada")
    outbox.clear()
    response = act(staff_client, req, "mensaje", {"body": "Hola, **le llamamos** mañana."})
    assert response.status_code == 302
    req = fresh(req)
    assert req.first_contact_at is not None
    message = db.session.scalar(select(AdvisoryActivity).where(
        AdvisoryActivity.request_id == req.id, AdvisoryActivity.kind == "message"))
    assert not message.internal and "<strong>le llamamos</strong>" in message.body_html
    assert [m.recipients for m in outbox] == [["rosa@ejemplo.mx"]]


def test_an_internal_note_stays_internal_and_tells_nobody_outside(staff_client, make_request,
                                                                  outbox):
    req = make_request(state="asignada")
    outbox.clear()
    response = act(staff_client, req, "nota", {"body": "<script>alert(1)</script>Revisar"})
    assert response.status_code == 302
    note = db.session.scalar(select(AdvisoryActivity).where(
        AdvisoryActivity.request_id == req.id, AdvisoryActivity.kind == "note"))
    assert note.internal and "<script>" not in note.body_html
    assert list(outbox) == []
    page = staff_client.get(case_path(req)).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page


def test_empty_message_and_note_are_explained_next_to_their_field(staff_client, make_request):
    req = make_request(state="asignada")
    before = activity_count(req)
    response = act(staff_client, req, "mensaje", {"body": "  "})
    assert response.status_code == 422
    assert "Escribe tu mensaje." in field_error(response.get_data(as_text=True), "message_body")
    response = act(staff_client, req, "nota", {"body": ""})
    assert response.status_code == 422
    assert "Escribe la nota." in field_error(response.get_data(as_text=True), "note_body")
    assert activity_count(req) == before


def test_logging_a_session(staff_client, make_request):
    req = make_request(state="asignada")
    response = act(staff_client, req, "sesion",
                   {**SESSION, "held_on": services.today().isoformat()})
    assert response.status_code == 302
    session = db.session.scalar(select(AdvisorySession).where(
        AdvisorySession.request_id == req.id))
    assert (session.duration_minutes, session.people_attended, session.municipality_code) == (
        90, 7, "15106")
    assert fresh(req).first_contact_at is not None
    page = staff_client.get(case_path(req)).get_data(as_text=True)
    assert "Acta constitutiva y estatutos" in page and "Cita con el notario" in page


def test_a_bad_session_is_explained_field_by_field_and_saves_nothing(staff_client,
                                                                    make_request):
    req = make_request(state="asignada")
    response = act(staff_client, req, "sesion",
                   {**SESSION, "held_on": "2999-01-01", "duration_minutes": "0",
                    "people_attended": "muchas", "modality": "teletransporte", "topics": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    for field_id in ("held_on", "duration_minutes", "people_attended", "session_modality",
                     "session_topics"):
        assert field_error(body, field_id), field_id
    assert "Cita con el notario" in body  # what was typed comes back
    assert db.session.scalar(select(func.count(AdvisorySession.id))) == 0
    assert fresh(req).first_contact_at is None


def test_an_osc_constituted_needs_the_date_of_its_acta(staff_client, make_request):
    req = make_request(state="en_atencion")
    response = act(staff_client, req, "resultado", {"kind": "osc_constituida",
                                                    "achieved_on": "", "note": ""})
    assert response.status_code == 422
    assert "fecha del acta" in field_error(response.get_data(as_text=True), "achieved_on")
    assert db.session.scalar(select(func.count(AdvisoryOutcome.id))) == 0
    response = act(staff_client, req, "resultado", {"kind": "osc_constituida",
                                                    "achieved_on": services.today().isoformat(),
                                                    "note": "Acta ante notario"})
    assert response.status_code == 302
    outcome = db.session.scalar(select(AdvisoryOutcome))
    assert (outcome.kind, outcome.achieved_on) == ("osc_constituida", services.today())


def test_concluding_needs_an_outcome(staff_client, make_request, outbox):
    req = make_request(state="en_atencion")
    before = activity_count(req)
    response = act(staff_client, req, "concluir")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Registra al menos un resultado antes de concluir." in body
    assert fresh(req).state == "en_atencion" and activity_count(req) == before

    assert act(staff_client, req, "resultado", {"kind": "orientacion"}).status_code == 302
    outbox.clear()
    response = act(staff_client, req, "concluir")
    assert response.status_code == 302
    req = fresh(req)
    assert req.state == "concluida" and req.concluded_at is not None
    assert len(outbox) == 1
    page = staff_client.get(case_path(req)).get_data(as_text=True)
    assert "ya no admite acciones" in page and 'action="' + case_path(req) not in page


def test_cancelling_needs_a_reason(staff_client, make_request):
    req = make_request(state="asignada")
    response = act(staff_client, req, "cancelar", {"reason": ""})
    assert response.status_code == 422
    assert "motivo" in field_error(response.get_data(as_text=True), "cancel_reason")
    assert fresh(req).state == "asignada"
    response = act(staff_client, req, "cancelar", {"reason": "La pidieron dos veces."})
    assert response.status_code == 302
    req = fresh(req)
    assert (req.state, req.cancel_reason) == ("cancelada", "La pidieron dos veces.")


def test_a_closed_request_takes_no_more_actions(staff_client, make_request, staff):
    req = make_request(state="cancelada")
    before = activity_count(req)
    for action, data in (("asignar", {"assignee_id": str(staff.id)}),
                         ("sesion", {**SESSION, "held_on": services.today().isoformat()}),
                         ("resultado", {"kind": "orientacion"}), ("concluir", {}),
                         ("cancelar", {"reason": "otra vez"})):
        response = act(staff_client, req, action, data)
        assert response.status_code == 422, action
        assert "cerrada" in response.get_data(as_text=True), action
    assert activity_count(req) == before and fresh(req).state == "cancelada"


# --- the map and the console -------------------------------------------------------------------


def test_the_map_shades_pending_requests_and_ranks_the_municipalities(staff_client,
                                                                      make_request):
    for topic in ("constituir", "constituir", "cluni"):
        make_request(municipality_code="15058", topic=topic)
    make_request(municipality_code="15106", state="asignada")
    make_request(municipality_code="15106", state="concluida")  # not pending
    response = staff_client.get(MAP)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.count('<path class="muni') == 125
    assert "Nezahualcóyotl: 3 solicitudes pendientes" in body
    assert "Toluca: 1 solicitud pendiente" in body
    assert "4 solicitudes pendientes" in body
    table = re.search(r'<table id="mapa-asesorias-tabla">.*?</table>', body, re.S).group(0)
    assert re.search(r"Nezahualcóyotl</a></th><td[^>]*>3</td>", table)
    ranked = re.search(r'<table id="ranked">.*?</table>', body, re.S).group(0)
    assert ranked.index("Nezahualcóyotl") < ranked.index("Toluca")
    assert "Constituir una OSC (2), CLUNI (1)" in ranked
    assert "/personal/asesorias?municipio=15058" in ranked
    assert "Planear una jornada" in ranked


def test_the_console_tile_counts_and_links_to_the_queue(staff_client, make_request, clock):
    clock.set_local(2026, 9, 14, 10)
    make_request()  # will be overdue and is unassigned
    clock.set_local(2026, 9, 21, 10)
    make_request(state="en_espera")
    make_request()
    body = staff_client.get("/personal").get_data(as_text=True)
    tile = re.search(r'id="tile-advisory">.*?(?=<li class="tile[^_]|</ul>\s*</div>)', body, re.S)
    assert tile, "no advisory tile"
    tile = tile.group(0)
    figures = dict((label, int(number)) for number, label in re.findall(
        r'tile__number">(\d+)</span>\s*<span class="tile__label"><a href="[^"]+">([^<]+)</a>',
        tile))
    assert figures == {"Sin asignar": 2, "Vencidas": 1, "En espera del solicitante": 1}
    assert "/personal/asesorias?estado=recibida" in tile
    assert "/personal/asesorias?vencidas=1" in tile
    assert "/personal/asesorias/mapa" in tile


def test_the_case_page_offers_only_what_the_state_allows(staff_client, make_request):
    received = staff_client.get(case_path(make_request())).get_data(as_text=True)
    assert 'id="assignee_id"' in received
    assert 'id="new_state"' not in received and 'id="held_on"' not in received
    assert "Asigna la solicitud para registrar sesiones y resultados." in received
    assert f"{QUEUE}/" in received and "/concluir" not in received
    working = staff_client.get(case_path(make_request(state="en_atencion"))).get_data(
        as_text=True)
    assert 'id="held_on"' in working and 'id="outcome_kind"' in working
    assert "/concluir" in working and "Reasignar" in working


def test_the_case_page_repeats_no_id(staff_client, make_request):
    body = staff_client.get(case_path(make_request(state="en_atencion"))).get_data(
        as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', body)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_a_refused_form_keeps_its_text_and_leaves_the_others_empty(staff_client,
                                                                   make_request):
    req = make_request(state="en_atencion")
    response = act(staff_client, req, "nota", {"body": "x" * 20_001})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "como máximo" in field_error(body, "note_body")
    message_box = re.search(r'<textarea[^>]*id="message_body"[^>]*>(.*?)</textarea>', body,
                            re.S).group(1)
    assert message_box.strip() == ""


def test_hostile_names_and_texts_come_out_escaped(staff_client, make_request, staff):
    xss = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    req = make_request(proposed_name=xss, contact_name=xss, state="en_atencion",
                       description=xss + "[clic](javascript:alert(1))")
    services.log_session(staff, req, {**SESSION, "held_on": services.today().isoformat(),
                                      "topics": xss, "next_steps": xss})
    services.record_outcome(staff, req, {"kind": "orientacion", "note": xss})
    db.session.commit()
    for page in (QUEUE, case_path(req), f"{QUEUE}?q=script"):
        body = staff_client.get(page).get_data(as_text=True)
        assert "<script>alert" not in body and "<img src=x" not in body, page
        assert 'href="javascript:' not in body, page
    assert "&lt;script&gt;" in staff_client.get(QUEUE).get_data(as_text=True)


def test_a_paused_request_says_so_in_the_queue(staff_client, make_request):
    make_request(state="en_espera")
    assert "En pausa; conclusión:" in staff_client.get(QUEUE).get_data(as_text=True)


def test_an_unconfirmed_request_is_shown_but_takes_no_actions(staff_client, make_request):
    req = make_request(state="por_confirmar")
    body = staff_client.get(case_path(req)).get_data(as_text=True)
    assert "confirme su correo" in body and 'id="assignee_id"' not in body
