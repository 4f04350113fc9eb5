"""Account pages: parse the request, call a service, render or redirect."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from community.accounts import bp, services
from community.accounts.forms import (
    ActiveForm,
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmLinkForm,
    ForgotPasswordForm,
    ResendConfirmationForm,
    ResetPasswordForm,
    RoleForm,
    SignInForm,
    SignUpForm,
)
from community.core.errors import ValidationError
from community.core.forms import attach_errors
from community.core.network import network_of
from community.core.pagination import page_arg
from community.core.urls import safe_next
from community.core.web import client_ip, render_form
from community.extensions import db, limiter


def _typed_email() -> str:
    return (request.form.get("email") or "").strip().lower()[:254]


def _account_key(prefix: str):
    """Limit by the address typed, so one account cannot be hammered from many addresses."""
    return lambda: f"{prefix}:" + _typed_email()


def _limit(name: str):
    return lambda: current_app.config[name]


# Sign-in, per account: failed tries count, from each network apart (someone elsewhere cannot
# use up the tries of the person's own network), and all the networks this account has never
# signed in from share one more budget (so guessing from many addresses stays slow).
def _account_network_key() -> str:
    return f"signin:{_typed_email()}:{network_of(client_ip())}"


def _refused(response) -> bool:
    return response.status_code == 422


def _from_a_known_network() -> bool:
    return request.method != "POST" or services.known_network(_typed_email(), client_ip())


@bp.route("/cuenta/registro", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_SIGNUP"), methods=["POST"])
@limiter.limit(_limit("RATELIMIT_SIGNUP"), methods=["POST"], key_func=_account_key("signup"))
def sign_up():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignUpForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"), "")
    if form.validate_on_submit():
        data = services.SignUp(name=form.name.data, email=form.email.data,
                               password=form.password.data,
                               municipality=form.municipality.data,
                               accept_privacy=bool(form.accept_privacy.data),
                               locale=str(get_locale()),
                               next=safe_next(form.next.data, ""))
        try:
            services.sign_up(data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            db.session.commit()
            return redirect(url_for("accounts.check_email", to=data.email.strip()))
    return render_form("accounts/sign_up.html", form)


@bp.route("/cuenta/revisa-tu-correo")
def check_email():
    return render_template("accounts/check_email.html", to=request.args.get("to", "")[:254])


@bp.route("/cuenta/confirmar/<token>", methods=["GET", "POST"])
def confirm_email(token):
    """The mailed link opens a page; its button (a POST) confirms. A GET changes nothing, so
    a mail scanner or a link preview that opens the link confirms nobody."""
    try:
        user = services.user_to_confirm(token)
    except ValidationError as error:
        return render_template("accounts/bad_link.html", message=error.errors["token"]), 400
    form = ConfirmLinkForm()
    back = services.confirmation_next(token)
    if not form.validate_on_submit():
        return render_template("accounts/confirm_link.html", form=form, email=user.email,
                               confirmed=user.email_confirmed, change=False, next=back)
    services.confirm_email(token)
    db.session.commit()
    flash(_("Tu correo quedó confirmado. ¡Bienvenida, bienvenido!"), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(safe_next(back, url_for("accounts.settings")))
    return redirect(url_for("accounts.sign_in", next=back or None))


@bp.route("/cuenta/confirmar", methods=["POST"])
@login_required
@limiter.limit(_limit("RATELIMIT_RESET"))
def resend_confirmation():
    if not ResendConfirmationForm().validate_on_submit():
        abort(400)
    if not current_user.email_confirmed:
        services.send_confirmation(current_user)
        db.session.commit()
    flash(_("Te enviamos de nuevo el enlace de confirmación."), "info")
    return redirect(url_for("accounts.settings"))


@bp.route("/cuenta/entrar", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_SIGNIN"), methods=["POST"])
@limiter.limit(_limit("RATELIMIT_SIGNIN_ACCOUNT"), methods=["POST"],
               key_func=_account_network_key, deduct_when=_refused)
@limiter.limit(_limit("RATELIMIT_SIGNIN_ACCOUNT_NEW_NETWORKS"), methods=["POST"],
               key_func=_account_key("signin-new-networks"), deduct_when=_refused,
               exempt_when=_from_a_known_network)
def sign_in():
    form = SignInForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"), "")
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("main.personal_home")))
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, ip=client_ip())
        except ValidationError as error:
            db.session.commit()  # keep the audit entry of the failed attempt
            attach_errors(form, error)
        else:
            services.start_session(user, ip=client_ip())
            db.session.commit()
            login_user(user, remember=form.remember.data)
            flash(_("Hola, %(name)s.", name=user.name), "success")
            # Without a page to go back to, a person's own home: their work is there.
            return redirect(safe_next(form.next.data, url_for("main.personal_home")))
    return render_form("accounts/sign_in.html", form)


@bp.route("/cuenta/salir", methods=["POST"])
def sign_out():
    """This device only: its session ends, so a copy of its cookies opens nothing either."""
    if current_user.is_authenticated:
        services.end_session(current_user, ip=client_ip())
        db.session.commit()
        logout_user()
        flash(_("Cerraste tu sesión."), "info")
    return redirect(url_for("main.home"))


@bp.route("/cuenta/salir/todas", methods=["POST"])
@login_required
def sign_out_everywhere():
    """Every device of the person, this one included (CSRF is checked for every POST)."""
    services.sign_out_everywhere(current_user, ip=client_ip())
    db.session.commit()
    logout_user()
    flash(_("Cerraste tu sesión en todos tus dispositivos."), "info")
    return redirect(url_for("main.home"))


@bp.route("/cuenta/recuperar", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_RESET"), methods=["POST"])
@limiter.limit(_limit("RATELIMIT_RESET"), methods=["POST"], key_func=_account_key("reset"))
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            services.request_password_reset(form.email.data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            db.session.commit()
            return redirect(url_for("accounts.check_email", to=form.email.data.strip(),
                                    motivo="recuperar"))
    return render_form("accounts/forgot_password.html", form)


@bp.route("/cuenta/restablecer/<token>", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_RESET"), methods=["POST"])
def reset_password(token):
    try:
        services.user_for_reset(token)
    except ValidationError as error:
        return render_template("accounts/bad_link.html", message=error.errors["token"]), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data, ip=client_ip())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            db.session.commit()
            logout_user()
            flash(_("Guardamos tu nueva contraseña. Ya puedes entrar."), "success")
            return redirect(url_for("accounts.sign_in"))
    return render_form("accounts/reset_password.html", form)


@bp.route("/cuenta", methods=["GET"])
@login_required
def settings():
    return render_template("accounts/settings.html", password_form=ChangePasswordForm(),
                           email_form=ChangeEmailForm(), resend_form=ResendConfirmationForm())


@bp.route("/cuenta/contrasena", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data,
                                     form.new_password.data, ip=client_ip())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            # Every session ended with the old password: this device gets a new one.
            user = current_user._get_current_object()
            services.start_session(user, ip=client_ip())
            db.session.commit()
            login_user(user)
            flash(_("Cambiaste tu contraseña. Se cerraron tus otras sesiones."), "success")
            return redirect(url_for("accounts.settings"))
    return render_form("accounts/settings.html", form, form_name="password_form",
                       email_form=ChangeEmailForm(), resend_form=ResendConfirmationForm())


@bp.route("/cuenta/correo", methods=["POST"])
@login_required
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            email = services.request_email_change(current_user, form.current_password.data,
                                                  form.new_email.data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("Te enviamos un enlace a %(email)s. Tu correo cambiará al abrirlo.",
                    email=email), "info")
            return redirect(url_for("accounts.settings"))
    return render_form("accounts/settings.html", form, form_name="email_form",
                       password_form=ChangePasswordForm(), resend_form=ResendConfirmationForm())


@bp.route("/cuenta/correo/<token>", methods=["GET", "POST"])
def confirm_email_change(token):
    """Like the confirmation link: a page on GET, the change on the button's POST."""
    try:
        user, new_email = services.email_change_of(token)
    except ValidationError as error:
        return render_template("accounts/bad_link.html", message=error.errors["token"]), 400
    form = ConfirmLinkForm()
    if not form.validate_on_submit():
        return render_template("accounts/confirm_link.html", form=form, email=new_email,
                               confirmed=user.email == new_email, change=True)
    services.confirm_email_change(token, ip=client_ip())
    db.session.commit()
    flash(_("Tu correo quedó actualizado."), "success")
    return redirect(url_for("accounts.settings"))


def _admin_query() -> str | None:
    """The list's filter, as long as its field allows (a redirect never echoes more)."""
    return request.args.get("q", "")[:100] or None


@bp.route("/admin/cuentas")
@login_required
def admin_users():
    query = request.args.get("q", "")[:100]
    users = services.list_users(current_user, query=query, page=page_arg(request.args))
    return render_template("accounts/admin_users.html", users=users, query=query,
                           role_form=RoleForm(), active_form=ActiveForm())


@bp.route("/admin/cuentas/<int:user_id>/rol", methods=["POST"])
@login_required
def admin_set_role(user_id):
    form = RoleForm()
    if not form.validate_on_submit():
        abort(422)
    services.set_role(current_user, services.get_user(user_id), form.role.data, ip=client_ip())
    db.session.commit()
    flash(_("Rol actualizado."), "success")
    return redirect(url_for("accounts.admin_users", q=_admin_query()))


@bp.route("/admin/cuentas/<int:user_id>/estado", methods=["POST"])
@login_required
def admin_set_active(user_id):
    form = ActiveForm()
    if not form.validate_on_submit() or form.active.data not in {"0", "1"}:
        abort(422)
    services.set_active(current_user, services.get_user(user_id), form.active.data == "1",
                        ip=client_ip())
    db.session.commit()
    flash(_("Cuenta actualizada."), "success")
    return redirect(url_for("accounts.admin_users", q=_admin_query()))
