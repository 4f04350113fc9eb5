"""Issue 12, item 6: the Bitácora shows labels for actions and names for targets, filters by a
labelled select, and reads each target type once per page."""

import re

from sqlalchemy import event as sa_event

from community.core import audit
from community.events import services as event_services
from tests.conftest import client_as
from tests.events.conftest import event_form


def test_labels_names_and_links_instead_of_codes(app, db, staff, make_org):
    org = make_org(name="Mujeres que Reverdecen")
    happening = event_services.create_event(staff, event_form(title="Taller de fondos"), None)
    db.session.commit()
    client = client_as(app, staff)
    body = client.get("/personal/bitacora").get_data(as_text=True)
    assert "OSC validada" in body and "Evento creado" in body
    assert "organization.validated" not in body.split("<tbody>")[1]
    assert f'href="/osc/{org.slug}">Mujeres que Reverdecen</a>' in body
    assert f'href="/eventos/{happening.slug}">Taller de fondos</a>' in body
    assert f"organization {org.id}" not in body and "por ejemplo, auth." not in body
    select = re.search(r'<select id="accion" name="accion">.*?</select>', body, re.S).group(0)
    assert '<option value="organization.validated">OSC validada</option>' in select


def test_unknown_codes_fall_back_to_the_code(app):
    with app.test_request_context():
        assert audit.action_label("algo.nuevo") == "algo.nuevo"
        assert audit.action_label("event.cancel") == "Evento cancelado"


def test_the_filter_picks_one_action(app, db, staff, make_org):
    make_org(name="Validada Uno")
    make_org(name="Rechazada Dos", status="rejected")
    client = client_as(app, staff)
    body = client.get("/personal/bitacora?accion=organization.rejected").get_data(as_text=True)
    rows = body.split("<tbody>")[1]
    assert "Rechazada Dos" in rows and "Validada Uno" not in rows
    assert '<option value="organization.rejected" selected>' in body


def test_one_query_per_target_type(app, db, staff, make_org):
    for n in range(4):
        make_org(name=f"OSC número {n}")
    client = client_as(app, staff)
    statements = []

    def count(conn, cursor, statement, *args):
        if re.search(r"FROM organization\b", statement):
            statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        body = client.get("/personal/bitacora").get_data(as_text=True)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)
    assert all(f"OSC número {n}" in body for n in range(4))
    assert len(statements) == 1, statements
