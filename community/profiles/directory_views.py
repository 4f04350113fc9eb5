"""The public directory of validated OSCs: search and filters, the municipalities, the map and
the open data downloads. Read only; every list comes from ``queries``."""

from flask import Response, abort, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _

from community.core.catalog import activity_areas, municipality_choices
from community.core.errors import ValidationError
from community.core.models import Municipality
from community.core.pagecache import cached_page
from community.core.timeutil import utcnow
from community.extensions import db
from community.profiles import bp, geo, queries, services
from community.profiles.fields import POPULATIONS, STATUS_LABELS

PUBLIC_CACHE = "public, max-age=60"
FORM_ARGS = ("q", "municipio", "area", "poblacion", "orden")


def public_cache(response: Response) -> Response:
    """Public data changes slowly and is the same for everyone: let browsers keep it 60 s."""
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


# --- the directory ------------------------------------------------------------------------


def search_state():
    """With a text filter the page is ranked by the search index, which catches up just
    after the commit that raised the registry's version: its state is part of the key."""
    if not request.args.get("q"):
        return None
    from community.search import index

    return index.content_version()


@bp.route("/osc")
@cached_page("registry", vary=search_state, args=queries.FILTER_ARGS)
def directory():
    return _directory_page()


@bp.route("/osc/municipios/<code>")
@cached_page("registry", vary=search_state, args=queries.FILTER_ARGS)
def municipality(code):
    place = db.session.get(Municipality, code)
    if place is None:
        abort(404)
    return _directory_page(place)


def _directory_page(place: Municipality | None = None):
    """``/osc`` and ``/osc/municipios/<code>`` (the same list with the municipality fixed)."""
    args = request.args.to_dict()
    fixed = {}
    if place is not None:
        args["municipio"] = place.code
        fixed = {"code": place.code}
    form = {name: (args.get(name) or "").strip() for name in FORM_ARGS}
    form["area"] = form["area"].upper()
    context = dict(
        place=place, form=form, endpoint=request.endpoint, fixed=fixed,
        municipalities=municipality_choices(), areas=activity_areas(),
        populations=POPULATIONS, sorts=_sort_labels(),
    )
    try:
        filters = queries.DirectoryFilters.from_args(args)
    except ValidationError as error:
        errors = {name: str(message) for name, message in error.errors.items()}
        return render_template("profiles/directory.html", results=None, errors=errors,
                               active=[], **context), 400
    results = queries.directory(filters)
    now = utcnow()
    return render_template(
        "profiles/directory.html", results=results, errors={},
        statuses={org.id: services.display_status(org, now) for org in results.items},
        status_labels=STATUS_LABELS,
        active=_active_filters(filters, context["areas"], fixed),
        page_url=lambda page: _url(filters, fixed, page=page),
        **context)


def _url(filters: queries.DirectoryFilters, fixed: dict, **overrides) -> str:
    """The same list with some filters changed; the municipality of the page stays in its path."""
    args = filters.as_args(**overrides)
    if fixed:
        args.pop("municipio", None)
    if args.get("page") == 1:
        args.pop("page")
    return url_for(request.endpoint, **fixed, **args)


def _sort_labels() -> dict[str, str]:
    return {"nombre": _("Nombre (A-Z)"), "recientes": _("Actualizadas recientemente")}


def _active_filters(filters: queries.DirectoryFilters, areas, fixed: dict) -> list[dict]:
    """Each filter in use, in words, with the link that removes only it."""
    active = []
    if filters.q:
        active.append({"label": _("Nombre: «%(text)s»", text=filters.q),
                       "url": _url(filters, fixed, q=None)})
    if filters.municipality and not fixed:
        name = dict(municipality_choices()).get(filters.municipality, filters.municipality)
        active.append({"label": _("Municipio: %(name)s", name=name),
                       "url": _url(filters, fixed, municipio=None)})
    if filters.area:
        names = {area.fraction: area.name for area in areas}
        active.append({"label": _("Área: %(fraction)s. %(name)s", fraction=filters.area,
                                  name=names.get(filters.area, "")),
                       "url": _url(filters, fixed, area=None)})
    if filters.population:
        active.append({"label": _("Población: %(name)s",
                                  name=POPULATIONS.get(filters.population, "")),
                       "url": _url(filters, fixed, poblacion=None)})
    return active


# --- municipalities and the map -----------------------------------------------------------


@bp.route("/osc/municipios")
@cached_page("registry")
def municipalities():
    rows = queries.municipalities_with_counts()
    return render_template("profiles/municipalities.html", rows=rows,
                           total=sum(count for _place, count in rows),
                           with_osc=sum(1 for _place, count in rows if count))


@bp.route("/osc/mapa", endpoint="map")
@cached_page("registry")
def map_page():
    counts = queries.municipality_counts()
    return render_template("profiles/map.html", items=geo.choropleth(counts),
                           legend=geo.legend(counts), total=sum(counts.values()),
                           with_osc=sum(1 for count in counts.values() if count))


# --- open data ----------------------------------------------------------------------------


def _validated_records():
    return queries.iter_export(queries.ExportFilters(status="validated"))


@bp.route("/datos/osc.csv")
def open_data_csv():
    response = Response(stream_with_context(queries.csv_chunks(_validated_records())),
                        content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = "attachment; filename=osc-validadas.csv"
    return public_cache(response)


@bp.route("/datos/osc.json")
def open_data_json():
    response = Response(stream_with_context(queries.json_chunks(_validated_records())),
                        content_type="application/json")
    return public_cache(response)
