"""Site-wide pages: home, language choice, health check."""

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session
from flask_login import current_user
from sqlalchemy import text

from community.accounts import services as account_services
from community.core.errors import ValidationError
from community.core.urls import safe_next
from community.extensions import db

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    """The figures come from staff's registry of indicators, offered through the app."""
    return render_template("main/home.html", stats=current_app.extensions["home_figures"]())


@bp.route("/idioma", methods=["POST"])
def set_language():
    """Remember the choice in the session, and on the account when signed in."""
    language = request.form.get("language", "")
    target = safe_next(request.form.get("next"), "/")
    if language not in current_app.config["LANGUAGES"]:
        return redirect(target)
    session["language"] = language
    if current_user.is_authenticated:
        try:
            account_services.set_language(current_user, language)
        except ValidationError:
            return redirect(target)
        db.session.commit()
    return redirect(target)


@bp.route("/healthz")
def healthz():
    """Machine-readable state for load balancers and monitoring.

    Only a failing database takes the node out (503); a search index being rebuilt leaves the
    pages serving, so it is reported as "degraded" with 200.
    """
    checks = {"database": _database_state()}
    for name, probe in current_app.extensions.get("health_checks", {}).items():
        checks[name] = probe()
    if checks["database"] != "ok":
        return jsonify(status="error", checks=checks), 503
    healthy = all(check == "ok" for check in checks.values())
    return jsonify(status="ok" if healthy else "degraded", checks=checks), 200


def _database_state() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "not healthy", reported not raised
        db.session.rollback()
        return "error"
    return "ok"


from community import personal_home  # noqa: E402, F401 - /inicio registers itself on bp
