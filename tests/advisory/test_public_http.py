"""The public side of advisory through HTTP: the guide, the request form (anonymous and signed
in), the mailed confirmation, the status page and who may see it, messages, withdrawing, my
requests, the registration of the constituted OSC, bad input, rate limits and hostile text."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from community.advisory import services
from community.advisory.models import AdvisoryRequest
from community.core import signals
from community.extensions import db
from community.profiles.models import Organization
from tests.conftest import client_as, csrf_token, field_error, post_form

FORM = "/asesorias/solicitar"
GROUP = {"topic": "constituir", "requester_kind": "grupo",
         "proposed_name": "Manos Unidas de Tejupilco", "founders_count": "7",
         "municipality_code": "15082", "modality": "municipio",
         "description": "Somos un grupo de vecinas que **reparte despensas**.",
         "contact_preference": "correo", "contact_name": "Rosa Jiménez",
         "contact_email": "rosa@ejemplo.mx", "contact_phone": "7221234567"}
CONFIRM_RE = re.compile(r"(/asesorias/confirmar/[^\s]+)")
STATUS_RE = re.compile(r"(/asesorias/ASE-[^\s?]+\?t=[^\s]+)")
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>[clic](javascript:alert(1))'


def rows() -> int:
    return db.session.scalar(select(func.count(AdvisoryRequest.id)))


def ask(client, **changes):
    return post_form(client, FORM, {**GROUP, **changes}, page=FORM)


def only_request() -> AdvisoryRequest:
    return db.session.scalar(select(AdvisoryRequest))


def mailed_link(outbox, pattern) -> str:
    for message in reversed(list(outbox)):
        found = pattern.search(message.body)
        if found:
            return found.group(1).replace("http://localhost", "")
    raise AssertionError("no such link in the mail")


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture
def anonymous_request(client, outbox):
    """An anonymous request confirmed through its mailed link; returns (request, status
    path with its token)."""
    assert ask(client).status_code == 303
    confirm = path_of(mailed_link(outbox, CONFIRM_RE))
    response = post_form(client, confirm, page=confirm)
    assert response.status_code == 303
    return only_request(), path_of(response.headers["Location"])


def signed_request(user, **changes) -> AdvisoryRequest:
    data = {**GROUP, "contact_email": user.email, "contact_name": user.name,
            "locale": "es_MX", **changes}
    found = services.create_request(user, data)
    db.session.commit()
    return found


# --- the guide ----------------------------------------------------------------------------


def test_guide_walks_through_the_steps_with_the_request_button(client):
    response = client.get("/asesorias")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    for words in ("Dirección General de Participación Social", "En tu municipio",
                  "En línea", "En la oficina en Toluca", "acta constitutiva",
                  "Colegio de Notarios", "tarifa para OSC", "autorización de uso de denominación",
                  "artículo 5", "persona moral", "e.firma", "CLUNI", "donataria autorizada",
                  "Registro Social Estatal", "5,013", "765"):
        assert words in body, words
    assert 'href="/asesorias/solicitar"' in body and "Solicitar asesoría" in body
    assert "$" not in body  # no notary price is invented
    assert "En la biblioteca" not in body  # no resources, no links


def test_guide_links_published_library_resources(client):
    from tests.library.factories import make_resource

    make_resource("Cómo redactar el acta constitutiva de una asociación civil",
                  description="Guía del acta constitutiva.")
    make_resource("Borrador sobre la CLUNI", status="draft", description="CLUNI")
    body = client.get("/asesorias").get_data(as_text=True)
    assert "En la biblioteca" in body
    assert "Cómo redactar el acta constitutiva" in body
    assert "Borrador sobre la CLUNI" not in body


# --- asking -------------------------------------------------------------------------------


def test_form_offers_the_catalogue_and_no_osc_list_to_anonymous_visitors(client):
    body = client.get(FORM).get_data(as_text=True)
    assert body.count('<option value="15') == 125
    assert 'name="organization_id"' not in body
    for label in ("Constituir una OSC", "Donataria autorizada", "En mi municipio",
                  "En la oficina en Toluca"):
        assert label in body


def test_signed_in_form_is_prefilled_and_lists_only_my_oscs(app, make_org):
    mine = make_org(name="Red Solidaria de Metepec")
    make_org(name="Organización Ajena")
    body = client_as(app, mine.admin).get(FORM).get_data(as_text=True)
    assert 'name="organization_id"' in body
    assert "Red Solidaria de Metepec" in body and "Organización Ajena" not in body
    assert f'value="{mine.admin.email}"' in body and f'value="{mine.admin.name}"' in body


def test_anonymous_request_waits_for_the_mailed_confirmation(client, outbox):
    response = ask(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/asesorias/revisa-tu-correo"
    found = only_request()
    assert found.state == "por_confirmar" and found.user_id is None
    sent = client.get("/asesorias/revisa-tu-correo").get_data(as_text=True)
    assert found.folio in sent and "rosa@ejemplo.mx" in sent
    confirm = path_of(mailed_link(outbox, CONFIRM_RE))
    # Opening the link (a mail scanner does) changes nothing.
    page = client.get(confirm)
    assert page.status_code == 200 and "Confirmar mi solicitud" in page.get_data(as_text=True)
    db.session.expire_all()
    assert only_request().state == "por_confirmar"
    assert client.post(confirm).status_code == 400  # no CSRF token
    response = post_form(client, confirm, page=confirm)
    assert response.status_code == 303
    status_path = path_of(response.headers["Location"])
    assert status_path.startswith(f"/asesorias/{found.folio}?t=")
    db.session.expire_all()
    assert only_request().state == "recibida"
    page = client.get(status_path)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "Recibida" in page.get_data(as_text=True)


def test_a_bad_confirmation_link_says_so(client):
    path = "/asesorias/confirmar/no-es-un-token"
    response = post_form(client, path, page=path)
    assert response.status_code == 400
    assert "Hacer una nueva solicitud" in response.get_data(as_text=True)


def test_signed_in_request_enters_the_queue_and_opens_its_page(client, signed_in):
    signed_in()
    response = ask(client)
    assert response.status_code == 303
    found = only_request()
    assert found.state == "recibida"
    assert response.headers["Location"] == f"/asesorias/{found.folio}"
    body = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Recibimos tu solicitud {found.folio}" in body


def test_csrf_is_enforced_on_every_post(client, anonymous_request):
    found, status_path = anonymous_request
    token = status_path.split("?t=")[1]
    before = rows()
    assert client.post(FORM, data=GROUP).status_code == 400
    assert rows() == before
    assert client.post(f"/asesorias/{found.folio}/mensaje",
                       data={"body": "Hola", "t": token}).status_code == 400
    assert client.post(f"/asesorias/{found.folio}/retirar",
                       data={"reason": "Ya no", "t": token}).status_code == 400
    db.session.expire_all()
    assert found.state == "recibida"


@pytest.mark.parametrize("changes, field", [
    ({"topic": ""}, "topic"),
    ({"topic": "magia"}, "topic"),
    ({"municipality_code": ""}, "municipality_code"),
    ({"municipality_code": "99999"}, "municipality_code"),
    ({"modality": "paloma"}, "modality"),
    ({"requester_kind": "osc", "proposed_name": ""}, "proposed_name"),
    ({"contact_preference": "whatsapp", "contact_phone": ""}, "contact_phone"),
    ({"contact_email": "rosa@"}, "contact_email"),
    ({"contact_name": ""}, "contact_name"),
    ({"description": "x" * 5001}, "description"),
    ({"founders_count": "muchos"}, "founders_count"),
])
def test_bad_input_is_explained_next_to_the_field_and_saves_nothing(client, outbox, changes,
                                                                     field):
    response = ask(client, **changes)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    message = field_error(body, field)
    assert message, body
    assert re.search(r"[áéíóúñ]|Elige|Escribe|Indica|correo|nombre", message), message
    assert rows() == 0 and len(outbox) == 0


def test_an_osc_request_needs_membership(app, make_org, make_user):
    mine = make_org()
    other = make_org()
    client = client_as(app, mine.admin)
    response = ask(client, requester_kind="osc", organization_id=str(other.id))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "organization_id")
    assert rows() == 0
    assert ask(client, requester_kind="osc", organization_id=str(mine.id)).status_code == 303
    assert only_request().organization_id == mine.id


def test_anonymous_visitors_cannot_name_an_osc(client, make_org):
    org = make_org()
    assert ask(client, requester_kind="grupo", organization_id=str(org.id)).status_code == 303
    assert only_request().organization_id is None


def test_requests_are_rate_limited(app, client):
    app.config["RATELIMIT_ADVISORY_REQUEST"] = "2 per hour"
    assert ask(client, contact_email="a@ejemplo.mx").status_code == 303
    assert ask(client, contact_email="b@ejemplo.mx").status_code == 303
    assert ask(client, contact_email="c@ejemplo.mx").status_code == 429
    assert rows() == 2


def test_forms_sent_back_with_errors_do_not_use_up_the_allowance(app, client):
    app.config["RATELIMIT_ADVISORY_REQUEST"] = "1 per hour"
    assert ask(client, topic="").status_code == 422
    assert ask(client).status_code == 303


# --- who sees a status page ---------------------------------------------------------------


def test_the_signed_link_is_the_only_way_in_for_anonymous_requesters(client, anonymous_request,
                                                                     app):
    found, status_path = anonymous_request
    token = status_path.split("?t=")[1]
    stranger = app.test_client()
    assert stranger.get(status_path).status_code == 200
    assert stranger.get(f"/asesorias/{found.folio}").status_code == 404
    assert stranger.get(f"/asesorias/{found.folio}?t={token[:-2]}xx").status_code == 404
    assert stranger.get(f"/asesorias/{found.folio}?t=x{token}").status_code == 404
    other = signed_request_anonymous(services, "otra@ejemplo.mx")
    other_token = services.status_token(other)
    # Another request's token does not open this one, nor this one's token another.
    assert stranger.get(f"/asesorias/{found.folio}?t={other_token}").status_code == 404
    assert stranger.get(f"/asesorias/{other.folio}?t={token}").status_code == 404
    # A folio that does not exist answers exactly like one that is not yours.
    missing = stranger.get(f"/asesorias/ASE-2026-ZZZZZ?t={token}")
    refused = stranger.get(f"/asesorias/{found.folio}?t=falso")
    assert missing.status_code == refused.status_code == 404
    assert _main(missing) == _main(refused)


def _main(response) -> str:
    body = response.get_data(as_text=True)
    return body[body.index("<main"):body.index("</main>")]


def signed_request_anonymous(service_module, email) -> AdvisoryRequest:
    found = service_module.create_request(None, {**GROUP, "contact_email": email,
                                                 "locale": "es_MX"})
    db.session.commit()
    return found


def test_guessing_folios_finds_nothing(app, client, signed_in, make_user):
    owner = make_user()
    found = signed_request(owner)
    signed_in()
    assert client.get(f"/asesorias/{found.folio}").status_code == 404
    assert client.get(f"/asesorias/{found.id}").status_code == 404
    assert client.get("/asesorias/ASE-2026-22222").status_code == 404
    assert not re.fullmatch(r"ASE-\d{4}-\d+", found.folio) or found.folio[-5:] != "00001"
    assert client_as(app, owner).get(f"/asesorias/{found.folio}").status_code == 200


def test_members_of_the_osc_see_its_request_and_members_of_another_do_not(app, make_org,
                                                                          make_user):
    mine = make_org()
    other = make_org()
    found = signed_request(mine.admin, requester_kind="osc", organization_id=mine.id)
    colleague = make_user()
    from community.profiles.models import Membership

    db.session.add(Membership(organization_id=mine.id, user_id=colleague.id, role="member",
                              status="active"))
    db.session.commit()
    assert client_as(app, colleague).get(f"/asesorias/{found.folio}").status_code == 200
    assert client_as(app, other.admin).get(f"/asesorias/{found.folio}").status_code == 404
    for path in (f"/asesorias/{found.folio}/mensaje", f"/asesorias/{found.folio}/retirar"):
        outsider = client_as(app, other.admin)
        response = post_form(outsider, path, {"body": "hola", "reason": "x"},
                             page="/asesorias/solicitar")
        assert response.status_code == 404


def test_internal_notes_never_reach_the_status_page(app, staff, anonymous_request):
    found, status_path = anonymous_request
    services.add_note(staff, found, "NOTA-INTERNA-SECRETA: llamar al notario")
    services.post_message(staff, found, "Hola, ¿qué día les queda bien?")
    db.session.commit()
    body = app.test_client().get(status_path).get_data(as_text=True)
    assert "NOTA-INTERNA-SECRETA" not in body
    assert "¿qué día les queda bien?" in body
    # Not even staff see notes on the requester's page (theirs is the staff page).
    staff_body = client_as(app, staff).get(f"/asesorias/{found.folio}").get_data(as_text=True)
    assert "NOTA-INTERNA-SECRETA" not in staff_body


# --- messages and withdrawing -------------------------------------------------------------


def test_an_anonymous_requester_writes_through_the_signed_link(client, anonymous_request):
    found, status_path = anonymous_request
    token = status_path.split("?t=")[1]
    path = f"/asesorias/{found.folio}/mensaje"
    response = post_form(client, path, {"body": "Ya tenemos **la lista** de socias.",
                                        "t": token}, page=status_path)
    assert response.status_code == 303
    assert path_of(response.headers["Location"]).startswith(status_path.split("#")[0])
    body = client.get(status_path).get_data(as_text=True)
    assert "<strong>la lista</strong>" in body
    # Without the token the same form is a 404.
    assert post_form(client, path, {"body": "Hola"}, page=status_path).status_code == 404


def test_an_empty_message_is_explained_next_to_the_field(client, anonymous_request):
    found, status_path = anonymous_request
    token = status_path.split("?t=")[1]
    response = post_form(client, f"/asesorias/{found.folio}/mensaje", {"body": "  ",
                                                                      "t": token},
                         page=status_path)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "body")
    assert response.headers["Cache-Control"] == "private, no-store"


def test_the_requester_withdraws_with_a_reason(client, anonymous_request):
    found, status_path = anonymous_request
    token = status_path.split("?t=")[1]
    response = post_form(client, f"/asesorias/{found.folio}/retirar",
                         {"reason": "Ya nos asesoró otra institución.", "t": token},
                         page=status_path)
    assert response.status_code == 303
    db.session.expire_all()
    assert only_request().state == "cancelada"
    body = client.get(status_path).get_data(as_text=True)
    assert "Retirar mi solicitud" not in body and "Enviar mensaje" not in body


def test_hostile_text_comes_out_escaped(client, anonymous_request, app):
    found, status_path = anonymous_request
    token = status_path.split("?t=")[1]
    post_form(client, f"/asesorias/{found.folio}/mensaje", {"body": XSS, "t": token},
              page=status_path)
    assert ask(client, proposed_name=XSS[:190], description=XSS,
               contact_email="otra@ejemplo.mx").status_code == 303
    hostile = db.session.scalar(select(AdvisoryRequest).where(
        AdvisoryRequest.contact_email == "otra@ejemplo.mx"))
    pages = [client.get(status_path).get_data(as_text=True),
             client.get(f"/asesorias/{hostile.folio}?t={services.status_token(hostile)}")
             .get_data(as_text=True)]
    for body in pages:
        assert "<script>alert" not in body
        assert "<img src=x" not in body and "onerror=alert" not in body.replace(
            "onerror=alert(1)&gt;", "")
        assert 'href="javascript:' not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages[1]  # the name, as plain text


# --- the OSC registered after the advice --------------------------------------------------


def _conclude_with_osc(staff, found):
    services.assign(staff, found, staff.id)
    services.change_state(staff, found, "en_atencion")
    services.log_session(staff, found, {
        "held_on": services.today().isoformat(), "modality": "municipio",
        "municipality_code": "15082", "duration_minutes": "90", "people_attended": "7",
        "topics": "Objeto social y asociados", "next_steps": "Llevar **las INE** a la notaría"})
    services.record_outcome(staff, found, {"kind": "osc_constituida",
                                           "achieved_on": date(2026, 3, 2).isoformat(),
                                           "note": ""})
    services.conclude(staff, found)
    db.session.commit()


def test_concluded_with_an_osc_the_page_invites_to_register_it_prefilled(app, staff,
                                                                         make_user):
    owner = make_user()
    found = signed_request(owner)
    _conclude_with_osc(staff, found)
    client = client_as(app, owner)
    body = client.get(f"/asesorias/{found.folio}").get_data(as_text=True)
    assert "Registra tu OSC en la plataforma" in body
    assert "Sesiones de asesoría" in body and "<strong>las INE</strong>" in body
    assert "OSC constituida" in body and "Concluida" in body
    link = re.search(r'href="(/osc/registrar\?[^"]+)"', body).group(1).replace("&amp;", "&")
    assert f"asesoria={found.folio}" in link and "municipio=15082" in link
    form = client.get(link).get_data(as_text=True)
    assert 'value="Manos Unidas de Tejupilco"' in form
    assert re.search(r'<option selected value="15082"|<option value="15082" selected', form)
    heard = []

    def listener(sender, **kwargs):
        heard.append(kwargs)

    signals.organization_registered.connect(listener)
    try:
        response = post_form(client, link, {"name": "Manos Unidas de Tejupilco A.C.",
                                            "municipality_code": "15082",
                                            "activities": ["I"]}, page=link)
    finally:
        signals.organization_registered.disconnect(listener)
    assert response.status_code == 302
    org = db.session.scalar(select(Organization))
    assert heard == [{"organization_id": org.id, "user_id": owner.id,
                      "reference": found.folio}]
    db.session.expire_all()
    assert found.resulting_organization_id == org.id  # advisory's handler linked them
    body = client.get(f"/asesorias/{found.folio}").get_data(as_text=True)
    assert "Registra tu OSC en la plataforma" not in body and org.name in body


def test_registering_without_a_reference_still_announces_it(app, signed_in, client):
    user = signed_in()
    heard = []

    def listener(sender, **kwargs):
        heard.append(kwargs)

    signals.organization_registered.connect(listener)
    try:
        response = post_form(client, "/osc/registrar?asesoria=<script>", {
            "name": "Colectivo Sin Asesoría", "municipality_code": "15099",
            "activities": ["IX"]}, page="/osc/registrar?nombre=%3Cb%3E&municipio=99")
    finally:
        signals.organization_registered.disconnect(listener)
    assert response.status_code == 302
    assert heard[0]["reference"] is None and heard[0]["user_id"] == user.id


# --- my requests --------------------------------------------------------------------------


def test_my_requests_lists_mine_and_my_oscs(app, make_org, make_user, client):
    assert client.get("/asesorias/mis-solicitudes").status_code == 302
    mine = make_org(name="Red de Mujeres de Toluca")
    other = make_org()
    own = signed_request(mine.admin)
    of_org = signed_request(make_user(), requester_kind="grupo")
    colleague_request = signed_request(mine.admin, requester_kind="osc",
                                       organization_id=mine.id)
    foreign = signed_request(other.admin, requester_kind="osc", organization_id=other.id)
    body = client_as(app, mine.admin).get("/asesorias/mis-solicitudes").get_data(as_text=True)
    assert own.folio in body and colleague_request.folio in body
    assert foreign.folio not in body and of_org.folio not in body


def test_every_route_answers_get_or_post(client, anonymous_request):
    found, status_path = anonymous_request
    assert client.get("/asesorias").status_code == 200
    assert client.get(FORM).status_code == 200
    assert client.get("/asesorias/revisa-tu-correo").status_code in (200, 302)
    assert client.get(status_path).status_code == 200
    assert client.get(f"/asesorias/{found.folio}/mensaje").status_code == 405
    assert client.get(f"/asesorias/{found.folio}/retirar").status_code == 405
    assert csrf_token(client, FORM)
