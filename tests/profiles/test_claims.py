"""Claiming an unclaimed OSC: by a code mailed to the padrón's e-mail of the OSC (expiring,
single use, five tries), or by a document staff review; never an OSC that has an admin."""

import io
import re
from datetime import timedelta

import pytest
from fpdf import FPDF
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from community.core.errors import PermissionDenied, ValidationError
from community.core.models import AuditEntry, Notification
from community.core.text import fold
from community.core.timeutil import utcnow
from community.profiles import claims, services
from community.profiles.models import (
    Organization,
    OrganizationClaim,
    OrganizationDocument,
)
from tests.conftest import client_as, field_error, post_form

REGISTRY_EMAIL = "registro.osc@dominio.mx"
BUTTON = "¿Formas parte de esta organización? Solicita administrarla"


def make_unclaimed(db, name="Unión de Colonos de Ecatepec", email=REGISTRY_EMAIL,
                   status="validated") -> Organization:
    """An OSC as the padrón import leaves it: no membership, its source and e-mail kept."""
    now = utcnow()
    slug = fold(name).replace(" ", "-")
    org = Organization(slug=slug, name=name, name_folded=fold(name), status=status,
                       municipality_code="15033", validated_at=now - timedelta(days=800)
                       if status == "validated" else None, imported_at=now,
                       source_file="padron.csv", source_row=7, registry_email=email)
    db.session.add(org)
    db.session.commit()
    return org


def _pdf() -> io.BytesIO:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Acta constitutiva")
    return io.BytesIO(bytes(pdf.output()))


def _upload(data=None, name="acta.pdf") -> FileStorage:
    return FileStorage(stream=data or _pdf(), filename=name, content_type="application/pdf")


def _code(outbox) -> str:
    message = outbox[-1]
    return re.search(r"^\s+(\d{6})\s*$", message.body, re.M).group(1)


def _actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.like("claim.%")).order_by(AuditEntry.id)))


@pytest.fixture
def org(db):
    return make_unclaimed(db)


# --- by e-mail code -------------------------------------------------------------------------


def test_code_goes_to_the_padron_email_and_makes_the_person_admin(db, org, make_user, outbox):
    person = make_user()
    assert claims.can_claim(person, org) and claims.email_offered(person, org)
    claim = claims.start_email_claim(person, org)
    db.session.commit()
    assert len(outbox) == 1 and outbox[0].recipients == [REGISTRY_EMAIL]
    code = _code(outbox)
    assert claim.code_hash and code not in claim.code_hash and len(claim.code_hash) == 64
    assert claim.code_expires_at - utcnow() > timedelta(minutes=29)
    assert claims.masked_email(org.registry_email) == "r***@dominio.mx"

    assert claims.verify_code(person, claim, f" {code[:3]} {code[3:]} ") == "approved"
    db.session.commit()
    assert services.is_org_admin(person, org) and claim.status == "approved"
    assert not claims.is_unclaimed(org) and org.confirmed_at is not None
    notice = db.session.scalar(select(Notification).where(Notification.user_id == person.id))
    assert notice.message.startswith("Confirma los datos de tu OSC")
    assert notice.url == f"/osc/{org.slug}/editar"
    assert _actions(db) == ["claim.code_sent", "claim.approved"]


def test_a_code_works_once(db, org, make_user, outbox):
    person = make_user()
    claim = claims.start_email_claim(person, org)
    db.session.commit()
    code = _code(outbox)
    claims.verify_code(person, claim, code)
    db.session.commit()
    with pytest.raises(ValidationError) as error:
        claims.verify_code(person, claim, code)
    assert "ya no está activa" in str(error.value.errors["code"])


def test_a_code_expires_after_thirty_minutes(db, org, make_user, outbox):
    person = make_user()
    claim = claims.start_email_claim(person, org)
    db.session.commit()
    code = _code(outbox)
    claim.code_expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert claims.pending_claim_of(person, org) is None  # over, even before anyone says so
    with pytest.raises(ValidationError) as error:
        claims.verify_code(person, claim, code)
    db.session.commit()
    assert "venció" in str(error.value.errors["code"]) and claim.status == "expired"
    assert claims.is_unclaimed(org) and claims.can_claim(person, org)
    assert "claim.expired" in _actions(db)


def test_five_wrong_tries_expire_the_claim(db, org, make_user, outbox):
    person = make_user()
    claim = claims.start_email_claim(person, org)
    db.session.commit()
    code = _code(outbox)
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(ValidationError) as error:
            claims.verify_code(person, claim, wrong)
        db.session.commit()
        assert f"Te quedan {left} intentos" in str(error.value.errors["code"])
    with pytest.raises(ValidationError) as error:
        claims.verify_code(person, claim, wrong)
    db.session.commit()
    assert "se agotaron los intentos" in str(error.value.errors["code"])
    assert claim.status == "expired" and claim.attempts == 5
    with pytest.raises(ValidationError):
        claims.verify_code(person, claim, code)  # the right code is no use any more
    assert claims.is_unclaimed(org)
    assert _actions(db).count("claim.code_failed") == 5


def test_only_the_claimant_types_the_code(db, org, make_user, outbox):
    person, stranger = make_user(), make_user()
    claim = claims.start_email_claim(person, org)
    db.session.commit()
    from community.core.errors import NotFound

    with pytest.raises(NotFound):
        claims.verify_code(stranger, claim, _code(outbox))


def test_no_code_without_a_padron_email(db, make_user):
    org = make_unclaimed(db, email=None)
    person = make_user()
    assert claims.can_claim(person, org) and not claims.email_offered(person, org)
    with pytest.raises(ValidationError):
        claims.start_email_claim(person, org)


# --- who may claim ----------------------------------------------------------------------


def test_nobody_claims_an_osc_that_has_an_admin(db, make_org, make_user):
    claimed = make_org()
    person = make_user()
    assert not claims.is_unclaimed(claimed)
    assert "ya tiene quien la administre" in str(claims.claim_block(person, claimed))
    claimed.registry_email = REGISTRY_EMAIL
    with pytest.raises(PermissionDenied):
        claims.start_email_claim(person, claimed)
    with pytest.raises(PermissionDenied):
        claims.start_document_claim(person, claimed, _upload(), "acta")


def test_only_a_confirmed_account_and_one_claim_at_a_time(db, org, make_user, outbox):
    from flask_login import AnonymousUserMixin

    assert not claims.can_claim(AnonymousUserMixin(), org)
    unconfirmed = make_user(confirmed=False)
    assert "Confirma tu correo" in str(claims.claim_block(unconfirmed, org))
    person = make_user()
    claims.start_email_claim(person, org)
    db.session.commit()
    assert "Ya tienes una solicitud pendiente" in str(claims.claim_block(person, org))
    with pytest.raises(PermissionDenied):
        claims.start_document_claim(person, org, _upload(), "acta")


# --- by document, through staff -------------------------------------------------------------


def test_a_document_claim_waits_for_staff_who_approve(db, org, make_user, staff, outbox):
    person = make_user()
    claim = claims.start_document_claim(person, org, _upload(), "cluni")
    db.session.commit()
    document = db.session.get(OrganizationDocument, claim.document_id)
    assert document.organization_id == org.id and document.kind == "cluni"
    assert claim.status == "pending" and claims.is_unclaimed(org)
    assert [(o.id, [c.id for c in group]) for o, group in claims.review_queue(staff)] == [
        (org.id, [claim.id])]
    assert claims.waiting_for_staff() == (1, claim.created_at)
    with pytest.raises(PermissionDenied):
        claims.approve(person, claim)
    with pytest.raises(PermissionDenied):
        claims.review_queue(person)
    claims.approve(staff, claim)
    db.session.commit()
    assert services.is_org_admin(person, org) and claim.decided_by_id == staff.id
    assert [m.recipients for m in outbox] == [[person.email]]
    assert "ya administras el perfil" in outbox[0].body
    assert claims.review_queue(staff) == []
    assert _actions(db) == ["claim.document_sent", "claim.approved"]


def test_a_document_is_judged_by_its_content(db, org, make_user):
    person = make_user()
    with pytest.raises(ValidationError) as error:
        claims.start_document_claim(person, org, _upload(io.BytesIO(b"MZ\x90 not a pdf"),
                                                         "acta.pdf"), "acta")
    assert "document" in error.value.errors
    with pytest.raises(ValidationError) as error:
        claims.start_document_claim(person, org, _upload(), "sat")
    assert "kind" in error.value.errors


def test_staff_refuse_with_a_reason_and_the_person_is_told(db, org, make_user, staff, outbox):
    person = make_user()
    claim = claims.start_document_claim(person, org, _upload(), "acta")
    db.session.commit()
    with pytest.raises(ValidationError) as error:
        claims.refuse(staff, claim, "  ")
    assert "reason" in error.value.errors
    claims.refuse(staff, claim, "El acta es de otra asociación.")
    db.session.commit()
    assert claim.status == "refused" and claim.reason == "El acta es de otra asociación."
    assert db.session.scalar(select(OrganizationDocument)) is None
    assert "El acta es de otra asociación." in outbox[0].body
    notice = db.session.scalar(select(Notification).where(Notification.user_id == person.id))
    assert "Revisamos tu solicitud" in notice.message
    assert claims.is_unclaimed(org) and claims.can_claim(person, org)
    with pytest.raises(ValidationError):
        claims.approve(staff, claim)


def test_two_people_claiming_go_to_staff(db, org, make_user, staff, outbox):
    first, second = make_user(name="Ana Primera"), make_user(name="Beto Segundo")
    first_claim = claims.start_email_claim(first, org)
    db.session.commit()
    code = _code(outbox)
    # The second person is not offered the code: their document goes to staff.
    assert not claims.email_offered(second, org)
    with pytest.raises(ValidationError):
        claims.start_email_claim(second, org)
    second_claim = claims.start_document_claim(second, org, _upload(), "acta")
    db.session.commit()
    # The first one's code still proves the mailbox, but no longer decides alone.
    assert claims.verify_code(first, first_claim, code) == "review"
    db.session.commit()
    assert claims.is_unclaimed(org)
    (queued_org, group), = claims.review_queue(staff)
    assert queued_org.id == org.id and {c.id for c in group} == {first_claim.id,
                                                                  second_claim.id}
    claims.approve(staff, second_claim)
    db.session.commit()
    assert services.is_org_admin(second, org) and not services.is_org_admin(first, org)
    assert first_claim.status == "refused" and first_claim.reason == claims.TAKEN_REASON
    told = {m.recipients[0]: m.body for m in outbox if m.recipients != [REGISTRY_EMAIL]}
    assert claims.TAKEN_REASON in told[first.email]
    assert "claim.code_verified" in _actions(db)


def test_approving_one_refuses_the_others_waiting(db, org, make_user, staff, outbox):
    people = [make_user() for _ in range(3)]
    made = [claims.start_document_claim(p, org, _upload(), "acta") for p in people]
    db.session.commit()
    claims.approve(staff, made[1])
    db.session.commit()
    assert [c.status for c in made] == ["refused", "approved", "refused"]
    assert {c.reason for c in (made[0], made[2])} == {claims.TAKEN_REASON}
    assert db.session.scalar(select(OrganizationDocument.id)) == made[1].document_id


def test_withdrawing_frees_the_person(db, org, make_user, outbox):
    person = make_user()
    claim = claims.start_email_claim(person, org)
    db.session.commit()
    claims.withdraw(person, claim)
    db.session.commit()
    assert claim.status == "withdrawn" and claims.can_claim(person, org)


# --- through HTTP ---------------------------------------------------------------------------


def test_the_cached_profile_invites_everyone_to_claim(app, client, db, org, make_org):
    html = client.get(f"/osc/{org.slug}").get_data(as_text=True)
    assert BUTTON in html and f'href="/osc/{org.slug}/administrar"' in html
    assert REGISTRY_EMAIL not in html
    assert BUTTON in client.get(f"/osc/{org.slug}").get_data(as_text=True)  # from the cache
    assert BUTTON not in client.get(f"/osc/{make_org().slug}").get_data(as_text=True)
    response = client.get(f"/osc/{org.slug}/administrar")
    assert response.status_code == 302 and "/cuenta/entrar" in response.headers["Location"]


def test_claim_by_code_over_http(app, client, db, org, make_user, outbox):
    person = make_user()
    assert BUTTON in client.get(f"/osc/{org.slug}").get_data(as_text=True)  # cached anonymous
    browser = client_as(app, person)
    page = f"/osc/{org.slug}/administrar"
    html = browser.get(page).get_data(as_text=True)
    assert "r***@dominio.mx" in html and REGISTRY_EMAIL not in html
    response = post_form(browser, page, {"method": "email"}, page=page)
    assert response.status_code == 302
    html = browser.get(page).get_data(as_text=True)
    assert ("Se envió un código al correo que el padrón tiene para esta organización, "
            "r***@dominio.mx") in html and REGISTRY_EMAIL not in html
    code = _code(outbox)
    wrong = "000000" if code != "000000" else "111111"
    response = post_form(browser, f"{page}/codigo", {"code": wrong}, page=page)
    assert response.status_code == 422
    assert "El código no coincide. Te quedan 4 intentos." in field_error(
        response.get_data(as_text=True), "code")
    response = post_form(browser, f"{page}/codigo", {"code": code}, page=page)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/osc/{org.slug}/editar"
    assert browser.get(f"/osc/{org.slug}/editar").status_code == 200
    # The anonymous page was cached with the button: the claim made it stale.
    assert BUTTON not in client.get(f"/osc/{org.slug}").get_data(as_text=True)
    response = post_form(browser, f"{page}/codigo", {"code": code}, page=page)
    assert response.status_code == 303


def test_the_claim_page_refuses_an_osc_with_an_admin(app, db, make_org, make_user):
    claimed = make_org()
    browser = client_as(app, make_user())
    page = f"/osc/{claimed.slug}/administrar"
    html = browser.get(page).get_data(as_text=True)
    assert "ya tiene quien la administre" in html and "Enviar el código" not in html
    assert post_form(browser, page, {"method": "email"}, page=page).status_code == 403


def test_document_claim_and_staff_decisions_over_http(app, db, org, make_user, staff, outbox):
    first, second = make_user(name="Ana Primera"), make_user(name="Beto Segundo")
    page = f"/osc/{org.slug}/administrar"
    for person, name in ((first, "Acta 2010.pdf"), (second, "CLUNI.pdf")):
        browser = client_as(app, person)
        response = post_form(browser, page, {"method": "document", "kind": "acta",
                                             "document": (_pdf(), name)},
                             page=page, content_type="multipart/form-data")
        assert response.status_code == 302
        assert "en revisión" in browser.get(page).get_data(as_text=True)
    desk = client_as(app, staff)
    console = desk.get("/personal").get_data(as_text=True)
    assert "Solicitudes para administrar una OSC" in console and "#claims-title" in console
    html = desk.get("/personal/registro").get_data(as_text=True)
    assert "Solicitudes para administrar una OSC" in html
    assert "Ana Primera" in html and "Beto Segundo" in html
    first_claim, second_claim = db.session.scalars(
        select(OrganizationClaim).order_by(OrganizationClaim.id))
    decide = f"/personal/administrar/{first_claim.id}/decision"
    response = post_form(desk, decide, {"decision": "reject", "reason": ""},
                         page="/personal/registro")
    assert response.status_code == 303 and first_claim.status == "pending"
    response = post_form(desk, f"/personal/administrar/{second_claim.id}/decision",
                         {"decision": "approve"}, page="/personal/registro")
    assert response.status_code == 302
    db.session.expire_all()
    assert services.is_org_admin(second, org)
    assert first_claim.status == "refused" and first_claim.reason == claims.TAKEN_REASON
    assert "No hay solicitudes pendientes." in desk.get("/personal/registro").get_data(
        as_text=True)
    assert post_form(client_as(app, first), decide, {"decision": "approve"},
                     page="/").status_code == 403


def test_a_bad_document_is_explained_next_to_the_field(app, db, org, make_user):
    browser = client_as(app, make_user())
    page = f"/osc/{org.slug}/administrar"
    response = post_form(browser, page, {"method": "document", "kind": "acta",
                                         "document": (io.BytesIO(b"<html>no</html>"),
                                                      "acta.pdf")},
                         page=page, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "PDF" in field_error(response.get_data(as_text=True), "document")


def test_code_tries_are_rate_limited(app, db, org, make_user, outbox):
    app.config["RATELIMIT_CLAIM_CODE"] = "3 per minute"
    browser = client_as(app, make_user())
    page = f"/osc/{org.slug}/administrar"
    post_form(browser, page, {"method": "email"}, page=page)
    wrong = "000000" if _code(outbox) != "000000" else "111111"
    statuses = [post_form(browser, f"{page}/codigo", {"code": wrong}, page=page).status_code
                for _ in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_starting_claims_is_rate_limited(app, db, org, make_user, outbox):
    app.config["RATELIMIT_CLAIM"] = "2 per hour"
    browser = client_as(app, make_user())
    page = f"/osc/{org.slug}/administrar"
    statuses = []
    for _ in range(3):
        statuses.append(post_form(browser, page, {"method": "email"}, page=page).status_code)
        post_form(browser, f"{page}/cancelar", page=page)
    assert statuses == [302, 302, 429]
    assert len(outbox) == 2


def test_a_late_code_is_told_it_expired(app, db, org, make_user, outbox):
    person = make_user()
    browser = client_as(app, person)
    page = f"/osc/{org.slug}/administrar"
    post_form(browser, page, {"method": "email"}, page=page)
    code = _code(outbox)
    claim = db.session.scalar(select(OrganizationClaim))
    claim.code_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = post_form(browser, f"{page}/codigo", {"code": code}, page=page)
    assert response.status_code == 422
    assert "El código venció" in field_error(response.get_data(as_text=True), "code")
    db.session.expire_all()
    assert claim.status == "expired" and claims.is_unclaimed(org)
    assert "Enviar el código" in browser.get(page).get_data(as_text=True)


# --- finding the OSC by its RFC or CLUNI ---------------------------------------------------

FIND = "/osc/administrar"
RFC = "ABC010203AB9"
CLUNI = "ABC0503101501A"


@pytest.fixture
def pending(db):
    """An OSC the padrón gave as pending: no public profile, no admin."""
    org = make_unclaimed(db, name="Colectivo Pendiente de Texcoco", status="pending")
    org.rfc, org.cluni = RFC, CLUNI
    db.session.commit()
    return org


@pytest.mark.parametrize("typed", [RFC, "abc-010203-ab9", " ABC 010203 AB9 ", CLUNI,
                                   "abc0503101501a"])
def test_an_osc_is_found_by_its_rfc_or_cluni_whatever_its_status(db, pending, typed):
    assert claims.find_by_identifier(typed) == pending


def test_an_inactive_or_unknown_osc_is_not_found(db, pending):
    assert claims.find_by_identifier("XYZ010203AB1") is None
    pending.status = "inactive"
    db.session.commit()
    assert claims.find_by_identifier(RFC) is None


@pytest.mark.parametrize("typed, message", [
    ("", "Escribe el RFC o la CLUNI"),
    ("hola", "Escribe un RFC de persona moral"),
    ("X" * 41, "41"),
])
def test_a_bad_identifier_is_explained(db, typed, message):
    with pytest.raises(ValidationError) as error:
        claims.find_by_identifier(typed)
    assert message in str(error.value.errors[claims.IDENTIFIER_FIELD])


def test_a_pending_osc_is_claimed_after_finding_it_by_rfc(app, db, pending, make_user, outbox):
    browser = client_as(app, make_user())
    page = f"/osc/{pending.slug}/administrar"
    assert browser.get(page).status_code == 404  # not public: reachable only once found
    html = browser.get(f"{FIND}?identificador=abc-010203-ab9").get_data(as_text=True)
    assert "Colectivo Pendiente de Texcoco" in html and f'href="{page}"' in html
    html = browser.get(page).get_data(as_text=True)
    assert "su perfil aún no es público" in html and "Volver al perfil" not in html
    assert post_form(browser, page, {"method": "email"}, page=page).status_code == 302
    response = post_form(browser, f"{page}/codigo", {"code": _code(outbox)}, page=page)
    assert response.headers["Location"] == f"/osc/{pending.slug}/editar"
    assert not claims.is_unclaimed(pending)


def test_finding_one_osc_opens_no_other(app, db, pending, make_user):
    other = make_unclaimed(db, name="Otra Pendiente de Chalco", status="pending")
    browser = client_as(app, make_user())
    browser.get(f"{FIND}?identificador={RFC}")
    assert browser.get(f"/osc/{other.slug}/administrar").status_code == 404
    assert client_as(app, make_user()).get(
        f"/osc/{pending.slug}/administrar").status_code == 404  # nor for another person


def test_an_osc_with_an_admin_is_named_but_not_offered(app, db, make_org, make_user):
    claimed = make_org(name="Fundación con Administradora")
    claimed.rfc = RFC
    db.session.commit()
    html = client_as(app, make_user()).get(f"{FIND}?identificador={RFC}").get_data(
        as_text=True)
    assert "Fundación con Administradora" in html and "ya tiene quien la administre" in html
    assert "Solicitar administrarla" not in html


def test_a_bad_identifier_is_a_400_next_to_the_field(app, db, make_user):
    response = client_as(app, make_user()).get(f"{FIND}?identificador=hola")
    assert response.status_code == 400
    assert "Escribe un RFC de persona moral" in field_error(
        response.get_data(as_text=True), claims.IDENTIFIER_FIELD)
    html = client_as(app, make_user()).get(f"{FIND}?identificador=XYZ010203AB1").get_data(
        as_text=True)
    assert "No encontramos una organización con ese RFC o CLUNI" in html


def test_lookups_are_rate_limited_but_not_the_form(app, db, pending, make_user):
    app.config["RATELIMIT_CLAIM_FIND"] = "2 per hour"
    browser = client_as(app, make_user())
    statuses = [browser.get(f"{FIND}?identificador={RFC}").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert browser.get(FIND).status_code == 200
