"""Advisory services: creating, confirming, who sees what, messages and notes, what people
are told (notifications, mail outbox), the audit and the personal-data export."""

import re

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from community.advisory import services
from community.advisory.models import AdvisoryRequest
from community.core import personal_data
from community.core.audit import action_label
from community.core.errors import NotFound, PermissionDenied, ValidationError
from community.core.models import AuditEntry, Notification, OutgoingMail
from community.extensions import db
from community.profiles.models import Membership
from tests.advisory.conftest import request_data

FOLIO_RE = re.compile(r"ASE-\d{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{5}")


def _mails_to(db, address: str) -> list[OutgoingMail]:
    return list(db.session.scalars(select(OutgoingMail).where(
        OutgoingMail.recipient == address).order_by(OutgoingMail.id)))


def _notices(db, user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id).order_by(Notification.id)))


# --- creating ---------------------------------------------------------------------------------


def test_signed_in_request_enters_the_queue_at_once(db, citizen):
    req = services.create_request(citizen, request_data())
    db.session.commit()
    assert req.state == "recibida"
    assert req.confirmed_at is not None and req.user_id == citizen.id
    assert req.first_contact_due is not None and req.conclusion_due is not None
    assert [a.kind for a in req.activities] == ["created"]
    assert "<strong>constituir</strong>" in req.description_html
    assert [n.kind for n in _notices(db, citizen)] == ["advisory.received"]


def test_anonymous_request_waits_for_its_mail_link(db):
    req = services.create_request(None, request_data(), ip="203.0.113.9")
    db.session.commit()
    assert req.state == "por_confirmar" and req.confirmed_at is None and req.user_id is None
    assert req.first_contact_due is None
    [mail] = _mails_to(db, "rosa@ejemplo.mx")
    assert req.folio in mail.subject
    assert "/asesorias/confirmar/" in mail.body
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "advisory.created"))
    assert entry.ip == "203.0.113.9" and entry.actor_id is None


def test_folio_format_and_not_sequential(db, citizen):
    folios = [services.create_request(citizen, request_data()).folio for _ in range(12)]
    assert all(FOLIO_RE.fullmatch(folio) for folio in folios)
    assert len(set(folios)) == 12
    assert folios != sorted(folios)  # 12 random folios in order: 1 chance in 479 million


def test_folio_collision_is_retried(db, citizen, monkeypatch):
    first = services.create_request(citizen, request_data())
    taken = first.folio
    drawn = iter([taken, taken, "ASE-2026-QQQQQ"])
    monkeypatch.setattr(services, "new_folio", lambda year: next(drawn))
    second = services.create_request(citizen, request_data())
    assert second.folio == "ASE-2026-QQQQQ"


@pytest.mark.parametrize("field, value", [
    ("topic", "astrologia"), ("requester_kind", "empresa"), ("modality", "luna"),
    ("contact_preference", "paloma"), ("municipality_code", "99999"),
    ("description", ""), ("description", "x" * 5001), ("founders_count", "-3"),
    ("founders_count", "mil"), ("proposed_name", "n" * 201), ("contact_email", "rosa"),
    ("contact_name", ""), ("contact_phone", "12"),
])
def test_bad_fields_get_a_spanish_message_and_nothing_is_saved(db, field, value):
    with pytest.raises(ValidationError) as caught:
        services.create_request(None, request_data(**{field: value}))
    assert set(caught.value.errors) == {field}
    assert str(caught.value.errors[field])
    db.session.rollback()
    assert db.session.scalar(select(AdvisoryRequest.id)) is None


def test_all_bad_fields_are_reported_at_once(db):
    with pytest.raises(ValidationError) as caught:
        services.create_request(None, request_data(topic="", municipality_code="",
                                                   contact_email=""))
    assert {"topic", "municipality_code", "contact_email"} <= set(caught.value.errors)


def test_phone_is_required_for_phone_contact(db):
    with pytest.raises(ValidationError) as caught:
        services.create_request(None, request_data(contact_preference="whatsapp"))
    assert set(caught.value.errors) == {"contact_phone"}
    req = services.create_request(None, request_data(contact_preference="whatsapp",
                                                     contact_phone="722 123 4567"))
    assert req.contact_phone == "7221234567"


def test_signed_in_contact_defaults_to_the_account(db, citizen):
    req = services.create_request(citizen, request_data(contact_name="", contact_email=""))
    assert (req.contact_name, req.contact_email) == (citizen.name, citizen.email)


def test_osc_request_only_by_its_members(db, osc, other_citizen):
    data = request_data(requester_kind="osc", organization_id=str(osc.id), proposed_name="")
    with pytest.raises(ValidationError) as caught:
        services.create_request(other_citizen, data)
    assert set(caught.value.errors) == {"organization_id"}
    with pytest.raises(ValidationError):
        services.create_request(None, data)
    req = services.create_request(osc.admin, data)
    assert req.organization_id == osc.id and req.proposed_name == osc.name


def test_group_request_never_links_an_osc(db, osc):
    req = services.create_request(osc.admin, request_data(organization_id=str(osc.id)))
    assert req.organization_id is None


def test_osc_not_on_the_platform_needs_its_name(db):
    with pytest.raises(ValidationError) as caught:
        services.create_request(None, request_data(requester_kind="osc", proposed_name=""))
    assert set(caught.value.errors) == {"proposed_name"}


def test_proposed_name_is_plain_text_and_description_is_sanitized(db, citizen):
    req = services.create_request(citizen, request_data(
        proposed_name="<script>alert(1)</script> Unidas",
        description="<img src=x onerror=alert(1)>[a](javascript:alert(1)) hola"))
    assert req.proposed_name == "<script>alert(1)</script> Unidas"  # escaped by templates
    assert "onerror" not in req.description_html and "javascript:" not in req.description_html
    assert "<img" not in req.description_html


# --- confirming and the signed links ----------------------------------------------------------


def test_confirmation_moves_to_the_queue_once(db):
    req = services.create_request(None, request_data())
    token = services.confirmation_token(req)
    assert services.confirm_request(token) is req
    first_confirmed = req.confirmed_at
    assert req.state == "recibida" and first_confirmed is not None
    assert services.confirm_request(token) is req  # a mail scanner opening it again
    assert req.confirmed_at == first_confirmed
    assert [a.kind for a in req.activities] == ["created", "confirmed"]
    received = [m for m in _mails_to(db, "rosa@ejemplo.mx") if "fila" in m.subject]
    assert len(received) == 1 and "?t=" in received[0].body


def test_expired_or_forged_confirmation_is_refused(db, app, monkeypatch):
    req = services.create_request(None, request_data())
    token = services.confirmation_token(req)
    real_loads = URLSafeTimedSerializer.loads
    monkeypatch.setattr(URLSafeTimedSerializer, "loads",
                        lambda self, value, max_age=None, **kw: real_loads(
                            self, value, max_age=-1, **kw))
    with pytest.raises(ValidationError) as caught:
        services.confirm_request(token)
    assert "venció" in str(caught.value.errors["token"])
    monkeypatch.undo()
    for bad in ("", "x" * 500, token[:-2] + "AA", services.status_token(req)):
        with pytest.raises(ValidationError):
            services.confirm_request(bad)
    assert req.state == "por_confirmar"


def test_status_token_names_one_folio(db):
    one = services.create_request(None, request_data())
    two = services.create_request(None, request_data())
    token = services.status_token(one)
    assert services.request_for_token(one.folio, token) is one
    assert services.request_for_token(one.folio.lower(), token) is one
    for folio, bad in ((two.folio, token), (one.folio, services.status_token(two)),
                       (one.folio, services.confirmation_token(one)), (one.folio, None),
                       ("ASE-0000-ZZZZZ", token)):
        with pytest.raises(NotFound):
            services.request_for_token(folio, bad)


def test_expire_unconfirmed(db, clock):
    clock.set_local(2026, 3, 2)
    stale = services.create_request(None, request_data())
    clock.advance(days=3)
    fresh = services.create_request(None, request_data())
    clock.advance(days=5)
    assert services.expire_unconfirmed() == 1
    assert stale.state == "cancelada" and fresh.state == "por_confirmar"


# --- who sees what ----------------------------------------------------------------------------


@pytest.fixture
def cases(db, make_request, citizen, osc, other_osc):
    """One request by a citizen, one for an OSC by its admin, one anonymous."""
    return {
        "own": make_request(citizen),
        "osc": make_request(osc.admin, requester_kind="osc", organization_id=str(osc.id)),
        "anon": make_request(None),
    }


def _viewers(citizen, other_citizen, osc, other_osc, staff, make_user):
    member = make_user(name="Integrante")
    db.session.add(Membership(organization_id=osc.id, user_id=member.id, role="member",
                              status="active"))
    db.session.flush()
    return {"requester": citizen, "other": other_citizen, "member": member,
            "other_osc": other_osc.admin, "staff": staff, "anonymous": None}


VISIBILITY = {  # viewer -> which of the cases it sees (without a token)
    "requester": {"own"},
    "other": set(),
    "member": {"osc"},
    "other_osc": set(),
    "staff": {"own", "osc", "anon"},
    "anonymous": set(),
}


def test_permission_matrix(db, cases, citizen, other_citizen, osc, other_osc, staff,
                           make_user):
    viewers = _viewers(citizen, other_citizen, osc, other_osc, staff, make_user)
    for who, viewer in viewers.items():
        for name, req in cases.items():
            expected = name in VISIBILITY[who]
            assert services.can_view(viewer, req) is expected, (who, name)
            if expected:
                assert services.get_for_viewer(viewer, req.folio) is req
            else:
                with pytest.raises(NotFound):
                    services.get_for_viewer(viewer, req.folio)


def test_the_status_token_opens_only_its_request(db, cases):
    anon = cases["anon"]
    token = services.status_token(anon)
    assert services.get_for_viewer(None, anon.folio, token) is anon
    with pytest.raises(NotFound):
        services.get_for_viewer(None, cases["own"].folio, token)
    with pytest.raises(NotFound):
        services.get_for_viewer(None, anon.folio, token + "x")


def test_unknown_and_guessed_folios_are_not_found(db, cases, citizen):
    own = cases["own"]
    prefix, number = own.folio.rsplit("-", 1)
    for folio in ("", "ASE-2026-", f"{prefix}-{number[:-1]}", "x" * 5000, 123, None,
                  own.folio + "A"):
        with pytest.raises(NotFound):
            services.get_for_viewer(citizen, folio)


def test_only_staff_act_on_a_case(db, cases, citizen, osc):
    req = cases["own"]
    for actor in (citizen, osc.admin, None):
        with pytest.raises(PermissionDenied):
            services.assign(actor, req, actor.id if actor else 1)
        with pytest.raises(PermissionDenied):
            services.change_state(actor, req, "cancelada", "No")
        with pytest.raises(PermissionDenied):
            services.add_note(actor, req, "Nota")
        with pytest.raises(PermissionDenied):
            services.log_session(actor, req, {})
        with pytest.raises(PermissionDenied):
            services.record_outcome(actor, req, {"kind": "orientacion"})
        with pytest.raises(PermissionDenied):
            services.conclude(actor, req)


def test_assignee_must_be_staff(db, cases, staff, citizen):
    req = cases["own"]
    for bad in (citizen.id, 999_999, "abc", None):
        with pytest.raises(ValidationError) as caught:
            services.assign(staff, req, bad)
        assert set(caught.value.errors) == {"assignee_id"}
    assert req.state == "recibida"


def test_staff_choices_lists_active_staff(db, staff, advisor, citizen, make_user):
    make_user(role="staff", active=False, name="Baja")
    assert services.staff_choices() == sorted([(staff.id, staff.name),
                                               (advisor.id, advisor.name)],
                                              key=lambda pair: pair[1])


# --- messages, notes and the timeline ---------------------------------------------------------


def test_internal_notes_never_reach_the_requester(db, make_request, staff, advisor):
    req = make_request(None, state="asignada")
    token = services.status_token(req)
    services.assign(staff, req, advisor.id)
    services.add_note(staff, req, "SECRETO: el grupo ya tiene notario")
    services.post_message(staff, req, "Hola, ¿cuándo pueden reunirse?")
    db.session.commit()
    assert any(a.internal for a in services.timeline(staff, req))
    public = services.timeline(None, req, token)
    assert not any(a.internal for a in public)
    assert not any("SECRETO" in (a.body or "") for a in public)
    assert not any("SECRETO" in m.body for m in _mails_to(db, req.contact_email))
    assert any("cuándo pueden" in m.body for m in _mails_to(db, req.contact_email))
    # the note told the assignee, and only the assignee
    assert [n.kind for n in _notices(db, advisor)][-1] == "advisory.case"
    with pytest.raises(NotFound):
        services.timeline(None, req)


def test_staff_message_is_first_contact_and_notifies_the_account(db, make_request, citizen,
                                                                  staff):
    req = make_request(citizen, state="asignada")
    assert req.first_contact_at is None
    services.post_message(staff, req, "Te llamamos el lunes.")
    assert req.first_contact_at is not None
    assert _notices(db, citizen)[-1].kind == "advisory.message"
    assert _notices(db, citizen)[-1].url == f"/asesorias/{req.folio}"


def test_requester_message_resumes_a_waiting_request(db, make_request, citizen, staff):
    req = make_request(citizen, state="en_espera")
    item = services.post_message(citizen, req, "Ya tenemos los documentos.")
    assert item.from_requester and not item.internal
    assert req.state == "en_atencion" and req.paused_since is None
    assert _notices(db, staff)[-1].kind == "advisory.case"


def test_messages_are_refused_to_strangers_and_on_closed_requests(db, make_request, citizen,
                                                                 other_citizen, staff):
    req = make_request(citizen, state="concluida")
    with pytest.raises(NotFound):
        services.post_message(other_citizen, req, "hola")
    with pytest.raises(NotFound):
        services.post_message(None, req, "hola")
    with pytest.raises(ValidationError):
        services.post_message(citizen, req, "hola")
    open_req = make_request(citizen)
    for empty in ("", "   ", None):
        with pytest.raises(ValidationError) as caught:
            services.post_message(citizen, open_req, empty)
        assert set(caught.value.errors) == {"body"}
    with pytest.raises(ValidationError):
        services.post_message(citizen, open_req, "x" * 20_001)


def test_unconfirmed_request_takes_no_messages(db, make_request):
    req = make_request(None, state="por_confirmar")
    with pytest.raises(ValidationError):
        services.post_message(None, req, "hola", token=services.status_token(req))


def test_messages_and_notes_are_sanitized(db, make_request, citizen, staff):
    req = make_request(citizen)
    message = services.post_message(citizen, req, "<script>x()</script>**ok**")
    note = services.add_note(staff, req, '<a href="javascript:x()">a</a>')
    assert "<script>" not in message.body_html and "<strong>ok</strong>" in message.body_html
    assert "javascript:" not in note.body_html


def test_cancel_own(db, make_request, citizen, other_citizen, staff):
    req = make_request(citizen, state="asignada")
    with pytest.raises(NotFound):
        services.cancel_own(other_citizen, req, "no")
    services.cancel_own(citizen, req, "Ya lo resolvimos.")
    assert req.state == "cancelada" and req.cancel_reason == "Ya lo resolvimos."
    assert req.activities[-1].from_requester
    with pytest.raises(ValidationError):
        services.cancel_own(citizen, req, "otra vez")


def test_anonymous_cancel_with_token(db, make_request):
    req = make_request(None)
    with pytest.raises(NotFound):
        services.cancel_own(None, req, "")
    services.cancel_own(None, req, "", token=services.status_token(req))
    assert req.state == "cancelada" and req.cancel_reason


# --- audit and notifications of staff decisions -----------------------------------------------


def test_staff_decisions_are_audited(db, make_request, citizen, staff):
    req = make_request(citizen, state="concluida")
    actions = [e.action for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.target_id == str(req.id)).order_by(AuditEntry.id))]
    assert actions == ["advisory.created", "advisory.assign", "advisory.state",
                       "advisory.outcome", "advisory.conclude"]
    assert all(action_label(a) != a for a in actions)


def test_every_change_tells_the_requester(db, make_request, citizen):
    req = make_request(citizen, state="concluida")
    kinds = [n.kind for n in _notices(db, citizen)]
    assert kinds == ["advisory.received", "advisory.assigned", "advisory.state",
                     "advisory.concluded"]
    assert req.folio in _notices(db, citizen)[-1].message


def test_anonymous_requester_is_told_by_mail(db, make_request):
    req = make_request(None, state="concluida")
    subjects = [m.subject for m in _mails_to(db, req.contact_email)]
    assert len(subjects) == 5  # confirm, received, assigned, en atención, concluded
    body = _mails_to(db, req.contact_email)[-1].body
    assert f"/asesorias/{req.folio}?t=" in body


# --- personal data ----------------------------------------------------------------------------


def test_export_has_the_requests_without_internal_notes(db, make_request, citizen, staff):
    req = make_request(citizen, state="asignada")
    services.add_note(staff, req, "SECRETO interno")
    services.post_message(staff, req, "Mensaje para ti")
    db.session.commit()
    exported = personal_data.export_sections(citizen)["advisory_requests"]
    assert [item["folio"] for item in exported] == [req.folio]
    assert "SECRETO" not in repr(exported)
    assert exported[0]["messages"][0]["body"] == "Mensaje para ti"


def test_closing_the_account_blanks_contact_and_keeps_statistics(db, make_request, citizen):
    req = make_request(citizen, state="en_atencion", contact_phone="722 123 4567")
    services.post_message(citizen, req, "Mi teléfono personal es 722...")
    db.session.commit()
    personal_data.run_on_close(citizen)
    db.session.commit()
    db.session.refresh(req)
    assert (req.contact_name, req.contact_email, req.contact_phone) == ("", "", None)
    assert "vecinas" not in req.description
    assert all("722" not in (a.body or "") for a in req.activities if a.from_requester)
    assert (req.topic, req.municipality_code, req.state) == ("constituir", "15106",
                                                             "en_atencion")
