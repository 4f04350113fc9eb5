"""OSC pages: register, the public profile, editing, members, history, private documents."""

import logging
import re

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.core import uploads
from community.core.errors import ValidationError
from community.core.forms import attach_errors
from community.core.pagecache import cached_page
from community.core.pagination import page_arg
from community.core.signals import organization_registered
from community.core.web import render_form
from community.extensions import db, limiter
from community.profiles import bp, documents, queries, services
from community.profiles import history as history_text
from community.profiles.fields import (
    LEGAL_FIELDS,
    POPULATIONS,
    REVISION_FIELD_LABELS,
    REVISION_KIND_LABELS,
    STATUS_LABELS,
)
from community.profiles.forms import (
    DocumentForm,
    EmptyForm,
    InviteForm,
    LogoForm,
    MemberRoleForm,
    OrganizationForm,
)

POST_LIMIT = "30 per minute"
log = logging.getLogger(__name__)
REFERENCE_RE = re.compile(r"ASE-[0-9]{4}-[0-9A-Z]{5}")


def _org(slug):
    return services.get_visible(current_user, slug)


def _reference() -> str | None:
    """``?asesoria=<folio>``: the advisory request this registration follows, passed on to
    whoever listens to ``organization_registered`` (the advisory module links the two when
    the person owns the request). Anything that is not folio-shaped is ignored."""
    folio = (request.args.get("asesoria") or "").strip().upper()
    return folio if REFERENCE_RE.fullmatch(folio) else None


def _prefilled_form() -> OrganizationForm:
    """A new form, with the name and municipality from ``?nombre=&municipio=`` when an
    advisory's status page sent the person here (unknown municipalities are left empty)."""
    form = OrganizationForm()
    if request.method == "GET":
        form.name.data = (request.args.get("nombre") or "").strip()[:services.NAME_MAX] or None
        municipality = request.args.get("municipio") or ""
        if municipality in dict(form.municipality_code.choices) and municipality:
            form.municipality_code.data = municipality
    return form


def _announce_registration(org, reference: str | None) -> None:
    """Tell other modules, after the commit, that an OSC was registered (and after which
    advisory, if any); what they write commits on its own. The OSC is saved whatever a
    listener does: a failing listener is logged, never a 500."""
    try:
        organization_registered.send(None, organization_id=org.id, user_id=current_user.id,
                                     reference=reference)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("organization_registered listener failed for %s", org.id)


@bp.route("/osc/registrar", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"])
def register():
    form = _prefilled_form()
    reference = _reference()
    if form.validate_on_submit():
        try:
            org = services.register(current_user, form.profile_data())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            db.session.commit()
            _announce_registration(org, reference)
            flash(_("Registramos %(name)s. El personal de la Dirección revisará los datos para "
                    "validarla.", name=org.name), "success")
            return redirect(url_for("profiles.profile", slug=org.slug))
    return render_form("profiles/register.html", form, reference=reference)


@bp.route("/osc/<slug>")
@cached_page("registry")
def profile(slug):
    org = _org(slug)
    manage = services.can_manage(current_user, org)
    return render_template(
        "profiles/profile.html", org=org, manage=manage,
        status=services.display_status(org), status_labels=STATUS_LABELS,
        populations=POPULATIONS, followers=services.follower_count(org),
        following=services.is_following(current_user, org),
        membership=services.membership_of(current_user, org),
        completeness=queries.completeness(org) if manage else None,
        change_request=services.pending_change_request(org) if manage else None,
        due=services.confirmation_due(org), form=EmptyForm())


@bp.route("/osc/<slug>/editar", methods=["GET", "POST"])
@login_required
@limiter.limit(POST_LIMIT, methods=["POST"])
def edit(slug):
    org = _org(slug)
    services.require_manage(current_user, org)
    form = OrganizationForm() if request.method == "POST" else \
        OrganizationForm.for_organization(org, services.current_value)
    if form.validate_on_submit():
        try:
            change_request = services.update_profile(current_user, org, form.profile_data())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("Guardamos los cambios."), "success")
            if change_request is not None:
                flash(_("Los cambios a datos legales quedan pendientes hasta que el personal "
                        "los revise; mientras, el perfil muestra los datos validados."), "info")
            return redirect(url_for("profiles.profile", slug=org.slug))
    return render_form("profiles/edit.html", form, org=org, legal_fields=LEGAL_FIELDS,
                       reviewed=services.legal_changes_reviewed(current_user, org),
                       logo_form=LogoForm(), document_form=DocumentForm(),
                       documents=documents.list_documents(current_user, org))


@bp.route("/osc/<slug>/logo", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def upload_logo(slug):
    org = _org(slug)
    return _upload(org, lambda: documents.set_logo(current_user, org, request.files.get("logo")),
                   _("Actualizamos el logotipo."))


def _upload(org, store, done_message):
    """Store a file through the service; a refused file comes back as a message on the form."""
    try:
        store()
    except ValidationError as error:
        flash(str(next(iter(error.errors.values()))), "error")
        return redirect(url_for("profiles.edit", slug=org.slug)), 303
    db.session.commit()
    flash(done_message, "success")
    return redirect(url_for("profiles.edit", slug=org.slug))


@bp.route("/osc/logo/<name>")
def logo(name):
    return send_file(uploads.public_path(name), max_age=365 * 24 * 3600)


@bp.route("/osc/<slug>/documentos", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def upload_document(slug):
    org = _org(slug)
    return _upload(org, lambda: documents.add_document(
        current_user, org, request.form.get("kind", ""), request.files.get("document")),
        _("Guardamos el documento."))


@bp.route("/osc/<slug>/documentos/<int:document_id>")
@login_required
def document(slug, document_id):
    org = _org(slug)
    doc, path = documents.open_document(current_user, org, document_id)
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=doc.original_name, max_age=0)


@bp.route("/osc/<slug>/confirmar", methods=["POST"])
@login_required
def confirm_current(slug):
    org = _org(slug)
    services.confirm_current(current_user, org)
    db.session.commit()
    flash(_("Gracias. Confirmaste que los datos siguen vigentes."), "success")
    return redirect(url_for("profiles.profile", slug=org.slug))


@bp.route("/osc/<slug>/seguir", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def follow(slug):
    org = _org(slug)
    if request.form.get("action") == "unfollow":
        services.unfollow(current_user, org)
    else:
        services.follow(current_user, org)
    db.session.commit()
    return redirect(url_for("profiles.profile", slug=org.slug))


@bp.route("/osc/<slug>/unirme", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def join(slug):
    org = _org(slug)
    services.request_join(current_user, org)
    db.session.commit()
    flash(_("Enviamos tu solicitud a quienes administran %(name)s.", name=org.name), "info")
    return redirect(url_for("profiles.profile", slug=org.slug))


@bp.route("/osc/<slug>/miembros")
@login_required
def members(slug):
    org = _org(slug)
    return render_template("profiles/members.html", org=org,
                           members=services.members(current_user, org),
                           invite_form=InviteForm(), role_form=MemberRoleForm(),
                           button_form=EmptyForm())


@bp.route("/osc/<slug>/miembros/invitar", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def invite(slug):
    org = _org(slug)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            email = services.invite(current_user, org, form.email.data or "", form.role.data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("Enviamos la invitación a %(email)s.", email=email), "success")
            return redirect(url_for("profiles.members", slug=org.slug))
    return render_form("profiles/members.html", form, form_name="invite_form", org=org,
                       members=services.members(current_user, org), role_form=MemberRoleForm(),
                       button_form=EmptyForm())


@bp.route("/osc/<slug>/miembros/<int:membership_id>/rol", methods=["POST"])
@login_required
def member_role(slug, membership_id):
    org = _org(slug)
    membership = services.get_membership(org, membership_id)
    form = MemberRoleForm()
    if not form.validate_on_submit():
        abort(422)
    services.set_member_role(current_user, membership, form.role.data)
    db.session.commit()
    flash(_("Rol actualizado."), "success")
    return redirect(url_for("profiles.members", slug=org.slug))


@bp.route("/osc/<slug>/miembros/<int:membership_id>/quitar", methods=["POST"])
@login_required
def member_remove(slug, membership_id):
    org = _org(slug)
    membership = services.get_membership(org, membership_id)
    leaving = membership.user_id == current_user.id
    services.remove_member(current_user, membership)
    db.session.commit()
    flash(_("Saliste de la organización.") if leaving else _("Quitamos a la persona."), "info")
    if leaving:
        return redirect(url_for("profiles.profile", slug=org.slug))
    return redirect(url_for("profiles.members", slug=org.slug))


@bp.route("/osc/<slug>/miembros/<int:membership_id>/solicitud", methods=["POST"])
@login_required
def member_decide(slug, membership_id):
    org = _org(slug)
    membership = services.get_membership(org, membership_id)
    services.decide_join(current_user, membership, request.form.get("decision") == "accept")
    db.session.commit()
    return redirect(url_for("profiles.members", slug=org.slug))


@bp.route("/osc/invitacion/<token>", methods=["GET", "POST"])
@login_required
def accept_invitation(token):
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            org = services.accept_invitation(current_user, token)
        except ValidationError as error:
            return render_template("accounts/bad_link.html", message=error.errors["token"]), 400
        db.session.commit()
        flash(_("Ya formas parte de %(name)s.", name=org.name), "success")
        return redirect(url_for("profiles.profile", slug=org.slug))
    return render_template("profiles/accept_invitation.html", form=form)


@bp.route("/osc/<slug>/historial")
@login_required
def history(slug):
    org = _org(slug)
    revisions = services.history(current_user, org, page=page_arg(request.args))
    return render_template("profiles/history.html", org=org, revisions=revisions,
                           values=history_text.describe(revisions.items),
                           field_labels=REVISION_FIELD_LABELS, kind_labels=REVISION_KIND_LABELS)
