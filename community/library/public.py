"""The library as an anonymous visitor sees it, for the machine-readable doors: the JSON API
(``api.py``) and OAI-PMH (``oai.py``).

Both answer the same question for everyone, so neither looks at a session: drafts do not
exist, withdrawn resources are tombstones (410 in the API, deleted records in OAI-PMH), and a
restricted resource ("members") shows its metadata and never a link to its file. A part follows
its parent (``access.status_of``, ``access.is_restricted``); the SQL below says the same for
whole lists, and the Python checks of ``access`` still have the last word on each row.

Absolute links start with ``BASE_URL`` (``core.urls``), never with the request's host.
"""

from urllib.parse import quote

from flask import current_app
from sqlalchemy import and_, case, or_
from sqlalchemy.orm import aliased, selectinload
from werkzeug.routing import BuildError

from community.core.urls import external_url
from community.library import access
from community.library.labels import format_label, kind_label, rights_of
from community.library.models import Resource, ResourceFile

# The routes of the HTML library (views.py); their paths, should an app run without them.
LANDING_ENDPOINTS = ("library.resource",)
LANDING_PATH = "/biblioteca/{slug}"
FILE_ENDPOINTS = ("library.download",)
FILE_PATH = "/biblioteca/{slug}/archivo"
SERIES_ENDPOINTS = ("library.series",)
SERIES_PATH = "/biblioteca/series/{slug}"

Parent = aliased(Resource, name="parent_resource")

#: Statuses whose records exist for everyone: withdrawn ones as tombstones.
EXISTING = ("published", "withdrawn")


def _absolute(endpoints, path: str, slug: str) -> str:
    for endpoint in endpoints:
        if endpoint in current_app.view_functions:
            try:
                return external_url(endpoint, slug=slug)
            except BuildError:
                continue
    return current_app.config["BASE_URL"].rstrip("/") + path.format(slug=quote(slug, safe=""))


def landing_url(resource: Resource) -> str:
    """The resource's public page (its citation address)."""
    return _absolute(LANDING_ENDPOINTS, LANDING_PATH, resource.slug)


def file_url(resource: Resource) -> str:
    """The download address of the resource's PDF (a part: its pages of the parent's)."""
    return _absolute(FILE_ENDPOINTS, FILE_PATH, resource.slug)


def series_url(series) -> str:
    return _absolute(SERIES_ENDPOINTS, SERIES_PATH, series.slug)


def file_of(resource: Resource) -> ResourceFile | None:
    """The file a resource is read from: its own, or its parent's for a part."""
    return access.effective(resource).current_file


def page_count(resource: Resource, stored: ResourceFile | None) -> int | None:
    if stored is None:
        return None
    if resource.parent_id and resource.first_page and resource.last_page:
        return max(0, resource.last_page - resource.first_page + 1)
    return stored.pages


# --- lists ------------------------------------------------------------------------------------


def existing(stmt, statuses=EXISTING):
    """``stmt`` (a select from Resource) narrowed to resources whose own status and whose
    parent's (for a part) are in ``statuses``, joined to their parent as ``Parent`` so that
    callers can filter and order on both."""
    return (stmt.outerjoin(Parent, Parent.id == Resource.parent_id)
            .where(Resource.status.in_(statuses),
                   or_(Resource.parent_id.is_(None), Parent.status.in_(statuses))))


def withdrawn_clause():
    return or_(Resource.status == "withdrawn", Parent.status == "withdrawn")


def datestamp_column():
    """When a record last changed for a harvester: its own ``updated_at``, or its parent's
    when that is later (withdrawing an issue withdraws its articles)."""
    return case((and_(Parent.id.is_not(None), Parent.updated_at > Resource.updated_at),
                 Parent.updated_at), else_=Resource.updated_at)


def series_clause(series_id: int | None):
    """Resources in a series (an issue) or in one of its issues (an article); any series when
    ``series_id`` is None."""
    if series_id is None:
        return or_(Resource.series_id.is_not(None), Parent.series_id.is_not(None))
    return or_(Resource.series_id == series_id, Parent.series_id == series_id)


RECORD_LOADS = (
    selectinload(Resource.parent).selectinload(Resource.current_file),
    selectinload(Resource.current_file),
)


# --- the public record (JSON) -----------------------------------------------------------------


def iso_utc(value) -> str | None:
    return value.replace(microsecond=0).isoformat() + "Z" if value is not None else None


def record(resource: Resource, with_parts: bool = True) -> dict:
    """What the API says about a published resource, to anyone."""
    label, url = rights_of(resource.rights)
    restricted = access.is_restricted(resource)
    stored = file_of(resource)
    data = {
        "slug": resource.slug,
        "url": landing_url(resource),
        "kind": resource.kind,
        "kind_label": kind_label(resource.kind),
        "title": resource.title,
        "creators": [{"name": c.name, "affiliation": c.affiliation or None}
                     for c in resource.creators],
        "issued": resource.issued.isoformat() if resource.issued else None,
        "language": resource.language,
        "rights": {"code": resource.rights, "label": label, "url": url},
        "publisher": resource.publisher or None,
        "identifier": resource.identifier or None,
        "subjects": [{"slug": s.slug, "name": s.name} for s in resource.subjects],
        "areas": [{"fraction": a.fraction, "name": a.name} for a in resource.areas],
        "series": ({"slug": resource.series.slug, "title": resource.series.title,
                    "url": series_url(resource.series)}
                   if resource.series is not None else None),
        "issue_number": resource.issue_number,
        "issue_format": resource.issue_format,
        "issue_format_label": format_label(resource.issue_format) or None,
        "description": resource.description or "",
        "access": access.MEMBERS if restricted else access.PUBLIC,
        "file": None,
        "downloads": resource.download_count or 0,
        "updated_at": iso_utc(resource.updated_at),
    }
    if stored is not None and not restricted:
        data["file"] = {"url": file_url(resource), "size": stored.size if not
                        resource.parent_id else None,
                        "pages": page_count(resource, stored),
                        "content_type": "application/pdf"}
    if resource.parent_id and resource.parent is not None:
        data["parent"] = {"slug": resource.parent.slug, "title": resource.parent.title,
                          "url": landing_url(resource.parent)}
        data["first_page"], data["last_page"] = resource.first_page, resource.last_page
    if with_parts and resource.parts:
        data["parts"] = [
            {"slug": part.slug, "title": part.title, "url": landing_url(part),
             "first_page": part.first_page, "last_page": part.last_page,
             "creators": [{"name": c.name, "affiliation": c.affiliation or None}
                          for c in part.creators]}
            for part in resource.parts if access.status_of(part) == "published"]
    return data
