"""The change history reads in words: municipality and activity names, local dates, no stored
file names; the names of a whole page come from one query per catalogue."""

import io
import re

from PIL import Image
from sqlalchemy import event, select
from werkzeug.datastructures import FileStorage

from community.core.models import ActivityArea, Municipality
from community.extensions import db as _db
from community.profiles import documents, services
from community.profiles.models import ProfileRevision
from tests.conftest import sign_in


def _png() -> FileStorage:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (138, 21, 56)).save(buffer, "PNG")
    buffer.seek(0)
    return FileStorage(buffer, filename="logo.png", content_type="image/png")


def test_history_shows_names_local_dates_and_no_file_names(app, client, db, make_org):
    org = make_org(municipality="15011", activities=("IX", "VI"), populations=["mujeres"])
    admin = org.admin
    services.update_profile(admin, org, {
        "name": org.name, "municipality_code": "15106", "activities": ["IX", "XI"],
        "populations": ["mujeres"], "served_municipalities": ["15011", "15099"]})
    services.confirm_current(admin, org)
    documents.set_logo(admin, org, _png())
    documents.set_logo(admin, org, _png())
    db.session.commit()
    stored = db.session.scalars(select(ProfileRevision.new_value).where(
        ProfileRevision.organization_id == org.id, ProfileRevision.field == "logo")).all()
    confirmed = db.session.scalar(select(ProfileRevision.new_value).where(
        ProfileRevision.organization_id == org.id, ProfileRevision.field == "confirmed_at"))
    names = dict(db.session.execute(select(ActivityArea.fraction, ActivityArea.name)).all())

    sign_in(client, admin.email)
    statements = []

    def note(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        response = client.get(f"/osc/{org.slug}/historial")
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert response.status_code == 200
    page = response.get_data(as_text=True)

    atenco = _db.session.get(Municipality, "15011").name
    assert atenco in page and "Toluca" in page and "Texcoco" in page
    assert ">15011<" not in page and "15011, 15099" not in page
    for fraction in ("IX", "VI", "XI"):
        assert names[fraction][:40] in page
    assert "IX, VI" not in page
    assert "Mujeres" in page
    # confirmed_at: a local date-time, never the ISO text stored
    assert confirmed and confirmed not in page and confirmed[:10] not in page
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", page)
    # logo: the stored names mean nothing to a reader
    assert stored and not any(name in page for name in stored if name)
    assert "imagen reemplazada" in page and "imagen nueva" in page
    # one query per catalogue for the whole page
    # (several rows name municipalities and areas; the org's own areas load apart, joined)
    for table in ("municipality", "activity_area"):
        lookups = [s for s in statements if f"FROM {table} \nWHERE {table}." in s]
        assert len(lookups) == 1, lookups


def test_document_keeps_its_given_name(client, db, make_org):
    from community.profiles.history import describe

    org = make_org()
    revision = ProfileRevision(organization_id=org.id, field="document_acta",
                               old_value="a" * 64 + ".pdf", new_value="Acta 2019.pdf")
    db.session.add(revision)
    db.session.flush()
    assert describe([revision])[revision.id] == ("documento reemplazado", "Acta 2019.pdf")
