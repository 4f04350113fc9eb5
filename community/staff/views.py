"""Staff console pages."""

from flask import render_template, request
from flask_login import current_user, login_required

from community.staff import bp, services


@bp.route("/bitacora")
@login_required
def audit_log():
    action = request.args.get("accion", "")[:60]
    entries = services.audit_log(current_user, action=action,
                                 page=request.args.get("page", 1, type=int))
    return render_template("staff/audit_log.html", entries=entries, action=action)
