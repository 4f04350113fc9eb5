"""Staff console: the mail outbox (what waits, what gave up) and putting failed mail back."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from community.core import mail as outbox
from community.core.web import client_ip
from community.extensions import db
from community.profiles.forms import EmptyForm
from community.staff import bp


@bp.route("/correo")
@login_required
def mail_outbox():
    summary = outbox.outbox_summary(current_user)
    return render_template("staff/mail_outbox.html", summary=summary, form=EmptyForm())


@bp.route("/correo/reintentar", methods=["POST"], defaults={"mail_id": None})
@bp.route("/correo/<int:mail_id>/reintentar", methods=["POST"])
@login_required
def retry_mail(mail_id: int | None):
    form = EmptyForm()
    if form.validate_on_submit():
        count = outbox.retry_failed(current_user, mail_id, ip=client_ip())
        db.session.commit()
        flash(ngettext("Volvimos a poner %(num)d mensaje en la cola.",
                       "Volvimos a poner %(num)d mensajes en la cola.", count)
              if count else _("No había mensajes fallidos que reintentar."), "success")
    return redirect(url_for("staff.mail_outbox"))
