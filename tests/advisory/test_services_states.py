"""Advisory's state diagram: every allowed move, every refused one, sessions, outcomes,
conclusion (needs an outcome, fires the signal once) and the OSC that came out of it."""

from datetime import date

import pytest

from community.advisory import services
from community.advisory.services import TRANSITIONS
from community.core.errors import PermissionDenied, ValidationError
from community.core.signals import advisory_concluded, organization_registered

ALL_STATES = ("por_confirmar", "recibida", "asignada", "en_atencion", "en_espera",
              "concluida", "cancelada")
#: Targets of change_state (asignada comes from assign, concluida from conclude).
STAFF_TARGETS = ("recibida", "en_atencion", "en_espera", "cancelada")


def _session(**overrides) -> dict:
    data = {"held_on": "2026-03-04", "modality": "municipio", "municipality_code": "15106",
            "duration_minutes": "90", "people_attended": "8",
            "topics": "Requisitos del acta constitutiva", "next_steps": "Ir al **notario**"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("start", ALL_STATES)
@pytest.mark.parametrize("target", STAFF_TARGETS)
def test_change_state_follows_the_diagram(db, make_request, staff, start, target):
    req = make_request(None, state=start)
    allowed = target in TRANSITIONS[start]
    if allowed:
        services.change_state(staff, req, target, "Motivo" if target == "cancelada" else None)
        assert req.state == target
        assert req.activities[-1].kind == "state"
        assert (req.activities[-1].from_state, req.activities[-1].to_state) == (start, target)
        assert (req.confirmed_at is not None) is (target != "cancelada"
                                                  or start != "por_confirmar")
        assert (req.conclusion_due is None) is (req.confirmed_at is None)
    else:
        with pytest.raises(ValidationError):
            services.change_state(staff, req, target, "Motivo")
        assert req.state == start


def test_the_diagram_itself():
    assert TRANSITIONS["recibida"] == ("asignada", "cancelada")
    assert set(TRANSITIONS["en_espera"]) == {"en_atencion", "cancelada"}
    assert TRANSITIONS["concluida"] == () and TRANSITIONS["cancelada"] == ()


def test_unknown_state_and_assigned_by_hand_are_refused(db, make_request, staff):
    req = make_request()
    for bad in ("perdida", "", "asignada"):
        with pytest.raises(ValidationError):
            services.change_state(staff, req, bad)
    assert req.state == "recibida"


def test_cancelling_needs_a_reason(db, make_request, staff):
    req = make_request(state="asignada")
    for reason in (None, "", "   "):
        with pytest.raises(ValidationError) as caught:
            services.change_state(staff, req, "cancelada", reason)
        assert set(caught.value.errors) == {"reason"}
    with pytest.raises(ValidationError):
        services.change_state(staff, req, "cancelada", "x" * 2001)
    services.change_state(staff, req, "cancelada", "El grupo ya no continuará.")
    assert req.cancel_reason == "El grupo ya no continuará." and req.cancelled_at


def test_assign_and_reassign(db, make_request, staff, advisor):
    req = make_request()
    services.assign(staff, req, staff.id)
    assert (req.state, req.assignee_id) == ("asignada", staff.id)
    services.assign(staff, req, advisor.id)
    assert (req.state, req.assignee_id) == ("asignada", advisor.id)
    with pytest.raises(ValidationError):
        services.assign(staff, req, advisor.id)  # already theirs
    services.change_state(staff, req, "en_atencion")
    services.assign(staff, req, staff.id)
    assert req.state == "en_atencion"  # reassigning keeps the work going


def test_unconfirmed_and_closed_requests_cannot_be_assigned(db, make_request, staff):
    with pytest.raises(ValidationError):
        services.assign(staff, make_request(state="por_confirmar"), staff.id)
    for state in ("concluida", "cancelada"):
        with pytest.raises(ValidationError):
            services.assign(staff, make_request(state=state), staff.id)


def test_moving_to_attention_is_first_contact(db, make_request, staff):
    req = make_request(state="asignada")
    services.change_state(staff, req, "en_atencion")
    assert req.first_contact_at is not None


# --- sessions and outcomes --------------------------------------------------------------------


def test_log_session(db, make_request, staff, clock, citizen):
    clock.set_local(2026, 3, 2)
    req = make_request(citizen, state="asignada")
    clock.set_local(2026, 3, 5)
    session = services.log_session(staff, req, _session())
    assert (session.held_on, session.duration_minutes, session.people_attended) == (
        date(2026, 3, 4), 90, 8)
    assert "<strong>notario</strong>" in session.next_steps_html
    assert req.first_contact_at == clock.now()
    assert req.activities[-1].kind == "session" and not req.activities[-1].internal


@pytest.mark.parametrize("field, value", [
    ("held_on", ""), ("held_on", "2026-03-06"), ("held_on", "2026-02-27"),
    ("held_on", "ayer"), ("modality", "telepatia"), ("municipality_code", "00000"),
    ("municipality_code", ""), ("duration_minutes", "0"), ("duration_minutes", "2000"),
    ("people_attended", ""), ("people_attended", "1.5"), ("topics", ""),
    ("topics", "t" * 2001), ("next_steps", "n" * 2001),
])
def test_bad_session_fields(db, make_request, staff, clock, field, value):
    clock.set_local(2026, 3, 2)
    req = make_request(state="asignada")
    clock.set_local(2026, 3, 5)
    with pytest.raises(ValidationError) as caught:
        services.log_session(staff, req, _session(**{field: value}))
    assert field in caught.value.errors
    assert req.sessions == []


def test_online_session_needs_no_municipality(db, make_request, staff, clock):
    clock.set_local(2026, 3, 2)
    req = make_request(state="asignada")
    session = services.log_session(staff, req, _session(held_on="2026-03-02",
                                                        modality="en_linea",
                                                        municipality_code=""))
    assert session.municipality_code is None


def test_sessions_need_an_assigned_open_case(db, make_request, staff):
    for state in ("recibida", "concluida", "cancelada"):
        with pytest.raises(ValidationError):
            services.log_session(staff, make_request(state=state), _session())


def test_record_outcome(db, make_request, staff, clock):
    clock.set_local(2026, 3, 2)
    req = make_request(state="en_atencion")
    with pytest.raises(ValidationError) as caught:
        services.record_outcome(staff, req, {"kind": "osc_constituida"})
    assert set(caught.value.errors) == {"achieved_on"}
    with pytest.raises(ValidationError) as caught:
        services.record_outcome(staff, req, {"kind": "premio"})
    assert set(caught.value.errors) == {"kind"}
    with pytest.raises(ValidationError):
        services.record_outcome(staff, req, {"kind": "cluni_obtenida",
                                             "achieved_on": "2026-03-09"})
    outcome = services.record_outcome(staff, req, {"kind": "osc_constituida",
                                                   "achieved_on": "2026-02-20",
                                                   "note": "Notaría 5"})
    assert outcome.achieved_on == date(2026, 2, 20)
    with pytest.raises(ValidationError) as caught:
        services.record_outcome(staff, req, {"kind": "osc_constituida",
                                             "achieved_on": "2026-02-20"})
    assert set(caught.value.errors) == {"kind"}
    assert len(req.outcomes) == 1


# --- concluding -------------------------------------------------------------------------------


@pytest.fixture
def concluded_signals():
    received = []

    def receiver(sender, **kwargs):
        received.append((sender, kwargs))

    advisory_concluded.connect(receiver)
    yield received
    advisory_concluded.disconnect(receiver)


def test_conclusion_needs_an_outcome(db, make_request, staff, concluded_signals):
    req = make_request(state="en_atencion")
    with pytest.raises(ValidationError) as caught:
        services.conclude(staff, req)
    assert set(caught.value.errors) == {"outcome"}
    with pytest.raises(ValidationError):
        services.change_state(staff, req, "concluida")
    assert req.state == "en_atencion" and concluded_signals == []


def test_conclusion_only_from_attention(db, make_request, staff):
    for state in ("recibida", "asignada", "en_espera"):
        req = make_request(state=state)
        if state != "recibida":
            services.record_outcome(staff, req, {"kind": "orientacion"})
        with pytest.raises(ValidationError):
            services.conclude(staff, req)
        assert req.state == state


def test_conclusion_fires_the_signal_once(db, make_request, staff, citizen,
                                          concluded_signals):
    req = make_request(citizen, state="en_atencion")
    services.record_outcome(staff, req, {"kind": "orientacion"})
    services.change_state(staff, req, "concluida")
    assert req.state == "concluida" and req.concluded_at is not None
    assert concluded_signals == [(None, {"request_id": req.id, "user_id": citizen.id,
                                         "email": citizen.email, "topic": "constituir",
                                         "municipality_code": "15106"})]
    with pytest.raises(ValidationError):
        services.conclude(staff, req)
    assert len(concluded_signals) == 1


def test_anonymous_conclusion_signal_carries_the_contact_address(db, make_request,
                                                                concluded_signals):
    req = make_request(None, state="concluida")
    assert concluded_signals[0][1]["user_id"] is None
    assert concluded_signals[0][1]["email"] == req.contact_email


def test_closed_requests_are_final(db, make_request, staff):
    for state in ("concluida", "cancelada"):
        req = make_request(state=state)
        for target in ALL_STATES:
            with pytest.raises(ValidationError):
                services.change_state(staff, req, target, "motivo")
        assert req.state == state


# --- the OSC registered after the advice ------------------------------------------------------


def test_registration_signal_links_the_requesters_osc(db, make_request, citizen, make_org):
    req = make_request(citizen, state="concluida")
    org = make_org(admin=citizen, status="pending")
    organization_registered.send(None, organization_id=org.id, user_id=citizen.id,
                                 reference=req.folio.lower())
    assert req.resulting_organization_id == org.id
    assert req.activities[-1].kind == "linked"


def test_registration_signal_ignores_other_people_and_linked_requests(db, make_request,
                                                                      citizen, other_citizen,
                                                                      make_org):
    req = make_request(citizen, state="concluida")
    stranger_org = make_org(admin=other_citizen, status="pending")
    organization_registered.send(None, organization_id=stranger_org.id,
                                 user_id=other_citizen.id, reference=req.folio)
    assert req.resulting_organization_id is None
    organization_registered.send(None, organization_id=stranger_org.id,
                                 user_id=citizen.id, reference="ASE-2026-NOPE2")
    organization_registered.send(None, organization_id=stranger_org.id,
                                 user_id=citizen.id, reference=None)
    assert req.resulting_organization_id is None
    own = make_org(admin=citizen, status="pending")
    organization_registered.send(None, organization_id=own.id, user_id=citizen.id,
                                 reference=req.folio)
    organization_registered.send(None, organization_id=stranger_org.id, user_id=citizen.id,
                                 reference=req.folio)
    assert req.resulting_organization_id == own.id


def test_an_anonymous_request_links_to_the_account_with_its_confirmed_address(
        db, make_request, make_user, make_org):
    req = make_request(None, state="concluida", contact_email="Grupo@Ejemplo.MX")
    stranger = make_user(email="otra@ejemplo.mx")
    org = make_org(admin=stranger, status="pending")
    organization_registered.send(None, organization_id=org.id, user_id=stranger.id,
                                 reference=req.folio)
    assert req.resulting_organization_id is None  # not the request's address

    requester = make_user(email="grupo@ejemplo.mx")
    requester.email_confirmed_at = None
    organization_registered.send(None, organization_id=org.id, user_id=requester.id,
                                 reference=req.folio)
    assert req.resulting_organization_id is None  # the address is not proven yet

    requester.email_confirmed_at = req.confirmed_at
    own = make_org(admin=requester, status="pending")
    organization_registered.send(None, organization_id=own.id, user_id=requester.id,
                                 reference=req.folio)
    assert req.resulting_organization_id == own.id


def test_link_organization_by_staff_or_member(db, make_request, staff, citizen,
                                              other_citizen, make_org):
    req = make_request(citizen, state="concluida")
    foreign = make_org(admin=other_citizen)
    with pytest.raises(PermissionDenied):
        services.link_organization(other_citizen, req, foreign.id)
    with pytest.raises(ValidationError):
        services.link_organization(citizen, req, foreign.id)  # not their OSC
    own = make_org(admin=citizen)
    services.link_organization(citizen, req, own.id)
    assert req.resulting_organization_id == own.id
    services.link_organization(staff, req, foreign.id)
    assert req.resulting_organization_id == foreign.id
    with pytest.raises(ValidationError):
        services.link_organization(staff, req, "x")
