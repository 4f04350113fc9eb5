"""Account forms: field presence and shape only; the rules live in services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from community.core.catalog import OTHER_STATE, municipality_choices

REQUIRED = _l("Este campo es obligatorio.")


class SignUpForm(FlaskForm):
    name = StringField(_l("Nombre completo"), validators=[DataRequired(REQUIRED), Length(max=120)],
                       render_kw={"autocomplete": "name"})
    email = EmailField(_l("Correo electrónico"), validators=[DataRequired(REQUIRED)],
                       render_kw={"autocomplete": "email", "inputmode": "email"})
    password = PasswordField(
        _l("Contraseña"),
        validators=[DataRequired(REQUIRED)],
        description=_l("Al menos 8 caracteres. Una frase que recuerdes es buena idea."),
        render_kw={"autocomplete": "new-password"},
    )
    municipality = SelectField(_l("Municipio donde vives"), validators=[DataRequired(REQUIRED)])
    accept_privacy = BooleanField(
        _l("He leído el aviso de privacidad"),
        validators=[DataRequired(_l("Para crear tu cuenta, marca que leíste el aviso de "
                                    "privacidad."))])
    # Where the person was going (an event page): carried through the confirmation link.
    next = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality.choices = [("", _l("Elige tu municipio"))] + list(
            municipality_choices()
        ) + [(OTHER_STATE, _l("Otra entidad (fuera del Estado de México)"))]


class SignInForm(FlaskForm):
    email = EmailField(_l("Correo electrónico"), validators=[DataRequired(REQUIRED)],
                       render_kw={"autocomplete": "username", "inputmode": "email"})
    password = PasswordField(_l("Contraseña"), validators=[DataRequired(REQUIRED)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Mantener la sesión en este dispositivo"))
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Correo electrónico"), validators=[DataRequired(REQUIRED)],
                       render_kw={"autocomplete": "email", "inputmode": "email"})


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("Nueva contraseña"), validators=[DataRequired(REQUIRED)],
                             description=_l("Al menos 8 caracteres."),
                             render_kw={"autocomplete": "new-password"})


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Contraseña actual"), validators=[DataRequired(REQUIRED)],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("Nueva contraseña"), validators=[DataRequired(REQUIRED)],
                                 description=_l("Al menos 8 caracteres."),
                                 render_kw={"autocomplete": "new-password"})


class ChangeEmailForm(FlaskForm):
    # Its own id: /cuenta also shows the password form, whose field has the same name (the
    # POST name stays current_password; only the id, which the label points to, differs).
    current_password = PasswordField(_l("Contraseña actual"), validators=[DataRequired(REQUIRED)],
                                     id="email-current-password",
                                     render_kw={"autocomplete": "current-password"})
    new_email = EmailField(_l("Nuevo correo electrónico"), validators=[DataRequired(REQUIRED)],
                           render_kw={"autocomplete": "email", "inputmode": "email"})


class ResendConfirmationForm(FlaskForm):
    pass


class ConfirmLinkForm(FlaskForm):
    """The button of a mailed confirmation link's page (the CSRF token only)."""


class AcceptPrivacyForm(FlaskForm):
    """The banner's button: accept the current aviso de privacidad (the CSRF token only)."""


class CloseAccountForm(FlaskForm):
    current_password = PasswordField(_l("Tu contraseña"), validators=[DataRequired(REQUIRED)],
                                     render_kw={"autocomplete": "current-password"})


class RoleForm(FlaskForm):
    role = SelectField(_l("Rol"), choices=[("citizen", _l("Persona ciudadana")),
                                           ("staff", _l("Personal")),
                                           ("admin", _l("Administración"))])


class ActiveForm(FlaskForm):
    active = HiddenField()
