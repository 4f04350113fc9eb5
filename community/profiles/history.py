"""The change history in words: a revision stores values as ``fields.as_text`` wrote them
(codes, fractions, ISO dates, stored file names); this module turns a page of revisions into
what a person reads (municipality and activity names, local dates, labels).

Names are resolved for the whole page at once: one query for the municipalities and one for
the activity areas, whatever the number of rows. Nothing here writes.
"""

import re
from datetime import date, datetime

from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from community.core.catalog import OTHER_STATE
from community.core.models import ActivityArea, Municipality
from community.core.timeutil import to_local
from community.extensions import db
from community.profiles.fields import LEGAL_FORMS, POPULATIONS, STATUS_LABELS

MUNICIPALITY_FIELDS = frozenset({"municipality_code", "served_municipalities"})
DATE_FIELDS = frozenset({"constituted_on", "sat_donee_since"})
DATETIME_FIELDS = frozenset({"confirmed_at"})
FILE_FIELDS = frozenset({"logo", "document_acta", "document_cluni", "document_sat"})
LABELLED = {"legal_form": LEGAL_FORMS, "populations": POPULATIONS, "status": STATUS_LABELS}
BOOLEANS = {"sí": _l("Sí"), "no": _l("No")}

# A stored file name we generated (a digest or random token, maybe with an extension): it
# means nothing to a reader, unlike the name the person gave the file.
STORED_NAME = re.compile(r"^([0-9a-f]{24,}|[A-Za-z0-9_-]{32,})(\.[a-z0-9]{2,5})?$")


def _items(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def describe(revisions) -> dict[int, tuple[str | None, str | None]]:
    """``{revision.id: (old, new)}`` in words for a page of ``ProfileRevision`` rows."""
    revisions = list(revisions)
    codes, fractions = set(), set()
    for revision in revisions:
        for value in (revision.old_value, revision.new_value):
            if not value:
                continue
            if revision.field in MUNICIPALITY_FIELDS:
                codes.update(_items(value))
            elif revision.field == "activities":
                fractions.update(_items(value))
    municipalities = dict(db.session.execute(
        select(Municipality.code, Municipality.name).where(Municipality.code.in_(codes)))
        .all()) if codes else {}
    areas = dict(db.session.execute(
        select(ActivityArea.fraction, ActivityArea.name).where(
            ActivityArea.fraction.in_(fractions))).all()) if fractions else {}
    names = {"municipalities": municipalities, "areas": areas}
    return {revision.id: (_text(revision.field, revision.old_value, names, old=True),
                          _text(revision.field, revision.new_value, names, old=False))
            for revision in revisions}


def _text(field: str, value: str | None, names: dict, old: bool) -> str | None:
    if not value:
        return None
    if field in MUNICIPALITY_FIELDS:
        return ", ".join(_municipality(code, names["municipalities"]) for code in _items(value))
    if field == "activities":
        areas = names["areas"]
        return "; ".join(f"{fraction}. {areas[fraction]}" if fraction in areas else fraction
                         for fraction in _items(value))
    if field in LABELLED:
        labels = LABELLED[field]
        return ", ".join(str(labels.get(key, key)) for key in _items(value))
    if field in DATE_FIELDS:
        return _date(value)
    if field in DATETIME_FIELDS:
        return _datetime(value)
    if field in FILE_FIELDS:
        return _file(field, value, old)
    if field == "sat_donee":
        return str(BOOLEANS.get(value, value))
    return value


def _municipality(code: str, names: dict) -> str:
    if code == OTHER_STATE:
        return str(_l("Otra entidad"))
    return names.get(code, code)


def _date(value: str) -> str:
    try:
        return format_date(date.fromisoformat(value), "long")
    except ValueError:
        return value


def _datetime(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return _date(value)
    return format_datetime(to_local(moment), "short")


def _file(field: str, value: str, old: bool) -> str:
    """A file: the name its owner gave it, or, when only our stored name is known (always for
    the logo), that there was one and that it was replaced."""
    if field != "logo" and not STORED_NAME.match(value):
        return value
    if field == "logo":
        return str(_l("imagen reemplazada") if old else _l("imagen nueva"))
    return str(_l("documento reemplazado") if old else _l("documento nuevo"))
