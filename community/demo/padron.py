"""The demo imports the first rows of the sample padrón (``data/padron_muestra.csv``)
through the import engine, as staff would, so the directory holds OSCs that came from the
padrón and wait for someone to claim them ("¿Formas parte de esta organización?").

Only the first ``ROWS`` rows: the whole sample (2,700) is the import's own test and bench,
and indexing thousands of OSCs for search would add most of a minute to ``make run``.
Running it again changes nothing (the engine finds every row's OSC again).
"""

import io

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from community.accounts.models import User
from community.demo.accounts import STAFF_EMAIL
from community.demo.padron_sample import PATH
from community.extensions import db
from community.profiles import padron_import as engine
from community.profiles.models import PadronImport

ROWS = 300
FILE_NAME = "padron-muestra-demo.csv"


def _sample_head() -> bytes:
    lines = PATH.read_bytes().splitlines(keepends=True)
    return b"".join(lines[: ROWS + 1])


def seed() -> None:
    data = _sample_head()
    staff = db.session.scalar(select(User).where(User.email == STAFF_EMAIL))
    done = db.session.scalar(select(PadronImport).where(
        PadronImport.file_name == FILE_NAME, PadronImport.status == "applied"))
    if done is not None:
        return
    imp = engine.store_upload(staff, FileStorage(io.BytesIO(data), filename=FILE_NAME,
                                                 content_type="text/csv"))
    db.session.flush()
    engine.analyse(staff, imp, engine.guess_mapping(engine.headers(imp)))
    db.session.commit()
    engine.apply(staff, imp, accept=frozenset({"new", "update"}))
