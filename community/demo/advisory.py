"""Demo advisory requests (``seed-demo``): two years of asesorías, through the real services.

``seed()`` (run after the library) makes about 300 requests dated from the first of January
of last year up to today, so the indicators can compare this year to date with last year's.
They come from every kind of requester: people without an account (confirmed by their
e-mail link; a few recent ones still waiting for it, and a couple that expired), demo
citizens with an account, and admins of demo OSCs asking for their own OSC. Municipalities
follow population, with Toluca, Ecatepec, Nezahualcóyotl and Naucalpan weighted up, so the
planning map has its hot spots and many municipalities have one or two requests.

Each request lives its story with ``services.now`` set to each moment of it (the module's
one clock): the demo advisors take it, write to the requester, log sessions (mostly in the
municipality, some online or at the office in Toluca), wait on the requester and resume when
they answer, add internal notes, record outcomes (an OSC constituted with the date of its
acta, a CLUNI, a donataria authorization, the state registry, or orientation) and conclude,
or cancel with a reason. So the due dates, the paused clock, first contact, the timeline and
the audit log are the services' own. Old requests are mostly closed; recent ones are open;
a few open ones are overdue on purpose. A few groups that constituted their OSC register it
on the platform afterwards (``profiles.services.register``) and the request is linked to it.

The audit entries and notices the services write get the same moment (a flush hook while
seeding); notices older than two weeks are read. Folios come from the seeded generator (same
format, still checked for collisions), so two runs on an empty database build the same
requests; running it again adds nothing (demo requests are recognised by their contact
address). Everything is fictional: people come from ``fake``, anonymous addresses use the
reserved ``correo.example`` domain, and it runs inside ``quiet()``: nobody is mailed.
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import event, func, or_, select, update

from community.accounts.models import User
from community.advisory import services
from community.advisory.models import AdvisoryRequest
from community.core.aftercommit import quiet
from community.core.errors import ValidationError
from community.core.models import AuditEntry, Notification
from community.core.text import fold
from community.core.timeutil import LOCAL_TZ, to_local, utcnow
from community.demo import accounts
from community.demo.accounts import CITIZEN_EMAIL, DEMO_DOMAIN, STAFF_EMAIL
from community.demo.fake import (
    CAUSES,
    Place,
    fake_osc,
    full_person_name,
    make_name,
    make_phone,
    make_rfc,
    municipality_weights,
    neighbours,
    phone_prefix,
    places_from_catalogue,
)
from community.extensions import db
from community.profiles import services as profiles
from community.profiles.models import Membership, Organization

SEED = 2030
TOTAL = 300
ANON_DOMAIN = "correo.example"  # reserved TLD (RFC 2606): nobody's mailbox
TOLUCA, ECATEPEC, NEZA, NAUCALPAN = "15106", "15033", "15058", "15057"
#: The four municipalities the program hears from most, over what population alone gives.
BOOST = {TOLUCA: 3.0, ECATEPEC: 1.8, NEZA: 1.8, NAUCALPAN: 1.6}
REQUESTER_CITIZENS = 45
LINKED_OSCS = 4
READ_AFTER = timedelta(days=14)

#: The advisors besides the demo staff account (the program has 19 public servants).
ADVISORS = (
    (f"asesoria.valle@{DEMO_DOMAIN}", "Adriana Colín Becerril"),
    (f"asesoria.oriente@{DEMO_DOMAIN}", "Héctor Garduño Mejía"),
    (f"asesoria.norte@{DEMO_DOMAIN}", "Verónica Albarrán Sotelo"),
    (f"asesoria.sur@{DEMO_DOMAIN}", "Ricardo Pichardo Estrada"),
)

TOPIC_WEIGHTS = {"constituir": 38, "cluni": 13, "donataria": 10, "registro_estatal": 9,
                 "fortalecimiento": 10, "fiscal": 9, "procuracion": 7, "otro": 4}

# --- what people write --------------------------------------------------------------------------

ACTIVITIES = (
    "jornadas de limpieza del río y de reforestación",
    "un comedor comunitario para personas adultas mayores",
    "clases de regularización para niñas y niños de la colonia",
    "apoyo a familias de personas con discapacidad",
    "torneos deportivos para alejar a las y los jóvenes de las adicciones",
    "un huerto comunitario y talleres de nutrición",
    "acompañamiento a mujeres que viven violencia",
    "talleres de bordado y venta de artesanías de las mujeres del pueblo",
    "la banda de música y las tradiciones del pueblo",
    "rescate de perros y gatos en situación de calle",
    "un banco de alimentos con los comercios de la zona",
    "asesoría a familias migrantes que pasan por el municipio",
)

DESCRIPTIONS = {
    "constituir": (
        "Somos {n} vecinas y vecinos de {place} y desde hace {years} años organizamos "
        "{activity}. Queremos constituirnos como asociación civil para recibir apoyos y "
        "firmar convenios. ¿Qué necesitamos para el acta constitutiva?",
        "Un grupo de {place} hacemos {activity}. Nos dijeron que con una A.C. podemos "
        "participar en convocatorias; queremos saber los pasos y cuánto cuesta ante notario.",
        "Queremos formar una asociación para {activity} en {place}. Ya tenemos un nombre y a "
        "las personas fundadoras, pero no sabemos cómo redactar el **objeto social**.",
    ),
    "cluni": (
        "Nuestra asociación se constituyó hace poco y ya tenemos RFC. Queremos tramitar la "
        "CLUNI para participar en convocatorias federales y no sabemos qué documentos subir.",
        "Intentamos registrarnos para obtener la CLUNI y el sistema nos rechazó el acta. "
        "¿Nos pueden revisar qué falta?",
    ),
    "donataria": (
        "Queremos que nuestra A.C. sea donataria autorizada para dar recibos deducibles. "
        "¿Qué requisitos pide el SAT y cuánto tarda la autorización?",
        "Una empresa de {place} quiere donarnos, pero pide recibo deducible. Necesitamos "
        "orientación para solicitar la autorización como donataria.",
    ),
    "registro_estatal": (
        "Necesitamos inscribirnos en el Registro Social Estatal para recibir apoyos del "
        "Gobierno del Estado. ¿Qué documentos piden y dónde se entregan?",
        "Nuestra constancia del Registro Social Estatal venció. ¿Cómo la renovamos?",
    ),
    "fortalecimiento": (
        "Somos una OSC pequeña de {place}; el consejo directivo casi no se reúne y las actas "
        "están atrasadas. Queremos ordenar la organización y hacer un plan de trabajo.",
        "Crecimos mucho en dos años y ya no sabemos cómo repartir el trabajo entre "
        "voluntarios y el equipo. Buscamos orientación para planear.",
    ),
    "fiscal": (
        "Tenemos dudas con la declaración anual de la asociación y con la facturación de "
        "los donativos. El año pasado presentamos tarde y nos llegó un requerimiento del SAT.",
        "No sabemos si debemos emitir factura por las cuotas de recuperación de nuestros "
        "talleres. ¿Nos pueden orientar?",
    ),
    "procuracion": (
        "Hoy dependemos de una sola fundación. Queremos aprender a armar un plan de "
        "procuración de fondos y a presentar proyectos a empresas de {place}.",
        "Queremos organizar una colecta anual para {activity} y no sabemos por dónde empezar.",
    ),
    "otro": (
        "Queremos cambiar el objeto social de nuestra asociación porque ahora también "
        "hacemos {activity}. ¿Tenemos que hacer asamblea y volver al notario?",
        "¿Cómo damos de alta a nuevas personas asociadas y renovamos el consejo directivo?",
    ),
}

SESSION_TOPICS = {
    "constituir": (
        "Figuras jurídicas (A.C., I.A.P.); objeto social y actividades del artículo 5 de la "
        "Ley Federal de Fomento; permiso de uso de denominación.",
        "Revisión del proyecto de estatutos: asamblea, consejo directivo, personas asociadas "
        "y patrimonio.",
        "Requisitos para firmar ante notario y el descuento del Colegio de Notarios; lista de "
        "documentos de cada persona fundadora.",
        "Inscripción en el RFC después de la firma; obligaciones del primer año.",
    ),
    "cluni": ("Requisitos del Registro Federal de las OSC y revisión del acta constitutiva.",
              "Captura de la solicitud de CLUNI en el sistema, paso a paso."),
    "donataria": ("Requisitos del SAT para la autorización; objeto social y cláusulas de "
                  "patrimonio y liquidación.",
                  "Informe de transparencia y obligaciones de una donataria autorizada."),
    "registro_estatal": ("Documentos del Registro Social Estatal y llenado del formato.",
                         "Revisión de la documentación antes de entregarla."),
    "fortalecimiento": ("Diagnóstico de la organización y plan de trabajo anual.",
                        "Actas de asamblea pendientes y renovación del consejo directivo."),
    "fiscal": ("Obligaciones fiscales de una asociación civil; declaración anual.",
               "Comprobantes de donativos y cuotas de recuperación."),
    "procuracion": ("Fuentes de financiamiento y plan anual de procuración de fondos.",
                    "Cómo presentar un proyecto: problema, objetivos, presupuesto."),
    "otro": ("Reforma de estatutos y asamblea extraordinaria.",
             "Alta de personas asociadas y protocolización del acta."),
}

NEXT_STEPS = {
    "constituir": (
        "El grupo reúne copia de identificación, CURP y comprobante de domicilio de cada "
        "persona fundadora y propone tres nombres para la denominación.",
        "Enviar el proyecto de estatutos corregido; agendar la firma en la notaría más cercana.",
        "Con el acta firmada, tramitar el RFC y avisarnos para registrar la OSC en la "
        "plataforma.",
    ),
    "cluni": ("Escanear el acta completa y el RFC; capturar la solicitud y enviarnos el acuse.",),
    "donataria": ("Ajustar las cláusulas de patrimonio con el notario y presentar la "
                  "solicitud en el portal del SAT.",),
    "registro_estatal": ("Entregar la carpeta completa en la oficina de Toluca.",),
    "fortalecimiento": ("Convocar a asamblea y presentar el plan de trabajo al consejo.",),
    "fiscal": ("Presentar la declaración anual antes del vencimiento; enviarnos el acuse.",),
    "procuracion": ("Redactar un primer proyecto y enviarlo para revisión.",),
    "otro": ("Preparar la convocatoria a asamblea extraordinaria.",),
}

FIRST_MESSAGES = (
    "Hola, {name}. Soy {advisor}, de la Dirección General de Participación Social, y daré "
    "seguimiento a su solicitud. ¿Les acomoda una primera reunión el {weekday} por la mañana?",
    "Buen día, {name}. Recibimos su solicitud y ya la tengo a mi cargo. ¿Me comparte un "
    "teléfono y un horario para llamarle?",
    "Hola, {name}. Gracias por escribirnos. Para la primera sesión, ¿prefieren que vayamos "
    "a {place} o conectarse en línea?",
)
REPLIES = (
    "Sí, nos acomoda. Seremos unas {n} personas; nos podemos reunir en el salón ejidal.",
    "Gracias. ¿Podría ser por la tarde? Varios trabajamos en la mañana.",
    "Perfecto, les esperamos. ¿Tenemos que llevar algún documento?",
    "Muchas gracias por la atención. Quedo pendiente.",
)
WAITING_MESSAGES = (
    "Para continuar necesitamos la lista de personas fundadoras con sus identificaciones y "
    "tres propuestas de nombre. Quedamos atentos.",
    "Nos falta la copia completa del acta constitutiva (todas las hojas). Cuando la tengan, "
    "respondan en esta página.",
    "Quedamos en espera de la constancia de situación fiscal de la asociación.",
)
RESUMES = (
    "Ya tenemos la lista completa y los tres nombres; los llevamos a la siguiente reunión.",
    "Les comparto el acta escaneada. Disculpen la demora.",
    "Listo, ya la descargamos del portal del SAT.",
)
NOTES = (
    "Grupo muy organizado; conviene juntar su sesión con la jornada de {place} del próximo "
    "mes.",
    "La notaría de la zona aplica el descuento del Colegio de Notarios; se les recomendó.",
    "Pendiente confirmar si el acta anterior está protocolizada.",
    "Se les invitó al taller de obligaciones fiscales del siguiente trimestre.",
    "Hablé por teléfono con la presidenta: pidió mover la sesión por la feria del pueblo.",
    "Revisar con jurídico la cláusula de liquidación antes de la siguiente sesión.",
)
STAFF_CANCEL = (
    "El grupo decidió posponer la constitución hasta el próximo año.",
    "No fue posible contactar a la persona solicitante después de tres intentos por teléfono "
    "y correo.",
    "Solicitud duplicada: el mismo grupo se atiende en otra solicitud.",
    "El trámite corresponde a otra dependencia; se canalizó a la oficina correspondiente.",
)
OWN_CANCEL = ("Ya nos asesoró un notario de la zona.", "El grupo ya no continuará por ahora.",
              "")
OUTCOME_NOTES = {
    "osc_constituida": "Acta firmada ante notario con el descuento del Colegio de Notarios.",
    "cluni_obtenida": "CLUNI asignada por el Registro Federal de las OSC.",
    "donataria_autorizada": "Autorización publicada por el SAT.",
    "registro_estatal": "Constancia del Registro Social Estatal entregada.",
    "orientacion": "Se resolvieron sus dudas y se les compartieron materiales de la "
                   "biblioteca.",
}
#: Topic -> the outcome it aims at and how often the demo cases got there.
ACHIEVED = {"constituir": ("osc_constituida", 0.7), "cluni": ("cluni_obtenida", 0.7),
            "donataria": ("donataria_autorizada", 0.5),
            "registro_estatal": ("registro_estatal", 0.75)}
WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes")

# --- the plan -----------------------------------------------------------------------------------


@dataclass
class Plan:
    """One demo request before it exists: who asks, where, when, and how its story ends."""

    topic: str
    place: Place
    created: datetime  # naive UTC
    ending: str  # por_confirmar, expired, recibida, asignada, en_atencion, en_espera,
    #              concluida, cancelada, cancel_own
    who: str  # anon, citizen, member
    overdue: bool = False
    linked: bool = False
    achieved: bool = False  # concluded with the outcome its topic aims at
    person: User | None = None
    org: Organization | None = None
    notes: int = 0
    extra: dict = field(default_factory=dict)


def _local(moment: datetime) -> datetime:
    return to_local(moment).replace(tzinfo=None)


def _to_utc(local: datetime) -> datetime:
    return local.replace(tzinfo=LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)


def _ending(rng: random.Random, age_days: float) -> str:
    """How a request of this age stands today: old ones closed, recent ones open."""
    if age_days > 75:
        table = (("concluida", 74), ("cancelada", 13), ("cancel_own", 5), ("en_atencion", 3),
                 ("en_espera", 3), ("asignada", 2))
    elif age_days > 25:
        table = (("concluida", 38), ("en_atencion", 24), ("en_espera", 14), ("asignada", 8),
                 ("cancelada", 10), ("cancel_own", 6))
    else:
        table = (("recibida", 24), ("asignada", 26), ("en_atencion", 28), ("en_espera", 10),
                 ("cancelada", 6), ("cancel_own", 6))
    names, weights = zip(*table, strict=True)
    return rng.choices(names, weights)[0]


def _created_moments(rng: random.Random, total: int, now: datetime) -> list[datetime]:
    """Creation times from 1 January of last year to a few hours ago, a little more
    often lately (the service becomes known), at office-ish hours."""
    start = datetime(to_local(now).year - 1, 1, 1, 9)
    span = (_local(now) - timedelta(hours=3) - start).total_seconds()
    moments = []
    for _ in range(total):
        local = start + timedelta(seconds=span * rng.random() ** 0.85)
        local = local.replace(hour=rng.randint(8, 20), minute=rng.randint(0, 59))
        moments.append(min(_to_utc(local), now - timedelta(hours=3)))
    return sorted(moments)


def build_plans(rng: random.Random, places: list[Place], now: datetime,
                total: int) -> list[Plan]:
    """Every request's plan, decided only by ``rng``, the catalogue and today."""
    weights = [w * BOOST.get(p.code, 1.0)
               for p, w in zip(places, municipality_weights(places, 0.55), strict=True)]
    topics, topic_weights = zip(*TOPIC_WEIGHTS.items(), strict=True)
    plans = []
    for created in _created_moments(rng, total, now):
        topic = rng.choices(topics, topic_weights)[0]
        place = rng.choices(places, weights)[0]
        age = (now - created).total_seconds() / 86400
        who = rng.choices(("anon", "citizen", "member"),
                          (40, 40, 8 if topic == "constituir" else 35))[0]
        if who == "member" and topic == "constituir":
            who = "citizen"  # an existing OSC does not ask to be constituted
        plan = Plan(topic, place, created, _on_time(rng, topic, _ending(rng, age), age), who,
                    notes=rng.choice((0, 0, 1, 1, 2)))
        plans.append(plan)
    _fix_edges(rng, plans, now)
    plans.sort(key=lambda plan: plan.created)
    return plans


def _on_time(rng: random.Random, topic: str, ending: str, age_days: float) -> str:
    """Only the requests chosen for it are overdue: an open request older than its due
    date has been concluded, or waits on its requester (the clock paused)."""
    if ending == "recibida" and age_days > 2:
        return "asignada"
    late_after = services.CONCLUSION_DAYS[topic] * 1.25
    if ending in ("asignada", "en_atencion") and age_days > late_after:
        return "en_espera" if rng.random() < 0.3 else "concluida"
    return ending


def _fix_edges(rng: random.Random, plans: list[Plan], now: datetime) -> None:
    """The cases every demo needs at least once, whatever the draw (distinct requests, their
    dates set to fit): every topic, requests still waiting for their e-mail and two that
    expired, a few overdue on purpose (one without first contact), and constituted OSCs that
    registered on the platform."""
    for topic, plan in zip(TOPIC_WEIGHTS, rng.sample(plans, len(TOPIC_WEIGHTS)), strict=True):
        plan.topic = topic
    pool = rng.sample(plans, 3 + 2 + 5 + 1)
    days = lambda low, high: now - timedelta(days=rng.uniform(low, high))  # noqa: E731
    for plan in pool[:3]:
        plan.who, plan.ending, plan.created = "anon", "por_confirmar", days(0.2, 4)
    for plan in pool[3:5]:
        plan.who, plan.ending, plan.created = "anon", "expired", days(60, 400)
    for plan in pool[5:10]:
        plan.ending, plan.created = rng.choice(("en_atencion", "asignada")), days(50, 150)
        plan.overdue = True
    late = pool[10]
    late.ending, late.created, late.overdue = "recibida", days(7, 12), True
    closed = [p for p in plans if p.ending == "concluida" and p not in pool]
    for plan in closed[:LINKED_OSCS]:
        plan.who, plan.topic, plan.linked = "citizen", "constituir", True
    for plan, topic in zip(closed[LINKED_OSCS:], ACHIEVED, strict=False):
        plan.topic, plan.achieved = topic, True


# --- the seeding clock --------------------------------------------------------------------------


class Clock:
    """``services.now`` while seeding, and the time given to the audit entries and notices
    the services add (so the whole story carries the moment it happened)."""

    def __init__(self) -> None:
        self.current = utcnow()

    def now(self) -> datetime:
        return self.current

    def stamp(self, session, _context, _instances) -> None:
        for item in session.new:
            if isinstance(item, (AuditEntry, Notification)):
                item.created_at = self.current


@contextmanager
def seeding_clock(rng: random.Random):
    """Set ``services.now`` (and folios from ``rng``) for the block; always restored."""
    clock = Clock()
    real_now, real_folio = services.now, services.new_folio

    def folio(year: int) -> str:
        return f"ASE-{year}-" + "".join(rng.choice(services.FOLIO_ALPHABET)
                                         for _ in range(services.FOLIO_LENGTH))

    services.now, services.new_folio = clock.now, folio
    event.listen(db.session, "before_flush", clock.stamp)
    try:
        yield clock
    finally:
        services.now, services.new_folio = real_now, real_folio
        event.remove(db.session, "before_flush", clock.stamp)


# --- the people ---------------------------------------------------------------------------------


def _advisors() -> list[User]:
    """The demo staff account and the demo advisors (created when missing)."""
    staff = accounts.demo_account(STAFF_EMAIL)
    found = {u.email: u for u in db.session.scalars(
        select(User).where(User.email.in_([email for email, _ in ADVISORS])))}
    password_hash = None
    for email, name in ADVISORS:
        if email not in found:
            password_hash = password_hash or accounts.password_hash()
            found[email] = User(email=email, name=name, role="staff", municipality_code=TOLUCA,
                                locale="es_MX", password_hash=password_hash,
                                email_confirmed_at=utcnow())
            db.session.add(found[email])
    db.session.flush()
    return [staff, *(found[email] for email, _ in ADVISORS)]


def _citizens(rng: random.Random, places: list[Place], weights: list[float]) -> list[User]:
    """Demo citizens who ask with their account (``solicitanteNN@``), the demo citizen too."""
    wanted = [(f"solicitante{n:02d}@{DEMO_DOMAIN}", full_person_name(rng),
               rng.choices(places, weights)[0].code) for n in range(1, REQUESTER_CITIZENS + 1)]
    found = {u.email: u for u in db.session.scalars(
        select(User).where(User.email.in_([email for email, _, _ in wanted])))}
    password_hash = None
    for email, name, code in wanted:
        if email not in found:
            password_hash = password_hash or accounts.password_hash()
            found[email] = User(email=email, name=name, role="citizen", municipality_code=code,
                                locale="es_MX", password_hash=password_hash,
                                email_confirmed_at=utcnow())
            db.session.add(found[email])
    db.session.flush()
    return [accounts.demo_account(CITIZEN_EMAIL), *(found[email] for email, _, _ in wanted)]


def _members() -> list[tuple[User, Organization]]:
    """Active admins of validated demo OSCs of the state, each with their OSC."""
    rows = db.session.execute(
        select(User, Organization)
        .join(Membership, Membership.user_id == User.id)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(Membership.role == "admin", Membership.status == "active",
               Organization.status == "validated", Organization.municipality_code.is_not(None),
               User.active.is_(True), User.email.like(f"%@{DEMO_DOMAIN}"))
        .order_by(Organization.slug)).all()
    return [(user, org) for user, org in rows]


def _cast(rng: random.Random, plans: list[Plan], citizens: list[User],
          members: list[tuple[User, Organization]], places: dict[str, Place]) -> None:
    """Who makes each request. Citizens ask from home; members for their OSC, where it is;
    the demo citizen has two requests (one waiting for her answer)."""
    by_place: dict[str, list[User]] = {}
    for person in citizens[1:]:
        by_place.setdefault(person.municipality_code, []).append(person)
    members = [(user, org) for user, org in members if org.municipality_code in places]
    for plan in plans:
        if plan.who == "member" and plan.topic == "constituir":
            plan.who = "citizen"  # an existing OSC does not ask to be constituted
        if plan.who == "member" and members:
            plan.person, plan.org = rng.choice(members)
            plan.place = places.get(plan.org.municipality_code, plan.place)
        elif plan.who in ("citizen", "member"):
            plan.who = "citizen"
            near = by_place.get(plan.place.code)
            plan.person = rng.choice(near) if near and rng.random() < 0.7 \
                else rng.choice(citizens[1:])
            plan.place = places.get(plan.person.municipality_code, plan.place)
    own = [p for p in plans if p.who == "citizen" and not p.linked and not p.overdue
           and p.ending not in ("por_confirmar", "expired")]
    if len(own) < 8:
        return
    demo_citizen = citizens[0]
    for plan, ending in zip((own[len(own) // 3], own[-8]), ("concluida", "en_espera"),
                            strict=True):
        plan.person, plan.ending = demo_citizen, ending
        plan.place = places.get(demo_citizen.municipality_code, plan.place)


# --- making one request -------------------------------------------------------------------------


def _form(rng: random.Random, plan: Plan) -> dict:
    """What the person typed in the request form."""
    place = plan.place.short
    description = rng.choice(DESCRIPTIONS[plan.topic]).format(
        n=rng.randint(5, 14), place=place, years=rng.randint(2, 9),
        activity=rng.choice(ACTIVITIES))
    kind = "grupo" if plan.topic == "constituir" or (plan.who != "member"
                                                     and rng.random() < 0.3) else "osc"
    proposed = plan.org.name if plan.org is not None else \
        make_name(rng, rng.choice(CAUSES), place, plan.place.code)
    preference = rng.choices(("correo", "telefono", "whatsapp"), (5, 2, 3))[0]
    if plan.who == "anon":
        name = full_person_name(rng)
        handle = fold(name).replace(" ", ".")
        email = f"{handle}.{rng.randint(10, 99)}@{ANON_DOMAIN}"
    else:
        name, email = plan.person.name, plan.person.email
    return {
        "topic": plan.topic, "requester_kind": "osc" if plan.org is not None else kind,
        "proposed_name": proposed,
        "founders_count": str(rng.randint(3, 15)) if kind == "grupo" else "",
        "organization_id": str(plan.org.id) if plan.org is not None else "",
        "municipality_code": plan.place.code,
        "modality": rng.choices(("municipio", "en_linea", "oficina"), (6, 3, 1))[0],
        "description": description, "contact_preference": preference,
        "contact_name": name, "contact_email": email,
        "contact_phone": make_phone(rng, phone_prefix(plan.place))
        if preference != "correo" or rng.random() < 0.4 else "",
        "locale": "es_MX",
    }


class Story:
    """Moves one request along its plan, each step at its own moment."""

    def __init__(self, rng: random.Random, clock: Clock, plan: Plan, advisors: list[User],
                 now: datetime) -> None:
        self.rng, self.clock, self.plan, self.now = rng, clock, plan, now
        self.advisor = rng.choice(advisors)
        self.requester = plan.person
        self.req: AdvisoryRequest | None = None
        self.token = None

    # time

    def at(self, moment: datetime) -> None:
        """Move the clock to ``moment`` (office hours, never backwards, never the future)."""
        local = _local(moment)
        if local.weekday() >= 5:
            local += timedelta(days=7 - local.weekday())
        if not 9 <= local.hour < 18:
            local = datetime.combine(local.date(), time(self.rng.randint(9, 17),
                                                        self.rng.randint(0, 59)))
        moment = _to_utc(local)
        moment = max(moment, self.clock.current + timedelta(minutes=7))
        self.clock.current = min(moment, self.now - timedelta(minutes=30))

    def later(self, days: float) -> None:
        self.at(self.clock.current + timedelta(days=days))

    def done(self) -> None:
        db.session.flush()  # the audit entries and notices take this moment

    # steps

    def create(self, form: dict) -> None:
        self.clock.current = self.plan.created
        actor = self.requester if self.plan.who != "anon" else None
        self.req = services.create_request(actor, form)
        self.done()
        if actor is None:
            self.token = services.status_token(self.req)

    def confirm(self) -> None:
        self.clock.current += timedelta(minutes=self.rng.randint(3, 600))
        services.confirm_request(services.confirmation_token(self.req))
        self.done()

    def assign(self, days: float) -> None:
        self.later(days)
        services.assign(self.advisor, self.req, self.advisor.id)
        self.done()

    def staff_message(self, template: str, **values) -> None:
        text = template.format(name=self.req.contact_name.split()[0], advisor=self.advisor.name,
                               place=self.plan.place.short, weekday=self.rng.choice(WEEKDAYS),
                               **values)
        services.post_message(self.advisor, self.req, text)
        self.done()

    def reply(self, text: str) -> None:
        actor = self.requester if self.plan.who != "anon" else None
        services.post_message(actor, self.req, text.format(n=self.rng.randint(4, 12)),
                              token=self.token)
        self.done()

    def note(self) -> None:
        services.add_note(self.advisor, self.req,
                          self.rng.choice(NOTES).format(place=self.plan.place.short))
        self.done()

    def session(self) -> None:
        rng, plan = self.rng, self.plan
        modality = rng.choices(("municipio", "en_linea", "oficina"), (6, 2, 1))[0]
        code = {"municipio": plan.place.code, "oficina": TOLUCA}.get(modality, "")
        services.log_session(self.advisor, self.req, {
            "held_on": to_local(self.clock.current).date().isoformat(),
            "modality": modality, "municipality_code": code,
            "duration_minutes": str(rng.choice((45, 60, 60, 90, 90, 120, 150))),
            "people_attended": str(rng.randint(2, 14) if modality != "en_linea"
                                   else rng.randint(1, 5)),
            "topics": rng.choice(SESSION_TOPICS[plan.topic]),
            "next_steps": rng.choice(NEXT_STEPS[plan.topic])})
        self.done()

    def state(self, new_state: str, reason: str | None = None) -> None:
        services.change_state(self.advisor, self.req, new_state, reason)
        self.done()

    def outcomes(self) -> list[str]:
        kinds = _outcome_kinds(self.rng, self.plan)
        for kind in kinds:
            achieved = to_local(self.clock.current).date() - timedelta(
                days=self.rng.randint(0, 6))
            achieved = max(achieved, to_local(self.req.created_at).date())
            services.record_outcome(self.advisor, self.req, {
                "kind": kind, "achieved_on": achieved.isoformat(),
                "note": OUTCOME_NOTES[kind] if self.rng.random() < 0.7 else ""})
            self.done()
        return kinds


def _outcome_kinds(rng: random.Random, plan: Plan) -> list[str]:
    """What a concluded case achieved, by topic (orientation when nothing more)."""
    if plan.linked:
        return ["osc_constituida"]
    achieved = ACHIEVED.get(plan.topic)
    if achieved and (plan.achieved or rng.random() < achieved[1]):
        kinds = [achieved[0]]
        if rng.random() < 0.15:
            kinds.append("orientacion")
        return kinds
    return ["orientacion"]


def _work(story: Story, span_days: float, waits: int) -> None:
    """The middle of a case: first contact, sessions, maybe a wait on the requester that
    their answer ends, internal notes."""
    rng, plan = story.rng, story.plan
    story.later(rng.uniform(0.05, 1.0))
    story.staff_message(rng.choice(FIRST_MESSAGES))
    if rng.random() < 0.6:
        story.later(rng.uniform(0.1, 2))
        story.reply(rng.choice(REPLIES))
    story.later(rng.uniform(1, max(1.5, span_days * 0.2)))
    story.state("en_atencion")
    story.session()
    for _ in range(plan.notes):
        story.later(rng.uniform(0.2, 3))
        story.note()
    for _ in range(waits):
        story.later(rng.uniform(1, max(1.5, span_days * 0.2)))
        story.staff_message(rng.choice(WAITING_MESSAGES))
        story.state("en_espera")
        story.later(rng.uniform(2, max(2.5, span_days * 0.25)))
        story.reply(rng.choice(RESUMES))  # the requester's answer resumes the case
    for _ in range(rng.choice((0, 1, 1, 2))):
        story.later(rng.uniform(2, max(2.5, span_days * 0.25)))
        story.session()


def _live(story: Story) -> None:
    """Play the plan: from the form to today's state."""
    rng, plan = story.rng, story.plan
    story.create(_form(rng, plan))
    if plan.ending == "por_confirmar":
        return
    if plan.ending == "expired":
        story.clock.current = plan.created + services.CONFIRM_MAX_AGE + timedelta(hours=2)
        services.expire_unconfirmed(story.clock.current)
        story.done()
        return
    if plan.who == "anon":
        story.confirm()
    age = (story.now - plan.created).days
    contact_late = plan.overdue and plan.ending == "recibida"
    if plan.ending == "recibida":
        if contact_late and rng.random() < 0.5:
            story.later(1)
            story.note()
        return
    if plan.ending in ("cancelada", "cancel_own") and rng.random() < 0.35:
        _cancel(story, plan.ending)
        return
    story.assign(rng.uniform(0.1, 2.5) if rng.random() < 0.85 else rng.uniform(3, 6))
    if plan.ending == "asignada":  # taken and contacted, not yet worked on
        story.later(rng.uniform(0.1, 1.5))
        story.staff_message(rng.choice(FIRST_MESSAGES))
        return
    span = min(age * 0.9, services.CONCLUSION_DAYS[plan.topic] * 1.4 * rng.uniform(0.5, 1.3))
    if plan.overdue:
        span = min(age * 0.3, 12)
    waits = 1 if rng.random() < 0.3 else 0
    _work(story, span, waits)
    if plan.ending == "en_espera":
        story.later(rng.uniform(0.5, 3))
        story.staff_message(rng.choice(WAITING_MESSAGES))
        story.state("en_espera")
    elif plan.ending in ("cancelada", "cancel_own"):
        story.later(rng.uniform(1, 5))
        _cancel(story, plan.ending)
    elif plan.ending == "concluida":
        story.later(rng.uniform(1, max(1.5, span * 0.2)))
        story.outcomes()
        story.state("concluida")


def _cancel(story: Story, how: str) -> None:
    rng = story.rng
    if how == "cancelada":
        story.state("cancelada", rng.choice(STAFF_CANCEL))
        return
    actor = story.requester if story.plan.who != "anon" else None
    services.cancel_own(actor, story.req, rng.choice(OWN_CANCEL), token=story.token)
    story.done()


def _register_osc(rng: random.Random, story: Story, near: dict) -> None:
    """The group registers the OSC it constituted (from the status page's invitation), and
    the request is linked to it: a new demo OSC, pending staff's validation."""
    req, person = story.req, story.requester
    acta = next(o.achieved_on for o in req.outcomes if o.kind == "osc_constituida")
    story.later(rng.uniform(3, 20))
    raw = dict(fake_osc(rng, story.plan.place, near=near).fields)
    name = req.proposed_name
    raw.update(name=name, legal_name=f"{name}, A.C.", legal_form="AC",
               constituted_on=acta.isoformat(), rfc=make_rfc(rng, name, acta))
    for key in ("cluni", "sat_donee", "sat_donee_since", "social_registry_folio",
                "deed_number", "deed_notary", "deed_place"):
        raw.pop(key, None)
    try:
        org = profiles.register(person, raw)
    except ValidationError:  # a real OSC holds the name's RFC: register without it
        raw.pop("rfc")
        org = profiles.register(person, raw)
    db.session.flush()
    services.link_organization(person, req, org.id)
    story.done()


# --- seeding ------------------------------------------------------------------------------------


def demo_requests_count() -> int:
    """Requests made by demo people (their contact address says so)."""
    return db.session.scalar(select(func.count()).select_from(AdvisoryRequest).where(or_(
        AdvisoryRequest.contact_email.like(f"%@{ANON_DOMAIN}"),
        AdvisoryRequest.contact_email.like(f"%@{DEMO_DOMAIN}"))))


def seed(total: int | None = None) -> list[AdvisoryRequest]:
    """Create the demo requests when there are none yet (else nothing: safe to run twice).

    ``total``: how many requests (``TOTAL`` by default, read at call time so a test of the
    whole ``seed-demo`` may make it smaller); at least 40, so every edge case fits."""
    if demo_requests_count():
        return []
    with quiet():
        return _seed(max(40, total or TOTAL))


def _seed(total: int) -> list[AdvisoryRequest]:
    rng = random.Random(SEED)
    now = utcnow()
    places = places_from_catalogue()
    by_code = {p.code: p for p in places}
    plans = build_plans(rng, places, now, total)
    advisors = _advisors()
    citizens = _citizens(rng, places, municipality_weights(places, 0.55))
    _cast(rng, plans, citizens, _members(), by_code)
    first_notice = (db.session.scalar(select(func.max(Notification.id))) or 0) + 1
    near = neighbours(places)
    made = []
    with seeding_clock(random.Random(f"{SEED}:folios")) as clock:
        for number, plan in enumerate(plans):
            story = Story(random.Random(f"{SEED}:{number}"), clock, plan, advisors, now)
            _live(story)
            if plan.linked and story.req.state == "concluida" and plan.person is not None:
                _register_osc(story.rng, story, near)
            story.req.updated_at = clock.current
            db.session.flush()
            made.append(story.req)
    _read_old_notices(first_notice, now)
    db.session.flush()
    return made


def _read_old_notices(first_notice: int, now: datetime) -> None:
    """People have read what they were told more than two weeks ago."""
    db.session.execute(
        update(Notification)
        .where(Notification.id >= first_notice, Notification.read_at.is_(None),
               Notification.created_at < now - READ_AFTER)
        .values(read_at=Notification.created_at)
        .execution_options(synchronize_session=False))


__all__ = ["SEED", "TOTAL", "build_plans", "demo_requests_count", "seed", "seeding_clock"]
