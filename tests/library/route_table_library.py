"""Route × role rows of the library's public pages. Everyone reads the catalogue, a published
resource, its citation and the series; a draft is 404 for all but staff; a restricted file
("members") is for staff and the members of a validated OSC: an anonymous visitor is sent to
sign in, a citizen without an OSC gets 403.

Placeholders: {lib_public} (a published guide with its PDF), {lib_draft} (a draft),
{lib_restricted} (a published members-only guide with its PDF), {lib_series} (a series).
"""

from functools import cache as _cache

from community.accounts.models import User
from community.core import uploads as _uploads
from community.library import pdf as _pdf
from community.library import services as _library
from tests.library.publishing import make_pdf as _make_pdf
from tests.route_roles import LOGIN as _LOGIN
from tests.route_roles import ROLES as _ROLES
from tests.route_roles import expect as _expect

_EVERYONE_200 = dict.fromkeys(_ROLES, 200)

LIBRARY_ROUTES = {
    "library.catalogue": ("GET", "/biblioteca?q=fondos&tipo=guide", _EVERYONE_200),
    "library.resource": ("GET", "/biblioteca/{lib_draft}", _expect(404, 404, 200, 200)),
    "library.download": ("GET", "/biblioteca/{lib_restricted}/archivo",
                         _expect(_LOGIN, 403, 200, 200, osc_member=200, osc_admin=200,
                                 other_osc_admin=200)),
    "library.bibtex": ("GET", "/biblioteca/{lib_public}/cita.bib", _EVERYONE_200),
    "library.series_index": ("GET", "/biblioteca/series", _EVERYONE_200),
    "library.series": ("GET", "/biblioteca/series/{lib_series}", _EVERYONE_200),
    "library.cover": ("GET", "/biblioteca/portada/" + "0" * 32 + ".jpg",
                      dict.fromkeys(_ROLES, 404)),
    # The machine-readable doors answer as an anonymous visitor whoever asks.
    "library.api_resources": ("GET", "/api/v1/biblioteca", _EVERYONE_200),
    "library.api_resource": ("GET", "/api/v1/biblioteca/{lib_draft}", dict.fromkeys(_ROLES, 404)),
    "library.oai_pmh": ("GET", "/oai?verb=Identify", _EVERYONE_200),
}


@_cache
def _one_page_pdf() -> bytes:
    return _make_pdf(["Procuración de fondos y régimen fiscal."])


def _guide(publisher, title: str, access: str = "public", publish: bool = True):
    """Through the services, but without the PDF check's child process: this world is built
    for every row of every module's table."""
    resource = _library.create_resource(publisher, {
        "title": title, "kind": "guide", "issued": "2022", "access": access})
    if publish:
        stored = _uploads.store_checked_pdf(_one_page_pdf(), "guia.pdf")
        info = _pdf.PdfInfo(pages=1, has_javascript=False, title=None)
        _library.attach_file(publisher, resource, stored, info)
        _library.publish(publisher, resource)
    return resource


def library_world(db, people) -> dict:
    publisher = User(email="biblioteca@edomex.mx", name="Biblioteca DGPS", role="staff")
    publisher.password_hash = "!"  # never signs in: no hash to compute
    db.session.add(publisher)
    db.session.flush()
    series = _library.save_series(publisher, {"title": "Serie de la tabla"})
    public = _guide(publisher, "Guía pública de fondos")
    restricted = _guide(publisher, "Guía reservada", access="members")
    draft = _guide(publisher, "Borrador de la tabla", publish=False)
    db.session.commit()
    return {"lib_public": public.slug, "lib_draft": draft.slug,
            "lib_restricted": restricted.slug, "lib_series": series.slug}
