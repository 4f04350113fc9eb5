"""Forum forms: the shape of each field. The rules (lengths, who may write on behalf of which
OSC, what may be quoted) live in ``services``, whose Spanish messages land next to these
fields; WTForms checks only the CSRF token and the longest text (``core.inputs.MaxLength``,
the services' own limits), so an over-long text is refused before anything renders it."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from community.core.inputs import MaxLength
from community.forums.services import BODY_MAX, TITLE_MAX

MARKDOWN_HINT = _l("Puedes usar Markdown: **negritas**, *cursivas*, listas, enlaces y > citas. "
                   "Menciona a alguien con @.")


class ChoiceField(SelectField):
    def pre_validate(self, form):
        """An unknown OSC is reported by the service, next to the field, in Spanish."""


def _body(label):
    return TextAreaField(label, description=MARKDOWN_HINT, validators=[MaxLength(BODY_MAX)],
                         render_kw={"rows": 8, "data-composer": "", "spellcheck": "true"})


class _OnBehalfForm(FlaskForm):
    """Forms whose author may write as themselves or on behalf of one of their OSCs."""

    organization = ChoiceField(_l("Publicar a nombre de"))

    def __init__(self, *args, organizations=(), user_name="", **kwargs):
        super().__init__(*args, **kwargs)
        self.organization.choices = [("", _l("Mi nombre (%(name)s)", name=user_name))] + [
            (str(org.id), org.name) for org in organizations]

    @property
    def offers_organizations(self) -> bool:
        return len(self.organization.choices) > 1


class TopicForm(_OnBehalfForm):
    title = StringField(_l("Título"), description=_l("Una pregunta o una frase que resuma el "
                                                     "tema."),
                        validators=[MaxLength(TITLE_MAX)], render_kw={"autocomplete": "off"})
    body = _body(_l("Mensaje"))

    def topic_data(self) -> dict:
        return {"title": self.title.data, "body": self.body.data,
                "organization": self.organization.data}


class ReplyForm(_OnBehalfForm):
    body = _body(_l("Tu respuesta"))
    quote = HiddenField()

    def reply_data(self) -> dict:
        return {"body": self.body.data, "organization": self.organization.data,
                "quote": self.quote.data}


class EditPostForm(FlaskForm):
    title = StringField(_l("Título del tema"), validators=[MaxLength(TITLE_MAX)],
                        render_kw={"autocomplete": "off"})
    body = _body(_l("Mensaje"))

    def edit_data(self, first_post: bool) -> dict:
        data = {"body": self.body.data}
        if first_post:
            data["title"] = self.title.data
        return data
