"""Attendance at the door (by name or by the QR code's link), the attendance list, an OSC's
record across events, certificates and the QR code of a ticket.

Every check here is the services' (``attendance``, ``certificates``, ``services``); a GET
never changes anything, every change is a POST with a CSRF token.
"""

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.core.errors import ValidationError
from community.events import attendance, bp, certificates, qr, services
from community.extensions import db, limiter
from community.profiles import services as profiles

PRIVATE = "private, no-store"


def _query(raw: str | None) -> str:
    """The door's search as typed, cut to its field's length: a crafted request never turns
    into a giant page or redirect."""
    return (raw or "").strip()[:attendance.QUERY_MAX]


def _refused(error: ValidationError) -> None:
    flash("; ".join(str(m) for m in error.errors.values()), "error")


def _checked_in_message(registration, new: bool) -> str:
    if new:
        return _("Asistencia registrada: %(name)s.", name=registration.user.name)
    return _("%(name)s ya tenía su asistencia registrada.", name=registration.user.name)


# --- at the door --------------------------------------------------------------------------


@bp.route("/eventos/<slug>/asistencia")
@login_required
def check_in_page(slug: str):
    event = services.get_visible(current_user, slug)
    raw = request.args.get("q") or ""
    q = _query(raw)
    found = attendance.attendees(current_user, event, q)
    return render_template("events/attendance/check_in.html", event=event, q=q, found=found,
                           shortened=len(raw.strip()) > len(q),
                           query_max=attendance.QUERY_MAX)


@bp.route("/eventos/<slug>/asistencia/<int:registration_id>", methods=["POST"])
@login_required
def check_in(slug: str, registration_id: int):
    event = services.get_visible(current_user, slug)
    registration = attendance.registration_at(current_user, event, registration_id)
    back = url_for("events.check_in_page", slug=event.slug, q=_query(request.form.get("q")) or None)
    try:
        new = attendance.check_in(current_user, registration)
    except ValidationError as error:
        _refused(error)
        return redirect(back, 303)
    db.session.commit()
    flash(_checked_in_message(registration, new), "success" if new else "info")
    return redirect(back)


@bp.route("/eventos/asistencia/<ticket>")
@login_required
def check_in_ticket(ticket: str):
    registration = attendance.registration_for_ticket(current_user, ticket)
    return render_template("events/attendance/ticket.html", registration=registration,
                           event=registration.event)


@bp.route("/eventos/asistencia/<ticket>", methods=["POST"])
@login_required
def check_in_ticket_confirm(ticket: str):
    back = url_for("events.check_in_ticket", ticket=ticket)
    try:
        registration, new = attendance.check_in_by_ticket(current_user, ticket)
    except ValidationError as error:
        _refused(error)
        return redirect(back, 303)
    db.session.commit()
    flash(_checked_in_message(registration, new), "success" if new else "info")
    return redirect(back)


# --- lists --------------------------------------------------------------------------------


@bp.route("/eventos/<slug>/asistencia.csv")
@login_required
def attendance_csv(slug: str):
    event = services.get_visible(current_user, slug)
    body = attendance.attendance_csv(current_user, event)
    response = Response(stream_with_context(body), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f"attachment; filename=asistencia-{event.slug}.csv"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/osc/<org_slug>/asistencia-eventos")
@login_required
def org_attendance(org_slug: str):
    org = profiles.get_visible(current_user, org_slug)
    history = attendance.organization_history(current_user, org)
    return render_template("events/attendance/organization.html", org=org, history=history)


# --- certificates and tickets ---------------------------------------------------------------


@bp.route("/eventos/<slug>/constancia.pdf")
@login_required
def certificate(slug: str):
    event = services.get_visible(current_user, slug)
    registration = certificates.attended_registration(current_user, event)
    if certificates.ensure_code(registration):
        db.session.commit()
    response = Response(certificates.render_pdf(registration), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"attachment; filename=constancia-{event.slug}.pdf"
    response.headers["Cache-Control"] = PRIVATE
    return response


@bp.route("/constancias/<code>")
@limiter.limit(lambda: current_app.config["RATELIMIT_CERTIFICATE_LOOKUP"],
               deduct_when=lambda response: response.status_code == 404)
def verify_certificate(code: str):
    found = certificates.verify(code)
    if found is None:
        return render_template("events/certificates/not_found.html", code=code[:40]), 404
    return render_template("events/certificates/verify.html", certificate=found)


@bp.route("/eventos/registro/<int:registration_id>/qr.png")
@login_required
def ticket_qr(registration_id: int):
    registration = services.get_ticket(current_user, registration_id)
    response = Response(qr.ticket_png(registration), mimetype="image/png")
    response.headers["Cache-Control"] = PRIVATE
    return response
