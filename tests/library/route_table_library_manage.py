"""Route × role rows of the library's staff pages (/biblioteca/gestion): staff and admin only;
a citizen and every OSC role are refused (403), an anonymous visitor is sent to sign in.

Placeholders: {lib_manage_draft} (a draft manual without a file), {lib_manage_published} (a
published guide), {lib_manage_series} (a series), {lib_manage_subject} (a subject). A fresh
world is built for every row, so a POST that succeeds changes nothing for the next one.
"""

from datetime import date

from community.library.models import Resource, Series, Subject
from tests.route_roles import LOGIN as _LOGIN
from tests.route_roles import expect as _expect

_DONE = 302  # a done form redirects to its page
_STAFF_200 = _expect(_LOGIN, 403, 200, 200)
_STAFF_DONE = _expect(_LOGIN, 403, _DONE, _DONE)

LIBRARY_MANAGE_ROUTES = {
    "library.manage": ("GET", "/biblioteca/gestion?estado=draft", _STAFF_200),
    "library.manage_new": ("GET", "/biblioteca/gestion/nuevo", _STAFF_200),
    "library.manage_edit": ("GET", "/biblioteca/gestion/{lib_manage_draft}/editar", _STAFF_200),
    "library.manage_resource": ("GET", "/biblioteca/gestion/{lib_manage_draft}", _STAFF_200),
    # No file chosen: the form comes back with its message.
    "library.manage_upload": ("POST", "/biblioteca/gestion/{lib_manage_draft}/archivo",
                              _expect(_LOGIN, 403, 422, 422)),
    "library.manage_toc": ("POST", "/biblioteca/gestion/{lib_manage_draft}/indice", _STAFF_DONE),
    "library.manage_publish": ("POST", "/biblioteca/gestion/{lib_manage_draft}/publicar",
                               _STAFF_DONE),
    "library.manage_withdraw": ("POST", "/biblioteca/gestion/{lib_manage_published}/retirar",
                                _STAFF_DONE),
    "library.manage_series_new": ("GET", "/biblioteca/gestion/series/nueva", _STAFF_200),
    "library.manage_series_edit": ("GET", "/biblioteca/gestion/series/{lib_manage_series}/editar",
                                   _STAFF_200),
    "library.manage_subjects": ("GET", "/biblioteca/gestion/temas", _STAFF_200),
    "library.manage_subject_rename": ("POST", "/biblioteca/gestion/temas/{lib_manage_subject}",
                                      _STAFF_DONE),
}

LIBRARY_MANAGE_POST_DATA = {
    "library.manage_toc": {"toc": "1-4 | Presentación | Ana López (UAEMex)"},
    "library.manage_withdraw": {"note": "Se publicó una edición corregida."},
    "library.manage_subject_rename": {"name": "Transparencia y rendición de cuentas"},
}


def library_manage_world(db, people) -> dict:
    """A draft manual, a published guide, a series and a subject, built with the models."""
    draft = Resource(slug="manual-de-gestion-borrador", kind="manual",
                     title="Manual de visibilidad (borrador)", issued=date(2024, 3, 1),
                     status="draft")
    published = Resource(slug="guia-de-gestion-publicada", kind="guide",
                         title="Guía de procuración de fondos", issued=date(2023, 1, 1),
                         status="published", published_at=None)
    series = Series(slug="serie-de-gestion", title="Ciudadanía Activa")
    subject = Subject(slug="tema-de-gestion", name="Transparencia", position=999)
    db.session.add_all([draft, published, series, subject])
    db.session.commit()
    return {"lib_manage_draft": draft.id, "lib_manage_published": published.id,
            "lib_manage_series": series.id, "lib_manage_subject": subject.id}
