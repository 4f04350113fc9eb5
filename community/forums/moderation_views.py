"""Moderation pages: report a post, the staff queue, the post and topic tools, a post's
history, and suspending an account.

Every decision is made in ``moderation`` (or ``accounts.services`` for suspensions); these
views parse the form, call the service, commit once and redirect. A tool used with bad input
(a hide without a reason) comes back as a small page with the form filled in and the message
next to the field (422), so nothing typed is lost.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField

from community.accounts import realtime
from community.accounts import services as accounts
from community.core.errors import ValidationError
from community.core.forms import attach_errors
from community.core.inputs import MaxLength
from community.core.urls import safe_next
from community.core.web import client_ip, render_form
from community.extensions import db, limiter
from community.forums import access, bp, moderation, services
from community.forums.models import Topic

REPORT_LIMIT = "20 per hour"


class ReportForm(FlaskForm):
    reason = TextAreaField(_l("¿Por qué reportas este mensaje?"), description=_l(
        "Por ejemplo: es ofensivo, es publicidad o comparte datos personales."),
        validators=[MaxLength(moderation.REASON_MAX)], render_kw={"rows": 4})


class SuspendForm(FlaskForm):
    days = StringField(_l("Días de suspensión"), description=_l("De 1 a 365."),
                       render_kw={"type": "number", "inputmode": "numeric", "min": "1",
                                  "max": "365", "step": "1"})
    until = StringField(_l("O bien, hasta la fecha"), description=_l(
        "La cuenta vuelve a funcionar ese día a las 00:00, hora del centro de México."),
        render_kw={"type": "date"})
    reason = TextAreaField(_l("Motivo"), description=_l(
        "La persona lo leerá al intentar entrar."),
        validators=[MaxLength(accounts.SUSPENSION_REASON_MAX)], render_kw={"rows": 3})


class ToolForm(FlaskForm):
    """The fields of the topic and post tools, to show them again with their messages."""

    action = HiddenField()
    category = HiddenField()
    next = HiddenField()
    reason = TextAreaField(_l("Motivo"), validators=[MaxLength(moderation.REASON_MAX)],
                           render_kw={"rows": 3})


@bp.app_context_processor
def _moderation_helpers():
    """For the topic page partials: functions, so pages that never show the tools pay
    nothing."""

    def can_moderate() -> bool:
        return current_user.is_authenticated and access.is_moderator(current_user)

    return {"can_moderate": can_moderate, "topic_move_choices": moderation.move_choices}


def topic_path(topic: Topic) -> str:
    return f"/foros/t/{topic.id}-{topic.slug}"


def post_path(post) -> str:
    """A post on the page of its topic that shows it (``?page=N``), anchored on it."""
    return access.post_path(post)


def _back(default: str) -> str:
    return safe_next(request.form.get("next") or request.args.get("next"), default)


# --- reports ------------------------------------------------------------------------------


@bp.route("/foros/p/<int:post_id>/reportar", methods=["GET", "POST"])
@login_required
@limiter.limit(REPORT_LIMIT, methods=["POST"])
def report_post(post_id: int):
    post = services.get_post(current_user, post_id)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            moderation.report_post(current_user, post, form.reason.data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("Gracias. El equipo de moderación revisará el mensaje."), "success")
            return redirect(post_path(post))
    return render_form("forums/moderation/report.html", form, post=post,
                       already=moderation.open_report_of(current_user, post),
                       body=access.shown_body(current_user, post),
                       back=post_path(post))


@bp.route("/foros/moderacion")
@login_required
def moderation_queue():
    items = moderation.queue(current_user)
    return render_template("forums/moderation/queue.html", items=items,
                           topic_path=topic_path, post_path=post_path)


# --- tools --------------------------------------------------------------------------------


def _tool_page(error: ValidationError, title: str, action_url: str, back: str, **context):
    form = ToolForm(formdata=None, data={"action": request.form.get("action", ""),
                                         "category": request.form.get("category", ""),
                                         "reason": request.form.get("reason", ""),
                                         "next": back})
    attach_errors(form, error)
    return render_template("forums/moderation/tool.html", form=form, title=title,
                           action_url=action_url, back=back,
                           messages=[str(m) for m in error.errors.values()], **context), 422


@bp.route("/foros/t/<int:topic_id>/moderar", methods=["POST"])
@login_required
def moderate_topic(topic_id: int):
    topic = moderation.get_topic_any(current_user, topic_id)
    back = _back(topic_path(topic))
    try:
        moderation.moderate_topic(current_user, topic, request.form)
    except ValidationError as error:
        db.session.rollback()
        return _tool_page(error, _("Moderar el tema «%(title)s»", title=topic.title),
                          url_for("forums.moderate_topic", topic_id=topic.id), back,
                          topic=topic, choices=moderation.move_choices(topic))
    db.session.commit()
    flash(_("Listo: el tema quedó actualizado."), "success")
    return redirect(back)




@bp.route("/foros/p/<int:post_id>/moderar", methods=["POST"])
@login_required
def moderate_post(post_id: int):
    post = moderation.get_post_any(current_user, post_id)
    back = _back(post_path(post))
    action = request.form.get("action", "")
    try:
        moderation.moderate_post(current_user, post, action, request.form.get("reason"))
    except ValidationError as error:
        db.session.rollback()
        return _tool_page(error, _("Moderar el mensaje #%(number)d", number=post.number),
                          url_for("forums.moderate_post", post_id=post.id), back, post=post)
    db.session.commit()
    flash(_done_message(action), "success")
    return redirect(back)


def _done_message(action: str) -> str:
    return {"hide": _("El mensaje quedó oculto."),
            "restore": _("El mensaje volvió a estar visible."),
            "dismiss": _("Los reportes quedaron descartados.")}.get(action, _("Listo."))


@bp.route("/foros/p/<int:post_id>/historial")
@login_required
def post_history(post_id: int):
    post = moderation.get_post_any(current_user, post_id)
    revisions = moderation.post_history(current_user, post)
    return render_template("forums/moderation/history.html", post=post, revisions=revisions,
                           back=post_path(post))


# --- suspensions --------------------------------------------------------------------------


@bp.route("/foros/moderacion/cuentas/<int:user_id>/suspender", methods=["GET", "POST"])
@login_required
def suspend_user(user_id: int):
    moderation.require_moderator(current_user)
    person = accounts.get_user(user_id)
    form = SuspendForm()
    if form.validate_on_submit():
        try:
            until = accounts.suspend_for(current_user, person, form.reason.data,
                                         days=form.days.data, until=form.until.data,
                                         ip=client_ip())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            db.session.commit()
            realtime.disconnect_user(person.id)
            flash(_("La cuenta de %(name)s quedó suspendida hasta el %(until)s.",
                    name=person.name, until=_when(until)), "success")
            return redirect(url_for("forums.suspend_user", user_id=person.id))
    return render_form("forums/moderation/suspend.html", form, person=person,
                       recent_posts=moderation.recent_posts(current_user, person),
                       post_path=post_path)


def _when(value) -> str:
    return format_datetime(value, "long")


@bp.route("/foros/moderacion/cuentas/<int:user_id>/levantar", methods=["POST"])
@login_required
def lift_suspension(user_id: int):
    moderation.require_moderator(current_user)
    person = accounts.get_user(user_id)
    if accounts.lift_suspension(current_user, person, ip=client_ip()):
        db.session.commit()
        flash(_("La suspensión de %(name)s terminó.", name=person.name), "success")
    else:
        flash(_("Esta cuenta no está suspendida."), "info")
    return redirect(url_for("forums.suspend_user", user_id=person.id))
