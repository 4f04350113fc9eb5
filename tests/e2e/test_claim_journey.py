"""An OSC imported from the padrón has no admin: a member of it, on a phone, finds it in the
directory, claims it with the code mailed to the padrón's e-mail (read from the outbox, as
whoever holds that mailbox would pass it on) and edits its profile."""

import re

from playwright.sync_api import expect

from community.profiles import claims
from tests.e2e.test_account_journey import assert_no_horizontal_scroll
from tests.e2e.test_registry_journey import sign_in
from tests.profiles.test_claims import BUTTON, REGISTRY_EMAIL, _pdf, _upload, make_unclaimed

ORG_NAME = "Unión de Colonos de Ecatepec"


def code_from_mail(outbox) -> str:
    for message in reversed(outbox):
        if message.recipients == [REGISTRY_EMAIL]:
            return re.search(r"^\s+(\d{6})\s*$", message.body, re.M).group(1)
    raise AssertionError(f"no mail to {REGISTRY_EMAIL}: {[m.recipients for m in outbox]}")


def test_a_member_claims_the_imported_osc_by_code_on_a_phone(phone, db, make_user, outbox,
                                                             axe):
    org = make_unclaimed(db, name=ORG_NAME)
    member = make_user(email="tesorera@colonosecatepec.org.mx", name="Tesorera Colonos")
    sign_in(phone, member.email)

    phone.goto("/osc/municipios")
    phone.get_by_role("main").get_by_role("link", name="Ecatepec de Morelos",
                                          exact=True).first.click()
    expect(phone).to_have_url(re.compile(r"/osc/municipios/15033"))
    phone.get_by_role("link", name=ORG_NAME).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(ORG_NAME)
    assert_no_horizontal_scroll(phone)
    axe.assert_accessible(phone, "unclaimed profile")

    phone.get_by_role("link", name=BUTTON).click()
    expect(phone).to_have_url(re.compile(rf"/osc/{org.slug}/administrar$"))
    expect(phone.get_by_role("main")).to_contain_text("r***@dominio.mx")
    expect(phone.get_by_role("main")).not_to_contain_text(REGISTRY_EMAIL)
    assert_no_horizontal_scroll(phone)
    axe.assert_accessible(phone, "claim page")
    phone.get_by_role("button", name="Enviar el código").click()
    expect(phone.get_by_role("status")).to_contain_text("r***@dominio.mx")

    code = code_from_mail(outbox)
    field = phone.get_by_label("Código de 6 dígitos")
    field.fill("000000" if code != "000000" else "111111")
    phone.get_by_role("button", name="Verificar código").click()
    expect(phone.locator("#code-error")).to_contain_text("El código no coincide")
    assert_no_horizontal_scroll(phone)
    axe.assert_accessible(phone, "wrong code")

    phone.get_by_label("Código de 6 dígitos").fill(code)
    phone.get_by_role("button", name="Verificar código").click()
    expect(phone).to_have_url(re.compile(rf"/osc/{org.slug}/editar$"))
    expect(phone.get_by_role("status")).to_contain_text("Ya administras")

    phone.get_by_label("Misión").fill("Mejoramos las calles y parques de nuestra colonia.")
    phone.get_by_label(re.compile(r"^IX\. ")).check()
    phone.get_by_role("button", name=re.compile("Guardar")).first.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(ORG_NAME)
    expect(phone.get_by_role("main")).to_contain_text("calles y parques")
    expect(phone.get_by_role("link", name=BUTTON)).to_have_count(0)
    axe.assert_accessible(phone, "claimed profile as its admin")


def test_staff_decide_two_claims_on_the_same_osc(page, db, make_user, staff, axe):
    org = make_unclaimed(db, name=ORG_NAME)
    first = make_user(name="Ana Primera")
    second = make_user(name="Beto Segundo")
    for person in (first, second):
        claims.start_document_claim(person, org, _upload(_pdf()), "acta")
    db.session.commit()

    sign_in(page, staff.email)
    page.goto("/personal/registro")
    section = page.locator("article", has_text=ORG_NAME)
    expect(section).to_contain_text("2 personas piden administrar esta organización")
    axe.assert_accessible(page, "validation queue with claims")
    second_block = section.locator(".claim", has_text="Beto Segundo")
    second_block.get_by_role("button", name="Aprobar").click()
    expect(page.get_by_role("status")).to_contain_text("Beto Segundo")
    expect(page.get_by_role("main")).to_contain_text("No hay solicitudes pendientes.")
    db.session.rollback()  # see what the server committed
    assert claims.has_admin(org)


def test_a_member_finds_a_pending_osc_by_rfc_on_a_phone(phone, db, make_user, axe):
    """An OSC the padrón gave as pending has no public profile: its member starts from the
    directory's link, types the RFC as it is written on paper, and reaches the claim page."""
    org = make_unclaimed(db, name="Colectivo Pendiente de Texcoco", status="pending")
    org.rfc = "ABC010203AB9"
    db.session.commit()
    member = make_user(email="secretaria@colectivotexcoco.org.mx", name="Secretaria Colectivo")
    sign_in(phone, member.email)

    phone.goto("/osc")
    phone.get_by_role("link", name="¿Tu organización está en el padrón? Solicita "
                                    "administrarla").click()
    field = phone.get_by_label("RFC o CLUNI de la organización")
    field.fill("abc 0102")
    phone.get_by_role("button", name="Buscar mi organización").click()
    expect(phone.locator("#identificador-error")).to_contain_text("RFC de persona moral")
    expect(field).to_have_attribute("aria-invalid", "true")  # the message is tied to it
    axe.assert_accessible(phone, "finder with an error")

    phone.get_by_label("RFC o CLUNI de la organización").fill("abc-010203-ab9")
    phone.get_by_role("button", name="Buscar mi organización").click()
    expect(phone.get_by_role("main")).to_contain_text("Colectivo Pendiente de Texcoco")
    assert_no_horizontal_scroll(phone)
    axe.assert_accessible(phone, "finder with its result")
    phone.get_by_role("link", name="Solicitar administrarla").click()
    expect(phone).to_have_url(re.compile(rf"/osc/{org.slug}/administrar$"))
    expect(phone.get_by_role("main")).to_contain_text("su perfil aún no es público")
    expect(phone.get_by_role("button", name="Enviar el código")).to_be_visible()
