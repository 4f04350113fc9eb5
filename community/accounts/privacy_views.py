"""Privacy pages: the aviso de privacidad (``/privacidad``), accepting a new version,
"Descargar mis datos" and "Cerrar mi cuenta". Rules live in accounts.services."""

import json

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from community.accounts import bp, services
from community.accounts.forms import AcceptPrivacyForm, CloseAccountForm
from community.core.errors import ValidationError
from community.core.forms import attach_errors
from community.core.pagecache import personal_part
from community.core.privacy import PRIVACY_NOTICE_DATE, PRIVACY_NOTICE_VERSION
from community.core.urls import safe_next
from community.core.web import client_ip, render_form
from community.extensions import db


@bp.app_context_processor
def _privacy_banner():
    """``privacy_review_needed()`` for the banner of base.html: a signed-in person who
    accepted no notice, or an older version, is asked to review the current one."""

    def privacy_review_needed() -> bool:
        return (request.endpoint not in ("accounts.privacy_notice", "accounts.close_account")
                and services.needs_privacy_review(current_user))

    return {"privacy_review_needed": privacy_review_needed,
            "privacy_notice_version": PRIVACY_NOTICE_VERSION,
            "privacy_notice_date": PRIVACY_NOTICE_DATE}


@personal_part("privacy_banner")
def _privacy_banner_part(_args: list[str]) -> dict[str, str]:
    return {"": render_template("accounts/_privacy_banner.html")}


@bp.route("/privacidad")
def privacy_notice():
    return render_template("accounts/privacy.html", contact=current_app.config["CONTACT"],
                           accept_form=AcceptPrivacyForm())


@bp.route("/cuenta/privacidad/aceptar", methods=["POST"])
@login_required
def accept_privacy():
    if not AcceptPrivacyForm().validate_on_submit():
        abort(400)
    if services.accept_privacy_notice(current_user, ip=client_ip()):
        db.session.commit()
        flash(_("Gracias. Aceptaste el aviso de privacidad vigente."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("accounts.settings")))


@bp.route("/cuenta/mis-datos")
@login_required
def download_data():
    data = services.export_personal_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="comunidad-osc-mis-datos-{current_user.id}.json"')
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/cuenta/cerrar", methods=["GET", "POST"])
@login_required
def close_account():
    form = CloseAccountForm()
    if form.validate_on_submit():
        try:
            services.close_account(current_user, form.current_password.data, ip=client_ip())
        except ValidationError as error:
            db.session.rollback()
            attach_errors(form, error)
        else:
            db.session.commit()
            logout_user()
            flash(_("Cerramos tu cuenta. Gracias por participar en Comunidad OSC."), "info")
            return redirect(url_for("main.home"))
    return render_form("accounts/close_account.html", form)
