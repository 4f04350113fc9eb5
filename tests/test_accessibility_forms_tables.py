"""Issue 12, item 8: unique ids on /cuenta, keyboard-scrollable tables, and a staff decision
panel whose destructive action stands apart from the primary one."""

import re
from collections import Counter
from pathlib import Path

from tests.conftest import client_as, post_form


def _ids(body: str) -> Counter:
    return Counter(re.findall(r'\sid="([^"]+)"', body))


def test_account_settings_labels_point_to_their_own_form(client, signed_in):
    signed_in()
    body = client.get("/cuenta").get_data(as_text=True)
    ids = _ids(body)
    assert ids["current_password"] == 1 and ids["email-current-password"] == 1
    email_form = body[body.index('action="/cuenta/correo"'):]
    email_form = email_form[:email_form.index("</form>")]
    assert 'for="email-current-password"' in email_form
    assert 'name="current_password"' in email_form  # the POST name the view reads


def test_changing_the_email_still_reads_current_password(client, signed_in, outbox):
    signed_in()
    response = post_form(client, "/cuenta/correo", {"new_email": "nueva@ejemplo.mx",
                                                   "current_password": "incorrecta-123"},
                         page="/cuenta")
    assert response.status_code == 422
    assert 'id="email-current-password"' in response.get_data(as_text=True)


def test_every_table_wrap_is_a_focusable_named_region():
    for path in Path("templates").rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        assert '<div class="table-wrap"' not in source, path


def test_staff_queue_tables_and_decisions(app, staff, make_org):
    org = make_org(status="pending")
    client = client_as(app, staff)
    body = client.get("/personal/registro").get_data(as_text=True)
    wraps = re.findall(r'<div class="table-wrap"[^>]*>', body)
    for wrap in wraps:
        assert 'tabindex="0"' in wrap and 'role="region"' in wrap and 'aria-label="' in wrap
    item = body[body.index(org.name):]
    validate = re.search(r'<form[^>]*class="decision__primary".*?</form>', item, re.S).group(0)
    assert 'value="validate"' in validate and "<textarea" not in validate
    reject = re.search(r'<details class="decision__reject">.*?</details>', item, re.S).group(0)
    assert 'value="reject"' in reject and "button--danger" in reject
    assert 'value="validate"' not in reject


def test_decisions_still_work_from_the_separate_forms(app, db, staff, make_org):
    org = make_org(status="pending")
    client = client_as(app, staff)
    page = "/personal/registro"
    response = post_form(client, f"/personal/osc/{org.slug}/decision",
                         {"decision": "reject", "reason": ""}, page=page)
    db.session.refresh(org)
    assert org.status == "pending"
    post_form(client, f"/personal/osc/{org.slug}/decision",
              {"decision": "reject", "reason": "Faltan datos del acta."}, page=page)
    db.session.refresh(org)
    assert org.status == "rejected", response
