"""The library's staff pages (/biblioteca/gestion): the list of every resource, the record
form with its first PDF, a resource's staff page (status, file versions, table of contents,
downloads), series and subjects.

Views parse the request, call ``services`` (every permission and every write) or
``manage_queries`` (the list), and render; the one commit of a request happens here. A PDF is
judged (``pdf.inspect_pdf``, in a limited child process) before the record is written, and
stored only when everything else was accepted, so a refusal leaves nothing behind.
"""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from community.core import uploads
from community.core.errors import NotFound, ValidationError
from community.core.forms import attach_errors
from community.core.inputs import as_id
from community.core.sanitize import render_markdown
from community.core.web import render_form
from community.extensions import db, limiter
from community.library import access as access_rules
from community.library import bp, extraction, manage_queries, pdf, services
from community.library.forms import (
    FileForm,
    PublishForm,
    ResourceForm,
    SeriesForm,
    SubjectForm,
    TocForm,
    WithdrawForm,
)
from community.library.labels import FORMATS, KINDS, LANGUAGES, RIGHTS
from community.library.models import Resource, Series

POST_LIMIT = "30 per minute"
# Room for the record's text fields beside the PDF in one request (a description of 20,000
# characters is at most 80 KB): the PDF's own limit is judged by ``read_upload``, with a
# message next to the field; only a request far beyond it is cut off with a 413.
FORM_ALLOWANCE = 256 * 1024
UPLOAD_ENDPOINTS = {"library.manage_new", "library.manage_edit", "library.manage_upload"}
STATUSES = {"draft": _l("Borrador"), "published": _l("Publicado"),
            "withdrawn": _l("Retirado")}
LABELS = {"kinds": KINDS, "languages": LANGUAGES, "rights": RIGHTS, "formats": FORMATS,
          "statuses": STATUSES, "text_states": manage_queries.TEXT_STATES,
          "file_filters": manage_queries.FILE_FILTERS}


@bp.url_value_preprocessor
def _library_upload_limit(endpoint, _values) -> None:
    """The library's PDFs may be larger than the site's MAX_CONTENT_LENGTH. Set before
    anything reads the body (the CSRF check reads the form in a before_request, and URL value
    preprocessors run before those), so Flask's 413 answers with the library's limit."""
    if endpoint in UPLOAD_ENDPOINTS and request.method == "POST":
        request.max_content_length = (current_app.config["LIBRARY_MAX_UPLOAD_BYTES"]
                                      + FORM_ALLOWANCE)


def _resource(resource_id: int) -> Resource:
    return services.get_for_staff(current_user, resource_id)


def _manage_url(resource: Resource, anchor: str | None = None) -> str:
    return url_for("library.manage_resource", resource_id=resource.id, _anchor=anchor)


# --- the list -------------------------------------------------------------------------------


@bp.route("/biblioteca/gestion")
@login_required
def manage():
    services.require_publisher(current_user)
    errors = {}
    try:
        filters = manage_queries.ManageFilters.from_args(request.args)
    except ValidationError as error:
        errors = {name: str(message) for name, message in error.errors.items()}
        filters = manage_queries.ManageFilters()
    results = manage_queries.manage_list(current_user, filters)
    body = render_template(
        "library/manage/list.html", results=results, filters=filters, errors=errors,
        chosen={"estado": request.args.get("estado", ""),
                "archivo": request.args.get("archivo", "")},
        text_state=manage_queries.text_state, series=services.all_series(),
        page_url=lambda page: url_for("library.manage", **filters.as_args(page=page)),
        **LABELS)
    return body, 400 if errors else 200


# --- the record -----------------------------------------------------------------------------


def _checked_pdf(upload, field: str = "file"):
    """(bytes, PdfInfo) of an uploaded PDF judged by its content, or ValidationError."""
    config = current_app.config
    label = _l("El PDF")
    data = uploads.read_upload(upload, field=field, max_bytes=config["LIBRARY_MAX_UPLOAD_BYTES"],
                               label=label)
    info = pdf.inspect_pdf(data, field=field, max_bytes=config["LIBRARY_MAX_UPLOAD_BYTES"],
                           time_limit=config["LIBRARY_CHECK_SECONDS"],
                           max_pages=config["LIBRARY_MAX_PAGES"], label=label)
    return data, info


def _chosen(upload) -> bool:
    return upload is not None and bool(getattr(upload, "filename", ""))


def _save_with_file(form, act, upload, note: str = "", field: str = "file"):
    """Run ``act`` (which writes the record and returns the resource) and attach the PDF, as
    one act: when the file or any field is refused, every message goes next to its field,
    nothing is saved, no file stays on the disk, and the form keeps what was typed."""
    errors: dict = {}
    checked = None
    if _chosen(upload):
        try:
            checked = _checked_pdf(upload, field)
        except ValidationError as error:
            errors.update(error.errors)
    saved, stored = None, None
    try:
        saved = act()
        if checked is not None and not errors:
            data, info = checked
            stored = uploads.store_checked_pdf(data, upload.filename)
            services.attach_file(current_user, saved, stored, info, note)
    except ValidationError as error:
        errors.update(error.errors)
    except BaseException:
        db.session.rollback()
        uploads.delete_private(stored.stored_name if stored else None)
        raise
    if errors:
        db.session.rollback()
        uploads.delete_private(stored.stored_name if stored else None)
        if field != "file" and "file" in errors:
            errors[field] = errors.pop("file")
        if "note" in errors and hasattr(form, "version_note"):
            errors["version_note"] = errors.pop("note")
        attach_errors(form, ValidationError(errors))
        return None
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        uploads.delete_private(stored.stored_name if stored else None)
        raise
    if stored is not None:
        extraction.queued_event.set()
    return saved


@bp.route("/biblioteca/gestion/nuevo", methods=["GET", "POST"])
@login_required
@limiter.limit(POST_LIMIT, methods=["POST"])
def manage_new():
    services.require_publisher(current_user)
    form = ResourceForm()
    if form.validate_on_submit():
        created = _save_with_file(
            form, lambda: services.create_resource(current_user, form.resource_data()),
            form.file.data)
        if created is not None:
            flash(_("Guardamos el borrador. Revísalo y publícalo cuando esté listo."),
                  "success")
            return redirect(_manage_url(created))
    return render_form("library/manage/form.html", form, resource=None)


@bp.route("/biblioteca/gestion/<int:resource_id>/editar", methods=["GET", "POST"])
@login_required
@limiter.limit(POST_LIMIT, methods=["POST"])
def manage_edit(resource_id: int):
    found = _resource(resource_id)
    form = ResourceForm() if request.method == "POST" else ResourceForm.for_resource(found)
    if form.validate_on_submit():
        saved = _save_with_file(
            form, lambda: services.update_resource(current_user, found, form.resource_data()),
            form.file.data)
        if saved is not None:
            flash(_("Guardamos los cambios."), "success")
            return redirect(_manage_url(saved))
    return render_form("library/manage/form.html", form, resource=found)


# --- one resource ---------------------------------------------------------------------------


def _resource_page(found: Resource, status: int = 200, **forms):
    forms.setdefault("file_form", FileForm())
    forms.setdefault("toc_form", TocForm(data={"toc": services.toc_text(found)}))
    forms.setdefault("withdraw_form", WithdrawForm())
    forms.setdefault("publish_form", PublishForm())
    owner = access_rules.effective(found)
    return render_template(
        "library/manage/resource.html", resource=found, owner=owner,
        versions=list(owner.files), text_state=manage_queries.text_state,
        description=render_markdown(found.description),
        text_message=pdf.status_message, downloads=services.downloads_by_month(found),
        part_kind=services.PART_KINDS.get(found.kind), **forms, **LABELS), status


@bp.route("/biblioteca/gestion/<int:resource_id>")
@login_required
def manage_resource(resource_id: int):
    return _resource_page(_resource(resource_id))


@bp.route("/biblioteca/gestion/<int:resource_id>/archivo", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def manage_upload(resource_id: int):
    found = _resource(resource_id)
    form = FileForm()
    if form.validate_on_submit():
        upload = form.file.data
        if not _chosen(upload):
            form.file.errors = [_("Elige el PDF de la nueva versión.")]
        else:
            saved = _save_with_file(form, lambda: found, upload, form.version_note.data or "")
            if saved is not None:
                flash(_("Guardamos la nueva versión del PDF; su texto estará listo en unos "
                        "minutos."), "success")
                return redirect(_manage_url(found, "versiones"))
    return _resource_page(found, 422, file_form=form)


@bp.route("/biblioteca/gestion/<int:resource_id>/indice", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def manage_toc(resource_id: int):
    found = _resource(resource_id)
    form = TocForm()
    if form.validate_on_submit():
        try:
            services.set_parts(current_user, found, form.toc.data or "")
        except ValidationError as error:
            db.session.rollback()
            attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("Guardamos el índice."), "success")
            return redirect(_manage_url(found, "indice"))
    return _resource_page(found, 422, toc_form=form)


@bp.route("/biblioteca/gestion/<int:resource_id>/publicar", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def manage_publish(resource_id: int):
    found = _resource(resource_id)
    try:
        services.publish(current_user, found)
    except ValidationError as error:
        db.session.rollback()
        flash("; ".join(str(m) for m in error.errors.values()), "error")
        return redirect(_manage_url(found), 303)
    db.session.commit()
    flash(_("Publicamos el recurso; ya aparece en la biblioteca."), "success")
    return redirect(_manage_url(found))


@bp.route("/biblioteca/gestion/<int:resource_id>/retirar", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def manage_withdraw(resource_id: int):
    found = _resource(resource_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            services.withdraw(current_user, found, form.note.data or "")
        except ValidationError as error:
            db.session.rollback()
            if "status" in error.errors:
                flash("; ".join(str(m) for m in error.errors.values()), "error")
                return redirect(_manage_url(found), 303)
            attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("Retiramos el recurso; su página muestra el aviso."), "info")
            return redirect(_manage_url(found))
    return _resource_page(found, 422, withdraw_form=form)


# --- series ---------------------------------------------------------------------------------


def _series_form(form: SeriesForm, series: Series | None):
    if form.validate_on_submit():
        try:
            saved = services.save_series(current_user, form.series_data(), series)
        except ValidationError as error:
            db.session.rollback()
            attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("Guardamos la serie «%(title)s».", title=saved.title), "success")
            return redirect(url_for("library.manage", _anchor="series"))
    return render_form("library/manage/series_form.html", form, series=series)


@bp.route("/biblioteca/gestion/series/nueva", methods=["GET", "POST"])
@login_required
@limiter.limit(POST_LIMIT, methods=["POST"])
def manage_series_new():
    services.require_publisher(current_user)
    return _series_form(SeriesForm(), None)


@bp.route("/biblioteca/gestion/series/<int:series_id>/editar", methods=["GET", "POST"])
@login_required
@limiter.limit(POST_LIMIT, methods=["POST"])
def manage_series_edit(series_id: int):
    services.require_publisher(current_user)
    series = db.session.get(Series, as_id(series_id) or 0)
    if series is None:
        raise NotFound(series_id)
    form = SeriesForm() if request.method == "POST" else SeriesForm(obj=series)
    return _series_form(form, series)


# --- subjects -------------------------------------------------------------------------------


def _subjects_page(form: SubjectForm, status: int = 200, rename_errors=None, renamed=None):
    return render_template("library/manage/subjects.html", form=form,
                           subjects=services.subjects(), rename_errors=rename_errors or {},
                           renamed=renamed or {}), status


@bp.route("/biblioteca/gestion/temas", methods=["GET", "POST"])
@login_required
@limiter.limit(POST_LIMIT, methods=["POST"])
def manage_subjects():
    services.require_publisher(current_user)
    form = SubjectForm()
    if form.validate_on_submit():
        try:
            added = services.add_subject(current_user, form.name.data)
        except ValidationError as error:
            db.session.rollback()
            attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("Agregamos el tema «%(name)s».", name=added.name), "success")
            return redirect(url_for("library.manage_subjects"))
    return _subjects_page(form, 422 if request.method == "POST" else 200)


@bp.route("/biblioteca/gestion/temas/<int:subject_id>", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def manage_subject_rename(subject_id: int):
    services.require_publisher(current_user)
    form = SubjectForm()
    if form.validate_on_submit():
        try:
            renamed = services.rename_subject(current_user, subject_id, form.name.data)
        except ValidationError as error:
            db.session.rollback()
            message = "; ".join(str(m) for m in error.errors.values())
        else:
            db.session.commit()
            flash(_("Cambiamos el nombre del tema a «%(name)s».", name=renamed.name),
                  "success")
            return redirect(url_for("library.manage_subjects"))
    else:
        message = "; ".join(str(m) for errors in form.errors.values() for m in errors)
    return _subjects_page(SubjectForm(formdata=None), 422,
                          rename_errors={subject_id: message},
                          renamed={subject_id: form.name.data or ""})
