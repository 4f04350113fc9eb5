"""Demo satisfaction surveys (``seed-demo``): two years of answers, through the real services.

``seed()`` (run after the events and advisory demos) builds, as the demo staff account:

* "Satisfacción con el evento" from its ready template, for every event (``event_id`` NULL),
  opened a few days before the first concluded demo event. Each concluded demo event invites
  the people checked in at it (``audiences.on_event_concluded``, the receiver of the signal
  ``events.services.conclude`` sends) the day after it ended. A standing survey hears each
  person once, at the first concluded event they attended after it opened.
* "Satisfacción con la asesoría" from its template, opened on 1 January of last year: each
  concluded demo advisory request invites its requester (``audiences.on_advisory_concluded``)
  when it concluded, the account or the contact address of a request made without one.
* "¿Cómo te funciona la plataforma?", a public survey (one answer per account, anonymous
  visitors by their cookie) open since February of last year, with published results.
* "Necesidades de capacitación 2027", an identified draft for the members of OSCs.

The story is played in time order with ``services.now`` (the surveys' one clock, which
``audiences`` reads too) set to each moment: invitations on the day of each event or
request, answers from the same day to a couple of weeks later (some only after the
reminder, which ``audiences.send_reminders`` sends seven days after the invitation), and
about a third never answered. So ``answered_on``, ``invited_on``, ``reminded_on``, the
tallies' days and the survey's ``frozen_at`` are the services' own; audit entries and
notices get the same moment (a flush hook) and notices older than two weeks are read.

People answer as people do: mostly satisfied, some critical, an NPS between +40 and +60,
this year a little better than last year, and a few words on schedules, materials, the
venue or follow-up. Choices come from ``random.Random(SEED)``, so two runs on the same demo
build the same answers; the ids, slugs and tokens stay the services' random ones (that they
say nothing is the anonymity promise). Running it again adds nothing (the demo staff
account's surveys are recognised). Inside ``quiet()``: nobody is mailed.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import random
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import event, select, update

from community.accounts.models import User
from community.advisory.models import AdvisoryRequest
from community.core.aftercommit import quiet
from community.core.models import AuditEntry, Notification
from community.core.timeutil import LOCAL_TZ, to_local, utcnow
from community.demo import accounts
from community.demo.accounts import DEMO_DOMAIN, STAFF_EMAIL
from community.events.models import Event
from community.events.services import checked_in_user_ids
from community.extensions import db
from community.surveys import audiences, services
from community.surveys.models import (
    OTHER_CODE,
    Survey,
    SurveyInvitation,
    SurveyQuestion,
)

SEED = 2031
READ_AFTER = timedelta(days=14)
#: How many of those invited answer, and how many anonymous visitors answer the public one.
EVENT_ANSWER_RATE = 0.68
ADVISORY_ANSWER_RATE = 0.62
PUBLIC_ACCOUNTS = 40
PUBLIC_VISITORS = 140
#: At most this many invitations per survey and answers to the public one (None: all);
#: the test of the whole ``seed-demo`` makes it small.
LIMIT: int | None = None

EVENT_TITLE = "Satisfacción con el evento"
ADVISORY_TITLE = "Satisfacción con la asesoría"
PLATFORM_TITLE = "¿Cómo te funciona la plataforma?"
DRAFT_TITLE = "Necesidades de capacitación 2027"

# --- how people feel --------------------------------------------------------------------------

MOODS = ("delighted", "satisfied", "neutral", "critical")
#: Year offset (0 this year, 1 last year) -> weights of the moods: this year a little better.
MOOD_WEIGHTS = {0: (56, 28, 10, 6), 1: (48, 30, 13, 9)}
#: Mood -> weights of the points 1..5 of a Likert or rating question.
SCALE = {"delighted": (0, 0, 2, 20, 78), "satisfied": (0, 2, 10, 60, 28),
         "neutral": (3, 12, 45, 35, 5), "critical": (22, 40, 26, 12, 0)}
#: Mood -> weights of 0..10 for "would you recommend".
NPS = {"delighted": (0, 0, 0, 0, 0, 0, 0, 1, 8, 30, 61),
       "satisfied": (0, 0, 0, 0, 0, 1, 5, 28, 34, 26, 6),
       "neutral": (0, 0, 0, 1, 3, 14, 30, 34, 16, 2, 0),
       "critical": (7, 3, 10, 14, 18, 24, 16, 6, 2, 0, 0)}
#: Mood -> how often someone writes what to improve.
WRITES = {"delighted": 0.22, "satisfied": 0.38, "neutral": 0.6, "critical": 0.8}

# --- what people write ------------------------------------------------------------------------

EVENT_COMMENTS = {
    "good": (
        "Excelente taller, muy práctico. Ojalá hagan una segunda parte.",
        "Todo muy bien organizado, gracias. Solo el registro en la entrada tardó un poco.",
        "Me gustó que hubiera ejemplos de organizaciones como la nuestra.",
        "Muy buena la ponente, se nota que conoce el tema. Que compartan las diapositivas.",
        "Los materiales impresos nos sirvieron mucho; súbanlos también a la biblioteca.",
        "Gracias por la constancia, nos sirve para la convocatoria de este año.",
        "Que lo graben para las compañeras que no pudieron venir.",
    ),
    "schedule": (
        "Que los talleres sean en sábado; entre semana casi no podemos salir del trabajo.",
        "El horario de la tarde nos acomoda mejor a quienes trabajamos en la mañana.",
        "Faltó tiempo para las preguntas; la exposición se alargó mucho.",
        "Avisen con más anticipación, nos enteramos tres días antes.",
        "Empezó media hora tarde y al final hubo que salir corriendo.",
    ),
    "materials": (
        "Más ejemplos prácticos y menos teoría.",
        "Compartir las presentaciones antes del taller para ir leyendo.",
        "Un formato de ejemplo para llenar en casa nos ayudaría mucho.",
        "Dividir el grupo por nivel: unas ya tenemos la CLUNI y otras apenas empezamos.",
    ),
    "venue": (
        "La sede quedaba lejos para quienes venimos del oriente; repítanlo en Texcoco o "
        "Chalco.",
        "El audio del salón se escuchaba mal al fondo.",
        "Hacía mucho calor en el salón y no había agua.",
        "Pongan indicaciones para llegar en transporte público; nos perdimos.",
        "La conexión en línea se cortó dos veces; tengan un plan B.",
    ),
    "follow_up": (
        "Me gustaría un seguimiento después, aunque sea una llamada, para ver cómo vamos "
        "aplicando lo aprendido.",
        "Que manden las constancias más rápido.",
        "Un grupo de seguimiento para resolver dudas después del taller sería muy útil.",
    ),
    "critical": (
        "Cambiaron la sede a última hora y nadie nos avisó.",
        "El ponente leyó las diapositivas todo el tiempo; se hizo muy pesado.",
        "Muy largo y poco práctico; esperaba salir con algo concreto.",
        "No había lugar para todas las personas registradas; varias nos quedamos de pie.",
    ),
}
ADVISORY_COMMENTS = {
    "good": (
        "Todo excelente, gracias por la paciencia con todas nuestras dudas.",
        "La asesora nos explicó con calma cada paso. Muy agradecidas.",
        "Gracias a la asesoría ya tenemos nuestra acta. Sigan así.",
        "Muy buena atención; el asesor siempre contestó los mensajes.",
    ),
    "schedule": (
        "Tardaron más de una semana en contestarme la primera vez.",
        "Me gustaría que las sesiones también pudieran ser por videollamada en la tarde.",
        "Que respondan por WhatsApp, el correo casi no lo revisamos.",
    ),
    "materials": (
        "Nos ayudaría una lista de documentos desde el principio, para no ir y venir.",
        "Un ejemplo de estatutos ya llenos nos habría ahorrado mucho tiempo.",
    ),
    "venue": (
        "Ir a Toluca nos cuesta mucho; ojalá hubiera asesorías en el municipio.",
        "La oficina es difícil de encontrar, pongan un letrero en la entrada.",
    ),
    "follow_up": (
        "Ya tenemos el acta y no sabemos qué sigue con el SAT; un seguimiento después "
        "ayudaría.",
        "Que nos avisen cuando haya talleres sobre lo que preguntamos.",
    ),
    "critical": (
        "Cambiaron de asesor a mitad del trámite y tuvimos que explicar todo otra vez.",
        "Nos dieron información distinta en dos sesiones.",
        "Sentí que tenían prisa y no resolvieron mis dudas.",
    ),
}
PLATFORM_COMMENTS = {
    "good": (
        "Muy útil tener los talleres y la biblioteca en un solo lugar.",
        "Me gusta que me llegue el aviso de los eventos de mi municipio.",
        "Fácil de usar, hasta mi mamá ya se registró.",
    ),
    "schedule": (
        "Que el calendario se pueda ver por semana.",
        "Que avisen antes de que se llenen los talleres.",
    ),
    "materials": (
        "Más formatos descargables en la biblioteca, sobre todo fiscales.",
        "Videos cortos de cómo hacer los trámites.",
    ),
    "venue": (
        "En el celular el menú se ve muy pequeño.",
        "Que el mapa de eventos cargue más rápido con datos móviles.",
    ),
    "follow_up": (
        "Que se pueda ver en qué va la asesoría sin buscar el correo.",
        "Un directorio de OSC por tema para buscar con quién colaborar.",
    ),
    "critical": (
        "Olvidé mi contraseña y el correo para recuperarla nunca me llegó.",
        "Me costó mucho encontrar dónde actualizar los datos de mi organización.",
    ),
}
#: What an advisory did not solve (its question shows only when the answer was "No").
MISSING = (
    "La autorización como donataria; nos dijeron que eso lo resuelve el SAT.",
    "Cómo llenar la declaración anual de la asociación.",
    "Nos faltó saber cuánto cobra el notario y si hay descuento.",
    "La renovación del Registro Social Estatal, que era lo que más nos urgía.",
    "Qué hacer con el acta anterior que no está protocolizada.",
)
SCHEDULES = ("Los sábados por la mañana.", "Entre semana, de 5 a 8 de la tarde.",
             "Martes o jueves a mediodía.", "En línea, después de las 6.")
OTHER_HEARD = ("Me invitó la regidora del municipio.", "Por el grupo de WhatsApp de OSC.",
               "En la radio comunitaria.")
OTHER_TOPICS = ("Primeros auxilios psicológicos para voluntarios",
                "Cómo trabajar con el DIF municipal", "Protección civil en eventos")
OTHER_USES = ("Buscar convocatorias", "Ver las constancias de mis talleres")
OTHER_WISHES = ("Una app para el teléfono", "Avisos por mensaje de texto")
#: Mood -> which comments a person of that mood writes.
COMMENT_KINDS = {"delighted": ("good", "good", "follow_up", "materials"),
                 "satisfied": ("schedule", "materials", "venue", "follow_up", "good"),
                 "neutral": ("schedule", "materials", "venue", "follow_up", "critical"),
                 "critical": ("critical", "critical", "venue", "schedule")}

# --- the surveys built by hand ---------------------------------------------------------------

PLATFORM = {
    "title": PLATFORM_TITLE,
    "intro": "Queremos saber si la plataforma te sirve y qué le falta. Responder toma dos "
             "minutos; la encuesta es anónima y la puede responder cualquier persona.",
    "questions": (
        {"kind": "likert_satisfaction", "required": True,
         "text": "En general, ¿qué tan satisfecho o satisfecha estás con la plataforma?"},
        {"kind": "single", "required": True, "allow_other": True,
         "text": "¿Para qué usas más la plataforma?",
         "options": ("Buscar eventos y talleres", "Consultar la biblioteca",
                     "Registrar o actualizar mi organización", "Pedir asesoría",
                     "Participar en los foros")},
        {"kind": "likert_agreement", "required": True,
         "text": "Encuentro fácilmente lo que busco."},
        {"kind": "likert_agreement", "required": True,
         "text": "La plataforma funciona bien en mi celular."},
        {"kind": "multiple", "required": False, "allow_other": True,
         "text": "¿Qué te gustaría que tuviera la plataforma?",
         "options": ("Avisos por WhatsApp", "Más materiales en la biblioteca",
                     "El calendario de eventos en mi teléfono", "Constancias descargables",
                     "Un directorio de OSC por tema")},
        {"kind": "nps", "required": True,
         "text": "Del 0 al 10, ¿qué tan probable es que recomiendes la plataforma a otra "
                 "organización?"},
        {"kind": "long_text", "required": False, "text": "¿Algo más que quieras decirnos?",
         "help": "No escribas datos personales."},
    ),
}
DRAFT = {
    "title": DRAFT_TITLE,
    "intro": "Estamos preparando el programa de capacitación del próximo año. Cuéntanos qué "
             "temas y horarios le sirven a tu organización.",
    "questions": (
        {"kind": "multiple", "required": True, "allow_other": True,
         "text": "¿Qué temas necesita tu organización el próximo año?",
         "options": ("Procuración de fondos", "Obligaciones fiscales", "Marco lógico",
                     "Comunicación y redes sociales", "Gobernanza y consejo directivo")},
        {"kind": "single", "required": True, "text": "¿Cómo prefieren tomar los talleres?",
         "options": ("Presencial", "En línea", "Mixto")},
        {"kind": "number", "required": False, "number_min": 1, "number_max": 50,
         "text": "¿Cuántas personas de tu organización asistirían?"},
        {"kind": "short_text", "required": False,
         "text": "¿Qué día y horario les acomoda más?"},
    ),
}


# --- the clock --------------------------------------------------------------------------------


class Clock:
    """``services.now`` while seeding, and the time of the audit entries and notices the
    services add (a flush hook)."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def stamp(self, session, _context, _instances) -> None:
        for item in session.new:
            if isinstance(item, (AuditEntry, Notification)):
                item.created_at = self.current


@contextmanager
def seeding_clock(start: datetime):
    """Set ``community.surveys.services.now`` (read by ``audiences`` too) for the block."""
    clock = Clock(start)
    real_now = services.now
    services.now = clock.now
    event.listen(db.session, "before_flush", clock.stamp)
    try:
        yield clock
    finally:
        services.now = real_now
        event.remove(db.session, "before_flush", clock.stamp)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local wall-clock moment as naive UTC."""
    local = datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)
    return local.astimezone(UTC).replace(tzinfo=None)


# --- the timeline -----------------------------------------------------------------------------


@dataclass(order=True)
class Step:
    """Something that happens at ``moment`` (``order`` keeps same-moment steps stable)."""

    moment: datetime
    order: int
    run: Callable[[], None] = field(compare=False)


class Story:
    """The steps of every survey in time order; answering schedules more steps."""

    def __init__(self, rng: random.Random, clock: Clock, now: datetime) -> None:
        self.rng, self.clock, self.now = rng, clock, now
        self.steps: list[Step] = []
        self.counter = itertools.count()
        self.reminder_days: set[date] = set()
        self.spent: dict[int, int] = {}

    def left(self, survey: Survey) -> int:
        """How many more invitations ``LIMIT`` lets this survey send."""
        limit = LIMIT if LIMIT is not None else 1 << 30
        return max(0, limit - self.spent.get(survey.id, 0))

    def at(self, moment: datetime, run: Callable[[], None]) -> None:
        if moment <= self.now:
            heapq.heappush(self.steps, Step(moment, next(self.counter), run))

    def play(self) -> None:
        while self.steps:
            step = heapq.heappop(self.steps)
            self.clock.current = step.moment
            step.run()
            db.session.flush()

    def remind_on(self, day: date) -> None:
        """``send_reminders`` once on that day (it covers every survey's due invitations)."""
        if day not in self.reminder_days:
            self.reminder_days.add(day)
            self.at(_at(day, 9, 30), lambda: audiences.send_reminders(day))

    def invited(self, survey: Survey, invitations: list[SurveyInvitation], actors: dict,
                rate: float, flavour: str) -> None:
        """Schedule who answers and when: most within three days, some after the reminder,
        about a third never."""
        self.spent[survey.id] = self.spent.get(survey.id, 0) + len(invitations)
        for invitation in invitations:
            invited_on = invitation.invited_on
            self.remind_on(invited_on + timedelta(days=survey.reminder_days))
            if self.rng.random() >= rate:
                continue
            roll = self.rng.random()
            delay = (self.rng.randint(0, 2) if roll < 0.6 else self.rng.randint(3, 6)
                     if roll < 0.82 else self.rng.randint(survey.reminder_days,
                                                          survey.reminder_days + 6))
            moment = _at(invited_on + timedelta(days=delay), self.rng.randint(8, 22),
                         self.rng.randint(0, 59))
            actor = actors.get(invitation.user_id)
            self.at(moment, _answer(self, survey, flavour, actor, invitation=invitation))


def _answer(story: Story, survey: Survey, flavour: str, actor=None, invitation=None,
            anon_key: str | None = None) -> Callable[[], None]:
    rng = random.Random(story.rng.random())

    def run() -> None:
        year_offset = min(1, to_local(story.now).year - to_local(story.clock.current).year)
        mood = rng.choices(MOODS, MOOD_WEIGHTS[year_offset])[0]
        form = answers_for(rng, survey, flavour, mood)
        services.submit(actor, survey, form, invitation=invitation, anon_key=anon_key)
    return run


# --- answers ----------------------------------------------------------------------------------


def answers_for(rng: random.Random, survey: Survey, flavour: str, mood: str) -> dict:
    """A form ("q<id>" -> value) a person of this ``mood`` would send to ``survey``;
    ``flavour`` (event, advisory, platform) picks what they write."""
    form: dict = {}
    chosen: dict[int, tuple[str, ...]] = {}
    for question in survey.questions:
        if question.condition_question_id and \
                question.condition_option not in chosen.get(question.condition_question_id, ()):
            continue
        value = _value(rng, question, flavour, mood)
        if value is None:
            continue
        name = question.field_name
        if question.kind in ("single", "multiple"):
            codes, other = value
            chosen[question.id] = codes
            form[name] = list(codes)
            if other:
                form[f"{name}_other"] = other
        else:
            form[name] = value
    return form


def _value(rng: random.Random, question: SurveyQuestion, flavour: str, mood: str):
    kind = question.kind
    if kind in ("likert_agreement", "likert_satisfaction", "rating"):
        return str(rng.choices(range(1, 6), SCALE[mood])[0])
    if kind == "nps":
        return str(rng.choices(range(11), NPS[mood])[0])
    if kind in ("single", "multiple"):
        if not question.required and rng.random() < 0.25:
            return None
        return _choice(rng, question, flavour, mood)
    if kind == "long_text":
        if question.condition_question_id:  # what the advisory did not solve
            return rng.choice(MISSING) if rng.random() < 0.75 else None
        if rng.random() >= WRITES[mood]:
            return None
        bank = {"event": EVENT_COMMENTS, "advisory": ADVISORY_COMMENTS}.get(
            flavour, PLATFORM_COMMENTS)
        return rng.choice(bank[rng.choice(COMMENT_KINDS[mood])])
    if kind == "number":
        if not question.required and rng.random() < 0.4:
            return None
        low = question.number_min if question.number_min is not None else 1
        high = question.number_max if question.number_max is not None else 20
        return str(rng.randint(low, min(high, low + 10)))
    if kind == "short_text" and (question.required or rng.random() < 0.3):
        return rng.choice(SCHEDULES)
    return None


def _choice(rng: random.Random, question: SurveyQuestion, flavour: str,
            mood: str) -> tuple[tuple[str, ...], str | None]:
    """Option codes of a single/multiple question and an "otro" text when chosen. The
    preset's "duration" and "solved" questions follow the mood; the rest spread."""
    codes = [option.code for option in question.options]
    text = question.text.casefold()
    if "duración" in text:
        weights = {"delighted": (6, 88, 6), "satisfied": (14, 76, 10),
                   "neutral": (22, 56, 22), "critical": (25, 40, 35)}[mood]
        return (rng.choices(codes, weights)[0],), None
    if "resolvió" in text:
        weights = {"delighted": (90, 10, 0), "satisfied": (64, 34, 2),
                   "neutral": (24, 60, 16), "critical": (5, 40, 55)}[mood]
        return (rng.choices(codes, weights)[0],), None
    others = OTHER_HEARD if "enteraste" in text else OTHER_TOPICS if "temas" in text \
        else OTHER_USES if "usas" in text else OTHER_WISHES
    weights = [max(1, 10 - 2 * n) for n in range(len(codes))]  # the first options lead
    if question.allow_other and rng.random() < 0.05:
        picked = [OTHER_CODE]
    elif question.kind == "single":
        picked = [rng.choices(codes, weights)[0]]
    else:
        picked = list(dict.fromkeys(rng.choices(codes, weights, k=rng.choice((1, 1, 2, 2, 3)))))
        if question.allow_other and rng.random() < 0.05:
            picked.append(OTHER_CODE)
    return tuple(picked), rng.choice(others) if OTHER_CODE in picked else None


# --- building ---------------------------------------------------------------------------------


def _build(staff: User, spec: dict, data: dict) -> Survey:
    """A survey built by hand through the builder's operations (one section)."""
    survey = services.create_survey(staff, {"title": spec["title"], "intro": spec["intro"],
                                            **data})
    section = services.add_section(staff, survey, {"title": "Preguntas"})
    for item in spec["questions"]:
        services.add_question(staff, survey, {**item, "section_id": section.id,
                                              "options": list(item.get("options", ()))
                                              if "options" in item else None})
    return survey


def _stamp(survey: Survey, moment: datetime) -> None:
    survey.created_at = survey.updated_at = moment


def _concluded_events() -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.status == "concluded")
                                   .order_by(Event.ends_at, Event.id)))


def _concluded_requests() -> list[AdvisoryRequest]:
    return list(db.session.scalars(
        select(AdvisoryRequest).where(AdvisoryRequest.state == "concluida",
                                      AdvisoryRequest.concluded_at.is_not(None))
        .order_by(AdvisoryRequest.concluded_at, AdvisoryRequest.id)))


def _event_steps(story: Story, staff: User, events: list[Event], actors: dict) -> Survey:
    first = to_local(events[0].ends_at).date() if events else to_local(story.now).date()
    story.clock.current = _at(first - timedelta(days=12), 11)
    survey = services.create_from_preset(staff, "event", {"title": EVENT_TITLE})
    _stamp(survey, story.clock.current)
    story.clock.current = _at(first - timedelta(days=5), 10)
    services.open_survey(staff, survey)
    for item in events:
        day = to_local(item.ends_at).date() + timedelta(days=1)
        story.at(_at(day, 10), _event_concluded(story, survey, item, day, actors))
    return survey


def _event_concluded(story: Story, survey: Survey, item: Event, day: date,
                     actors: dict) -> Callable[[], None]:
    def run() -> None:
        attendees = checked_in_user_ids(item)[:story.left(survey)]
        audiences.on_event_concluded(event_id=item.id, kind=item.kind,
                                     municipality_code=item.municipality_code, day=day,
                                     attendee_ids=attendees)
        invitations = db.session.scalars(select(SurveyInvitation).where(
            SurveyInvitation.survey_id == survey.id,
            SurveyInvitation.context_event_id == item.id)).all()
        actors.update({user.id: user for user in db.session.scalars(
            select(User).where(User.id.in_(attendees)))})
        story.invited(survey, invitations, actors, EVENT_ANSWER_RATE, "event")
    return run


def _advisory_steps(story: Story, staff: User, requests: list[AdvisoryRequest],
                    actors: dict) -> Survey:
    start = date(to_local(story.now).year - 1, 1, 1)
    story.clock.current = _at(start - timedelta(days=20), 12)
    survey = services.create_from_preset(staff, "advisory", {"title": ADVISORY_TITLE})
    _stamp(survey, story.clock.current)
    story.clock.current = _at(start - timedelta(days=2), 9)
    services.open_survey(staff, survey)
    for request in requests:
        story.at(request.concluded_at + timedelta(minutes=5),
                 _advisory_concluded(story, survey, request, actors))
    return survey


def _advisory_concluded(story: Story, survey: Survey, request: AdvisoryRequest,
                        actors: dict) -> Callable[[], None]:
    def run() -> None:
        if not story.left(survey):
            return
        audiences.on_advisory_concluded(
            request_id=request.id, user_id=request.user_id,
            email=None if request.user_id else request.contact_email, topic=request.topic,
            municipality_code=request.municipality_code)
        who = (SurveyInvitation.user_id == request.user_id if request.user_id
               else SurveyInvitation.email == request.contact_email)
        invitation = db.session.scalar(select(SurveyInvitation).where(
            SurveyInvitation.survey_id == survey.id, who,
            SurveyInvitation.invited_on == services.today()))
        if invitation is None:  # asked before: a standing survey hears each person once
            return
        if request.user_id and request.user_id not in actors:
            actors[request.user_id] = db.session.get(User, request.user_id)
        story.invited(survey, [invitation], actors, ADVISORY_ANSWER_RATE, "advisory")
    return run


def _platform_steps(story: Story, staff: User, citizens: list[User]) -> Survey:
    opened = date(to_local(story.now).year - 1, 2, 10)
    story.clock.current = _at(opened - timedelta(days=3), 13)
    survey = _build(staff, PLATFORM, {"audience": "public", "anonymous": "1",
                                      "results_public": "1", "reminder_days": "0"})
    _stamp(survey, story.clock.current)
    story.clock.current = _at(opened, 9)
    services.open_survey(staff, survey)
    span = (to_local(story.now).date() - opened).days
    rng = story.rng
    limit = LIMIT if LIMIT is not None else PUBLIC_ACCOUNTS + PUBLIC_VISITORS
    accounts_count = min(PUBLIC_ACCOUNTS, len(citizens), limit // 4)
    people = [(person, None) for person in rng.sample(citizens, accounts_count)]
    people += [(None, hashlib.sha256(f"{SEED}:visitante:{n}".encode()).hexdigest())
               for n in range(min(PUBLIC_VISITORS, limit - accounts_count))]
    for person, anon_key in people:
        day = opened + timedelta(days=int(span * rng.random() ** 0.9))
        story.at(_at(day, rng.randint(7, 23), rng.randint(0, 59)),
                 _answer(story, survey, "platform", person, anon_key=anon_key))
    return survey


def _draft(story: Story, staff: User) -> Survey:
    story.clock.current = story.now - timedelta(days=9, hours=3)
    survey = _build(staff, DRAFT, {"audience": "members", "anonymous": "", "reminder_days": "7"})
    _stamp(survey, story.clock.current)
    return survey


# --- seeding ----------------------------------------------------------------------------------


def demo_surveys_count() -> int:
    """Surveys the demo staff account made (the demo's)."""
    staff = db.session.scalar(select(User).where(User.email == STAFF_EMAIL))
    if staff is None:
        return 0
    return len(db.session.scalars(select(Survey.id).where(
        Survey.created_by_id == staff.id)).all())


def seed() -> list[Survey]:
    """Create the demo surveys when the demo staff has none yet (else nothing)."""
    if demo_surveys_count():
        return []
    with quiet():
        return _seed()


def _seed() -> list[Survey]:
    rng = random.Random(SEED)
    now = utcnow()
    staff = accounts.demo_account(STAFF_EMAIL)
    citizens = list(db.session.scalars(select(User).where(
        User.role == "citizen", User.active.is_(True),
        User.email.like(f"%@{DEMO_DOMAIN}")).order_by(User.id)))
    first_notice = (db.session.scalar(select(Notification.id).order_by(
        Notification.id.desc()).limit(1)) or 0) + 1
    actors: dict[int, User] = {}
    with seeding_clock(now) as clock:
        story = Story(rng, clock, now)
        made = [_event_steps(story, staff, _concluded_events(), actors),
                _advisory_steps(story, staff, _concluded_requests(), actors),
                _platform_steps(story, staff, citizens)]
        story.play()
        made.append(_draft(story, staff))
        db.session.flush()
    _read_old_notices(first_notice, now)
    db.session.flush()
    return made


def _read_old_notices(first_notice: int, now: datetime) -> None:
    """People have read the invitations they got more than two weeks ago."""
    db.session.execute(
        update(Notification)
        .where(Notification.id >= first_notice, Notification.read_at.is_(None),
               Notification.created_at < now - READ_AFTER)
        .values(read_at=Notification.created_at)
        .execution_options(synchronize_session=False))


__all__ = ["SEED", "answers_for", "demo_surveys_count", "seed", "seeding_clock"]
