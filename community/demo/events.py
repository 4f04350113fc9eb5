"""Demo events: a calendar that looks like the training program of the DGPS, all fictional.

``seed()`` (run by ``flask seed-demo`` after the demo accounts and OSCs) announces about 27
past and 13 upcoming events across every kind (talleres, cursos, seminarios, conferencias,
encuentros, coloquios, foros and the annual Congreso Estatal del Tercer Sector with its
two-day program) on the program's training lines: procuración de fondos, marketing social,
obligaciones fiscales, marco lógico, gobernanza, the Manual de Visibilidad, constitución
legal... Staff announce most of them; some are announced by demo OSCs (one by the OSC the
demo citizen administers). Demo OSC admins (on behalf of their OSC) and some demo citizens
register; one upcoming workshop is full and has a waiting list; attendance is taken at past
events and attendees get their certificate code, so each OSC's attendance history and
certificates have something to show. One upcoming event is cancelled and one is a draft.

Everything goes through the services (create, publish, add a session, register, conclude),
so the rules hold and announcements and search follow; dates are relative to today, so the
calendar always has something next week. Registrations to past events are made with the
services' ``now`` as it was then; afterwards the timestamps the services set to the present
(creation, publication, audit entries, notices) are moved back to when they would have
happened. It all runs inside ``quiet()``: nobody is mailed about demo data (and the
registration mails, with their .ics and QR code, are not even built).

``random.Random(SEED)`` picks the people; an event whose slug exists is skipped whole, so
running it twice adds nothing. Fictional on purpose: speakers and attendees are made-up names,
online links use the reserved ``.example`` domain (RFC 2606).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select, update

from community.accounts.models import User
from community.core.aftercommit import quiet
from community.core.models import AuditEntry, Notification
from community.core.text import slugify
from community.core.timeutil import to_local, utcnow
from community.demo import accounts
from community.demo.accounts import CITIZEN_EMAIL, DEMO_DOMAIN, STAFF_EMAIL
from community.demo.fake import full_person_name
from community.events import certificates, services
from community.events.messages import event_path
from community.events.models import Event, Registration
from community.extensions import db
from community.profiles.models import Membership, Organization

SEED = 2027
EXTRA_CITIZENS = 60
ATTENDANCE_RATE = 0.82
DGPS = ("Dirección General de Participación Social, sala de capacitación",
        "Calle José María Arteaga 900, esq. Av. 5 de Mayo, Col. Américas, Toluca")

TOLUCA, ECATEPEC, NEZA, NAUCALPAN, TLALNEPANTLA = "15106", "15033", "15058", "15057", "15104"
TEXCOCO, METEPEC, CHALCO, ATLACOMULCO, VALLE_BRAVO = "15099", "15054", "15025", "15014", "15110"
TEJUPILCO, IZCALLI, IXTAPALUCA, TECAMAC, CHIMALHUACAN = "15082", "15121", "15039", "15081", "15031"
ZINACANTEPEC = "15118"


@dataclass(frozen=True)
class Spec:
    """One demo event. ``day``: days from today (negative: past), local start ``hour``,
    ``hours`` a day over ``days`` days; ``place``: (municipality, venue, address), or None
    for online; ``by``: "staff", "citizen" (the demo citizen's OSC) or a municipality code
    (a demo OSC there); ``people``: how many register; ``status``: "draft"/"cancelled"."""

    title: str
    kind: str
    topics: tuple[str, ...]
    day: int
    summary: str
    speakers: tuple[str, ...]
    place: tuple[str, str, str] | None
    hour: int = 10
    hours: int = 4
    days: int = 1
    hybrid: bool = False
    by: str = "staff"
    capacity: int = 40
    people: int = 25
    audience: str = "everyone"
    status: str = "published"
    citizen: bool = False
    program: tuple = ()

    @property
    def past(self) -> bool:
        return self.day < 0


def _at(code: str, venue: str, address: str) -> tuple[str, str, str]:
    return code, venue, address


TOPIC_TEXT = {
    "procuracion-fondos": "Revisaremos las fuentes de financiamiento de una OSC (donativos "
                          "individuales, fundaciones, empresas, coinversión social y "
                          "convocatorias públicas) y cómo armar un plan anual de procuración.",
    "marketing-social": "Veremos cómo contar el trabajo de tu organización para sumar "
                        "aliados, personas donantes y voluntarias, con ejemplos de campañas "
                        "de OSC mexiquenses.",
    "fiscal": "Repasaremos las obligaciones ante el SAT de una asociación civil: inscripción "
              "en el RFC, comprobantes, declaración anual, informe de transparencia de las "
              "donatarias autorizadas y los errores más comunes.",
    "marco-logico": "Trabajaremos con la Metodología de Marco Lógico: árbol de problemas, "
                    "árbol de objetivos, matriz de indicadores y supuestos, como la piden "
                    "las convocatorias de cooperación internacional.",
    "gobernanza": "Hablaremos del gobierno de una OSC: asamblea, consejo directivo, "
                  "estatutos, actas y la separación entre quien dirige y quien opera.",
    "visibilidad": "Usaremos el Manual de Visibilidad de la DGPS para planear la "
                   "comunicación de tu OSC: identidad, redes sociales, prensa y difusión de "
                   "su objeto social.",
    "constitucion": "Explicaremos paso a paso cómo constituir una asociación civil: "
                    "objeto social, acta constitutiva ante notario (con el descuento del "
                    "Colegio de Notarios del Estado de México), RFC, CLUNI y Registro Social "
                    "Estatal.",
    "transparencia": "Revisaremos qué informar, a quién y cuándo: informes anuales, "
                     "rendición de cuentas a donantes y el padrón validado de la DGPS.",
    "voluntariado": "Compartiremos prácticas para convocar, capacitar, reconocer y cuidar a "
                    "las personas voluntarias, y los cuidados legales del voluntariado.",
    "proyectos": "Diseñaremos un proyecto social desde el diagnóstico hasta los indicadores "
                 "de resultados y el presupuesto.",
    "redes": "Habrá espacio para conocer a otras organizaciones de la región, compartir "
             "experiencias y armar alianzas de trabajo.",
    "derechos-humanos": "Abordaremos el enfoque de derechos humanos en el trabajo "
                        "comunitario y la construcción de paz desde la sociedad civil.",
}

CLOSINGS = (
    "Dirigido a integrantes de OSC, grupos sociales y personas que quieren constituir una "
    "asociación civil. **Sin costo**; al final se entrega constancia de asistencia.",
    "Trae una computadora o tu teléfono y, si puedes, los documentos de tu organización. "
    "Se entrega constancia a quienes asistan.",
    "Cupo limitado; regístrate en esta página. Al terminar recibirás tu constancia de "
    "asistencia.",
)

# --- the calendar ----------------------------------------------------------------------------

PAST = (
    Spec("Taller de procuración de fondos para OSC", "taller", ("procuracion-fondos",), -400,
         "Cómo diversificar las fuentes de financiamiento de tu organización.",
         ("Mtra. Laura Gómez Villanueva", "Lic. Arturo Becerril Nava"), _at(TOLUCA, *DGPS),
         people=34),
    Spec("Curso de obligaciones fiscales para donatarias autorizadas", "curso",
         ("fiscal", "transparencia"), -380,
         "Tres sesiones en línea sobre lo que el SAT pide a una donataria autorizada.",
         ("C.P. Ricardo Salinas Mejía",), None, hour=17, hours=3, days=3, capacity=80,
         people=45),
    Spec("Seminario de marco lógico para proyectos de cooperación internacional",
         "seminario", ("marco-logico", "proyectos"), -350,
         "La matriz de indicadores que piden las convocatorias internacionales.",
         ("Dra. Beatriz Colín Arriaga", "Mtro. Diego Albarrán Sotelo"),
         _at(NAUCALPAN, "Auditorio Municipal de Naucalpan", "Av. Juárez 39, Naucalpan Centro"),
         hours=5, days=2, people=30),
    Spec("Conferencia: la reforma fiscal y las asociaciones civiles", "conferencia",
         ("fiscal",), -330, "Qué cambió para las OSC y qué hacer antes de la declaración "
         "anual.", ("C.P. Norma Garduño Pichardo",),
         _at(TLALNEPANTLA, "Centro Cultural Sor Juana Inés de la Cruz",
             "Av. Hidalgo s/n, Tlalnepantla Centro"), hybrid=True, hours=2, capacity=120,
         people=40),
    Spec("Taller de marketing social para organizaciones pequeñas", "taller",
         ("marketing-social", "visibilidad"), -300,
         "Campañas sencillas y de bajo costo para dar a conocer tu causa.",
         ("Lic. Itzel Camacho Ramos",),
         _at(ECATEPEC, "Casa de Cultura de San Cristóbal", "Calle Morelos 12, San Cristóbal "
             "Centro, Ecatepec"), people=28),
    Spec("Encuentro regional de OSC del Valle de México", "encuentro", ("redes",), -280,
         "Una jornada para conocernos, compartir experiencias y armar alianzas.",
         ("Personal de la DGPS",), _at(TEXCOCO, "Jardín Municipal de Texcoco, carpa norte",
                                       "Centro, Texcoco"), hours=6, capacity=150, people=45),
    Spec("Coloquio Sociedad Civil para la Paz", "coloquio", ("derechos-humanos", "redes"),
         -260, "Experiencias de construcción de paz desde las organizaciones mexiquenses.",
         ("Dra. Adriana Mondragón Estrada", "Mtro. Santiago Valdés Monroy",
          "Lic. Teresa Carbajal Ruiz"),
         _at(TOLUCA, "Aula magna de la Facultad de Ciencias Políticas y Sociales",
             "Cerro de Coatepec s/n, Ciudad Universitaria, Toluca"), hours=5, capacity=100,
         people=38),
    Spec("Foro de consulta: Iniciativa de Ley de Fomento a las Actividades de la Sociedad "
         "Civil", "foro", ("gobernanza", "transparencia"), -240,
         "Opiniones de OSC, academia y colegios de profesionistas sobre la iniciativa de ley.",
         ("Mtra. Claudia Sánchez Villagómez", "Dr. Fernando Reyes Castillo"),
         _at(TOLUCA, "Salón de usos múltiples del Centro de Servicios Administrativos",
             "Av. Primero de Mayo 1731, Zona Industrial, Toluca"), hours=5, capacity=200,
         people=44),
    Spec("Taller de constitución legal de una asociación civil", "taller", ("constitucion",),
         -220, "De la idea al acta constitutiva: requisitos, costos y tiempos.",
         ("Lic. Verónica Aguilar Medina", "Notario invitado del Colegio de Notarios"),
         _at(NEZA, "Biblioteca Pública Central de Nezahualcóyotl",
             "Av. Chimalhuacán s/n, Benito Juárez, Nezahualcóyotl"), people=36,
         citizen=True),
    Spec("Curso de gerencia y fortalecimiento de la organización", "curso",
         ("gobernanza", "proyectos"), -200,
         "Planeación estratégica, equipo y finanzas sanas para OSC en crecimiento.",
         ("Mtro. Héctor Domínguez Salazar",),
         _at(METEPEC, "Casa de Cultura de Metepec", "Calle Comonfort 300, Metepec"),
         hours=4, days=3, people=30),
    Spec("Taller: cómo usar el Manual de Visibilidad", "taller",
         ("visibilidad", "marketing-social"), -180,
         "Una sesión práctica con el Manual de Visibilidad de la DGPS.",
         ("Lic. Sofía Herrera Guzmán",), None, hour=11, hours=2, capacity=100, people=40,
         citizen=True),
    Spec("Seminario de transparencia y rendición de cuentas para OSC", "seminario",
         ("transparencia", "fiscal"), -160, "Informar bien para ganar confianza.",
         ("C.P. Martha Vargas Contreras", "Lic. Raúl Estrada Moreno"),
         _at(NAUCALPAN, "Auditorio Municipal de Naucalpan", "Av. Juárez 39, Naucalpan Centro"),
         hours=5, people=26),
    Spec("Taller de voluntariado: atraer y cuidar a las personas voluntarias", "taller",
         ("voluntariado",), -140, "Convocatoria, inducción y reconocimiento del voluntariado.",
         ("Lic. Guadalupe Torres Rivera",),
         _at(ECATEPEC, "Salón comunitario de la colonia Jardines de Morelos",
             "Calle Fresnos 18, Jardines de Morelos, Ecatepec"), by=ECATEPEC, capacity=30,
         people=24),
    Spec("Conferencia: la CLUNI y el Registro Federal de las OSC", "conferencia",
         ("constitucion", "fiscal"), -120, "Para qué sirve la CLUNI y cómo tramitarla.",
         ("Mtra. Alejandra Ortiz Romero",), _at(TOLUCA, *DGPS), hybrid=True, hours=2,
         capacity=60, people=35),
    Spec("Encuentro de organizaciones de mujeres del oriente del Estado", "encuentro",
         ("redes", "derechos-humanos"), -100,
         "Redes de apoyo entre organizaciones que acompañan a mujeres.",
         ("Colectivas invitadas",), _at(CHALCO, "Casa de Cultura de Chalco",
                                        "Av. Reforma 1, Chalco Centro"), by=CHALCO, hours=5,
         capacity=60, people=30),
    Spec("Taller de diseño de proyectos sociales con enfoque de resultados", "taller",
         ("proyectos", "marco-logico"), -85, "Del diagnóstico a los indicadores.",
         ("Mtro. Emiliano Flores Chávez",),
         _at(ATLACOMULCO, "Centro Regional de Atlacomulco", "Av. Mario Colín s/n, Atlacomulco"),
         people=22),
    Spec("Curso en línea: contabilidad básica para asociaciones civiles", "curso",
         ("fiscal",), -70, "Registros contables, comprobantes y conciliaciones sin miedo.",
         ("C.P. Ricardo Salinas Mejía",), None, hour=17, hours=2, days=4, capacity=100,
         people=42),
    Spec("Taller de procuración de fondos: campañas de donación individual", "taller",
         ("procuracion-fondos", "marketing-social"), -60,
         "Cómo pedir, agradecer y volver a pedir.", ("Mtra. Laura Gómez Villanueva",),
         _at(TLALNEPANTLA, "Centro Cultural Sor Juana Inés de la Cruz",
             "Av. Hidalgo s/n, Tlalnepantla Centro"), people=27),
    Spec("Foro regional de participación ciudadana y gobernanza", "foro", ("gobernanza",),
         -50, "Cómo participan las OSC en las decisiones públicas de su municipio.",
         ("Dr. Fernando Reyes Castillo", "Presidencias municipales de la región"),
         _at(VALLE_BRAVO, "Centro Cultural Joaquín Arcadio Pagaza",
             "Calle Pagaza s/n, Valle de Bravo"), hours=5, capacity=80, people=25),
    Spec("Coloquio: retos de la sostenibilidad financiera de las OSC", "coloquio",
         ("procuracion-fondos", "gobernanza"), -40,
         "Académicos y OSC conversan sobre cómo sostener el trabajo a largo plazo.",
         ("Dra. Beatriz Colín Arriaga", "Mtro. Jorge Pérez Alcántara"), _at(TOLUCA, *DGPS),
         hybrid=True, hours=4, capacity=90, people=40),
    Spec("Taller de redes sociales y comunicación para OSC", "taller", ("visibilidad",), -30,
         "Publicar con constancia sin agotar al equipo.", ("Lic. Ximena Juárez Méndez",),
         _at(NEZA, "Salón de la colonia Benito Juárez", "Calle Adolfo López Mateos 80, "
             "Benito Juárez, Nezahualcóyotl"), by="citizen", capacity=30, people=22,
         citizen=True),
    Spec("Seminario de derechos humanos y trabajo comunitario", "seminario",
         ("derechos-humanos",), -24, "El enfoque de derechos en el día a día de una OSC.",
         ("Mtra. Yolanda Rojas Velázquez",),
         _at(TEXCOCO, "Casa de Cultura de Texcoco", "Calle Fray Pedro de Gante 7, Texcoco"),
         hours=5, people=24),
    Spec("Taller de obligaciones fiscales: declaración anual de donatarias", "taller",
         ("fiscal",), -17, "Llena tu declaración anual acompañado.",
         ("C.P. Norma Garduño Pichardo",), _at(TOLUCA, *DGPS), capacity=25, people=29),
    Spec("Conferencia: gobierno corporativo en asociaciones civiles", "conferencia",
         ("gobernanza",), -10, "El consejo directivo que tu OSC necesita.",
         ("Mtro. Héctor Domínguez Salazar",), None, hour=18, hours=2, capacity=150,
         people=40),
    Spec("Encuentro de voluntariado juvenil", "encuentro", ("voluntariado", "redes"), -5,
         "Jóvenes voluntarios de Cuautitlán Izcalli y la región comparten su experiencia.",
         ("Colectivos juveniles invitados",),
         _at(IZCALLI, "Parque de las Esculturas, foro al aire libre", "Centro Urbano, "
             "Cuautitlán Izcalli"), by=IZCALLI, hours=5, capacity=80, people=26),
)


def congress_program(keynote: str, speaker: str) -> tuple:
    """Two days of the annual congress: (day, start, end, title, room, speakers)."""
    return (
        (0, "09:00", "10:00", "Registro y bienvenida", "Vestíbulo", "Personal de la DGPS"),
        (0, "10:00", "11:00", f"Conferencia magistral: {keynote}", "Auditorio principal",
         speaker),
        (0, "11:30", "13:30", "Mesa 1: procuración de fondos y sostenibilidad financiera",
         "Sala A", "Mtra. Laura Gómez Villanueva, Mtro. Jorge Pérez Alcántara"),
        (0, "11:30", "13:30", "Mesa 2: obligaciones fiscales y transparencia", "Sala B",
         "C.P. Ricardo Salinas Mejía, C.P. Martha Vargas Contreras"),
        (0, "15:00", "17:00", "Taller simultáneo: marco lógico para proyectos", "Sala A",
         "Dra. Beatriz Colín Arriaga"),
        (0, "15:00", "17:00", "Taller simultáneo: Manual de Visibilidad y marketing social",
         "Sala B", "Lic. Itzel Camacho Ramos"),
        (1, "09:30", "11:00", "Panel: gobernanza y participación de las OSC en las políticas "
         "públicas", "Auditorio principal",
         "Dr. Fernando Reyes Castillo, Mtra. Claudia Sánchez Villagómez"),
        (1, "11:30", "13:30", "Feria de OSC y encuentro de redes", "Explanada",
         "Organizaciones participantes"),
        (1, "13:30", "14:30", "Clausura y entrega de reconocimientos", "Auditorio principal",
         "Dirección General de Participación Social"),
    )


CONGRESS_SUMMARY = ("Dos días de conferencias, mesas y talleres para las organizaciones de la "
                    "sociedad civil del Estado de México.")
CONGRESS_TOPICS = ("procuracion-fondos", "fiscal", "marco-logico", "gobernanza", "visibilidad",
                   "redes")
CONGRESSES = (
    Spec("Tercer Congreso Estatal del Tercer Sector", "congreso", CONGRESS_TOPICS, -760,
         CONGRESS_SUMMARY, ("Dra. Adriana Mondragón Estrada",),
         _at(TOLUCA, "Centro de Convenciones y Exposiciones de Toluca",
             "Paseo Tollocan s/n, Toluca"), hour=9, hours=5.5, days=2, capacity=900,
         people=60, program=congress_program("la sociedad civil organizada en el Estado de "
                                             "México", "Dra. Adriana Mondragón Estrada")),
    Spec("Cuarto Congreso Estatal del Tercer Sector", "congreso", CONGRESS_TOPICS, -395,
         CONGRESS_SUMMARY, ("Mtro. Santiago Valdés Monroy",),
         _at(NAUCALPAN, "Centro de Convenciones de Naucalpan",
             "Av. Gustavo Baz 2160, Naucalpan"), hour=9, hours=5.5, days=2, capacity=900,
         people=70, citizen=True,
         program=congress_program("sostenibilidad y profesionalización de las OSC",
                                  "Mtro. Santiago Valdés Monroy")),
    Spec("Quinto Congreso Estatal del Tercer Sector", "congreso", CONGRESS_TOPICS, 75,
         CONGRESS_SUMMARY + " Este año: la Ley de Fomento y el trabajo en red.",
         ("Dr. Fernando Reyes Castillo",),
         _at(TOLUCA, "Centro de Convenciones y Exposiciones de Toluca",
             "Paseo Tollocan s/n, Toluca"), hour=9, hours=5.5, days=2, capacity=900,
         people=55, citizen=True,
         program=congress_program("la Ley de Fomento a las Actividades de la Sociedad Civil",
                                  "Dr. Fernando Reyes Castillo")),
)

UPCOMING = (
    Spec("Taller de procuración de fondos: cómo presentar un proyecto a una fundación",
         "taller", ("procuracion-fondos", "proyectos"), 5,
         "Carta de presentación, presupuesto y seguimiento de una solicitud.",
         ("Mtra. Laura Gómez Villanueva",),
         _at(ECATEPEC, "Casa de Cultura de San Cristóbal", "Calle Morelos 12, San Cristóbal "
             "Centro, Ecatepec"), capacity=25, people=31, citizen=True),
    Spec("Taller de constitución legal: de la idea al acta constitutiva", "taller",
         ("constitucion",), 9, "Todo lo que necesitas para constituir tu asociación civil.",
         ("Lic. Verónica Aguilar Medina",),
         _at(TECAMAC, "Casa de Cultura de Tecámac", "Calle Hidalgo 1, Tecámac Centro"),
         people=18),
    Spec("Curso de marco lógico para proyectos sociales", "curso",
         ("marco-logico", "proyectos"), 12, "Tres sesiones para llegar con tu matriz de "
         "indicadores terminada.", ("Dra. Beatriz Colín Arriaga",), _at(TOLUCA, *DGPS),
         hours=4, days=3, capacity=35, people=20),
    Spec("Conferencia: novedades fiscales para donatarias autorizadas", "conferencia",
         ("fiscal", "transparencia"), 16, "Lo que cambia este año para las donatarias.",
         ("C.P. Norma Garduño Pichardo",), None, hour=18, hours=2, capacity=200, people=26),
    Spec("Seminario de marketing social y visibilidad", "seminario",
         ("marketing-social", "visibilidad"), 23,
         "Comunicar el objeto social de tu OSC con el Manual de Visibilidad.",
         ("Lic. Itzel Camacho Ramos", "Lic. Sofía Herrera Guzmán"),
         _at(NAUCALPAN, "Auditorio Municipal de Naucalpan", "Av. Juárez 39, Naucalpan Centro"),
         hybrid=True, hours=5, capacity=70, people=16),
    Spec("Encuentro de OSC del sur del Estado", "encuentro", ("redes",), 30,
         "Organizaciones de Tejupilco, Luvianos, Amatepec y Tlatlaya se encuentran.",
         ("Personal de la DGPS",),
         _at(TEJUPILCO, "Auditorio Municipal de Tejupilco", "Plaza Principal, Tejupilco"),
         hours=5, capacity=80, people=12),
    Spec("Coloquio: participación ciudadana en las políticas públicas", "coloquio",
         ("gobernanza", "derechos-humanos"), 37,
         "Cómo llegan las iniciativas de las OSC a las políticas públicas.",
         ("Dr. Fernando Reyes Castillo", "Dra. Adriana Mondragón Estrada"),
         _at(TOLUCA, "Aula magna de la Facultad de Ciencias Políticas y Sociales",
             "Cerro de Coatepec s/n, Ciudad Universitaria, Toluca"), hours=4, capacity=100,
         people=14),
    Spec("Foro: voluntariado y servicio social universitario", "foro",
         ("voluntariado", "redes"), 44, "Cómo sumar estudiantes al trabajo de las OSC.",
         ("Universidades invitadas",),
         _at(TEXCOCO, "Casa de Cultura de Texcoco", "Calle Fray Pedro de Gante 7, Texcoco"),
         by=TEXCOCO, hours=4, capacity=90, people=10),
    Spec("Taller de transparencia: el informe anual de una OSC", "taller",
         ("transparencia",), 51, "Arma el informe anual que piden donantes y autoridades.",
         ("C.P. Martha Vargas Contreras",),
         _at(IXTAPALUCA, "Centro Comunitario de Ixtapaluca", "Av. Cuauhtémoc 5, Ixtapaluca"),
         by=IXTAPALUCA, capacity=30, people=8),
    Spec("Taller de gobernanza: el consejo directivo de una asociación civil", "taller",
         ("gobernanza",), 58, "Solo para integrantes de OSC: funciones, actas y "
         "responsabilidades del consejo.", ("Mtro. Héctor Domínguez Salazar",),
         _at(METEPEC, "Casa de Cultura de Metepec", "Calle Comonfort 300, Metepec"),
         audience="members", capacity=30, people=9),
    Spec("Curso en línea: comunicación digital con el Manual de Visibilidad", "curso",
         ("visibilidad", "marketing-social"), 65, "Cuatro sesiones en línea, una por semana.",
         ("Lic. Ximena Juárez Méndez",), None, hour=17, hours=2, days=22, capacity=120,
         people=15),
    Spec("Encuentro de OSC ambientalistas del Valle de Toluca", "encuentro", ("redes",), 20,
         "Organizaciones que cuidan bosques y agua del Valle de Toluca.",
         ("Colectivos invitados",),
         _at(ZINACANTEPEC, "Casa de Cultura de Zinacantepec", "Centro, Zinacantepec"),
         hours=5, people=11, status="cancelled"),
    Spec("Taller de rendición de cuentas para OSC de nueva creación", "taller",
         ("transparencia", "constitucion"), 90, "En preparación.", ("Por confirmar",),
         _at(TOLUCA, *DGPS), people=0, status="draft"),
)

SPECS = PAST + CONGRESSES + UPCOMING
CANCEL_REASON = "La sede no estará disponible; lo reprogramaremos y les avisaremos."


# --- building the events ----------------------------------------------------------------------


def _local_text(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M")


def _starts(spec: Spec, today) -> datetime:
    """Local wall-clock start about ``spec.day`` days from today, on a weekday (the program
    works office days): a past Saturday or Sunday becomes Friday, an upcoming one Monday."""
    day = today + timedelta(days=spec.day)
    if day.weekday() >= 5:
        day += timedelta(days=(4 - day.weekday()) if spec.past else (7 - day.weekday()))
    return datetime.combine(day, time(spec.hour))


def _description(spec: Spec, rng: random.Random) -> str:
    lines = [TOPIC_TEXT[topic] for topic in spec.topics[:2]]
    if spec.program:
        lines.append("Consulta el programa completo: conferencias, mesas de trabajo y "
                     "talleres simultáneos.")
    lines.append(rng.choice(CLOSINGS))
    return "\n\n".join(lines)


def event_form(spec: Spec, today, rng: random.Random) -> dict:
    """The form a person would have sent to announce ``spec``."""
    starts = _starts(spec, today)
    ends = starts + timedelta(days=spec.days - 1, hours=spec.hours)
    code, venue, address = spec.place or ("", "", "")
    modality = "hibrida" if spec.hybrid else ("presencial" if spec.place else "en_linea")
    online = "" if modality == "presencial" else \
        f"https://videollamadas.example/dgps/{slugify(spec.title, max_length=40)}"
    return {
        "title": spec.title, "kind": spec.kind, "summary": spec.summary,
        "description": _description(spec, rng),
        "starts_at": _local_text(starts), "ends_at": _local_text(ends),
        "modality": modality, "municipality_code": code, "venue": venue, "address": address,
        "online_url": online, "capacity": str(spec.capacity), "audience": spec.audience,
        "speakers": "\n".join(spec.speakers), "hours": str(max(1, round(spec.hours * spec.days))),
        "topics": list(spec.topics), "registration_opens_at": "", "registration_closes_at": "",
    }


def _add_program(staff: User, event: Event, spec: Spec, today) -> None:
    first = _starts(spec, today).date()
    for day, start, end, title, room, speakers in spec.program:
        date = (first + timedelta(days=day)).isoformat()
        services.add_session(staff, event, {"title": title, "room": room, "speakers": speakers,
                                            "starts_at": f"{date}T{start}",
                                            "ends_at": f"{date}T{end}"})


def _announce(spec: Spec, people: dict, today, rng: random.Random) -> Event:
    """Create (and publish, or cancel) the event as its organizer would."""
    actor, organization = people["staff"], None
    if spec.by != "staff":
        organization, actor = people["organizers"][spec.by]
    event = services.create_event(actor, event_form(spec, today, rng), organization)
    _add_program(people["staff"], event, spec, today)
    if spec.status != "draft":
        services.publish(actor, event)
    return event


# --- who organizes and who comes ------------------------------------------------------------


def _extra_citizens() -> list[User]:
    """Demo citizens who attend events without an OSC, each with the demo password."""
    rng = random.Random(SEED)
    wanted = [(f"asistente{n:02d}@{DEMO_DOMAIN}", full_person_name(rng),
               rng.choice((TOLUCA, ECATEPEC, NEZA, NAUCALPAN, TLALNEPANTLA, TEXCOCO, METEPEC,
                           CHALCO, IZCALLI, IXTAPALUCA)))
              for n in range(1, EXTRA_CITIZENS + 1)]
    existing = {u.email: u for u in db.session.scalars(
        select(User).where(User.email.in_([email for email, _, _ in wanted])))}
    password_hash = None
    for email, name, code in wanted:
        if email not in existing:
            password_hash = password_hash or accounts.password_hash()
            existing[email] = User(email=email, name=name, role="citizen",
                                   municipality_code=code, locale="es_MX",
                                   password_hash=password_hash, email_confirmed_at=utcnow())
            db.session.add(existing[email])
    db.session.flush()
    return [existing[email] for email, _, _ in wanted]


def _osc_admins(exclude: set[int]) -> list[tuple[User, Organization]]:
    """Admins of validated demo OSCs, each with their OSC, in a stable order."""
    rows = db.session.execute(
        select(User, Organization)
        .join(Membership, Membership.user_id == User.id)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(Membership.role == "admin", Membership.status == "active",
               Organization.status == "validated", User.active.is_(True),
               User.email.like(f"%@{DEMO_DOMAIN}"))
        .order_by(Organization.slug)).all()
    return [(user, org) for user, org in rows if org.id not in exclude]


def _organizers(osc: list[tuple[User, Organization]], citizen: User,
                own: Organization) -> dict:
    """The OSC that announces each OSC-organized event: the first demo OSC in its
    municipality (by slug), or the demo citizen's own OSC."""
    organizers = {"citizen": (own, citizen)}
    for spec in SPECS:
        if spec.by not in organizers and spec.by != "staff":
            user, org = next((u, o) for u, o in osc if o.municipality_code == spec.by)
            organizers[spec.by] = (org, user)
    return organizers


def _people() -> dict:
    staff = accounts.demo_account(STAFF_EMAIL)
    citizen = accounts.demo_account(CITIZEN_EMAIL)
    citizen_orgs = services.organizations_for(citizen)
    own = citizen_orgs[0] if citizen_orgs else None
    osc = _osc_admins({org.id for org in services.member_organizations(citizen)})
    return {"staff": staff, "citizen": (citizen, own), "osc": osc,
            "citizens": _extra_citizens(), "organizers": _organizers(osc, citizen, own)}


def _attendees(spec: Spec, event: Event, people: dict, rng: random.Random) -> list[tuple]:
    """``spec.people`` (person, OSC or None) pairs: about two thirds OSC admins, nearby ones
    first, the rest demo citizens (none for members-only events), never the organizer."""
    organizer_ids = {event.created_by_id}
    osc = [(u, o) for u, o in people["osc"] if u.id not in organizer_ids]
    near = [pair for pair in osc if pair[1].municipality_code == event.municipality_code]
    far = [pair for pair in osc if pair not in near]
    from_osc = spec.people if spec.audience == "members" else round(spec.people * 2 / 3)
    chosen = rng.sample(near, min(len(near), from_osc // 2))
    chosen += rng.sample(far, from_osc - len(chosen))
    chosen += [(u, None) for u in rng.sample(people["citizens"], spec.people - from_osc)]
    if spec.citizen and people["citizen"][0].id not in organizer_ids:
        chosen[len(chosen) // 3] = people["citizen"]
    rng.shuffle(chosen)
    return chosen


# --- registrations, attendance, history -------------------------------------------------------


def _moments(spec: Spec, event: Event, count: int, now: datetime,
             rng: random.Random) -> list[datetime]:
    """When each person registered, in order: between publication and the start (or now)."""
    published = _published_at(spec, event, now)
    until = min(event.starts_at, now) - timedelta(hours=1)
    span = max(60.0, (until - published).total_seconds())
    return sorted(published + timedelta(seconds=rng.uniform(0, span)) for _ in range(count))


def _published_at(spec: Spec, event: Event, now: datetime) -> datetime:
    """A past event was announced about a month before; an upcoming one up to 25 days ago."""
    if spec.past:
        return event.starts_at - timedelta(days=30)
    return now - timedelta(days=min(25, max(2, spec.day)))


def _register_all(spec: Spec, event: Event, people: dict, now: datetime,
                  rng: random.Random) -> list[Registration]:
    pairs = _attendees(spec, event, people, rng) if spec.people else []
    registrations = []
    for (user, org), when in zip(pairs, _moments(spec, event, len(pairs), now, rng),
                                 strict=True):
        registration = services.register(user, event, org, now=when)
        registration.created_at = when
        registrations.append(registration)
    return registrations


def _take_attendance(event: Event, registrations: list[Registration], staff: User,
                     rng: random.Random) -> None:
    """Most confirmed people came; each attendee gets the code of their certificate."""
    for registration in registrations:
        if registration.status == "confirmed" and rng.random() < ATTENDANCE_RATE:
            registration.checked_in_at = event.starts_at + timedelta(minutes=rng.randint(-20, 40))
            registration.checked_in_by_id = staff.id
            certificates.ensure_code(registration)


def _backdate(spec: Spec, event: Event, first_notice: int, now: datetime) -> None:
    """Move the services' "now" back to when each step would have happened."""
    published = _published_at(spec, event, now)
    created = published - timedelta(days=3)
    event.created_at = event.updated_at = created
    if event.published_at is not None:
        event.published_at = published
    db.session.flush()
    for action, when in (("event.create", created), ("event.publish", published),
                         ("event.conclude", event.ends_at + timedelta(days=1))):
        db.session.execute(update(AuditEntry).where(
            AuditEntry.target_type == "event", AuditEntry.target_id == str(event.id),
            AuditEntry.action == action).values(created_at=when))
    notices = update(Notification).where(Notification.id >= first_notice,
                                         Notification.url == event_path(event))
    db.session.execute(notices.where(Notification.kind == "event.published")
                       .values(created_at=published))
    if spec.past:
        before = event.starts_at - timedelta(days=1)
        db.session.execute(notices.where(Notification.kind != "event.published")
                           .values(created_at=before))
        db.session.execute(notices.values(read_at=event.starts_at))


def _seed_one(spec: Spec, people: dict, today, now: datetime, first_notice: int) -> Event:
    rng = random.Random(f"{SEED}:{spec.title}")
    event = _announce(spec, people, today, rng)
    registrations = _register_all(spec, event, people, now, rng) \
        if event.status == "published" else []
    if spec.past:
        _take_attendance(event, registrations, people["staff"], rng)
        if spec.day < -14:
            services.conclude(people["staff"], event)
    if spec.status == "cancelled":
        services.cancel(people["staff"], event, CANCEL_REASON)
    _backdate(spec, event, first_notice, now)
    return event


def seed() -> list[Event]:
    """Create the demo events that are missing; an existing slug is left as it is.

    Quiet: registrations and cancellations mail nobody. The services' other effects (seats,
    waiting list, notices, search) all still happen."""
    with quiet():
        return _seed()


def _seed() -> list[Event]:
    existing = set(db.session.scalars(select(Event.slug)))
    todo = [spec for spec in SPECS if slugify(spec.title, max_length=80) not in existing]
    if not todo:
        return []
    first_notice = (db.session.scalar(select(Notification.id).order_by(
        Notification.id.desc()).limit(1)) or 0) + 1
    people = _people()
    now = utcnow()
    today = to_local(now).date()
    created = [_seed_one(spec, people, today, now, first_notice) for spec in todo]
    db.session.flush()
    return created
