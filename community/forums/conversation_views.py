"""Private message pages: my conversations, a new one, one conversation with its reply form,
the one-message fragment the live page fetches, leaving, and blocking.

Every page asks ``conversations`` whether the person may read; outsiders get 404 whatever
door they try (page, fragment, reply, read mark, leave), in HTML or JSON alike.
"""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from community.accounts import services as accounts
from community.core.database import transaction_kind
from community.core.errors import PermissionDenied, ValidationError
from community.core.forms import attach_errors
from community.core.inputs import MaxLength
from community.core.pagination import page_arg
from community.core.urls import safe_next
from community.core.web import render_form
from community.extensions import db, limiter
from community.forums import access, bp, conversations, services
from community.forums.notices import handle_of

SEND_LIMIT = "30 per minute"


class ChoiceField(SelectField):
    def pre_validate(self, form):
        """Unknown choices are judged by the service, which answers in Spanish."""


def _organization_field():
    return ChoiceField(_l("Escribir como"), choices=[])


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Mensaje"), description=_l(
        "Puedes usar Markdown: **negritas**, listas y enlaces."),
        validators=[MaxLength(services.BODY_MAX)], render_kw={"rows": 4})
    organization = _organization_field()


class NewConversationForm(MessageForm):
    to = StringField(_l("Para"), description=_l(
        "Identificadores de 1 a 9 personas separados por comas (por ejemplo, ana-torres-12). "
        "Usa la búsqueda de abajo para encontrarlos."), render_kw={"autocomplete": "off"})
    subject = StringField(_l("Asunto"), validators=[MaxLength(conversations.SUBJECT_MAX)])
    field_order = ("to", "subject", "body", "organization")


def _with_organizations(form):
    """"A nombre de": personally, or for an OSC the person belongs to."""
    orgs = access.profiles_member_orgs(current_user)
    form.organization.choices = [("", _("A título personal"))] + [
        (str(org.id), org.name) for org in orgs]
    return form


@bp.app_context_processor
def _unread_messages():
    """``unread_messages()`` for the header badge, counted at most once per page."""

    def unread_messages() -> int:
        if not current_user.is_authenticated:
            return 0
        if "unread_messages" not in g:
            g.unread_messages = conversations.unread_conversations(current_user)
        return g.unread_messages

    return {"unread_messages": unread_messages, "person_handle": handle_of}


# --- lists --------------------------------------------------------------------------------


@bp.route("/mensajes", endpoint="conversations")
@login_required
def conversations_page():
    pages, rows = conversations.my_conversations(current_user, page_arg(request.args))
    return render_template("forums/messages/list.html", pages=pages, rows=rows)


@bp.route("/mensajes/nueva", methods=["GET", "POST"])
@login_required
@limiter.limit(SEND_LIMIT, methods=["POST"])
def new_conversation():
    form = _with_organizations(NewConversationForm())
    if request.method == "GET" and request.args.getlist("para"):
        form.to.data = ", ".join(conversations.split_recipients(request.args.getlist("para")))
    if form.validate_on_submit():
        try:
            conversation = conversations.start_conversation(current_user, request.form)
        except (ValidationError, PermissionDenied) as error:
            _attach(form, error)
        else:
            db.session.commit()
            return redirect(url_for("forums.conversation", conversation_id=conversation.id))
    query = request.args.get("buscar", "")
    return render_form("forums/messages/new.html", form, query=query,
                       found=conversations.search_people(current_user, query),
                       chosen=conversations.split_recipients(request.args.getlist("para")),
                       problem=conversations.messaging_problem(current_user))


def _attach(form, error) -> None:
    if isinstance(error, PermissionDenied):
        error = ValidationError({"body": error.args[0]})
    attach_errors(form, error)


# --- one conversation ---------------------------------------------------------------------


@bp.route("/mensajes/<int:conversation_id>")
@login_required
def conversation(conversation_id: int):
    found = conversations.get_conversation(current_user, conversation_id)
    page = page_arg(request.args, default=None)  # none: the last page
    since = conversations.last_read_at(current_user, found)
    if page is None:
        _mark_read_now(found)
    return _conversation_page(found, _with_organizations(MessageForm(formdata=None)),
                              page, since)


def _mark_read_now(found) -> None:
    """A read mark is a write. A GET runs in a read transaction (DEFERRED on SQLite), which
    could fail to upgrade under a concurrent writer; so the read one ends here and the mark
    is written in a transaction of its own that begins as a write."""
    db.session.commit()
    with transaction_kind(False):
        conversations.mark_read(current_user, found)
        db.session.commit()


def _conversation_page(found, form, page=None, since=None, status=200):
    messages = conversations.messages_page(current_user, found, page)
    return render_template(
        "forums/messages/conversation.html", conversation=found, messages=messages,
        form=form, since=since, people=conversations.others(current_user, found),
        problem=conversations.messaging_problem(current_user)), status


@bp.route("/mensajes/<int:conversation_id>", methods=["POST"])
@login_required
@limiter.limit(SEND_LIMIT)
def send_message(conversation_id: int):
    found = conversations.get_conversation(current_user, conversation_id)
    form = _with_organizations(MessageForm())
    if not form.validate_on_submit():
        return _conversation_page(found, form, status=400)
    try:
        message = conversations.send_message(current_user, found, request.form)
    except ValidationError as error:
        db.session.rollback()
        attach_errors(form, error)
        return _conversation_page(found, form, status=422)
    except PermissionDenied as error:
        db.session.rollback()
        _attach(form, error)
        return _conversation_page(found, form, status=403)
    db.session.commit()
    return redirect(url_for("forums.conversation", conversation_id=found.id,
                            _anchor=f"m{message.id}"))


@bp.route("/mensajes/<int:conversation_id>/leido", methods=["POST"])
@login_required
def conversation_read(conversation_id: int):
    """The live page marks what it has just shown as read (answers 204)."""
    found = conversations.get_conversation(current_user, conversation_id)
    conversations.mark_read(current_user, found)
    db.session.commit()
    return "", 204


@bp.route("/mensajes/m/<int:message_id>/fragmento")
@login_required
def message_fragment(message_id: int):
    message = conversations.get_message(current_user, message_id)
    return render_template("forums/messages/_message.html", message=message)


@bp.route("/mensajes/<int:conversation_id>/salir", methods=["POST"])
@login_required
def leave_conversation(conversation_id: int):
    found = conversations.get_conversation(current_user, conversation_id)
    conversations.leave_conversation(current_user, found)
    db.session.commit()
    flash(_("Saliste de la conversación."), "info")
    return redirect(url_for("forums.conversations"))


# --- blocking -----------------------------------------------------------------------------


@bp.route("/mensajes/bloqueos")
@login_required
def blocks():
    return render_template("forums/messages/blocks.html",
                           people=conversations.blocked_people(current_user))


@bp.route("/mensajes/bloquear/<int:user_id>", methods=["POST"])
@login_required
def block(user_id: int):
    person = accounts.get_user(user_id)
    if conversations.block(current_user, person):
        db.session.commit()
    flash(_("Bloqueaste a %(name)s: ya no podrá enviarte mensajes.", name=person.name),
          "success")
    return redirect(safe_next(request.form.get("next"), url_for("forums.blocks")))


@bp.route("/mensajes/desbloquear/<int:user_id>", methods=["POST"])
@login_required
def unblock(user_id: int):
    person = accounts.get_user(user_id)
    if conversations.unblock(current_user, person):
        db.session.commit()
    flash(_("Desbloqueaste a %(name)s.", name=person.name), "success")
    return redirect(safe_next(request.form.get("next"), url_for("forums.blocks")))
