"""Attendance at the door, the attendance list, an OSC's history, certificates and the QR
code of a ticket. (Being written: stubs answer until the services land.)"""

from flask import abort
from flask_login import login_required

from community.events import bp


@bp.route("/eventos/<slug>/asistencia")
@login_required
def check_in_page(slug: str):
    abort(404)


@bp.route("/eventos/<slug>/asistencia/<int:registration_id>", methods=["POST"])
@login_required
def check_in(slug: str, registration_id: int):
    abort(404)


@bp.route("/eventos/asistencia/<ticket>")
@login_required
def check_in_ticket(ticket: str):
    abort(404)


@bp.route("/eventos/asistencia/<ticket>", methods=["POST"])
@login_required
def check_in_ticket_confirm(ticket: str):
    abort(404)


@bp.route("/eventos/<slug>/asistencia.csv")
@login_required
def attendance_csv(slug: str):
    abort(404)


@bp.route("/osc/<org_slug>/asistencia-eventos")
@login_required
def org_attendance(org_slug: str):
    abort(404)


@bp.route("/eventos/<slug>/constancia.pdf")
@login_required
def certificate(slug: str):
    abort(404)


@bp.route("/constancias/<code>")
def verify_certificate(code: str):
    abort(404)


@bp.route("/eventos/registro/<int:registration_id>/qr.png")
@login_required
def ticket_qr(registration_id: int):
    abort(404)
