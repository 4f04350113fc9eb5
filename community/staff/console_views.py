"""The staff console (``/personal``): what waits for staff, and a way to every staff tool."""

from flask import render_template
from flask_login import current_user, login_required

from community.staff import bp, services


@bp.route("")
@login_required
def console():
    return render_template("staff/console.html", tiles=services.console(current_user))
