"""The library's lists: the catalogue with its facets, a series in issue order, and the
download figures the indicators read (:func:`downloads_total`, :func:`downloads_by_month`).

The catalogue shows what is published, parts included (an article is a resource of its own),
newest first. Its text box asks the one search for the matching resources' ids, best first,
and every facet is counted in SQL over what the other filters let through, so people can
move from one theme to another without first removing the filter.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import and_, case, extract, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from community.core import pagecache
from community.core.pagination import page_arg
from community.extensions import db
from community.library.models import (
    DownloadMonth,
    Resource,
    ResourceFile,
    ResourcePage,
    Series,
    Subject,
    resource_area,
    resource_subject,
)

PER_PAGE = 20
FILTER_ARGS = ("q", "tipo", "tema", "area", "anio", "serie", "page")
FACETS = ("tipo", "tema", "area", "anio", "serie")
_Parent = aliased(Resource)
# What a listed resource shows (its cover's file, its issue): loaded with the page, not one
# query per item.
_LISTED = (selectinload(Resource.current_file),
           selectinload(Resource.parent).selectinload(Resource.current_file))


@dataclass
class CatalogueFilters:
    q: str = ""
    tipo: str | None = None
    tema: str | None = None
    area: str | None = None
    anio: int | None = None
    serie: str | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping) -> "CatalogueFilters":
        """Odd values only narrow the list to nothing; they never fail."""
        def text(name, size=60):
            value = str(args.get(name) or "").strip()[:size]
            return value or None

        year = text("anio", 4)
        return cls(q=str(args.get("q") or "").strip()[:200], tipo=text("tipo"),
                   tema=text("tema"), area=text("area", 5),
                   anio=int(year) if year and year.isdigit() else None,
                   serie=text("serie", 90), page=page_arg(args) or 1)

    def active(self) -> dict[str, str]:
        return {name: str(getattr(self, name)) for name in FACETS if getattr(self, name)}


@dataclass
class Catalogue:
    items: list[Resource] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0
    facets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    ranked: bool = False  # ordered by the search's relevance
    search_unavailable: bool = False


def published():
    """Published resources whose parent, if any, is published too."""
    return (select(Resource)
            .outerjoin(_Parent, _Parent.id == Resource.parent_id)
            .where(Resource.status == "published",
                   or_(Resource.parent_id.is_(None), _Parent.status == "published")))


def _series_id_column():
    return func.coalesce(Resource.series_id, _Parent.series_id)


def _conditions(filters: CatalogueFilters, ids: list[int] | None, skip: str | None) -> list:
    conditions = []
    if ids is not None:
        conditions.append(Resource.id.in_(ids))
    if filters.tipo and skip != "tipo":
        conditions.append(Resource.kind == filters.tipo)
    if filters.tema and skip != "tema":
        conditions.append(Resource.id.in_(
            select(resource_subject.c.resource_id).join(
                Subject, Subject.id == resource_subject.c.subject_id)
            .where(Subject.slug == filters.tema)))
    if filters.area and skip != "area":
        conditions.append(Resource.id.in_(select(resource_area.c.resource_id)
                                          .where(resource_area.c.fraction == filters.area)))
    if filters.anio and skip != "anio":
        conditions.append(extract("year", Resource.issued) == filters.anio)
    if filters.serie and skip != "serie":
        conditions.append(_series_id_column().in_(
            select(Series.id).where(Series.slug == filters.serie)))
    return conditions


def catalogue(filters: CatalogueFilters, ids: list[int] | None = None) -> Catalogue:
    """A page of the catalogue. ``ids``: the search's matches, best first (None: no text)."""
    base = published().where(*_conditions(filters, ids, None))
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(filters.page, pages)
    if ids is not None:
        rank = case({resource_id: n for n, resource_id in enumerate(ids)}, value=Resource.id)
        ordered = base.order_by(rank) if ids else base
    else:
        ordered = base.order_by(Resource.issued.desc(), Resource.parent_id.is_not(None),
                                Resource.position, Resource.id.desc())
    items = list(db.session.scalars(ordered.options(*_LISTED)
                                    .limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
    return Catalogue(items=items, total=total, page=page, pages=pages if total else 0,
                     facets=facet_counts(filters, ids), ranked=ids is not None)


def facet_counts(filters: CatalogueFilters, ids: list[int] | None) -> dict:
    """(value, label, count) per facet, each counted without its own filter.

    Without a text query the counts depend only on the other filters and the published
    library, the same for every visitor: they are kept until the library changes (five
    grouped counts were a third of a signed-in catalogue page). Callers only read them.
    """
    if ids is not None:
        return _facet_counts(filters, ids)
    key = (filters.tipo, filters.tema, filters.area, filters.anio, filters.serie)
    return pagecache.kept_value("library", key, lambda: _facet_counts(filters, None))


def _facet_counts(filters: CatalogueFilters, ids: list[int] | None) -> dict:
    return {
        "tipo": _count(filters, ids, "tipo", Resource.kind, None),
        "tema": _count(filters, ids, "tema", Subject.slug, Subject.name,
                       joins=((resource_subject, resource_subject.c.resource_id == Resource.id),
                              (Subject, Subject.id == resource_subject.c.subject_id))),
        "area": _count(filters, ids, "area", resource_area.c.fraction, None,
                       joins=((resource_area, resource_area.c.resource_id == Resource.id),)),
        "anio": _count(filters, ids, "anio", extract("year", Resource.issued), None,
                       order_by_value=True),
        "serie": _count(filters, ids, "serie", Series.slug, Series.title,
                        joins=((Series, Series.id == _series_id_column()),)),
    }


def _count(filters, ids, name, value, label, joins=(), order_by_value=False):
    stmt = (select(value, label if label is not None else value, func.count(Resource.id.distinct()))
            .select_from(Resource)
            .outerjoin(_Parent, _Parent.id == Resource.parent_id))
    for target, on in joins:
        stmt = stmt.join(target, on)
    stmt = (stmt.where(Resource.status == "published",
                       or_(Resource.parent_id.is_(None), _Parent.status == "published"),
                       *_conditions(filters, ids, name))
            .group_by(value, label if label is not None else value))
    rows = db.session.execute(stmt).all()
    counted = [(str(int(v) if isinstance(v, float) else v), str(lbl), n)
               for v, lbl, n in rows if v is not None]
    if order_by_value:
        return sorted(counted, reverse=True)
    return sorted(counted, key=lambda row: (-row[2], row[1].casefold()))


def series_issues(series: Series) -> list[Resource]:
    """The series in issue order: the print numbers, then the digital editions."""
    stmt = (select(Resource).where(Resource.series_id == series.id,
                                   Resource.status == "published")
            .order_by(case((Resource.issue_format == "digital", 1), else_=0),
                      Resource.issue_number, Resource.issued)
            .options(selectinload(Resource.current_file), selectinload(Resource.parts)))
    return list(db.session.scalars(stmt))


def series_with_counts() -> list[tuple[Series, int]]:
    stmt = (select(Series, func.count(Resource.id))
            .outerjoin(Resource, and_(Resource.series_id == Series.id,
                                      Resource.status == "published"))
            .group_by(Series.id).order_by(Series.title))
    return [(series, count) for series, count in db.session.execute(stmt)]


def page_text(file: ResourceFile | None, number: int | None) -> str | None:
    """One page's text (the resource page's "found on page N" excerpt)."""
    if file is None or number is None:
        return None
    return db.session.scalar(select(ResourcePage.text).where(
        ResourcePage.file_id == file.id, ResourcePage.number == number))


def downloads_total() -> int:
    return db.session.scalar(select(func.coalesce(func.sum(Resource.download_count), 0))) or 0


def downloads_by_month(months: int = 12) -> list[tuple[str, int]]:
    """Counted downloads of the whole library per month, newest first (the indicators)."""
    rows = db.session.execute(
        select(DownloadMonth.month, func.sum(DownloadMonth.count))
        .group_by(DownloadMonth.month).order_by(DownloadMonth.month.desc()).limit(months))
    return [(month, int(count)) for month, count in rows]
