"""The rules of surveys: who builds them, when they may change, who may answer, and how an
answer is saved once and counted.

Every function that acts takes the acting user, decides permissions here, raises
``PermissionDenied`` / ``ValidationError({field: message})``, flushes and never commits: the
view, the CLI or the test commits once. Survey-wide messages use the field ``"form"``.

Building is staff's (``require_staff``). A survey freezes at its first answer (``frozen_at``):
from then on its sections, questions and options cannot change, because the answers already
given refer to them; a new version is a copy (``duplicate``).

Answering keeps two records apart (see ``models``): the invitation says *that* a person
answered, on which day; the response says *what* was answered. ``submit`` claims the
invitation with a conditional UPDATE (``answered_on IS NULL``) or, for a public survey, a new
invitation row guarded by its unique key, so two tabs submitting at once save one answer.
Tallies change in SQL in the same transaction.
"""

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from community.core import audit
from community.core.errors import NotFound, ValidationError
from community.core.inputs import DB_INT_MAX, as_id, text_length
from community.core.permissions import has_role, require_staff
from community.core.sanitize import render_markdown
from community.core.text import slugify
from community.core.timeutil import LOCAL_TZ, to_local, utcnow
from community.extensions import db
from community.profiles import validators as v
from community.surveys.models import (
    AUDIENCES,
    CHOICE_KINDS,
    OTHER_CODE,
    QUESTION_KINDS,
    TEXT_KINDS,
    Survey,
    SurveyAnswer,
    SurveyDay,
    SurveyInvitation,
    SurveyOption,
    SurveyQuestion,
    SurveyResponse,
    SurveySection,
    SurveyTally,
)

# --- the rules in numbers ---------------------------------------------------------------------

TITLE_MAX = 200
INTRO_MAX = 5_000
SECTION_TITLE_MAX = 200
SECTION_DESCRIPTION_MAX = 1_000
QUESTION_TEXT_MAX = 500
HELP_MAX = 500
OPTION_MAX = 200
OPTIONS_MAX = 30
QUESTIONS_MAX = 100
SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 5_000
OTHER_TEXT_MAX = 300
REMINDER_DAYS_MAX = 60
#: The range of each scale kind (stored numbers).
SCALE_RANGES = {"likert_agreement": (1, 5), "likert_satisfaction": (1, 5), "rating": (1, 5),
                "nps": (0, 10)}
#: What a Likert/rating question with a wrong value hears.
SCALE_MESSAGES = {
    "likert_agreement": _l("Elige una de las cinco respuestas."),
    "likert_satisfaction": _l("Elige una de las cinco respuestas."),
    "rating": _l("Elige una calificación del 1 al 5."),
    "nps": _l("Elige un número del 0 al 10."),
}
FROZEN_MESSAGE = _l(
    "Esta encuesta ya tiene respuestas, así que sus secciones, preguntas y opciones ya no "
    "se pueden cambiar. Para hacer otra versión usa «Duplicar».")
ALREADY_ANSWERED = _l("Ya respondiste esta encuesta.")
_FIELD_RE = re.compile(r"q([0-9]{1,19})(_other)?")
_TRUE = {"1", "true", "on", "y", "yes", "si", "sí"}


def now() -> datetime:
    """The current time (naive UTC); the one clock of this module, so tests can move it."""
    return utcnow()


def today() -> date:
    """Today in Mexico City: the only precision an answer's date is kept with."""
    return to_local(now()).date()


# --- reading ----------------------------------------------------------------------------------


def get_survey(survey_id) -> Survey:
    """The survey with that id, or NotFound (an id typed into a URL or a form)."""
    number = as_id(survey_id)
    survey = db.session.get(Survey, number) if number else None
    if survey is None:
        raise NotFound(_l("No encontramos esa encuesta."))
    return survey


def survey_by_slug(slug: str) -> Survey | None:
    if not slug or len(slug) > 120:
        return None
    return db.session.scalar(select(Survey).where(Survey.slug == slug))


def is_frozen(survey: Survey) -> bool:
    """True once the first answer is in: the questions are then what people answered."""
    return survey.frozen_at is not None


def is_answerable(survey: Survey, moment: datetime | None = None) -> bool:
    """Open, and ``moment`` (naive UTC, default now) within the optional dates."""
    moment = moment or now()
    if survey.status != "open":
        return False
    if survey.opens_at is not None and moment < survey.opens_at:
        return False
    return survey.closes_at is None or moment < survey.closes_at


def staff_surveys():
    """Every survey, newest first (a query for the builder's list to paginate)."""
    return select(Survey).order_by(Survey.created_at.desc(), Survey.id.desc())


def staff_list(actor) -> tuple[list[Survey], dict[int, int]]:
    """Every survey, newest first, and how many answers each has (one grouped query)."""
    require_staff(actor)
    surveys = list(db.session.scalars(staff_surveys()))
    counts = dict(db.session.execute(
        select(SurveyResponse.survey_id, func.count())
        .group_by(SurveyResponse.survey_id)).all())
    return surveys, counts


def answer_count(survey: Survey) -> int:
    """How many people answered (responses; one per person)."""
    return db.session.scalar(select(func.count()).select_from(SurveyResponse)
                             .where(SurveyResponse.survey_id == survey.id)) or 0


# --- input helpers ----------------------------------------------------------------------------


def _flag(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    return str(raw or "").strip().casefold() in _TRUE


def _text(raw, max_len: int, field_name: str, errors: dict, required_message=None) -> str:
    """One-line text cleaned of invisible characters; records an error when too long or
    missing (with ``required_message``)."""
    try:
        value = v.clean_text(raw, max_len) or ""
    except ValueError as error:
        errors[field_name] = error.args[0]
        return ""
    if not value and required_message is not None:
        errors[field_name] = required_message
    return value


def _long_text(raw, max_len: int, field_name: str, errors: dict) -> str:
    """Text that keeps its line breaks (Markdown), within ``max_len``."""
    value = "" if raw is None else str(raw).strip()
    count = text_length(value)
    if count > max_len:
        errors[field_name] = _l("Escribe como máximo %(max)d caracteres; ahora hay %(count)d.",
                                max=max_len, count=count)
    return value


def _int(raw, field_name: str, errors: dict, low: int = -DB_INT_MAX,
         high: int = DB_INT_MAX) -> int | None:
    """An integer typed into a form (None when empty), within [low, high]."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        errors[field_name] = _l("Escribe un número entero.")
        return None
    if isinstance(raw, int):
        number = raw
    else:
        text = str(raw).strip()
        if not re.fullmatch(r"-?[0-9]{1,10}", text):
            errors[field_name] = _l("Escribe un número entero, sin decimales ni letras.")
            return None
        number = int(text)
    if not low <= number <= high:
        errors[field_name] = _l("Escribe un número entre %(low)d y %(high)d.", low=low,
                                high=high)
        return None
    return number


def parse_local_datetime(raw) -> datetime | None:
    """A wall-clock time in Mexico City ("2026-12-03T10:00" from a datetime-local input, or a
    naive datetime) as naive UTC; an aware datetime is converted. Raises ValueError."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, datetime):
        value = raw
    else:
        try:
            value = datetime.fromisoformat(str(raw).strip().replace(" ", "T"))
        except ValueError:
            raise ValueError(_l("Escribe la fecha y la hora, por ejemplo 2026-12-03 10:00."))\
                from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(UTC).replace(tzinfo=None)


# --- surveys ----------------------------------------------------------------------------------

SURVEY_FIELDS = ("title", "intro", "anonymous", "audience", "event_id", "event_kind",
                 "opens_at", "closes_at", "reminder_days", "results_public")


def clean_survey(raw: Mapping, survey: Survey | None = None) -> dict:
    """Checked values of the survey form (only the keys present in ``raw`` when editing), or
    ValidationError with one message per field."""
    errors: dict[str, str] = {}
    values: dict = {}
    creating = survey is None

    def given(name: str) -> bool:
        return creating or name in raw

    if given("title"):
        values["title"] = _text(raw.get("title"), TITLE_MAX, "title", errors,
                                _l("Escribe el título de la encuesta."))
    if given("intro"):
        values["intro"] = _long_text(raw.get("intro"), INTRO_MAX, "intro", errors)
    if given("anonymous"):
        values["anonymous"] = _flag(raw.get("anonymous", True if creating else None))
    if given("audience"):
        audience = str(raw.get("audience") or "").strip()
        if audience not in AUDIENCES:
            errors["audience"] = _l("Elige a quién se envía la encuesta.")
        values["audience"] = audience
    if given("event_id"):
        values["event_id"] = _event_id(raw.get("event_id"), errors)
    if given("event_kind"):
        values["event_kind"] = _event_kind(raw.get("event_kind"), errors)
    for name in ("opens_at", "closes_at"):
        if given(name):
            try:
                values[name] = parse_local_datetime(raw.get(name))
            except ValueError as error:
                errors[name] = error.args[0]
    if given("reminder_days"):
        days = _int(raw.get("reminder_days"), "reminder_days", errors, 0, REMINDER_DAYS_MAX)
        values["reminder_days"] = 7 if days is None and "reminder_days" not in errors else days
    if given("results_public"):
        values["results_public"] = _flag(raw.get("results_public"))
    _check_dates(values, survey, errors)
    if errors:
        raise ValidationError(errors)
    return values


def _event_id(raw, errors: dict) -> int | None:
    from community.events.models import Event  # a model read: the event the survey is about

    if raw is None or str(raw).strip() == "":
        return None
    number = as_id(raw)
    if number is None or db.session.get(Event, number) is None:
        errors["event_id"] = _l("Elige un evento de la lista.")
        return None
    return number


def _event_kind(raw, errors: dict) -> str | None:
    from community.events.fields import KINDS

    kind = str(raw or "").strip()
    if not kind:
        return None
    if kind not in KINDS:
        errors["event_kind"] = _l("Elige un tipo de evento de la lista.")
        return None
    return kind


def _check_dates(values: dict, survey: Survey | None, errors: dict) -> None:
    opens = values.get("opens_at", survey.opens_at if survey else None)
    closes = values.get("closes_at", survey.closes_at if survey else None)
    if opens and closes and closes <= opens and "closes_at" not in errors:
        errors["closes_at"] = _l("La fecha de cierre debe ser posterior a la de apertura.")


def _new_slug(title: str) -> str:
    """Readable and unguessable: the title's words and a random suffix."""
    base = slugify(title, 100)
    for _ in range(20):
        slug = f"{base}-{secrets.token_hex(3)}"
        if survey_by_slug(slug) is None:
            return slug
    return f"{base}-{secrets.token_hex(8)}"


def create_survey(actor, data: Mapping) -> Survey:
    """A new draft survey with no questions yet."""
    require_staff(actor)
    values = clean_survey(data)
    _check_event_fields(values)
    survey = Survey(slug=_new_slug(values["title"]), status="draft", created_by_id=actor.id,
                    **values)
    survey.intro_html = str(render_markdown(values["intro"])) if values["intro"] else ""
    db.session.add(survey)
    db.session.flush()
    audit.record("survey.create", actor, survey)
    return survey


def _check_event_fields(values: Mapping) -> None:
    """Only an event survey names an event or a kind of event."""
    if values.get("audience") != "event" and (values.get("event_id")
                                              or values.get("event_kind")):
        raise ValidationError({"event_id": _l(
                "Solo una encuesta para asistentes de eventos se liga a un evento.")})


def update_survey(actor, survey: Survey, data: Mapping) -> Survey:
    """Change the survey's settings. Once frozen, who answers it and whether it is anonymous
    stay as they were: an anonymous survey never becomes identified after an answer."""
    require_staff(actor)
    values = clean_survey(data, survey)
    if is_frozen(survey):
        locked = {name for name in ("anonymous", "audience")
                  if name in values and values[name] != getattr(survey, name)}
        if locked:
            raise ValidationError({name: _l(
                "Ya hay respuestas: esto ya no se puede cambiar. Para otra versión usa "
                "«Duplicar».") for name in locked})
    merged = {"audience": values.get("audience", survey.audience),
              "event_id": values.get("event_id", survey.event_id),
              "event_kind": values.get("event_kind", survey.event_kind)}
    _check_event_fields(merged)
    for name, value in values.items():
        setattr(survey, name, value)
    if "intro" in values:
        survey.intro_html = str(render_markdown(values["intro"])) if values["intro"] else ""
    db.session.flush()
    audit.record("survey.update", actor, survey)
    return survey


def open_survey(actor, survey: Survey) -> Survey:
    """Open a draft or closed survey. A "members" survey invites, on opening, the active
    members of validated OSCs (those already invited are not invited twice)."""
    require_staff(actor)
    if survey.status == "open":
        raise ValidationError({"form": _l("La encuesta ya está abierta.")})
    _check_ready(survey)
    survey.status = "open"
    db.session.flush()
    audit.record("survey.open", actor, survey)
    if survey.audience == "members":
        from community.surveys import audiences  # audiences reads services; not the reverse

        audiences.invite_members(survey)
    return survey


def _check_ready(survey: Survey) -> None:
    """A survey people can answer: questions, options for every choice, a future close."""
    if not survey.questions:
        raise ValidationError({"form": _l("Agrega al menos una pregunta antes de abrir.")})
    for question in survey.questions:
        if question.kind in CHOICE_KINDS and len(question.options) < 2:
            raise ValidationError({"form": _l(
                "La pregunta «%(text)s» necesita al menos dos opciones.",
                text=question.text)})
    if survey.closes_at is not None and survey.closes_at <= now():
        raise ValidationError({"closes_at": _l(
            "La fecha de cierre ya pasó: cámbiala antes de abrir la encuesta.")})


def close_survey(actor, survey: Survey) -> Survey:
    require_staff(actor)
    if survey.status != "open":
        raise ValidationError({"form": _l("Solo una encuesta abierta se puede cerrar.")})
    survey.status = "closed"
    db.session.flush()
    audit.record("survey.close", actor, survey)
    return survey


def duplicate(actor, survey: Survey) -> Survey:
    """A draft copy with the same sections, questions, options (same codes) and conditions,
    not frozen and without dates: the way to make a new version of a frozen survey."""
    require_staff(actor)
    title = str(_l("Copia de %(title)s", title=survey.title))[:TITLE_MAX]
    copy = Survey(slug=_new_slug(title), title=title, intro=survey.intro,
                  intro_html=survey.intro_html, status="draft", anonymous=survey.anonymous,
                  audience=survey.audience, event_id=survey.event_id,
                  event_kind=survey.event_kind, reminder_days=survey.reminder_days,
                  results_public=False, preset=survey.preset, copied_from_id=survey.id,
                  created_by_id=actor.id)
    db.session.add(copy)
    db.session.flush()
    _copy_structure(survey, copy)
    audit.record("survey.duplicate", actor, copy, source=survey.id)
    return copy


def _copy_structure(source: Survey, target: Survey) -> None:
    sections = {}
    for section in source.sections:
        new = SurveySection(survey_id=target.id, position=section.position,
                            title=section.title, description=section.description)
        db.session.add(new)
        sections[section.id] = new
    db.session.flush()
    questions = {}
    for question in source.questions:
        new = SurveyQuestion(
            survey_id=target.id, position=question.position, kind=question.kind,
            text=question.text, help=question.help, required=question.required,
            allow_other=question.allow_other, number_min=question.number_min,
            number_max=question.number_max, condition_option=question.condition_option,
            section_id=sections[question.section_id].id if question.section_id else None)
        new.options = [SurveyOption(position=o.position, code=o.code, label=o.label)
                       for o in question.options]
        db.session.add(new)
        questions[question.id] = (question, new)
    db.session.flush()
    for original, new in questions.values():
        if original.condition_question_id in questions:
            new.condition_question_id = questions[original.condition_question_id][1].id
    db.session.flush()
    db.session.expire(target, ["sections", "questions"])


def create_from_preset(actor, preset_code: str, data: Mapping | None = None) -> Survey:
    """A draft built from a ready template; ``data`` may override the survey's settings
    (title, audience, event...)."""
    from community.surveys.presets import PRESETS

    require_staff(actor)
    preset = PRESETS.get(preset_code)
    if preset is None:
        raise ValidationError({"preset": _l("Elige una plantilla de la lista.")})
    settings = {"title": str(preset["title"]), "intro": str(preset["intro"]),
                "audience": preset["audience"], "anonymous": True}
    settings.update({k: val for k, val in (data or {}).items() if k in SURVEY_FIELDS})
    survey = create_survey(actor, settings)
    survey.preset = preset_code
    for number, section_data in enumerate(preset["sections"], start=1):
        section = add_section(actor, survey, {"title": str(section_data["title"]),
                                              "description": str(section_data.get(
                                                  "description", ""))})
        section.position = number
        _add_preset_questions(actor, survey, section, section_data["questions"])
    db.session.flush()
    return survey


def _add_preset_questions(actor, survey: Survey, section: SurveySection,
                          questions: Iterable[Mapping]) -> None:
    added: dict[str, SurveyQuestion] = {}
    for item in questions:
        data = {"kind": item["kind"], "text": str(item["text"]),
                "help": str(item.get("help", "")), "required": item.get("required", False),
                "allow_other": item.get("allow_other", False), "section_id": section.id}
        if "options" in item:
            data["options"] = [str(label) for label in item["options"]]
        if "condition" in item:
            key, option_code = item["condition"]
            data["condition_question_id"] = added[key].id
            data["condition_option"] = option_code
        question = add_question(actor, survey, data)
        if "key" in item:
            added[item["key"]] = question


# --- sections ---------------------------------------------------------------------------------


def _require_editable(actor, survey: Survey) -> None:
    require_staff(actor)
    if is_frozen(survey):
        raise ValidationError({"form": FROZEN_MESSAGE})


def _clean_section(raw: Mapping) -> dict:
    errors: dict[str, str] = {}
    values = {"title": _text(raw.get("title"), SECTION_TITLE_MAX, "title", errors,
                             _l("Escribe el título de la sección.")),
              "description": _long_text(raw.get("description"), SECTION_DESCRIPTION_MAX,
                                        "description", errors)}
    if errors:
        raise ValidationError(errors)
    return values


def add_section(actor, survey: Survey, data: Mapping) -> SurveySection:
    _require_editable(actor, survey)
    values = _clean_section(data)
    last = db.session.scalar(select(func.max(SurveySection.position))
                             .where(SurveySection.survey_id == survey.id)) or 0
    section = SurveySection(survey_id=survey.id, position=last + 1, **values)
    db.session.add(section)
    db.session.flush()
    db.session.expire(survey, ["sections"])
    return section


def update_section(actor, section: SurveySection, data: Mapping) -> SurveySection:
    _require_editable(actor, section.survey)
    for name, value in _clean_section(data).items():
        setattr(section, name, value)
    db.session.flush()
    return section


def delete_section(actor, section: SurveySection) -> None:
    """Remove the heading; its questions stay, outside any section."""
    survey = section.survey
    _require_editable(actor, survey)
    for question in list(section.questions):
        question.section_id = None
    db.session.delete(section)
    db.session.flush()
    db.session.expire(survey, ["sections", "questions"])


# --- questions --------------------------------------------------------------------------------


def _clean_question(survey: Survey, raw: Mapping, question: SurveyQuestion | None) -> dict:
    """Checked values of a question form, or ValidationError per field."""
    errors: dict[str, str] = {}
    kind = str(raw.get("kind") or (question.kind if question else "")).strip()
    if kind not in QUESTION_KINDS:
        errors["kind"] = _l("Elige el tipo de pregunta.")
    values = {
        "kind": kind,
        "text": _text(raw.get("text"), QUESTION_TEXT_MAX, "text", errors,
                      _l("Escribe la pregunta.")),
        "help": _text(raw.get("help"), HELP_MAX, "help", errors),
        "required": _flag(raw.get("required")),
        "allow_other": kind in CHOICE_KINDS and _flag(raw.get("allow_other")),
        "number_min": None, "number_max": None,
        "section_id": _section_id(survey, raw.get("section_id"), errors),
    }
    if kind == "number":
        values["number_min"] = _int(raw.get("number_min"), "number_min", errors)
        values["number_max"] = _int(raw.get("number_max"), "number_max", errors)
        low, high = values["number_min"], values["number_max"]
        if low is not None and high is not None and high < low:
            errors["number_max"] = _l("El máximo debe ser mayor o igual que el mínimo.")
    values.update(_clean_condition(survey, raw, question, errors))
    if errors:
        raise ValidationError(errors)
    return values


def _section_id(survey: Survey, raw, errors: dict) -> int | None:
    if raw is None or str(raw).strip() == "":
        return None
    number = as_id(raw)
    if number is None or number not in {s.id for s in survey.sections}:
        errors["section_id"] = _l("Elige una sección de esta encuesta.")
        return None
    return number


def _clean_condition(survey: Survey, raw: Mapping, question: SurveyQuestion | None,
                     errors: dict) -> dict:
    """A display condition: an earlier single/multiple question of this survey and one of
    its option codes; nothing when no question is chosen."""
    empty = {"condition_question_id": None, "condition_option": None}
    raw_id = raw.get("condition_question_id")
    if raw_id is None or str(raw_id).strip() == "":
        return empty
    number = as_id(raw_id)
    own = {q.id: q for q in survey.questions}
    target = own.get(number)
    position = question.position if question else _next_position(survey)
    if target is None or target.kind not in CHOICE_KINDS or target.position >= position:
        errors["condition_question_id"] = _l(
            "Elige una pregunta anterior de opción única o múltiple.")
        return empty
    code = str(raw.get("condition_option") or "").strip()
    if code not in {o.code for o in target.options}:
        errors["condition_option"] = _l("Elige una de las opciones de esa pregunta.")
        return empty
    return {"condition_question_id": target.id, "condition_option": code}


def _next_position(survey: Survey) -> int:
    last = db.session.scalar(select(func.max(SurveyQuestion.position))
                             .where(SurveyQuestion.survey_id == survey.id)) or 0
    return last + 1


def add_question(actor, survey: Survey, data: Mapping) -> SurveyQuestion:
    """Append a question; a choice question may bring its option labels (``options``)."""
    _require_editable(actor, survey)
    if len(survey.questions) >= QUESTIONS_MAX:
        raise ValidationError({"form": _l("Una encuesta tiene como máximo %(max)d preguntas.",
                                          max=QUESTIONS_MAX)})
    values = _clean_question(survey, data, None)
    question = SurveyQuestion(survey_id=survey.id, position=_next_position(survey), **values)
    db.session.add(question)
    db.session.flush()
    if question.kind in CHOICE_KINDS and data.get("options") is not None:
        set_options(actor, question, _labels_of(data.get("options")))
    db.session.expire(survey, ["questions"])
    return question


def _labels_of(raw) -> list[str]:
    """Option labels from a list or from a textarea with one label a line."""
    if isinstance(raw, str):
        return raw.splitlines()
    return [str(item) for item in raw]


def update_question(actor, question: SurveyQuestion, data: Mapping) -> SurveyQuestion:
    survey = question.survey
    _require_editable(actor, survey)
    values = _clean_question(survey, data, question)
    if values["kind"] not in CHOICE_KINDS and _dependents(question):
        raise ValidationError({"kind": _l(
            "Otra pregunta depende de las opciones de ésta; quita primero esa condición.")})
    for name, value in values.items():
        setattr(question, name, value)
    if question.kind not in CHOICE_KINDS:
        question.options = []
    db.session.flush()
    if question.kind in CHOICE_KINDS and data.get("options") is not None:
        set_options(actor, question, _labels_of(data.get("options")))
    return question


def _dependents(question: SurveyQuestion) -> list[SurveyQuestion]:
    return [q for q in question.survey.questions if q.condition_question_id == question.id]


def delete_question(actor, question: SurveyQuestion) -> None:
    """Remove a question; questions shown only after it lose that condition."""
    survey = question.survey
    _require_editable(actor, survey)
    for dependent in _dependents(question):
        dependent.condition_question_id = None
        dependent.condition_option = None
    db.session.delete(question)
    db.session.flush()
    db.session.expire(survey, ["questions"])
    _renumber(survey)


def _renumber(survey: Survey, ordered: list[SurveyQuestion] | None = None) -> None:
    for number, question in enumerate(ordered or list(survey.questions), start=1):
        question.position = number
    db.session.flush()
    db.session.expire(survey, ["questions"])


def move_question(actor, question: SurveyQuestion, direction: str) -> None:
    """One place up or down (the builder's buttons, which work without JavaScript)."""
    survey = question.survey
    _require_editable(actor, survey)
    ordered = list(survey.questions)
    index = ordered.index(question)
    other = index - 1 if direction == "up" else index + 1 if direction == "down" else None
    if other is None:
        raise ValidationError({"form": _l("Elige subir o bajar.")})
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    _check_order(ordered)
    _renumber(survey, ordered)


def reorder_questions(actor, survey: Survey, ids: Iterable) -> None:
    """The whole order at once (drag and drop): ``ids`` must be exactly this survey's
    questions."""
    _require_editable(actor, survey)
    by_id = {q.id: q for q in survey.questions}
    numbers = [as_id(raw) for raw in ids]
    if sorted(n for n in numbers if n is not None) != sorted(by_id) or None in numbers:
        raise ValidationError({"form": _l(
            "El orden no coincide con las preguntas de la encuesta; recarga la página.")})
    ordered = [by_id[n] for n in numbers]
    _check_order(ordered)
    _renumber(survey, ordered)


def _check_order(ordered: list[SurveyQuestion]) -> None:
    """A question shown after an answer must stay after the question it depends on."""
    seen: set[int] = set()
    for question in ordered:
        if question.condition_question_id and question.condition_question_id not in seen:
            raise ValidationError({"form": _l(
                "«%(text)s» se muestra según una respuesta anterior: debe quedar después de "
                "esa pregunta.", text=question.text)})
        seen.add(question.id)


def set_options(actor, question: SurveyQuestion, labels: list[str]) -> list[SurveyOption]:
    """The options of a choice question, in order. A label kept keeps its code (answers and
    conditions refer to codes); a new label gets a new code."""
    survey = question.survey
    _require_editable(actor, survey)
    if question.kind not in CHOICE_KINDS:
        raise ValidationError({"options": _l("Solo las preguntas de opción llevan opciones.")})
    cleaned = _clean_labels(labels)
    current = {o.label: o for o in question.options}
    used = {o.code for o in question.options}
    kept = {current[label].code for label in cleaned if label in current}
    removed = used - kept
    needed = {q.condition_option for q in _dependents(question)}
    if removed & needed:
        raise ValidationError({"options": _l(
            "Una opción que quitaste muestra otra pregunta; quita primero esa condición.")})
    next_number = 1 + max((int(c[1:]) for c in used if re.fullmatch(r"o[0-9]+", c)), default=0)
    options = []
    for position, label in enumerate(cleaned, start=1):
        option = current.get(label)
        if option is None:
            option = SurveyOption(code=f"o{next_number}", label=label)
            next_number += 1
        option.position = position
        options.append(option)
    question.options = options
    db.session.flush()
    return options


def _clean_labels(labels: Iterable[str]) -> list[str]:
    errors: dict[str, str] = {}
    cleaned: list[str] = []
    for raw in labels:
        label = _text(raw, OPTION_MAX, "options", errors)
        if label and label.casefold() in {c.casefold() for c in cleaned}:
            errors["options"] = _l("La opción «%(label)s» está repetida.", label=label)
        elif label:
            cleaned.append(label)
    if len(cleaned) > OPTIONS_MAX:
        errors["options"] = _l("Escribe como máximo %(max)d opciones.", max=OPTIONS_MAX)
    elif len(cleaned) < 2 and "options" not in errors:
        errors["options"] = _l("Escribe al menos dos opciones, una por línea.")
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- who may answer ---------------------------------------------------------------------------


def invitation_for_token(token: str | None) -> SurveyInvitation | None:
    """The invitation an answering link names (None for anything else)."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(SurveyInvitation).where(SurveyInvitation.token == token))


def find_invitation(survey: Survey, actor=None, anon_key: str | None = None
                    ) -> SurveyInvitation | None:
    """The participation row of this person (signed in) or this browser (public survey)."""
    if has_role(actor, "citizen"):
        return db.session.scalar(select(SurveyInvitation).where(
            SurveyInvitation.survey_id == survey.id, SurveyInvitation.user_id == actor.id))
    if anon_key:
        return db.session.scalar(select(SurveyInvitation).where(
            SurveyInvitation.survey_id == survey.id, SurveyInvitation.anon_key == anon_key))
    return None


def closed_reason(survey: Survey, moment: datetime | None = None) -> str | None:
    """Why the survey cannot be answered now, in words for the person (None when it can)."""
    moment = moment or now()
    if survey.status == "draft":
        return str(_l("Esta encuesta todavía no está abierta."))
    if survey.status == "closed" or (survey.closes_at and moment >= survey.closes_at):
        return str(_l("Esta encuesta ya cerró. Gracias por tu interés."))
    if survey.opens_at and moment < survey.opens_at:
        return str(_l("Esta encuesta abre el %(day)s.",
                      day=to_local(survey.opens_at).strftime("%d/%m/%Y a las %H:%M")))
    return None


def can_answer(actor, survey: Survey, invitation: SurveyInvitation | None = None,
               anon_key: str | None = None) -> tuple[bool, str]:
    """Whether this person may answer now, and if not, why (a message for them).

    An invitation link answers for its holder. Without one, a signed-in person answers
    with their own invitation; only a public survey takes people who were not invited
    (an account once, a browser without an account once, by its cookie).
    """
    reason = closed_reason(survey)
    if reason:
        return False, reason
    if invitation is not None and invitation.survey_id != survey.id:
        return False, str(_l("Ese enlace no es de esta encuesta."))
    invitation = invitation or find_invitation(survey, actor, anon_key)
    if invitation is not None:
        if invitation.answered_on is not None:
            return False, str(ALREADY_ANSWERED)
        return True, ""
    if survey.audience != "public":
        return False, str(_l("Esta encuesta es solo para las personas invitadas; usa el "
                             "enlace que te enviamos."))
    if not has_role(actor, "citizen") and not anon_key:
        return False, str(_l("Para responder sin cuenta, tu navegador debe aceptar cookies."))
    return True, ""


def pending_for_user(user) -> list[tuple[Survey, SurveyInvitation]]:
    """The surveys this person was invited to and may still answer, newest first."""
    if not has_role(user, "citizen"):
        return []
    rows = db.session.execute(
        select(Survey, SurveyInvitation).join(Survey, Survey.id == SurveyInvitation.survey_id)
        .where(SurveyInvitation.user_id == user.id, SurveyInvitation.answered_on.is_(None),
               Survey.status == "open")
        .order_by(SurveyInvitation.invited_on.desc(), Survey.id.desc())).all()
    return [(survey, invitation) for survey, invitation in rows if is_answerable(survey)]


def open_public_for(user) -> list[Survey]:
    """Public surveys open now that this person has not answered (everyone's, for a visitor
    without an account). Members' surveys reach people as invitations (``pending_for_user``)."""
    stmt = select(Survey).where(Survey.audience == "public", Survey.status == "open")
    if getattr(user, "is_authenticated", False):
        answered = select(SurveyInvitation.id).where(SurveyInvitation.survey_id == Survey.id,
                                                     SurveyInvitation.user_id == user.id)
        stmt = stmt.where(~answered.exists())
    surveys = db.session.scalars(
        stmt.order_by(Survey.closes_at.is_(None), Survey.closes_at, Survey.id.desc()))
    return [survey for survey in surveys if is_answerable(survey)]


def published_results() -> list[Survey]:
    """Surveys whose staff published the aggregate results (newest first)."""
    return list(db.session.scalars(
        select(Survey).where(Survey.results_public.is_(True), Survey.status != "draft")
        .order_by(Survey.id.desc())))


# --- validating answers -----------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceAnswer:
    """The options chosen for a single/multiple question, and the "otro" text if any."""

    codes: tuple[str, ...]
    other: str | None = None
    extra: dict = field(default_factory=dict, compare=False)

    def __contains__(self, code) -> bool:
        return code in self.codes


def _codes(value) -> tuple[str, ...]:
    if isinstance(value, ChoiceAnswer):
        return value.codes
    if value is None:
        return ()
    if isinstance(value, (list, tuple, set)):
        return tuple(str(item) for item in value)
    return (str(value),)


def visible_questions(survey: Survey, answers: Mapping) -> list[SurveyQuestion]:
    """The questions shown given ``answers`` (question id -> chosen code(s) or a validated
    value): a question with a condition shows when its question is shown and was answered
    with the condition's option."""
    shown: list[SurveyQuestion] = []
    shown_ids: set[int] = set()
    for question in survey.questions:
        if _is_shown(question, answers, shown_ids):
            shown.append(question)
            shown_ids.add(question.id)
    return shown


def _is_shown(question: SurveyQuestion, answers: Mapping, shown_ids: set[int]) -> bool:
    if not question.condition_question_id:
        return True
    if question.condition_question_id not in shown_ids:
        return False
    return question.condition_option in _codes(answers.get(question.condition_question_id))


def _form_values(form: Mapping, name: str) -> list[str]:
    """Every value sent under ``name`` (a MultiDict's list, or a plain dict's value)."""
    if hasattr(form, "getlist"):
        values = form.getlist(name)
    else:
        raw = form.get(name)
        values = [] if raw is None else list(raw) if isinstance(raw, (list, tuple)) else [raw]
    return [str(item).strip() for item in values if item is not None and str(item).strip()]


def validate_answers(survey: Survey, form: Mapping) -> tuple[dict, dict]:
    """(question id -> clean value, errors by field "q<id>") for the visible questions.

    A hidden question is not required and whatever was sent for it is dropped; a field
    naming a question of another survey is refused.
    """
    own = {q.id for q in survey.questions}
    errors: dict[str, str] = {}
    for name in form:
        match = _FIELD_RE.fullmatch(str(name))
        if match and int(match.group(1)) not in own:
            errors["form"] = str(_l("La respuesta incluye una pregunta que no es de esta "
                                    "encuesta; recarga la página e inténtalo de nuevo."))
    values: dict = {}
    shown_ids: set[int] = set()
    for question in survey.questions:
        if not _is_shown(question, values, shown_ids):
            continue
        shown_ids.add(question.id)
        try:
            value = _validate_one(question, form)
        except ValueError as error:
            errors[question.field_name] = str(error.args[0])
            continue
        if value is None:
            if question.required:
                errors[question.field_name] = str(_l("Esta pregunta es obligatoria."))
            continue
        values[question.id] = value
    return values, errors


def _validate_one(question: SurveyQuestion, form: Mapping):
    """The clean value of one question (None when unanswered); ValueError with a message."""
    sent = _form_values(form, question.field_name)
    kind = question.kind
    if kind in CHOICE_KINDS:
        return _validate_choice(question, sent, form)
    if len(sent) > 1:
        raise ValueError(_l("Envía una sola respuesta."))
    if not sent:
        return None
    raw = sent[0]
    if kind in SCALE_RANGES:
        low, high = SCALE_RANGES[kind]
        if not re.fullmatch(r"[0-9]{1,2}", raw) or not low <= int(raw) <= high:
            raise ValueError(SCALE_MESSAGES[kind])
        return int(raw)
    if kind == "number":
        return _validate_number(question, raw)
    limit = SHORT_TEXT_MAX if kind == "short_text" else LONG_TEXT_MAX
    text = " ".join(raw.split()) if kind == "short_text" else raw
    if text_length(text) > limit:
        raise ValueError(_l("Escribe como máximo %(max)d caracteres; ahora hay %(count)d.",
                            max=limit, count=text_length(text)))
    return text


def _validate_number(question: SurveyQuestion, raw: str) -> int:
    if not re.fullmatch(r"-?[0-9]{1,10}", raw):
        raise ValueError(_l("Escribe un número entero, sin decimales ni letras."))
    number = int(raw)
    low = question.number_min if question.number_min is not None else -DB_INT_MAX
    high = question.number_max if question.number_max is not None else DB_INT_MAX
    if not low <= number <= high:
        if question.number_min is not None and question.number_max is not None:
            raise ValueError(_l("Escribe un número entre %(low)d y %(high)d.", low=low,
                                high=high))
        if question.number_min is not None:
            raise ValueError(_l("Escribe un número de %(low)d o más.", low=low))
        raise ValueError(_l("Escribe un número de %(high)d o menos.", high=high))
    return number


def _validate_choice(question: SurveyQuestion, sent: list[str], form: Mapping):
    valid = {o.code for o in question.options}
    if question.allow_other:
        valid.add(OTHER_CODE)
    codes = tuple(dict.fromkeys(sent))  # each option once, in the order sent
    if question.kind == "single" and len(codes) > 1:
        raise ValueError(_l("Elige solo una opción."))
    if any(code not in valid for code in codes):
        raise ValueError(_l("Elige entre las opciones de la pregunta."))
    if not codes:
        return None
    other = None
    if OTHER_CODE in codes:
        texts = _form_values(form, f"{question.field_name}_other")
        other = " ".join(texts[0].split()) if texts else ""
        if not other:
            raise ValueError(_l("Escribe cuál es la otra opción."))
        if text_length(other) > OTHER_TEXT_MAX:
            raise ValueError(_l("Escribe como máximo %(max)d caracteres; ahora hay %(count)d.",
                                max=OTHER_TEXT_MAX, count=text_length(other)))
    return ChoiceAnswer(codes=codes, other=other)


# --- submitting -------------------------------------------------------------------------------


def submit(actor, survey: Survey, form: Mapping, invitation: SurveyInvitation | None = None,
           anon_key: str | None = None) -> SurveyResponse:
    """Save one person's answers once, count them, and mark their participation.

    Raises ValidationError({"q<id>": message}) for bad answers (nothing saved) and
    ValidationError({"form": "Ya respondiste esta encuesta."}) for a second answer, also
    when two submissions race: the participation is claimed first, atomically.
    """
    allowed, reason = can_answer(actor, survey, invitation, anon_key)
    if not allowed:
        raise ValidationError({"form": reason})
    values, errors = validate_answers(survey, form)
    if errors:
        raise ValidationError(errors)
    day = today()
    claimed = _claim(actor, survey, invitation, anon_key, day)
    response = SurveyResponse(
        survey_id=survey.id, answered_on=day, event_id=claimed.context_event_id,
        event_kind=claimed.context_kind, municipality_code=claimed.context_municipality)
    if not survey.anonymous:
        response.user_id = claimed.user_id
        response.submitted_at = now()
    db.session.add(response)
    db.session.flush()
    rows = _answer_rows(survey, response.id, values)
    db.session.add_all(rows)
    db.session.flush()
    _count(survey, response, rows)
    _freeze(survey, day)
    return response


def _claim(actor, survey: Survey, invitation: SurveyInvitation | None,
           anon_key: str | None, day: date) -> SurveyInvitation:
    """Mark the participation answered, atomically: of two racing submissions exactly one
    changes the row (``answered_on IS NULL``) or inserts it (unique key)."""
    invitation = invitation or find_invitation(survey, actor, anon_key)
    if invitation is None:
        invitation = _insert_public_participation(actor, survey, anon_key, day)
        if invitation is not None:
            return invitation
        invitation = find_invitation(survey, actor, anon_key)
        if invitation is None:  # pragma: no cover - the unique key said it exists
            raise ValidationError({"form": ALREADY_ANSWERED})
    result = db.session.execute(
        update(SurveyInvitation)
        .where(SurveyInvitation.id == invitation.id, SurveyInvitation.answered_on.is_(None))
        .values(answered_on=day).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise ValidationError({"form": ALREADY_ANSWERED})
    db.session.refresh(invitation)
    return invitation


def _insert_public_participation(actor, survey: Survey, anon_key: str | None,
                                 day: date) -> SurveyInvitation | None:
    """A public survey's participation row, created answered; None when it already exists
    (another tab won the unique key)."""
    row = SurveyInvitation(survey_id=survey.id, invited_on=day, answered_on=day)
    if has_role(actor, "citizen"):
        row.user_id = actor.id
    else:
        row.anon_key = anon_key
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        return None
    count_invited([row])
    return row


def _answer_rows(survey: Survey, response_id: str, values: dict) -> list[SurveyAnswer]:
    rows: list[SurveyAnswer] = []
    for question in survey.questions:
        if question.id not in values:
            continue
        value = values[question.id]
        if isinstance(value, ChoiceAnswer):
            for code in value.codes:
                rows.append(SurveyAnswer(
                    response_id=response_id, question_id=question.id, option_code=code,
                    text=value.other if code == OTHER_CODE else None))
        elif question.kind in TEXT_KINDS:
            rows.append(SurveyAnswer(response_id=response_id, question_id=question.id,
                                     option_code="", text=value))
        else:
            rows.append(SurveyAnswer(response_id=response_id, question_id=question.id,
                                     option_code="", number=value))
    return rows


def tally_value(answer: SurveyAnswer) -> str:
    """The tally key of an answer row: its option code, its number, or '' for a text."""
    if answer.option_code:
        return answer.option_code
    if answer.number is not None:
        return str(answer.number)
    return ""


def tally_values(survey: Survey, rows: list[SurveyAnswer]) -> list[tuple[int, str]]:
    """(question_id, value) of each tally an answer adds one to: one per answer row, and a
    '' per multiple-choice question answered, so results read that question's respondents
    from the tallies instead of counting distinct responses over its answers."""
    multiple = {q.id for q in survey.questions if q.kind == "multiple"}
    values = [(row.question_id, tally_value(row)) for row in rows]
    values += [(question_id, "") for question_id in
               dict.fromkeys(row.question_id for row in rows if row.question_id in multiple)]
    return values


def _count(survey: Survey, response: SurveyResponse, rows: list[SurveyAnswer]) -> None:
    """``count = count + 1`` for each of ``tally_values``, and one more answer on the
    response's day and context (upserts in SQL, in the answer's transaction)."""
    context = {"day": response.answered_on, "event_id": response.event_id or 0,
               "event_kind": response.event_kind or "",
               "municipality_code": response.municipality_code or ""}
    keys = [{"survey_id": survey.id, **context, "question_id": question_id, "value": value}
            for question_id, value in tally_values(survey, rows)]
    add_counts(SurveyTally, [{**key, "count": 1} for key in keys], "count")
    add_counts(SurveyDay, [{"survey_id": survey.id, **context, "invited": 0, "answered": 1}],
         "answered")


def day_key(invitation: SurveyInvitation) -> tuple:
    """The ``SurveyDay`` row an invitation is counted in (survey, day, context)."""
    return (invitation.survey_id, invitation.invited_on, invitation.context_event_id or 0,
            invitation.context_kind or "", invitation.context_municipality or "")


def count_invited(invitations: Iterable[SurveyInvitation], sign: int = 1) -> None:
    """Add (or with ``sign=-1`` take away) the invitations to their day's ``invited``
    count, in the transaction that writes (or deletes) them."""
    counts: dict[tuple, int] = {}
    for invitation in invitations:
        if invitation.invited_on is not None:
            counts[day_key(invitation)] = counts.get(day_key(invitation), 0) + sign
    add_counts(SurveyDay, [
        {"survey_id": key[0], "day": key[1], "event_id": key[2], "event_kind": key[3],
         "municipality_code": key[4], "invited": count, "answered": 0}
        for key, count in counts.items()], "invited")


def add_counts(model, rows: list[dict], *columns: str) -> None:
    """Upsert ``rows`` into ``model``'s table on its primary key, adding each row's
    ``columns`` to the stored ones (so concurrent writers never lose a count)."""
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = model.__table__
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[c.name for c in table.primary_key.columns],
        set_={column: table.c[column] + statement.excluded[column] for column in columns})
    for start in range(0, len(rows), 5000):
        db.session.execute(statement, rows[start:start + 5000])


def _freeze(survey: Survey, day: date) -> None:
    """The first answer freezes the survey. The mark keeps only the day (local midnight, in
    UTC) so it cannot point at the first response's exact moment; ``updated_at`` keeps its
    value for the same reason."""
    midnight = datetime.combine(day, time(), tzinfo=LOCAL_TZ).astimezone(UTC)
    db.session.execute(
        update(Survey).where(Survey.id == survey.id, Survey.frozen_at.is_(None))
        .values(frozen_at=midnight.replace(tzinfo=None), updated_at=Survey.updated_at)
        .execution_options(synchronize_session=False))
    db.session.expire(survey, ["frozen_at", "updated_at"])
