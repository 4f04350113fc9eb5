"""Staff console: the audit trail, the registry's validation queue, the padrón export."""

from datetime import datetime

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.core import audit
from community.core.errors import ValidationError
from community.core.pagination import page_arg
from community.extensions import db
from community.profiles import claims, exports, queries
from community.profiles import services as registry
from community.profiles.fields import REVISION_FIELD_LABELS, as_text
from community.profiles.forms import EmptyForm
from community.staff import bp, services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/bitacora")
@login_required
def audit_log():
    action = request.args.get("accion", "")[:60]
    entries = services.audit_log(current_user, action=action,
                                 page=page_arg(request.args))
    return render_template("staff/audit_log.html", entries=entries, action=action,
                           targets=services.audit_targets(current_user, entries.items),
                           action_label=audit.action_label, choices=audit.action_choices())


@bp.route("/registro")
@login_required
def registry_queue():
    pending, requests = registry.validation_queue(current_user)
    current_values = {c.id: {name: as_text(registry.current_value(c.organization, name))
                             for name in c.changes} for c in requests}
    return render_template("staff/registry_queue.html", pending=pending, requests=requests,
                           current_values=current_values, field_labels=REVISION_FIELD_LABELS,
                           claim_groups=claims.review_queue(current_user), form=EmptyForm())


@bp.route("/osc/<slug>/decision", methods=["POST"])
@login_required
def decide_organization(slug):
    org = services.organization(current_user, slug)
    decision, reason = request.form.get("decision"), request.form.get("reason", "")
    actions = {
        "validate": lambda: registry.validate(current_user, org),
        "reject": lambda: registry.reject(current_user, org, reason),
        "deactivate": lambda: registry.deactivate(current_user, org, reason),
    }
    if decision not in actions:
        abort(422)
    try:
        actions[decision]()
    except ValidationError as error:
        flash("; ".join(str(m) for m in error.errors.values()), "error")
        return redirect(url_for("staff.registry_queue"), 303)
    db.session.commit()
    flash(_("Decisión registrada para %(name)s.", name=org.name), "success")
    return redirect(url_for("staff.registry_queue"))


@bp.route("/cambios/<int:request_id>/decision", methods=["POST"])
@login_required
def decide_change(request_id):
    change = services.change_request(current_user, request_id)
    try:
        registry.decide_change_request(current_user, change,
                                       request.form.get("decision") == "approve",
                                       request.form.get("reason", ""))
    except ValidationError as error:
        flash("; ".join(str(m) for m in error.errors.values()), "error")
        return redirect(url_for("staff.registry_queue"), 303)
    db.session.commit()
    flash(_("Decisión registrada."), "success")
    return redirect(url_for("staff.registry_queue"))


@bp.route("/padron")
@login_required
def registry_export_page():
    return render_template("staff/registry_export.html",
                           **queries.export_options(current_user))


@bp.route("/padron.<any(csv, json):fmt>")
@login_required
def registry_export(fmt):
    """The padrón: CSV with labels beside codes for people, JSON with the public record for
    programs. Same filters as the XLSX (``services.export_filters``)."""
    filters = services.export_filters(current_user, request.args)
    if fmt == "csv":
        records = queries.staff_export(current_user, filters, record=exports.registry_record)
        body = queries.csv_chunks(map(exports.csv_record, records),
                                  exports.REGISTRY_COLUMN_NAMES)
        mimetype = "text/csv; charset=utf-8"
    else:
        body = queries.json_chunks(queries.staff_export(current_user, filters))
        mimetype = "application/json"
    response = Response(stream_with_context(body), mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={_export_name(fmt)}"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/padron.xlsx")
@login_required
def registry_export_xlsx():
    """The padrón as an Excel workbook: typed cells, so postal codes keep their leading zero."""
    filters = services.export_filters(current_user, request.args)
    records = queries.staff_export(current_user, filters, record=exports.registry_record)
    response = send_file(exports.xlsx_file(records), mimetype=XLSX, as_attachment=True,
                         download_name=_export_name("xlsx"), max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


def _export_name(extension: str) -> str:
    return f"padron-osc-{datetime.now().strftime('%Y%m%d')}.{extension}"
