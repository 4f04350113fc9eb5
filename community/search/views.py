"""``/buscar`` and ``/api/v1/buscar``: one search over every kind, with facets."""

from flask import jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community.core.catalog import activity_areas, municipality_choices
from community.search import bp, registry

FILTERS = {"tipo": "kind", "municipio": "municipality", "area": "area", "anio": "year"}
MAX_QUERY = 200
# Results a page of /buscar shows. Ten, as most search engines and repositories (DSpace,
# InvenioRDM) show: a phone on a weak signal gets half the page, and each result's passage
# is most of a query's cost (bench/README.md, "Search"). The API keeps twenty.
PAGE_RESULTS = 10
API_RESULTS = 20


def _arguments():
    """The query and filters as typed; odd values only narrow the results, never fail."""
    args = request.args
    filters = {service_name: (args.get(param) or "").strip()[:40] or None
               for param, service_name in FILTERS.items()}
    page = args.get("page", 1, type=int) or 1
    return (args.get("q") or "")[:MAX_QUERY], filters, max(1, min(page, 500))


def _run_search(per_page: int):
    from community.search import service

    q, filters, page = _arguments()
    results = service.search(q, user=current_user, page=page, per_page=per_page,
                             **filters) if q.strip() else None
    return q, filters, page, results


def _facet_labels() -> dict:
    return {
        "kind": {name: kind.label for name, kind in registry.kinds().items()},
        "municipality": dict(municipality_choices()),
        "area": {a.fraction: f"{a.fraction}. {a.name}" for a in activity_areas()},
        "year": {},
    }


@bp.route("/buscar")
def search_page():
    q, filters, page, results = _run_search(PAGE_RESULTS)
    params = {param: filters[name] for param, name in FILTERS.items() if filters[name]}

    def url_with(**changes):
        merged = {"q": q, **params, **changes}
        return url_for("search.search_page", **{k: v for k, v in merged.items() if v})

    return render_template("search/results.html", q=q, results=results, params=params,
                           url_with=url_with, labels=_facet_labels(), filters=FILTERS)


@bp.route("/api/v1/buscar")
def search_api():
    q, filters, page, results = _run_search(API_RESULTS)
    if results is None:
        return jsonify(error=_("Escribe qué buscas en el parámetro q."), total=0, hits=[]), 400
    if not results.available:
        return jsonify(error=_("La búsqueda se está reconstruyendo; inténtalo en unos minutos."),
                       total=0, hits=[]), 503
    return jsonify(
        q=q, total=results.total, page=results.page, pages=results.pages,
        suggestion=results.suggestion,
        facets={name: [{"value": v, "count": c} for v, c in values]
                for name, values in results.facets.items()},
        hits=[{"kind": h.kind, "id": h.object_id, "title": h.title, "url": h.url,
               "snippet": str(h.snippet), "municipality": h.municipality,
               "areas": h.areas, "year": h.year, "page": h.page} for h in results.hits])
