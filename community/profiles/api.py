"""The public JSON API of the directory (``/api/v1/osc``): the same filters and the same public
fields as the HTML directory and the open data. Read only, no session needed."""

from flask import jsonify, request
from flask_babel import gettext as _

from community.core.errors import ValidationError
from community.core.pagecache import cached_page
from community.core.timeutil import utcnow
from community.profiles import bp, queries, services
from community.profiles.directory_views import public_cache, search_state


@bp.route("/api/v1/osc")
@cached_page("registry", vary=search_state, args=queries.FILTER_ARGS)
def api_list():
    """Validated OSCs, filtered like ``/osc``: municipio, area, poblacion, q, orden, page and
    por_pagina (at most 100)."""
    try:
        filters = queries.DirectoryFilters.from_args(request.args)
    except ValidationError as error:
        return jsonify(error=_("Hay filtros no válidos."),
                       errors={name: str(message) for name, message in error.errors.items()}), 400
    results = queries.directory(filters, full=True)
    now = utcnow()
    return public_cache(jsonify(
        total=results.total, page=results.page, pages=results.pages, per_page=results.per_page,
        items=[queries.public_record(org, now) for org in results.items]))


@bp.route("/api/v1/osc/<slug>")
@cached_page("registry")
def api_detail(slug):
    """One validated OSC. The API always answers as an anonymous visitor, so a pending,
    rejected or inactive OSC is a 404 even for its members and the staff."""
    org = services.get_public(slug)
    return public_cache(jsonify(queries.public_record(org)))
