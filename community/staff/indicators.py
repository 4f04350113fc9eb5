"""The registry of the program's results indicators: each one's sheet (the fields of a
*Matriz de Indicadores para Resultados*), its counting rule in words, and beside it the
measure that computes it (``measures.py``). The staff pages, the exports, the public
``/resultados`` page and the home page all read figures from here, so a figure has one
definition wherever it appears (Decidim's home and admin counted "participants" two ways).
"""

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from community.accounts.models import User
from community.advisory.models import AdvisoryOutcome, AdvisoryRequest, AdvisorySession
from community.core.periods import Period, utc_midnight
from community.core.timeutil import to_local, utcnow
from community.events.fields import KINDS as EVENT_KINDS
from community.events.models import Event, Registration
from community.events.queries import past_condition
from community.extensions import db
from community.library.models import DownloadMonth, Resource
from community.profiles.models import Organization
from community.profiles.services import STALE_AFTER
from community.staff.measures import (
    Count,
    Histogram,
    Ratio,
    Record,
    Stock,
    as_integer,
    days_between,
    flag,
    local_date,
    mean,
    median,
    nps,
    share_of_ones,
)
from community.surveys.models import Survey, SurveyQuestion, SurveyTally

#: Figures about people hidden on public pages below this (as the surveys do).
MIN_PUBLIC = 5
#: The one event kind that is not a training: the annual Congress of the Third Sector.
CONGRESS = "congreso"


@dataclass(frozen=True)
class Indicator:
    key: str  # the clave in the URL
    name: str
    group: str
    level: str  # MIR level: Propósito, Componente, Actividad
    definition: str
    method: str  # the counting rule, in words
    unit: str
    frequency: str
    direction: str  # "up": more is better; "down": less is better
    verification: str  # means of verification
    baseline: str
    measure: object
    decimals: int = 0
    public: bool = False
    about_people: bool = False  # a small figure could point at a person: suppressed publicly
    breakdown: object = None  # (period, municipality) -> [(label, value)]

    @property
    def has_municipality(self) -> bool:
        return self.measure.has_municipality


# --- records: the rows each figure counts -----------------------------------------------------


def _page(stmt, limit, offset):
    return db.session.execute(stmt.limit(limit).offset(offset)).all()


def _session_records(stmt, limit, offset):
    rows = _page(stmt.with_only_columns(AdvisorySession.held_on, AdvisoryRequest.folio,
                                        AdvisoryRequest.proposed_name,
                                        maintain_column_froms=True)
                 .order_by(AdvisorySession.held_on, AdvisorySession.id), limit, offset)
    return [Record(day, folio, "request", folio, name or "") for day, folio, name in rows]


def _request_records(when):
    def records(stmt, limit, offset):
        rows = _page(stmt.with_only_columns(when(), AdvisoryRequest.folio,
                                            AdvisoryRequest.proposed_name,
                                            maintain_column_froms=True)
                     .order_by(when(), AdvisoryRequest.id), limit, offset)
        return [Record(_day(at), folio, "request", folio, name or "") for at, folio, name in rows]
    return records


def _outcome_records(stmt, limit, offset):
    rows = _page(stmt.with_only_columns(AdvisoryOutcome.achieved_on, AdvisoryRequest.folio,
                                        AdvisoryRequest.proposed_name,
                                        maintain_column_froms=True)
                 .order_by(AdvisoryOutcome.achieved_on, AdvisoryOutcome.id), limit, offset)
    return [Record(day, folio, "request", folio, name or "") for day, folio, name in rows]


def _event_records(stmt, limit, offset):
    rows = _page(stmt.with_only_columns(Event.starts_at, Event.title, Event.slug, Event.kind,
                                        maintain_column_froms=True)
                 .order_by(Event.starts_at, Event.id), limit, offset)
    return [Record(_day(at), title, "event", slug, str(EVENT_KINDS.get(kind, kind)))
            for at, title, slug, kind in rows]


def _attendance_records(stmt, limit, offset):
    rows = _page(stmt.join(User, User.id == Registration.user_id).with_only_columns(
        Event.starts_at, Event.title, Event.slug, User.name, maintain_column_froms=True)
        .order_by(Event.starts_at, Registration.id), limit, offset)
    return [Record(_day(at), title, "event", slug, name) for at, title, slug, name in rows]


def _organization_records(stmt, limit, offset):
    rows = _page(stmt.with_only_columns(Organization.validated_at, Organization.name,
                                        Organization.slug, maintain_column_froms=True)
                 .order_by(Organization.validated_at, Organization.id), limit, offset)
    return [Record(_day(at), name, "organization", slug) for at, name, slug in rows]


def _download_records(stmt, limit, offset):
    rows = _page(stmt.join(Resource, Resource.id == DownloadMonth.resource_id)
                 .with_only_columns(DownloadMonth.month, Resource.title, Resource.slug,
                                    DownloadMonth.count, maintain_column_froms=True)
                 .order_by(DownloadMonth.month, Resource.id), limit, offset)
    return [Record(None, title, "resource", slug, f"{month}: {count}")
            for month, title, slug, count in rows]


def _survey_records(stmt, limit, offset):
    rows = _page(stmt.join(Survey, Survey.id == SurveyTally.survey_id).with_only_columns(
        Survey.id, Survey.title, func.sum(SurveyTally.count), maintain_column_froms=True)
        .group_by(Survey.id, Survey.title).order_by(Survey.id), limit, offset)
    return [Record(None, title, "survey", str(survey_id), str(int(answers)))
            for survey_id, title, answers in rows]


def _day(value):
    return to_local(value).date() if value is not None else None


# --- advisory ------------------------------------------------------------------------------


def _sessions():
    return (select(AdvisorySession.id).select_from(AdvisorySession)
            .join(AdvisoryRequest, AdvisoryRequest.id == AdvisorySession.request_id))


def _session_place():
    return func.coalesce(AdvisorySession.municipality_code, AdvisoryRequest.municipality_code)


def _requests(*conditions):
    return lambda: select(AdvisoryRequest.id).where(*conditions)


def _outcomes(kind):
    return lambda: (select(AdvisoryOutcome.id).select_from(AdvisoryOutcome)
                    .join(AdvisoryRequest, AdvisoryRequest.id == AdvisoryOutcome.request_id)
                    .where(AdvisoryOutcome.kind == kind,
                           AdvisoryRequest.state != "cancelada"))


def _first_contacts():
    return select(AdvisoryRequest.id).where(AdvisoryRequest.first_contact_at.is_not(None),
                                            AdvisoryRequest.confirmed_at.is_not(None))


def _request_place():
    return AdvisoryRequest.municipality_code


# --- events ---------------------------------------------------------------------------------


def _trainings():
    return select(Event.id).where(past_condition(utcnow()), Event.kind != CONGRESS)


def _attendances(*kinds_condition):
    def source():
        return (select(Registration.id).select_from(Registration)
                .join(Event, Event.id == Registration.event_id)
                .where(Registration.checked_in_at.is_not(None), past_condition(utcnow()),
                       *kinds_condition))
    return source


_TRAININGS_ONLY = (Event.kind != CONGRESS,)
_CONGRESS_ONLY = (Event.kind == CONGRESS,)


def _by_kind(period: Period, municipality: str | None):
    measure = Count(_trainings, lambda: Event.starts_at, lambda: Event.municipality_code)
    stmt = measure._base([period], municipality).with_only_columns(
        Event.kind, func.count(), maintain_column_froms=True).group_by(Event.kind)
    counts = dict(db.session.execute(stmt).all())
    return [(str(label), counts.get(kind, 0)) for kind, label in EVENT_KINDS.items()
            if kind != CONGRESS]


# --- padrón ---------------------------------------------------------------------------------


def _validated():
    return select(Organization.id).where(Organization.status == "validated")


def _validated_on():
    return Organization.validated_at


def _org_place():
    return Organization.municipality_code


def _stale_at_end(period: Period):
    cutoff = utc_midnight(period.end + timedelta(days=1)) - STALE_AFTER
    return func.coalesce(Organization.confirmed_at, Organization.validated_at) < cutoff


def _padron(condition=None):
    return Stock(_validated, _validated_on, _org_place, condition=condition,
                 records=_organization_records)


# --- surveys --------------------------------------------------------------------------------


def _answers(*kinds):
    def source():
        return (select(SurveyTally.survey_id).select_from(SurveyTally)
                .join(SurveyQuestion, SurveyQuestion.id == SurveyTally.question_id)
                .where(SurveyQuestion.kind.in_(kinds), SurveyTally.value != ""))
    return source


def _tally_place():
    return func.nullif(SurveyTally.municipality_code, "")


def _at_least(finish):
    """Hide a satisfaction figure computed from fewer than five answers (the surveys' rule)."""
    def guarded(counts):
        return finish(counts) if sum(counts.values()) >= MIN_PUBLIC else None
    return guarded


# --- the library ----------------------------------------------------------------------------


class MonthCount(Count):
    """Downloads are kept per month ("2026-12"): a period counts the months it touches."""

    by_month = None  # the months are the rows already: the filtered sums are cheap

    def values(self, periods, municipality=None):
        if municipality:
            return [None] * len(periods)
        columns = [func.coalesce(func.sum(DownloadMonth.count).filter(
            DownloadMonth.month.between(p.start.strftime("%Y-%m"), p.end.strftime("%Y-%m"))),
            0) for p in periods]
        row = db.session.execute(select(*columns)).one()
        return [int(v or 0) for v in row]

    def record_rows(self, period, municipality, limit, offset):
        stmt = select(DownloadMonth.resource_id).where(DownloadMonth.month.between(
            period.start.strftime("%Y-%m"), period.end.strftime("%Y-%m")))
        return _download_records(stmt, limit, offset)


# --- the registry ---------------------------------------------------------------------------

_ADVISORY = _l("Asesoría")
_TRAINING = _l("Capacitación")
_REGISTRY = _l("Padrón")
_LIBRARY = _l("Biblioteca")
_SATISFACTION = _l("Satisfacción")

_MONTHLY = _l("Mensual")
_ADVISORY_SOURCE = _l("Solicitudes de asesoría de la plataforma: bitácora de cada caso "
                      "(sesiones, resultados, fechas de contacto).")
_EVENTS_SOURCE = _l("Calendario de eventos y listas de asistencia registradas en la "
                    "plataforma (registro de entrada).")
_REGISTRY_SOURCE = _l("Padrón estatal de OSC en la plataforma (exportación del padrón).")
_BASELINE = _l("Año anterior a la misma fecha de corte; años previos a la plataforma en la "
               "serie histórica capturada.")

INDICATORS: list[Indicator] = [
    Indicator(
        "asesorias-otorgadas", _l("Asesorías otorgadas"), _ADVISORY, _l("Componente"),
        _l("Sesiones de asesoría impartidas a grupos y OSC."),
        _l("Cuenta cada sesión registrada en un caso de asesoría cuya fecha de realización "
           "cae en el periodo (día de la Ciudad de México). Las sesiones de casos cancelados "
           "se cuentan: la sesión sí se impartió. Municipio: el de la sesión, o el de la "
           "solicitud si la sesión no lo indica."),
        _l("sesiones"), _MONTHLY, "up", _ADVISORY_SOURCE, _BASELINE,
        Count(_sessions, lambda: AdvisorySession.held_on, _session_place, dated=True,
              records=_session_records),
        public=True),
    Indicator(
        "solicitudes-atendidas", _l("Solicitudes atendidas"), _ADVISORY, _l("Componente"),
        _l("Solicitudes de asesoría concluidas."),
        _l("Cuenta las solicitudes en estado «Concluida» cuya fecha de conclusión cae en el "
           "periodo. Las canceladas o retiradas no se cuentan."),
        _l("solicitudes"), _MONTHLY, "up", _ADVISORY_SOURCE, _BASELINE,
        Count(_requests(AdvisoryRequest.state == "concluida"),
              lambda: AdvisoryRequest.concluded_at, _request_place,
              records=_request_records(lambda: AdvisoryRequest.concluded_at)),
        public=True),
    Indicator(
        "dias-primer-contacto", _l("Días al primer contacto (mediana)"), _ADVISORY,
        _l("Actividad"),
        _l("Mediana de días naturales entre que una solicitud entra a la fila (correo "
           "confirmado) y el primer contacto del personal."),
        _l("Para las solicitudes cuyo primer contacto cae en el periodo, resta el día de "
           "entrada a la fila del día del primer contacto (días de la Ciudad de México) y toma "
           "la mediana; con un número par de solicitudes, el promedio de las dos centrales."),
        _l("días"), _MONTHLY, "down", _ADVISORY_SOURCE, _BASELINE,
        Histogram(_first_contacts, lambda: AdvisoryRequest.first_contact_at,
                  lambda: days_between(local_date(AdvisoryRequest.confirmed_at),
                                       local_date(AdvisoryRequest.first_contact_at)),
                  median, _request_place,
                  records=_request_records(lambda: AdvisoryRequest.first_contact_at)),
        decimals=1),
    Indicator(
        "primer-contacto-a-tiempo", _l("Primer contacto en plazo"), _ADVISORY, _l("Actividad"),
        _l("Porcentaje de solicitudes contactadas a más tardar el día hábil límite."),
        _l("De las solicitudes cuyo primer contacto cae en el periodo y tienen plazo, el "
           "porcentaje cuyo primer contacto fue a más tardar el día límite (días hábiles con "
           "los días inhábiles de México)."),
        "%", _MONTHLY, "up", _ADVISORY_SOURCE, _BASELINE,
        Histogram(lambda: _first_contacts().where(
                      AdvisoryRequest.first_contact_due.is_not(None)),
                  lambda: AdvisoryRequest.first_contact_at,
                  lambda: flag(local_date(AdvisoryRequest.first_contact_at)
                               <= AdvisoryRequest.first_contact_due),
                  share_of_ones, _request_place,
                  records=_request_records(lambda: AdvisoryRequest.first_contact_at)),
        decimals=1),
    Indicator(
        "osc-constituidas", _l("OSC constituidas"), _ADVISORY, _l("Propósito"),
        _l("Organizaciones constituidas legalmente con el acompañamiento de una asesoría."),
        _l("Cuenta las solicitudes con el resultado «OSC constituida» cuya fecha de logro cae "
           "en el periodo, una vez por solicitud. Las solicitudes canceladas no se cuentan."),
        _l("OSC"), _MONTHLY, "up", _ADVISORY_SOURCE, _BASELINE,
        Count(_outcomes("osc_constituida"), lambda: AdvisoryOutcome.achieved_on,
              _request_place, dated=True, distinct=lambda: AdvisoryOutcome.request_id,
              records=_outcome_records),
        public=True),
    Indicator(
        "osc-atendidas", _l("OSC atendidas en asesoría"), _ADVISORY, _l("Componente"),
        _l("Organizaciones distintas que recibieron al menos una sesión de asesoría."),
        _l("Cuenta una vez cada OSC vinculada a una solicitud con al menos una sesión en el "
           "periodo, sin importar cuántas sesiones tuvo. Los grupos sin OSC aún no cuentan."),
        _l("OSC"), _MONTHLY, "up", _ADVISORY_SOURCE, _BASELINE,
        Count(lambda: _sessions().where(AdvisoryRequest.organization_id.is_not(None)),
              lambda: AdvisorySession.held_on, _session_place, dated=True,
              distinct=lambda: AdvisoryRequest.organization_id, records=_session_records)),
    Indicator(
        "eventos-impartidos", _l("Eventos de capacitación impartidos"), _TRAINING,
        _l("Componente"),
        _l("Talleres, cursos, seminarios, conferencias, encuentros, coloquios y foros "
           "realizados."),
        _l("Cuenta los eventos publicados que ya terminaron (o concluidos) cuyo inicio cae en "
           "el periodo (hora de la Ciudad de México: un evento a las 23:30 del 31 de "
           "diciembre es de ese año). No cuenta borradores, cancelados ni el Congreso."),
        _l("eventos"), _MONTHLY, "up", _EVENTS_SOURCE, _BASELINE,
        Count(_trainings, lambda: Event.starts_at, lambda: Event.municipality_code,
              records=_event_records),
        public=True, breakdown=_by_kind),
    Indicator(
        "asistencias", _l("Asistencias a capacitaciones"), _TRAINING, _l("Componente"),
        _l("Registros de entrada en eventos de capacitación: una persona que asistió a tres "
           "talleres cuenta tres veces."),
        _l("Cuenta las inscripciones con registro de entrada en eventos de capacitación "
           "realizados cuyo inicio cae en el periodo. No cuenta eventos cancelados ni el "
           "Congreso."),
        _l("asistencias"), _MONTHLY, "up", _EVENTS_SOURCE, _BASELINE,
        Count(_attendances(*_TRAININGS_ONLY), lambda: Event.starts_at,
              lambda: Event.municipality_code, records=_attendance_records),
        about_people=True),
    Indicator(
        "personas-capacitadas", _l("Personas capacitadas"), _TRAINING, _l("Propósito"),
        _l("Personas distintas con al menos una asistencia a una capacitación."),
        _l("Cuenta una vez a cada persona con registro de entrada en al menos un evento de "
           "capacitación realizado cuyo inicio cae en el periodo. Por municipio, una persona "
           "cuenta en cada municipio donde asistió."),
        _l("personas"), _MONTHLY, "up", _EVENTS_SOURCE, _BASELINE,
        Count(_attendances(*_TRAININGS_ONLY), lambda: Event.starts_at,
              lambda: Event.municipality_code, distinct=lambda: Registration.user_id,
              records=_attendance_records),
        public=True, about_people=True),
    Indicator(
        "osc-participantes", _l("OSC participantes en capacitaciones"), _TRAINING,
        _l("Propósito"),
        _l("Organizaciones distintas con al menos una persona que asistió en su nombre."),
        _l("Cuenta una vez cada OSC indicada en una inscripción con registro de entrada en un "
           "evento de capacitación realizado cuyo inicio cae en el periodo."),
        _l("OSC"), _MONTHLY, "up", _EVENTS_SOURCE, _BASELINE,
        Count(lambda: _attendances(*_TRAINING_ONLY_ORG)(), lambda: Event.starts_at,
              lambda: Event.municipality_code, distinct=lambda: Registration.organization_id,
              records=_attendance_records),
        public=True),
    Indicator(
        "asistentes-congreso", _l("Asistentes al Congreso del Tercer Sector"), _TRAINING,
        _l("Componente"),
        _l("Personas distintas con registro de entrada en el Congreso."),
        _l("Cuenta una vez a cada persona con registro de entrada en un evento de tipo "
           "«Congreso» realizado cuyo inicio cae en el periodo."),
        _l("personas"), _l("Anual"), "up", _EVENTS_SOURCE, _BASELINE,
        Count(_attendances(*_CONGRESS_ONLY), lambda: Event.starts_at,
              lambda: Event.municipality_code, distinct=lambda: Registration.user_id,
              records=_attendance_records),
        public=True, about_people=True),
    Indicator(
        "padron-validadas", _l("OSC en el padrón (validadas)"), _REGISTRY, _l("Propósito"),
        _l("Organizaciones validadas por el personal al cierre del periodo."),
        _l("Cuenta las OSC con estatus «Validada» hoy cuya validación es anterior al cierre del "
           "periodo. El padrón no guarda el historial de estatus: una OSC suspendida después "
           "no cuenta ni para los días en que estuvo validada."),
        _l("OSC"), _MONTHLY, "up", _REGISTRY_SOURCE, _BASELINE, _padron(), public=True),
    Indicator(
        "padron-nuevas", _l("OSC validadas en el periodo"), _REGISTRY, _l("Componente"),
        _l("Organizaciones que entraron al padrón en el periodo."),
        _l("Cuenta las OSC con estatus «Validada» cuya fecha de validación cae en el periodo."),
        _l("OSC"), _MONTHLY, "up", _REGISTRY_SOURCE, _BASELINE,
        Count(_validated, _validated_on, _org_place, records=_organization_records)),
    Indicator(
        "padron-desactualizadas", _l("OSC del padrón sin actualizar"), _REGISTRY,
        _l("Actividad"),
        _l("Porcentaje de las OSC validadas cuya última confirmación anual tiene más de un año "
           "al cierre del periodo."),
        _l("Divide las OSC validadas al cierre cuya última confirmación de datos (o su "
           "validación, si nunca confirmaron) es de hace más de 365 días entre todas las OSC "
           "validadas al cierre."),
        "%", _MONTHLY, "down", _REGISTRY_SOURCE, _BASELINE,
        Ratio(_padron(_stale_at_end), _padron()), decimals=1),
    Indicator(
        "padron-con-cluni", _l("OSC del padrón con CLUNI"), _REGISTRY, _l("Componente"),
        _l("OSC validadas que tienen Clave Única de Inscripción (CLUNI) al cierre."),
        _l("Cuenta las OSC validadas al cierre del periodo con CLUNI capturada."),
        _l("OSC"), _MONTHLY, "up", _REGISTRY_SOURCE, _BASELINE,
        _padron(lambda period: func.coalesce(Organization.cluni, "") != "")),
    Indicator(
        "padron-donatarias", _l("OSC donatarias autorizadas"), _REGISTRY, _l("Componente"),
        _l("OSC validadas con autorización del SAT para recibir donativos deducibles."),
        _l("Cuenta las OSC validadas al cierre del periodo marcadas como donatarias "
           "autorizadas."),
        _l("OSC"), _MONTHLY, "up", _REGISTRY_SOURCE, _BASELINE,
        _padron(lambda period: Organization.sat_donee.is_(True)), public=True),
    Indicator(
        "descargas-biblioteca", _l("Descargas de la biblioteca"), _LIBRARY, _l("Actividad"),
        _l("Descargas de publicaciones y material de capacitación."),
        _l("Suma las descargas contadas por mes (sin robots ni repeticiones de la misma "
           "persona) de los meses que toca el periodo: un periodo que termina a mitad de mes "
           "cuenta el mes entero. No hay desglose por municipio."),
        _l("descargas"), _MONTHLY, "up",
        _l("Contador de descargas de la biblioteca de la plataforma."), _BASELINE,
        MonthCount(lambda: select(DownloadMonth.resource_id), lambda: DownloadMonth.month,
                   None, total=lambda: DownloadMonth.count),
        public=True),
    Indicator(
        "satisfaccion-media", _l("Satisfacción (promedio de 1 a 5)"), _SATISFACTION,
        _l("Propósito"),
        _l("Promedio de las respuestas de satisfacción y calificación de las encuestas."),
        _l("Promedia las respuestas a preguntas de escala de satisfacción (1 a 5) y de "
           "calificación (1 a 5 estrellas) de todas las encuestas, por el día de la respuesta. "
           "Con menos de 5 respuestas no se muestra."),
        _l("puntos de 5"), _MONTHLY, "up", _l("Encuestas de satisfacción de la plataforma."),
        _BASELINE,
        Histogram(_answers("likert_satisfaction", "rating"), lambda: SurveyTally.day,
                  lambda: as_integer(SurveyTally.value), _at_least(mean), _tally_place,
                  dated=True, weight=lambda: SurveyTally.count, records=_survey_records),
        decimals=2, public=True),
    Indicator(
        "nps", _l("Recomendación neta (NPS)"), _SATISFACTION, _l("Propósito"),
        _l("Promotores menos detractores de las preguntas «¿recomendarías…?» de 0 a 10."),
        _l("Con las respuestas de 0 a 10 del periodo: porcentaje de 9 y 10 menos porcentaje de "
           "0 a 6, de −100 a 100. Con menos de 5 respuestas no se muestra."),
        _l("puntos"), _MONTHLY, "up", _l("Encuestas de satisfacción de la plataforma."),
        _BASELINE,
        Histogram(_answers("nps"), lambda: SurveyTally.day,
                  lambda: as_integer(SurveyTally.value), _at_least(nps), _tally_place,
                  dated=True, weight=lambda: SurveyTally.count, records=_survey_records),
        decimals=1),
]

_TRAINING_ONLY_ORG = (Event.kind != CONGRESS, Registration.organization_id.is_not(None))

REGISTRY: dict[str, Indicator] = {indicator.key: indicator for indicator in INDICATORS}


def get(key: str) -> Indicator | None:
    return REGISTRY.get(key)


def public_indicators() -> list[Indicator]:
    return [indicator for indicator in INDICATORS if indicator.public]

