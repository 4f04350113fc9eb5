"""My notices (``/cuenta/avisos``): the page every module's notifications lead to, and the
unread count the header shows.

The services in ``community.core.notifications`` touch only the signed-in person's rows; a
notification of someone else answers 404 here, never a redirect to its link, so its link
does not leak either.
"""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.accounts import bp
from community.accounts.forms import ChangeEmailForm, ChangePasswordForm, ResendConfirmationForm
from community.core import notifications
from community.core.errors import ValidationError
from community.core.pagecache import personal_part
from community.core.pagination import page_arg
from community.core.urls import safe_next
from community.extensions import db

PER_PAGE = 30


@bp.app_context_processor
def _unread_notifications():
    """``unread_notifications()`` for the header badge: a function, so pages that do not show
    the badge (and anonymous visitors) never run the count, and a page runs it once."""

    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        if "unread_notifications" not in g:
            g.unread_notifications = notifications.unread_count(current_user)
        return g.unread_notifications

    return {"unread_notifications": unread_notifications}


@personal_part("account_nav")
def _account_nav(_args: list[str]) -> dict[str, str]:
    """The header's links of the signed-in person (base.html): their counts and name."""
    return {"": render_template("accounts/_account_nav.html")}


@bp.route("/cuenta/avisos", endpoint="notifications")
@login_required
def notifications_page():
    pages = notifications.for_user(current_user, page=page_arg(request.args), per_page=PER_PAGE)
    return render_template("accounts/notifications.html", pages=pages,
                           unread=notifications.unread_count(current_user))


@bp.route("/cuenta/avisos/leidas", methods=["POST"])
@login_required
def notifications_read():
    notifications.mark_read(current_user)
    db.session.commit()
    return redirect(url_for("accounts.notifications"))


@bp.route("/cuenta/avisos/<int:notification_id>/leida", methods=["POST"])
@login_required
def notification_read(notification_id: int):
    """Mark one notice read and follow its link (a path on this site, or back to the list)."""
    notification = notifications.open_notification(current_user, notification_id)
    db.session.commit()
    return redirect(safe_next(notification.url, url_for("accounts.notifications")))


@bp.route("/cuenta/avisos/correo", methods=["POST"])
@login_required
def notification_email():
    """The mail preference form of the settings page (each notice, daily digest, never)."""
    try:
        notifications.set_email_preference(current_user, request.form.get("notification_email"))
    except ValidationError as error:
        db.session.rollback()
        return render_template("accounts/settings.html", password_form=ChangePasswordForm(),
                               email_form=ChangeEmailForm(),
                               resend_form=ResendConfirmationForm(),
                               notification_errors=error.errors), 422
    db.session.commit()
    flash(_("Guardamos cómo quieres recibir tus avisos por correo."), "success")
    return redirect(url_for("accounts.settings") + "#correo-avisos")
