"""Claiming an unclaimed OSC (one imported from the padrón, with no admin yet): the person's
page to ask for it (a code mailed to the padrón's e-mail of the OSC, or a document for staff),
and staff's decision from the validation queue. The rules live in ``claims.py``."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, StringField

from community.core.errors import NotFound, ValidationError
from community.core.forms import attach_errors
from community.core.permissions import has_role
from community.extensions import db, limiter
from community.profiles import bp, claims, services
from community.profiles.forms import EmptyForm

# Per account: each start mails the padrón's address or files a PDF for staff; each code try
# is also counted on the claim (five at most), this bounds guessing across claims.
START_LIMIT = "5 per hour;20 per day"
CODE_LIMIT = "10 per minute;30 per hour"
# Per account: looking an OSC up by RFC or CLUNI (it reaches OSCs that are not public).
FIND_LIMIT = "20 per hour;50 per day"
FOUND_KEY = "claim_found"  # session: ids of unclaimed OSCs this person found by identifier
FOUND_KEPT = 5


class ClaimDocumentForm(FlaskForm):
    kind = RadioField(_l("Documento"), choices=list(claims.CLAIM_DOCUMENT_KINDS.items()),
                      default="acta")
    document = FileField(_l("Archivo PDF"), description=_l("PDF de hasta 10 MB."))


class ClaimCodeForm(FlaskForm):
    code = StringField(_l("Código de 6 dígitos"), render_kw={
        "inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "12",
        "pattern": "[0-9 ]*"})


def _per_account() -> str:
    return f"claim:{getattr(current_user, 'id', None)}"


def _start_limit() -> str:
    return current_app.config.get("RATELIMIT_CLAIM", START_LIMIT)


def _code_limit() -> str:
    return current_app.config.get("RATELIMIT_CLAIM_CODE", CODE_LIMIT)


def _find_limit() -> str:
    return current_app.config.get("RATELIMIT_CLAIM_FIND", FIND_LIMIT)


def _not_searching() -> bool:
    return claims.IDENTIFIER_FIELD not in request.args


def _target(slug: str):
    """The OSC of a claim page: one the person may see, or one they found by its RFC or
    CLUNI (an OSC the padrón gave as pending has no public profile)."""
    try:
        return services.get_visible(current_user, slug)
    except NotFound:
        org = claims.found_target(slug, session.get(FOUND_KEY))
        if org is None:
            raise
        return org


@bp.route("/osc/administrar")
@login_required
@limiter.limit(_find_limit, key_func=_per_account, exempt_when=_not_searching)
def claim_find():
    """Find the OSC to claim by its RFC or CLUNI: a GET form (nothing changes), limited per
    account because it reaches OSCs whose profile is not public."""
    raw = request.args.get(claims.IDENTIFIER_FIELD)
    if raw is None:
        return _find_page()
    try:
        org = claims.find_by_identifier(raw)
    except ValidationError as error:
        return _find_page(value=raw, errors=error.errors, status=400)
    unclaimed = org is not None and claims.is_unclaimed(org)
    if unclaimed:
        found = [i for i in session.get(FOUND_KEY, []) if i != org.id]
        session[FOUND_KEY] = [org.id, *found][:FOUND_KEPT]
    return _find_page(value=raw, org=org, searched=True, unclaimed=unclaimed,
                      visible=org is not None and services.can_view(current_user, org))


def _find_page(value="", errors=None, org=None, searched=False, unclaimed=False,
               visible=False, status=200):
    return render_template("profiles/claim_find.html", value=value[:40], errors=errors or {},
                           org=org, searched=searched, unclaimed=unclaimed, visible=visible,
                           field=claims.IDENTIFIER_FIELD), status


@bp.app_template_global()
def org_unclaimed(org) -> bool:
    """For the profile page: whether to invite visitors to claim the OSC (same HTML for
    everyone, so it can be cached; the claim page itself asks to sign in)."""
    return org.status != "inactive" and claims.is_unclaimed(org)


def _page(org, *, document_form=None, code_form=None, status=200):
    claim = claims.pending_claim_of(current_user, org)
    return render_template(
        "profiles/claim.html", org=org, claim=claim,
        visible=services.can_view(current_user, org),
        block=None if claim else claims.claim_block(current_user, org),
        email_offered=claims.email_offered(current_user, org),
        masked=claims.masked_email(org.registry_email),
        email_form=EmptyForm(), document_form=document_form or ClaimDocumentForm(),
        code_form=code_form or ClaimCodeForm(), button_form=EmptyForm(),
        max_tries=claims.MAX_TRIES), status


@bp.route("/osc/<slug>/administrar", methods=["GET", "POST"])
@login_required
@limiter.limit(_start_limit, key_func=_per_account, methods=["POST"])
def claim(slug):
    org = _target(slug)
    if request.method == "GET":
        return _page(org)
    method = request.form.get("method")
    document_form = ClaimDocumentForm()
    if method == "email":
        if not EmptyForm().validate_on_submit():
            return _page(org, status=400)
        try:
            claims.start_email_claim(current_user, org)
        except ValidationError as error:
            db.session.rollback()
            flash("; ".join(str(m) for m in error.errors.values()), "error")
            return redirect(url_for("profiles.claim", slug=org.slug), 303)
        db.session.commit()
        flash(_("Enviamos un código al correo que el padrón tiene para esta organización, "
                "%(email)s.", email=claims.masked_email(org.registry_email)), "success")
        return redirect(url_for("profiles.claim", slug=org.slug))
    if method == "document" and document_form.validate_on_submit():
        try:
            claims.start_document_claim(current_user, org, request.files.get("document"),
                                        document_form.kind.data or "")
        except ValidationError as error:
            db.session.rollback()
            attach_errors(document_form, error)
        else:
            db.session.commit()
            flash(_("Recibimos tu documento. El personal de la Dirección revisará tu solicitud "
                    "y te avisaremos por correo."), "success")
            return redirect(url_for("profiles.claim", slug=org.slug))
    elif method != "document":
        document_form.form_errors.append(_("Elige cómo quieres comprobar que formas parte de "
                                           "la organización."))
    return _page(org, document_form=document_form, status=422)


@bp.route("/osc/<slug>/administrar/codigo", methods=["POST"])
@login_required
@limiter.limit(_code_limit, key_func=_per_account)
def claim_code(slug):
    org = _target(slug)
    pending = claims.code_claim_of(current_user, org)
    form = ClaimCodeForm()
    if pending is None:
        flash(_("No tienes un código pendiente para esta organización."), "error")
        return redirect(url_for("profiles.claim", slug=org.slug), 303)
    if not form.validate_on_submit():
        return _page(org, code_form=form, status=422)
    try:
        outcome = claims.verify_code(current_user, pending, form.code.data or "")
    except ValidationError as error:
        db.session.commit()  # the wrong try counts
        attach_errors(form, error)
        return _page(org, code_form=form, status=422)
    db.session.commit()
    if outcome == "review":
        flash(_("Código correcto. Otra persona también pidió administrar esta organización: "
                "el personal de la Dirección revisará ambas solicitudes."), "info")
        return redirect(url_for("profiles.claim", slug=org.slug))
    flash(_("Ya administras %(name)s. Confirma los datos que vienen del padrón.",
            name=org.name), "success")
    return redirect(url_for("profiles.edit", slug=org.slug))


@bp.route("/osc/<slug>/administrar/cancelar", methods=["POST"])
@login_required
def claim_withdraw(slug):
    org = _target(slug)
    pending = claims.pending_claim_of(current_user, org)
    if pending is None or not EmptyForm().validate_on_submit():
        flash(_("No tienes una solicitud pendiente para esta organización."), "error")
        return redirect(url_for("profiles.claim", slug=org.slug), 303)
    claims.withdraw(current_user, pending)
    db.session.commit()
    flash(_("Retiraste tu solicitud."), "info")
    return redirect(url_for("profiles.claim", slug=org.slug))


@bp.route("/personal/administrar/<int:claim_id>/decision", methods=["POST"])
@login_required
def decide_claim(claim_id):
    try:
        found = claims.get_claim(current_user, claim_id)
    except NotFound:
        if not has_role(current_user, "staff"):
            raise
        flash(_("Esa solicitud no existe."), "error")
        return redirect(url_for("staff.registry_queue"), 303)
    decision = request.form.get("decision")
    try:
        if decision == "approve":
            claims.approve(current_user, found)
        elif decision == "reject":
            claims.refuse(current_user, found, request.form.get("reason", ""))
        else:
            raise ValidationError({"decision": _("Elige aprobar o rechazar.")})
    except ValidationError as error:
        db.session.rollback()
        flash("; ".join(str(m) for m in error.errors.values()), "error")
        return redirect(url_for("staff.registry_queue"), 303)
    db.session.commit()
    flash(_("Decisión registrada para la solicitud de %(name)s.", name=found.user.name),
          "success")
    return redirect(url_for("staff.registry_queue"))
