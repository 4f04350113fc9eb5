"""The library's public pages: the catalogue, a resource, a series, the file and its citation.

Views parse the request, ask ``services``/``queries``/``access`` and render; the one commit of
a request (a counted download) happens here.
"""

from flask import Response, abort, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community.core import uploads
from community.core.catalog import activity_areas
from community.core.pagecache import cached_page
from community.core.sanitize import render_markdown
from community.core.urls import external_url
from community.core.web import client_ip
from community.extensions import db
from community.library import access, bp, citation, queries, services
from community.library import search as library_search
from community.library.labels import FORMATS, KINDS, LANGUAGES, RIGHTS
from community.library.models import Resource, ResourceFile

LABELS = {"kinds": KINDS, "formats": FORMATS, "languages": LANGUAGES, "rights": RIGHTS}
FILE_MAX_AGE = 3600


def search_state():
    """The catalogue's text box is ranked by the index, which catches up just after the
    commit that raised the library's version: its state is part of the cache key."""
    if not request.args.get("q"):
        return None
    from community.search import index

    return index.content_version()


def _facet_labels() -> dict:
    return {"tipo": {k: str(v) for k, v in KINDS.items()},
            "area": {a.fraction: f"{a.fraction}. {a.name}" for a in activity_areas()}}


def _search(q: str) -> tuple[list[int] | None, bool]:
    """The matching ids, best first (None: no text asked), and whether the index failed."""
    if not q:
        return None, False
    from community.search import service

    ids = service.ids_for(q, "resource", user=current_user)
    return ([], True) if ids is None else (ids, False)


def _hits(q: str, items) -> dict:
    """Each listed item's hit (snippet, page): only the page's items get one."""
    if not q or not items:
        return {}
    from community.search import service

    return service.hits_for(q, "resource", [item.id for item in items], user=current_user)


@bp.route("/biblioteca")
@cached_page("library", vary=search_state, args=queries.FILTER_ARGS)
def catalogue():
    filters = queries.CatalogueFilters.from_args(request.args)
    ids, unavailable = _search(filters.q)
    results = queries.catalogue(filters, ids)
    results.search_unavailable = unavailable
    hits = _hits(filters.q, results.items) if ids else {}

    def url_with(**changes):
        merged = {"q": filters.q, **filters.active(), **changes}
        return url_for("library.catalogue", **{k: v for k, v in merged.items() if v})

    return render_template("library/list.html", filters=filters, results=results, hits=hits,
                           url_with=url_with, facet_labels=_facet_labels(),
                           series=queries.series_with_counts(), **_reading_rules(), **LABELS)


def _withdrawn_page(resource: Resource):
    """The 410 page with the note for a withdrawn resource (staff still see it); else None."""
    if access.status_of(resource) != "withdrawn" or access.is_staff(current_user):
        return None
    return render_template("library/withdrawn.html", resource=resource,
                           note=access.effective(resource).withdrawn_note), 410


def _reading_rules() -> dict:
    """What list templates need to show a cover or a badge: a restricted resource's page
    image is for its readers only."""
    return {"is_restricted": access.is_restricted,
            "reader": access.reads_restricted(current_user)}


@bp.route("/biblioteca/<slug>")
@cached_page("library", args=("pagina", "q"))
def resource(slug: str):
    found = services.get_by_slug(current_user, slug)
    if gone := _withdrawn_page(found):
        return gone
    readable = access.can_read(current_user, found)
    file = services.file_of(found)
    page = _page_arg(found, file)
    text = queries.page_text(file, page) if readable and page else None
    url = external_url("library.resource", slug=found.slug)
    return render_template(
        "library/resource.html", resource=found, file=file, readable=readable,
        restricted=access.is_restricted(found), description=render_markdown(found.description),
        found_page=page, page_excerpt=text,
        page_passage=library_search.page_passage(text, request.args.get("q", "")[:200]),
        apa=citation.apa(found, url), versions=access.effective(found).files,
        manage_url=url_for("library.manage_resource", resource_id=found.id)
        if access.is_staff(current_user) else None, **LABELS)


def _page_arg(found: Resource, file: ResourceFile | None) -> int | None:
    """``?pagina=N`` from a search hit: a page inside the file, else nothing."""
    raw = request.args.get("pagina", "")
    if not raw.isdigit() or len(raw) > 5 or file is None:
        return None
    number = int(raw)
    return number if 1 <= number <= file.pages else None


@bp.route("/biblioteca/<slug>/archivo")
def download(slug: str):
    """The PDF: an attachment unless the reader asks to view it (``?ver=1``) and it carries
    no JavaScript, with ETag and Range so a phone on a poor connection resumes instead of
    starting over. A part serves its parent's file (its links add ``#page=N``) and counts as
    its own download."""
    found = services.get_by_slug(current_user, slug)
    if gone := _withdrawn_page(found):
        return gone
    if not access.can_read(current_user, found):
        return _not_for_you()
    stored = _requested_version(found)
    if _is_first_request():
        services.count_download(found, client_ip(), request.headers.get("User-Agent"))
        db.session.commit()
    response = send_file(
        uploads.private_path(stored.stored_name), mimetype="application/pdf",
        # A PDF with JavaScript is never opened in the browser's own viewer from our origin.
        as_attachment=request.args.get("ver") != "1" or stored.has_javascript,
        download_name=f"{found.slug}.pdf" if stored.version == _current_version(found)
        else f"{found.slug}-v{stored.version}.pdf",
        conditional=True, etag=stored.sha256, max_age=FILE_MAX_AGE, last_modified=None)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = ("private" if access.is_restricted(found)
                                         else "public") + f", max-age={FILE_MAX_AGE}"
    return response


def _requested_version(found: Resource) -> ResourceFile:
    version = request.args.get("version")
    stored = services.file_version(found, version) if version else services.file_of(found)
    if stored is None:
        abort(404)
    return stored


def _current_version(found: Resource) -> int | None:
    current = services.file_of(found)
    return current.version if current else None


def _is_first_request() -> bool:
    """A download is counted once: a plain GET or the first range of one, not the ranges a
    viewer or a resumed download asks for next, nor a HEAD."""
    if request.method != "GET" or request.headers.get("If-None-Match"):
        return False
    ranges = request.headers.get("Range", "")
    return not ranges or ranges.replace(" ", "").startswith("bytes=0-")


def _not_for_you():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.sign_in", next=request.full_path.rstrip("?")))
    return render_template("library/members_only.html"), 403


@bp.route("/biblioteca/<slug>/cita.bib")
@cached_page("library")
def bibtex(slug: str):
    found = services.get_by_slug(current_user, slug)
    if gone := _withdrawn_page(found):
        return gone
    text = citation.bibtex(found, external_url("library.resource", slug=found.slug))
    return Response(text, mimetype="application/x-bibtex", headers={
        "Content-Disposition": f'attachment; filename="{found.slug}.bib"'})


@bp.route("/biblioteca/series")
@cached_page("library")
def series_index():
    return render_template("library/series_index.html", series=queries.series_with_counts())


@bp.route("/biblioteca/series/<slug>")
@cached_page("library")
def series(slug: str):
    found = services.get_series(slug)
    return render_template("library/series.html", series=found,
                           issues=queries.series_issues(found), **_reading_rules(), **LABELS)


@bp.route("/biblioteca/portada/<name>")
def cover(name: str):
    return send_file(uploads.public_path(name), max_age=365 * 24 * 3600)


@bp.app_template_filter("file_size")
def file_size(size: int | None) -> str:
    if not size:
        return ""
    if size < 1024 * 1024:
        return _("%(n)s KB", n=max(1, round(size / 1024)))
    return _("%(n).1f MB", n=size / (1024 * 1024))
