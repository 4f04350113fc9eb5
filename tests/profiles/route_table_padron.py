"""Route × role rows of the padrón's import (community/profiles/padron_views.py), merged into
tests/test_routes_roles.ROUTES: only staff and admins upload, map, review and apply a file
(403 for everyone else signed in, the sign-in page for anonymous visitors)."""

import io

from werkzeug.datastructures import FileStorage

from community.accounts.models import User
from community.profiles import padron_import
from tests.route_roles import LOGIN, expect

STAFF_ONLY = expect(LOGIN, 403, 200, 200)

PADRON_ROUTES = {
    "staff.padron_upload": ("GET", "/personal/padron/importar", STAFF_ONLY),
    "staff.padron_mapping": ("GET", "/personal/padron/importar/{padron_import}", STAFF_ONLY),
    "staff.padron_review": ("GET", "/personal/padron/importar/{padron_import}/revision",
                            STAFF_ONLY),
    # Nothing chosen to apply: back to the review with a message.
    "staff.padron_apply": ("POST", "/personal/padron/importar/{padron_import}/aplicar",
                           expect(LOGIN, 403, 303, 303)),
    "staff.padron_progress": ("GET", "/personal/padron/importar/{padron_import}/progreso",
                              STAFF_ONLY),
}

PADRON_POST_DATA = {}

SAMPLE = ("NOMBRE DE LA ORGANIZACION,RFC,MUNICIPIO\n"
          "Manos que Ayudan A.C.,MAY100101AB1,Toluca\n").encode("cp1252")


def padron_world(db, people) -> dict:
    """An uploaded and analysed file, through the import engine."""
    staff = User(email="padron.tabla@edomex.mx", name="Padrón de la tabla", role="staff")
    staff.password_hash = "!"  # never signs in: no hash to compute
    db.session.add(staff)
    db.session.flush()
    upload = FileStorage(io.BytesIO(SAMPLE), filename="padron.csv", content_type="text/csv")
    imp = padron_import.store_upload(staff, upload)
    db.session.flush()
    padron_import.analyse(staff, imp, padron_import.guess_mapping(padron_import.headers(imp)))
    db.session.commit()
    return {"padron_import": imp.id}
