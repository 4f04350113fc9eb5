"""The public JSON API of the library (``/api/v1/biblioteca``): the catalogue's filters, the
Dublin Core record of each resource. Read only, no session needed.

The API always answers as an anonymous visitor, whoever asks: published resources only (parts
included, an article being a resource of its own); a withdrawn one is 410 with its note; a
restricted one ("members") gives its metadata with ``"access": "members"`` and no file.
Filter values that name nothing are a 400 with a Spanish message per field, never a 500.
"""

import math
import re

from flask import abort, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import extract, func, or_, select
from sqlalchemy.orm import selectinload

from community.core.catalog import activity_areas
from community.core.errors import ValidationError
from community.core.pagination import page_arg, parse_page
from community.extensions import db
from community.library import access, bp, public
from community.library.labels import KINDS
from community.library.models import (
    Resource,
    Series,
    Subject,
    resource_area,
    resource_subject,
)

PER_PAGE = 20
MAX_PER_PAGE = 100
Q_MAX = 200
SLUG_MAX = 120
PUBLIC_CACHE = "public, max-age=60"
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
_YEAR = re.compile(r"[0-9]{4}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

LIST_LOADS = (*public.RECORD_LOADS, selectinload(Resource.parts))


def _plain(raw, size: int) -> str | None:
    """A filter's text, or None when empty; None too when it could name nothing (too long or
    with control characters, which PostgreSQL refuses in a query)."""
    value = str(raw or "").strip()
    return value if value and len(value) <= size and not _CONTROL.search(value) else None


def parse_filters(args) -> dict:
    """The list's filters from the query string; ValidationError (field -> message) for values
    that name nothing."""
    errors = {}
    filters = {"page": page_arg(args) or 1,
               "per_page": min(MAX_PER_PAGE, parse_page(args.get("por_pagina"), PER_PAGE))}
    q = " ".join(_CONTROL.sub(" ", str(args.get("q") or "")[:Q_MAX * 4]).split())[:Q_MAX]
    filters["q"] = q
    if args.get("tipo"):
        if args["tipo"] in KINDS:
            filters["tipo"] = args["tipo"]
        else:
            errors["tipo"] = _l("Ese tipo de publicación no existe.")
    if args.get("tema"):
        slug = _plain(args["tema"], 60)
        subject_id = slug and db.session.scalar(select(Subject.id).where(Subject.slug == slug))
        if subject_id:
            filters["tema"] = subject_id
        else:
            errors["tema"] = _l("Ese tema no existe.")
    if args.get("area"):
        fraction = (_plain(args["area"], 5) or "").upper()
        if fraction and fraction in {area.fraction for area in activity_areas()}:
            filters["area"] = fraction
        else:
            errors["area"] = _l("Esa área de actividad no existe.")
    if args.get("anio"):
        raw = str(args["anio"]).strip()
        if _YEAR.fullmatch(raw) and EARLIEST_YEAR <= int(raw) <= LATEST_YEAR:
            filters["anio"] = int(raw)
        else:
            errors["anio"] = _l("Escribe un año de cuatro cifras, de %(first)d a %(last)d.",
                                first=EARLIEST_YEAR, last=LATEST_YEAR)
    if args.get("serie"):
        slug = _plain(args["serie"], 90)
        series_id = slug and db.session.scalar(select(Series.id).where(Series.slug == slug))
        if series_id:
            filters["serie"] = series_id
        else:
            errors["serie"] = _l("Esa serie no existe.")
    if errors:
        raise ValidationError(errors)
    return filters


def _conditions(filters: dict) -> list:
    conditions = []
    if "tipo" in filters:
        conditions.append(Resource.kind == filters["tipo"])
    if "tema" in filters:
        conditions.append(Resource.id.in_(select(resource_subject.c.resource_id).where(
            resource_subject.c.subject_id == filters["tema"])))
    if "area" in filters:
        conditions.append(Resource.id.in_(select(resource_area.c.resource_id).where(
            resource_area.c.fraction == filters["area"])))
    if "anio" in filters:
        conditions.append(extract("year", Resource.issued) == filters["anio"])
    if "serie" in filters:
        conditions.append(public.series_clause(filters["serie"]))
    return conditions


def _text_filter(q: str):
    """Without the search index: the words in the title, description or identifier."""
    conditions = []
    for word in q.split()[:10]:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(or_(Resource.title.ilike(pattern, escape="\\"),
                              Resource.description.ilike(pattern, escape="\\"),
                              Resource.identifier.ilike(pattern, escape="\\")))
    return conditions


def listing(filters: dict) -> tuple[int, list[Resource]]:
    """(total, the page's resources) of the published catalogue."""
    conditions = _conditions(filters)
    offset = (filters["page"] - 1) * filters["per_page"]
    ranked = None
    if filters["q"]:
        from community.search import service

        ranked = service.ids_for(filters["q"], "resource", user=None)
        if ranked is None:  # the index is unavailable: a plain filter still answers
            conditions.extend(_text_filter(filters["q"]))
    published = public.existing(select(Resource.id), statuses=("published",))
    if ranked is not None:
        if not ranked:
            return 0, []
        allowed = set(db.session.scalars(published.where(*conditions,
                                                          Resource.id.in_(ranked))))
        matching = [resource_id for resource_id in ranked if resource_id in allowed]
        page_ids = matching[offset:offset + filters["per_page"]]
        found = {r.id: r for r in db.session.scalars(
            select(Resource).where(Resource.id.in_(page_ids)).options(*LIST_LOADS))}
        return len(matching), [found[i] for i in page_ids if i in found]
    total = db.session.scalar(select(func.count()).select_from(
        published.where(*conditions).subquery())) or 0
    stmt = (public.existing(select(Resource), statuses=("published",)).where(*conditions)
            .order_by(Resource.issued.desc(), Resource.parent_id.is_not(None),
                      Resource.position, Resource.id.desc())
            .options(*LIST_LOADS).limit(filters["per_page"]).offset(offset))
    return total, list(db.session.scalars(stmt))


def _public(response):
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


@bp.route("/api/v1/biblioteca")
def api_resources():
    """Published resources, newest first (by relevance with ``q``): tipo, tema, area, anio,
    serie, q, page and por_pagina (at most 100)."""
    try:
        filters = parse_filters(request.args)
    except ValidationError as error:
        return jsonify(error=_("Hay filtros no válidos."),
                       errors={name: str(message) for name, message in error.errors.items()}), 400
    total, items = listing(filters)
    return _public(jsonify(
        total=total, page=filters["page"], pages=math.ceil(total / filters["per_page"]),
        per_page=filters["per_page"], items=[public.record(item) for item in items]))


@bp.route("/api/v1/biblioteca/<slug>")
def api_resource(slug: str):
    """One published resource; 410 with the note for a withdrawn one; 404 for a draft."""
    if not _plain(slug, SLUG_MAX):
        abort(404)
    resource = db.session.scalar(select(Resource).where(Resource.slug == slug)
                                 .options(*LIST_LOADS))
    status = access.status_of(resource) if resource is not None else "draft"
    if status == "draft":
        abort(404)
    if status == "withdrawn":
        whole = access.effective(resource)
        note = resource.withdrawn_note if resource.status == "withdrawn" else whole.withdrawn_note
        withdrawn_at = resource.withdrawn_at if resource.status == "withdrawn" \
            else whole.withdrawn_at
        return jsonify(error=_("Esta publicación fue retirada."), slug=resource.slug,
                       title=resource.title, note=note or "",
                       withdrawn_at=public.iso_utc(withdrawn_at)), 410
    return _public(jsonify(public.record(resource)))
