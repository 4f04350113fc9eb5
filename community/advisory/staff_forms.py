"""The staff side's forms: the queue's filters and the actions on one request.

Forms check only the shape of what arrives (the longest text, the choices offered); every
rule — who may act, which transition is allowed, that a date is real, that concluding needs
an outcome — lives in ``services``, whose Spanish messages land next to these fields (the
field names are the services' data keys, so ``core.forms.attach_errors`` finds them).

Several of these forms share one page (the case page), and two of them have a ``body``: each
field that could repeat an id gets its own ``id``, so labels and error messages stay apart.
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from community.core.catalog import municipality_choices
from community.core.inputs import POST_MAX, REASON_MAX, MaxLength, as_id
from community.core.pagination import parse_page

#: What a session's free texts and an outcome's note may hold.
SESSION_TEXT_MAX = 2_000
QUERY_MAX = 100

#: ``?asignada=`` values besides a staff person's id.
ASSIGNEE_MINE = "mias"
ASSIGNEE_NONE = "sin"


class ChoiceField(SelectField):
    def pre_validate(self, form):
        """Unknown choices are reported by the service, next to the field, in Spanish."""


def _whole_number(label, description=None, **kwargs):
    return StringField(label, description=description, render_kw={
        "type": "number", "inputmode": "numeric", "min": "1", "step": "1"}, **kwargs)


def _date(label, description=None, **kwargs):
    """A date typed as YYYY-MM-DD (a date picker on phones); the service parses it."""
    return StringField(label, description=description, render_kw={"type": "date"}, **kwargs)


# --- the queue's filters -------------------------------------------------------------------


@dataclass(frozen=True)
class QueueArgs:
    """The queue's GET arguments, checked: ``filters`` are the keyword arguments of
    ``queries.QueueFilters``, ``chosen`` the values to show again in the filter form,
    ``errors`` a Spanish message per argument that was not one of the choices."""

    filters: dict
    chosen: dict
    page: int = 1
    errors: dict = field(default_factory=dict)

    def as_args(self, **overrides) -> dict:
        """The query string of this view (for pagination links), without empty values."""
        args = {**self.chosen, "page": self.page, **overrides}
        return {key: value for key, value in args.items() if value not in (None, "", 1)}

    @property
    def narrowed(self) -> bool:
        return any(value not in (None, "", False) for value in self.filters.values())


def queue_args(args, *, states, topics, staff_ids) -> QueueArgs:
    """Read ``?estado= &tema= &municipio= &asignada= &vencidas= &q= &page=``.

    ``states`` and ``topics`` are the codes the queue knows, ``staff_ids`` the ids of the
    staff people one may filter by. A value that is none of the choices is dropped from the
    filters and reported (the page answers 400 with the message next to the filter)."""
    chosen = {name: (args.get(name) or "").strip() for name in
              ("estado", "tema", "municipio", "asignada", "q")}
    chosen["vencidas"] = "1" if (args.get("vencidas") or "").strip() in ("1", "on", "si") else ""
    errors = {}
    filters = {"state": None, "topic": None, "municipality": None, "assignee": None,
               "overdue": bool(chosen["vencidas"]), "q": None}
    if chosen["estado"]:
        if chosen["estado"] in states:
            filters["state"] = chosen["estado"]
        else:
            errors["estado"] = _l("Elige un estado de la lista.")
    if chosen["tema"]:
        if chosen["tema"] in topics:
            filters["topic"] = chosen["tema"]
        else:
            errors["tema"] = _l("Elige un tema de la lista.")
    if chosen["municipio"]:
        if chosen["municipio"] in dict(municipality_choices()):
            filters["municipality"] = chosen["municipio"]
        else:
            errors["municipio"] = _l("Elige un municipio de la lista.")
    if chosen["asignada"]:
        filters["assignee"], message = _assignee(chosen["asignada"], staff_ids)
        if message:
            errors["asignada"] = message
    if chosen["q"]:
        if len(chosen["q"]) > QUERY_MAX:
            errors["q"] = _l("Escribe como máximo %(max)d caracteres.", max=QUERY_MAX)
        else:
            filters["q"] = chosen["q"]
    for name in errors:
        chosen[name] = ""
    return QueueArgs(filters=filters, chosen=chosen, page=parse_page(args.get("page")),
                     errors=errors)


def _assignee(raw: str, staff_ids) -> tuple:
    """``("mine" | "none" | id, None)`` or ``(None, message)``."""
    if raw == ASSIGNEE_MINE:
        return "mine", None
    if raw == ASSIGNEE_NONE:
        return "none", None
    number = as_id(raw)
    if number is not None and number in staff_ids:
        return number, None
    return None, _l("Elige a una persona del personal de la lista.")


# --- the actions on one request ------------------------------------------------------------


class AssignForm(FlaskForm):
    assignee_id = ChoiceField(_l("Asignar a"), id="assignee_id")

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.assignee_id.choices = [("", _l("Elige a una persona"))] + [
            (str(person_id), name) for person_id, name in staff]


class StateForm(FlaskForm):
    """Move the request along the diagram; ``allowed`` are the (code, label) the current
    state may go to through this form (assigning, concluding and cancelling have their own)."""

    state = ChoiceField(_l("Nuevo estado"), id="new_state")

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = list(allowed)


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Mensaje para quien solicitó la asesoría"), id="message_body",
                         description=_l("Le llega como aviso y por correo. Puedes usar Markdown."),
                         validators=[MaxLength(POST_MAX)], render_kw={"rows": 4})


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Nota interna"), id="note_body", description=_l(
        "Solo la ve el personal; no le llega a quien solicitó la asesoría."),
        validators=[MaxLength(POST_MAX)], render_kw={"rows": 3})


SESSION_FIELDS = ("held_on", "modality", "municipality_code", "duration_minutes",
                  "people_attended", "topics", "next_steps")


class SessionForm(FlaskForm):
    held_on = _date(_l("Fecha de la sesión"), id="held_on")
    modality = ChoiceField(_l("Modalidad"), id="session_modality")
    municipality_code = ChoiceField(_l("Municipio donde se dio"), id="session_municipality",
                                    description=_l("Para una sesión en línea, el municipio "
                                                   "del grupo."))
    duration_minutes = _whole_number(_l("Duración en minutos"), id="duration_minutes")
    people_attended = _whole_number(_l("Personas atendidas"), id="people_attended")
    topics = TextAreaField(_l("Temas tratados"), id="session_topics",
                           validators=[MaxLength(SESSION_TEXT_MAX)], render_kw={"rows": 3})
    next_steps = TextAreaField(_l("Siguientes pasos"), id="next_steps",
                               validators=[MaxLength(SESSION_TEXT_MAX)], render_kw={"rows": 3})

    def __init__(self, *args, modalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.modality.choices = [("", _l("Elige la modalidad"))] + list(modalities)
        self.municipality_code.choices = [("", _l("Elige el municipio"))] + list(
            municipality_choices())

    def session_data(self) -> dict:
        return {name: (getattr(self, name).data or "").strip() for name in SESSION_FIELDS}


class OutcomeForm(FlaskForm):
    kind = ChoiceField(_l("Resultado"), id="outcome_kind")
    achieved_on = _date(_l("Fecha"), id="achieved_on", description=_l(
        "Para «OSC constituida», la fecha del acta constitutiva (obligatoria)."))
    note = TextAreaField(_l("Nota sobre el resultado"), id="outcome_note",
                         validators=[MaxLength(SESSION_TEXT_MAX)], render_kw={"rows": 2})

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _l("Elige el resultado"))] + list(kinds)

    def outcome_data(self) -> dict:
        return {"kind": self.kind.data or "", "achieved_on": (self.achieved_on.data or "").strip(),
                "note": (self.note.data or "").strip()}


class ConcludeForm(FlaskForm):
    """A button: only the CSRF token."""


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Motivo de la cancelación"), id="cancel_reason", description=_l(
        "Lo verá quien solicitó la asesoría."), validators=[MaxLength(REASON_MAX)],
        render_kw={"rows": 3})
