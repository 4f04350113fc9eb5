"""The padrón's import for staff (/personal/padron/importar): upload the government's file,
say which column is which, read the dry run (what would be new, updated, unchanged, a
possible duplicate or an error), then apply it. The work is padron_import.py's; these pages
only ask and show.

A file of fewer than PADRON_INLINE_ROWS rows is applied within its request; a larger one in a
background thread with its own app context, while /progreso shows a <progress> bar that
reloads itself every two seconds (a <meta> refresh: no JavaScript needed).
"""

import json
import logging
import threading
import time

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func

from community.core.console import register_tile
from community.core.errors import NotFound, ValidationError
from community.core.models import AuditEntry
from community.core.pagination import SimplePage, page_arg
from community.core.permissions import require_staff
from community.core.timeutil import utcnow
from community.extensions import db
from community.profiles import padron_import as engine
from community.profiles.forms import EmptyForm
from community.profiles.models import Organization, PadronImport
from community.search import outbox
from community.staff import bp

log = logging.getLogger(__name__)

UPLOAD_FIELD = "archivo"
# The engine judges the file's size (20 MB) and answers next to the field; a request up to
# this size reaches it, only one far beyond is cut off with Flask's 413.
UPLOAD_REQUEST_LIMIT = 48 * 1024 * 1024
PER_PAGE = 50
REFRESH_SECONDS = 2
SEARCH_DRAIN_SECONDS = 600.0
CLASSES = ("new", "update", "unchanged", "duplicate", "error")
CLASS_LABELS = {
    "new": _l("Nuevas"),
    "update": _l("Con cambios"),
    "unchanged": _l("Sin cambios"),
    "duplicate": _l("Posibles duplicados"),
    "error": _l("Con errores"),
}
CLASS_HINTS = {
    "new": _l("No están en el padrón de la plataforma: se crearán como OSC sin administrar."),
    "update": _l("El mismo RFC o CLUNI que una OSC de la plataforma, con datos distintos: se "
                 "actualizarán y cada cambio quedará en su historial."),
    "unchanged": _l("Ya están en la plataforma con los mismos datos: no cambia nada."),
    "duplicate": _l("Un nombre muy parecido al de una OSC de la plataforma o de otra fila, en "
                    "el mismo municipio: nunca se unen solas. Marca las que sean otra OSC para "
                    "crearlas también."),
    "error": _l("No se pueden importar: el motivo está en cada fila."),
}
# The classes staff may accept on apply (duplicates and errors are never applied).
ACCEPTABLE = ("new", "update")
STATUS_LABELS = {
    "uploaded": _l("Subido"),
    "analysed": _l("Revisado"),
    "applying": _l("Aplicando"),
    "applied": _l("Aplicado"),
    "failed": _l("Falló"),
}


@bp.url_value_preprocessor
def _padron_upload_limit(endpoint, _values) -> None:
    """Set before anything reads the body (the CSRF check reads the form in a before_request),
    so that a file over the engine's limit gets its message next to the field."""
    if endpoint == "staff.padron_upload" and request.method == "POST":
        request.max_content_length = max(UPLOAD_REQUEST_LIMIT,
                                         current_app.config.get("MAX_CONTENT_LENGTH") or 0)


def _import(import_id: int) -> PadronImport:
    require_staff(current_user)
    imp = db.session.get(PadronImport, import_id)
    if imp is None:
        raise NotFound()
    return imp


def _messages(error: ValidationError) -> dict[str, str]:
    return {str(name): str(message) for name, message in error.errors.items()}


# --- upload --------------------------------------------------------------------------------


def _upload_page(errors: dict | None = None, status: int = 200):
    recent = db.session.scalars(db.select(PadronImport)
                                .order_by(PadronImport.created_at.desc(), PadronImport.id.desc())
                                .limit(20)).all()
    return render_template("profiles/padron_upload.html", form=EmptyForm(), errors=errors or {},
                           recent=recent, status_labels=STATUS_LABELS), status


@bp.route("/padron/importar", methods=["GET", "POST"])
@login_required
def padron_upload():
    require_staff(current_user)
    if request.method == "GET":
        return _upload_page()
    upload = request.files.get(UPLOAD_FIELD)
    if upload is None or not upload.filename:
        return _upload_page({UPLOAD_FIELD: _("Elige el archivo del padrón (CSV o XLSX).")}, 400)
    try:
        imp = engine.store_upload(current_user, upload)
    except ValidationError as error:
        db.session.rollback()
        return _upload_page(_messages(error), 422)
    db.session.commit()
    return redirect(url_for("staff.padron_mapping", import_id=imp.id), code=303)


# --- mapping -------------------------------------------------------------------------------


def _column(index: int) -> str:
    return f"columna-{index}"


def _mapping_page(imp: PadronImport, chosen: dict[int, str], errors: dict | None = None,
                  status: int = 200):
    headers = engine.headers(imp)
    errors = errors or {}
    # An error named after a column ("3" or "columna-3") goes next to its select; any other
    # (the mapping as a whole) above the form.
    by_column: dict[str, str] = {}
    general: list[str] = []
    for name, message in errors.items():
        key = name.removeprefix("columna-")
        if key.isdigit() and int(key) < len(headers):
            by_column[_column(int(key))] = message
        else:
            general.append(message)
    return render_template(
        "profiles/padron_mapping.html", imp=imp, headers=headers, chosen=chosen,
        fields=list(engine.FIELDS.items()), column=_column, errors=by_column,
        general_errors=general, form=EmptyForm()), status


@bp.route("/padron/importar/<int:import_id>", methods=["GET", "POST"])
@login_required
def padron_mapping(import_id: int):
    imp = _import(import_id)
    if request.method == "GET":
        headers = engine.headers(imp)
        saved = {int(k): v for k, v in (imp.mapping or {}).items()}
        return _mapping_page(imp, saved or engine.guess_mapping(headers))
    headers = engine.headers(imp)
    fields = set(engine.FIELDS)
    chosen: dict[int, str] = {}
    errors: dict[str, str] = {}
    for index in range(len(headers)):
        value = request.form.get(_column(index), "").strip()
        if not value:
            continue
        if value not in fields:
            errors[_column(index)] = _("Elige un dato de la lista.")
        else:
            chosen[index] = value
    if errors:
        return _mapping_page(imp, chosen, errors, 400)
    try:
        dry_run = engine.analyse(current_user, imp, chosen)
    except ValidationError as error:
        db.session.rollback()
        return _mapping_page(imp, chosen, _messages(error), 422)
    db.session.commit()
    _keep_dry_run(imp, dry_run)
    return redirect(url_for("staff.padron_review", import_id=imp.id), code=303)


# --- the dry run ---------------------------------------------------------------------------


# The last dry runs read, by import: the engine keeps only the counts, and reading the file
# again costs about a second per thousand rows, on every page of the report. A dry run is
# reused while the import, its mapping and the registry's OSC (their number and latest
# change) are the same, for at most DRY_RUN_SECONDS.
DRY_RUN_SECONDS = 600
DRY_RUNS_KEPT = 2
_dry_runs: dict[int, tuple[tuple, float, object]] = {}
_dry_runs_lock = threading.Lock()


def _dry_run_key(imp: PadronImport) -> tuple:
    orgs, latest = db.session.execute(
        db.select(func.count(Organization.id), func.max(Organization.updated_at))).one()
    return (imp.sha256, json.dumps(imp.mapping or {}, sort_keys=True), imp.status,
            imp.applied_at, orgs, latest)


def _dry_run(imp: PadronImport):
    """The dry run of the import's saved mapping, read again or reused (see _dry_runs)."""
    key, now = _dry_run_key(imp), time.monotonic()
    with _dry_runs_lock:
        kept = _dry_runs.get(imp.id)
    if kept is not None and kept[0] == key and now - kept[1] < DRY_RUN_SECONDS:
        return kept[2]
    mapping = {int(k): v for k, v in (imp.mapping or {}).items()}
    dry_run = engine.analyse(current_user, imp, mapping)
    _keep_dry_run(imp, dry_run, key)
    return dry_run


def _keep_dry_run(imp: PadronImport, dry_run, key: tuple | None = None) -> None:
    key = key or _dry_run_key(imp)
    with _dry_runs_lock:
        _dry_runs[imp.id] = (key, time.monotonic(), dry_run)
        for old in sorted(_dry_runs, key=lambda i: _dry_runs[i][1])[:-DRY_RUNS_KEPT]:
            del _dry_runs[old]


@bp.route("/padron/importar/<int:import_id>/revision")
@login_required
def padron_review(import_id: int):
    imp = _import(import_id)
    if engine.is_running(imp):
        return redirect(url_for("staff.padron_progress", import_id=imp.id))
    if imp.status == "uploaded" or not imp.mapping:
        return redirect(url_for("staff.padron_mapping", import_id=imp.id))
    try:
        dry_run = _dry_run(imp)
    except ValidationError as error:
        db.session.rollback()
        flash(" ".join(_messages(error).values()), "error")
        return redirect(url_for("staff.padron_mapping", import_id=imp.id))
    # A GET writes nothing: the import keeps its status and counts, the audit entry goes.
    db.session.rollback()
    counts = {klass: int(dry_run.counts.get(klass, 0)) for klass in CLASSES}
    klass = request.args.get("clase", "")
    if klass not in CLASSES:
        klass = next((k for k in CLASSES if counts[k]), "new")
    rows = [row for row in dry_run.rows if row.klass == klass]
    number = min(page_arg(request.args, "pagina"), max(1, -(-len(rows) // PER_PAGE)))
    page = SimplePage(rows[(number - 1) * PER_PAGE:number * PER_PAGE], number, len(rows),
                      PER_PAGE)
    return render_template(
        "profiles/padron_review.html", imp=imp, counts=counts, klass=klass, page=page,
        classes=CLASSES, class_labels=CLASS_LABELS, class_hints=CLASS_HINTS,
        field_labels=engine.FIELDS, status_labels=STATUS_LABELS,
        municipality_label=engine.municipality_label,
        can_apply=engine.state(imp) in ("analysed", "failed"),
        page_url=lambda n: url_for("staff.padron_review", import_id=imp.id, clase=klass,
                                   pagina=n, _anchor="filas"),
        form=EmptyForm())


# --- apply ---------------------------------------------------------------------------------


def _inline(imp: PadronImport) -> bool:
    config = current_app.config
    return bool(config.get("PADRON_APPLY_INLINE")) or (
        (imp.rows or 0) < int(config.get("PADRON_INLINE_ROWS", 3000)))


def _picked_rows() -> set[int]:
    """The single rows staff chose to write anyway (possible duplicates judged distinct)."""
    return {int(value) for value in request.form.getlist("fila")
            if value.isdigit() and len(value) <= 7}


def _apply_in_background(app, import_id: int, user_id: int, accept: frozenset,
                         rows: set[int]) -> None:
    """The thread's work, in its own app context and session. The engine commits each batch
    and its progress, and marks the import failed if it stops (a re-applied file changes
    nothing, so one cut short can simply be applied again)."""
    from community.accounts.models import User

    with app.app_context():
        try:
            imp = db.session.get(PadronImport, import_id)
            actor = db.session.get(User, user_id)
            # The request marked it "applying" so that its page shows the bar at once and a
            # second click does not start another thread; the engine takes it from here.
            imp.status = "analysed"
            engine.apply(actor, imp, accept=accept, rows=rows or None)
            # The engine feeds the search index only on its last commit (two seconds): the
            # thread has time to index every OSC it wrote, as the command line does.
            outbox.drain(app, timeout=SEARCH_DRAIN_SECONDS)
        except Exception:
            log.exception("The padrón import %s failed", import_id)
            db.session.rollback()
            imp = db.session.get(PadronImport, import_id)
            if imp is not None and imp.status != "failed":
                imp.status, imp.error = "failed", imp.error or _("Error inesperado.")
                db.session.commit()
        finally:
            db.session.remove()


@bp.route("/padron/importar/<int:import_id>/aplicar", methods=["POST"])
@login_required
def padron_apply(import_id: int):
    imp = _import(import_id)
    if imp.status == "applied" or engine.is_running(imp):
        return redirect(url_for("staff.padron_progress", import_id=imp.id), code=303)
    if engine.state(imp) not in ("analysed", "failed") or not imp.mapping:
        flash(_("Primero elige las columnas y revisa el resultado de la prueba."), "error")
        return redirect(url_for("staff.padron_mapping", import_id=imp.id), code=303)
    accept = frozenset(request.form.getlist("aceptar")) & set(ACCEPTABLE)
    rows = _picked_rows()
    if not accept and not rows:
        flash(_("Elige qué aplicar: las OSC nuevas, los cambios o ambos."), "error")
        return redirect(url_for("staff.padron_review", import_id=imp.id), code=303)
    if _inline(imp):
        try:
            engine.apply(current_user, imp, accept=accept, rows=rows or None)
        except ValidationError as error:
            db.session.rollback()
            flash(" ".join(_messages(error).values()), "error")
            return redirect(url_for("staff.padron_review", import_id=imp.id), code=303)
        except Exception:
            # The engine marked the import failed (and kept the batches it wrote): the
            # progress page says so.
            log.exception("The padrón import %s failed", imp.id)
            db.session.rollback()
        return redirect(url_for("staff.padron_progress", import_id=imp.id), code=303)
    imp.status, imp.progress, imp.error = "applying", 0, None
    imp.progress_at = utcnow()
    db.session.commit()
    app = current_app._get_current_object()  # noqa: SLF001 - the thread needs the real app
    threading.Thread(target=_apply_in_background,
                     args=(app, imp.id, current_user.id, accept, rows),
                     name=f"padron-import-{imp.id}", daemon=True).start()
    return redirect(url_for("staff.padron_progress", import_id=imp.id), code=303)


APPLIED_LABELS = {
    "created": _l("OSC creadas"),
    "updated": _l("OSC actualizadas"),
    "revisions": _l("Cambios registrados en los historiales"),
    "unchanged": _l("Sin cambios"),
    "skipped": _l("No aplicadas (posibles duplicados o no elegidas)"),
    "error": _l("Filas con errores"),
}


def _applied_counts(imp: PadronImport) -> dict[str, int]:
    """What the last apply wrote, as the engine recorded it in the audit log."""
    if imp.status != "applied":
        return {}
    entry = db.session.scalar(
        db.select(AuditEntry)
        .where(AuditEntry.action == "registry.import_applied",
               AuditEntry.target_type == "padronimport",
               AuditEntry.target_id == str(imp.id))
        .order_by(AuditEntry.id.desc()).limit(1))
    details = entry.details if entry is not None else {}
    return {key: int(details.get(key) or 0) for key in APPLIED_LABELS}


@bp.route("/padron/importar/<int:import_id>/progreso")
@login_required
def padron_progress(import_id: int):
    imp = _import(import_id)
    return render_template("profiles/padron_progress.html", imp=imp,
                           status=engine.state(imp),
                           refresh=REFRESH_SECONDS if engine.is_running(imp) else None,
                           applied=_applied_counts(imp), applied_labels=APPLIED_LABELS,
                           status_labels=STATUS_LABELS)


register_tile("padron_import", _l("Importar el padrón"), "staff.padron_upload", order=25,
              description=_l("Cargar el archivo del padrón del gobierno (CSV o Excel): probar, "
                             "revisar duplicados y aplicar."))
