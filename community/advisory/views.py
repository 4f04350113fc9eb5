"""The public side of advisory: the guide to constituting an OSC, the request form, the
mailed confirmation, the status page (signed in, or through a signed link), its message and
withdraw buttons, and the signed-in person's list.

Views parse the request, call ``services`` (every permission and every write) and render; the
one commit of a request happens here. Status pages carry a token in their URL for anonymous
requesters, so they are never cached and never leak their address in a Referer.
"""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from community.advisory import bp, guide_content, queries, services
from community.advisory.forms import ConfirmForm, MessageForm, RequestForm, WithdrawForm
from community.advisory.labels import (
    CONTACT_PREFERENCES,
    MODALITIES,
    OUTCOMES,
    REQUESTER_KINDS,
    STATES,
    TOPICS,
)
from community.core.errors import NotFound, ValidationError
from community.core.forms import attach_errors
from community.core.pagecache import cached_page
from community.core.web import client_ip, render_form
from community.extensions import db, limiter
from community.profiles import services as profiles

LABELS = {"topics": TOPICS, "states": STATES, "modalities": MODALITIES, "outcomes": OUTCOMES,
          "requester_kinds": REQUESTER_KINDS, "contact_preferences": CONTACT_PREFERENCES}
TOKEN_MAX = 300  # a signed status token is far shorter; longer input is not one
SENT_KEY = "advisory_sent"
PRIVATE_HEADERS = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer",
                   "X-Robots-Tag": "noindex"}


def _actor():
    """The acting person for the services: None for an anonymous visitor."""
    return current_user if current_user.is_authenticated else None


# --- rate limits --------------------------------------------------------------------------


def _per_person(scope: str):
    """Per account when signed in (a school or an office shares one address), else per
    client address."""
    def key() -> str:
        who = f"user:{current_user.id}" if current_user.is_authenticated \
            else get_remote_address()
        return f"{scope}:{who}"
    return key


def _typed_email() -> str:
    return "advisory-email:" + (request.form.get("contact_email") or "").strip().lower()[:254]


def _saved(response) -> bool:
    """Only requests that were saved count: a form sent back with errors costs nothing."""
    return response.status_code in (302, 303)


def _request_limit() -> str:
    return current_app.config["RATELIMIT_ADVISORY_REQUEST"]


def _message_limit() -> str:
    return current_app.config["RATELIMIT_ADVISORY_MESSAGE"]


# Each saved request mails (anonymous: to the address typed) and lands in staff's queue: per
# person or address, and per address typed, so nobody can fill a stranger's mailbox.
request_limit = limiter.shared_limit(_request_limit, scope="advisory-request",
                                     key_func=_per_person("advisory-request"),
                                     methods=["POST"], deduct_when=_saved)
request_email_limit = limiter.shared_limit(_request_limit, scope="advisory-request-email",
                                           key_func=_typed_email, methods=["POST"],
                                           deduct_when=_saved)
message_limit = limiter.shared_limit(_message_limit, scope="advisory-message",
                                     key_func=_per_person("advisory-message"),
                                     methods=["POST"])


# --- the guide ----------------------------------------------------------------------------


def _index_state():
    """Library links come from the search index, which catches up just after a commit: its
    state is part of the cache key."""
    from community.search import index

    return index.content_version()


@bp.route("/asesorias")
@cached_page("library", vary=_index_state)
def guide():
    return render_template("advisory/guide.html", links=guide_content.library_links(),
                           figures=guide_content.FIGURES)


# --- asking -------------------------------------------------------------------------------


def _organizations() -> list:
    """The OSCs the signed-in person is an active member of (validated or not: a pending
    OSC may well need advice to finish its papers)."""
    return profiles.organizations_of(_actor(), validated_only=False) if _actor() else []


@bp.route("/asesorias/solicitar", methods=["GET", "POST"])
@request_limit
@request_email_limit
def request_form():
    organizations = _organizations()
    if request.method == "POST":
        form = RequestForm(organizations=organizations)
    else:
        form = RequestForm.for_person(current_user, organizations,
                                      topic=_known(request.args.get("tema"), TOPICS))
    if form.validate_on_submit():
        try:
            created = services.create_request(_actor(), form.request_data(str(get_locale())),
                                              ip=client_ip())
        except ValidationError as error:
            db.session.rollback()
            attach_errors(form, error)
        else:
            db.session.commit()
            return _after_request_saved(created)
    return render_form("advisory/request_form.html", form, organizations=organizations,
                       **LABELS)


def _known(value, labels: dict) -> str:
    return value if value in labels else "constituir"


def _after_request_saved(created):
    if _actor() is not None:
        flash(_("Recibimos tu solicitud %(folio)s. Te avisaremos aquí y por correo de cada "
                "avance.", folio=created.folio), "success")
        return redirect(url_for("advisory.status", folio=created.folio), 303)
    session[SENT_KEY] = {"folio": created.folio, "email": created.contact_email}
    return redirect(url_for("advisory.sent"), 303)


@bp.route("/asesorias/revisa-tu-correo")
def sent():
    """After an anonymous request: the folio and where the confirmation link went."""
    sent_to = session.get(SENT_KEY)
    if not sent_to:
        return redirect(url_for("advisory.request_form"))
    return render_template("advisory/request_sent.html", folio=sent_to.get("folio"),
                           email=sent_to.get("email"))


@bp.route("/asesorias/confirmar/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """The mailed link opens a page; its button (a POST) confirms. A GET changes nothing, so
    a mail scanner or a link preview that opens the link confirms nobody."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return _private(render_template("advisory/confirm.html", form=form), status)
    try:
        confirmed = services.confirm_request(token[:TOKEN_MAX])
    except ValidationError as error:
        db.session.rollback()
        message = next(iter(error.errors.values()))
        return _private(render_template("advisory/confirm.html", form=None, message=message),
                        400)
    db.session.commit()
    session.pop(SENT_KEY, None)
    flash(_("Confirmamos tu solicitud %(folio)s; ya está en la fila de atención. Guarda el "
            "enlace de esta página para seguirla.", folio=confirmed.folio), "success")
    return redirect(_status_url(confirmed, services.status_token(confirmed)), 303)


# --- the status page ----------------------------------------------------------------------


def _token() -> str | None:
    """The signed status token of this request (query or form), or None."""
    raw = request.values.get("t") or None
    return raw[:TOKEN_MAX] if raw else None


def _status_url(found, token: str | None, anchor: str | None = None) -> str:
    return url_for("advisory.status", folio=found.folio, t=token or None, _anchor=anchor)


def _private(body, status: int = 200):
    response = current_app.make_response((body, status))
    response.headers.update(PRIVATE_HEADERS)
    return response


def _viewed(folio: str):
    """The request when this visitor may see it; a 404 otherwise, the same for a folio that
    does not exist and one that is not theirs (guessing finds nothing)."""
    return services.get_for_viewer(_actor(), folio[:40], _token())


def _status_page(found, token, message_form=None, withdraw_form=None, status=200):
    timeline = [item for item in services.timeline(_actor(), found, token)
                if not item.internal]  # notes live on staff's page only, for everyone
    message_form = message_form or MessageForm()
    withdraw_form = withdraw_form or WithdrawForm()
    return _private(render_template(
        "advisory/status.html", req=found, token=token, timeline=timeline,
        next_step=services.next_step(found), due=services.due_dates(found),
        message_form=message_form, withdraw_form=withdraw_form,
        requester=services.speaks_for_requester(_actor(), found, token),
        register_url=_register_url(found), **LABELS), status)


def _register_url(found) -> str | None:
    """Profiles' registration form filled with the new OSC's name and municipality, when
    the services invite the requester to register it."""
    if not services.invites_registration(found):
        return None
    return url_for("profiles.register", nombre=found.proposed_name or None,
                   municipio=found.municipality_code, asesoria=found.folio)


@bp.route("/asesorias/<folio>")
def status(folio: str):
    token = _token()
    return _status_page(_viewed(folio), token)


@bp.route("/asesorias/<folio>/mensaje", methods=["POST"])
@message_limit
def message(folio: str):
    token = _token()
    found = _viewed(folio)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            services.post_message(_actor(), found, form.body.data or "", token=token)
        except ValidationError as error:
            db.session.rollback()
            attach_errors(form, error)
            if "body" not in error.errors:
                form.body.errors = [*form.body.errors, *error.errors.values()]
        else:
            db.session.commit()
            flash(_("Enviamos tu mensaje."), "success")
            return redirect(_status_url(found, token, "mensajes"), 303)
    return _status_page(found, token, message_form=form, status=422)


@bp.route("/asesorias/<folio>/retirar", methods=["POST"])
@message_limit
def withdraw(folio: str):
    token = _token()
    found = _viewed(folio)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            services.cancel_own(_actor(), found, form.reason.data or "", token=token)
        except ValidationError as error:
            db.session.rollback()
            attach_errors(form, error)
            if "reason" not in error.errors:
                form.reason.errors = [*form.reason.errors, *error.errors.values()]
        else:
            db.session.commit()
            flash(_("Retiramos tu solicitud. Si lo necesitas, puedes pedir otra asesoría "
                    "cuando quieras."), "info")
            return redirect(_status_url(found, token), 303)
    return _status_page(found, token, withdraw_form=form, status=422)


# --- my requests --------------------------------------------------------------------------


@bp.route("/asesorias/mis-solicitudes")
@login_required
def mine():
    own = queries.requests_of_user(current_user)
    seen = {found.id for found in own}
    by_organization = []
    for organization in _organizations():
        requests = [found for found in queries.requests_of_organization(organization.id)
                    if found.id not in seen]
        if requests:
            by_organization.append((organization, requests))
    return render_template("advisory/mine.html", own=own, by_organization=by_organization,
                           **LABELS)


@bp.errorhandler(NotFound)
def _not_found(error):
    """A status page that is not found is private too (its URL may carry a token)."""
    from community.errors import error_response

    body, status = error_response(404)
    return _private(body, status)
