"""``flask seed-scale``: a national-scale registry for benchmarks (50,000 OSCs by default).

The demo registry (``community.demo.profiles``) goes through the services, one OSC at a
time, with revisions, audit entries and admins. That is right for 300 OSCs and far too slow
for 50,000, so this writes the rows directly with SQLAlchemy Core ``insert()`` in batches:
organizations, their activity areas, populations and served municipalities. No users,
memberships, revisions or audit entries: benchmark rows, not people's history.

Each OSC is made by the same ``fake_osc`` as the demo's (names, missions, RFCs with their check
digit, CLUNIs, addresses, phones), spread over the 125 municipalities by population; about
95% are validated, and the yearly confirmations are spread over 15 months, so some are stale.
Every row has a public e-mail under ``.escala.example``: that is how the command recognises
its own rows (it refuses to run twice unless ``--append``).

The inserts bypass the ORM, so nothing is queued for after-commit work: if a search index is
in use, rebuild it afterwards (``flask search reindex``).
"""

import random
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select

from community.advisory import labels as advisory_labels
from community.advisory import services as advisory_services
from community.advisory.businessdays import add_business_days
from community.advisory.models import (
    AdvisoryActivity,
    AdvisoryOutcome,
    AdvisoryRequest,
    AdvisorySession,
)
from community.core.sanitize import render_markdown
from community.core.text import fold, slugify
from community.core.timeutil import to_local
from community.demo import fake
from community.extensions import db
from community.profiles import validators as v
from community.profiles.models import (
    Organization,
    organization_activity,
    organization_population,
    organization_served_municipality,
)

SCALE_DOMAIN = "escala.example"
SCALE_EMAIL_LIKE = f"%.{SCALE_DOMAIN}"
OTHER_STATE_SHARE = 0.02
NON_VALIDATED = (("pending", 0.02), ("rejected", 0.015), ("inactive", 0.015))
REASONS = {"rejected": fake.REJECT_REASONS, "inactive": fake.DEACTIVATE_REASONS}


def scale_rows_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Organization).where(
        Organization.public_email.like(SCALE_EMAIL_LIKE)))


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


class ScaleBuilder:
    """Makes organization rows and their link rows, numbering slugs from ``start``."""

    def __init__(self, rng: random.Random, places: list, start: int, taken_slugs: set[str]):
        self.rng = rng
        self.places = places
        self.homes = [*places, None]  # None: another state
        weights = fake.municipality_weights(places)
        total = sum(weights)
        weights = [w / total * (1 - OTHER_STATE_SHARE) for w in weights] + [OTHER_STATE_SHARE]
        self.cum_weights = [sum(weights[:i + 1]) for i in range(len(weights))]
        self.near = fake.neighbours(places)
        self.state_weights = [s.weight for s in fake.OTHER_STATES]
        self.number = start
        self.taken = taken_slugs
        self.html: dict[str, str] = {}  # Markdown rendered once per distinct text
        self.folded: dict[str, tuple[str, str]] = {}  # name -> (slug base, name_folded)

    def _render(self, text: str | None) -> str | None:
        if text is None:
            return None
        if text not in self.html:
            self.html[text] = str(render_markdown(text))
        return self.html[text]

    def _handle(self, name: str) -> str:
        return f"{fake.handle_for(name)}-{self.number}"

    def _slug(self, name: str) -> str:
        if name not in self.folded:
            self.folded[name] = (slugify(name, max_length=80), fold(name))
        base = self.folded[name][0]
        slug = f"{base}-{self.number}"
        while slug in self.taken:  # only after --append over hand-made slugs like "x-2"
            self.number += 1
            slug = f"{base}-{self.number}"
        self.taken.add(slug)
        self.number += 1
        return slug

    def _status(self, now):
        """Status, reason and the times of validation, confirmation and creation."""
        rng = self.rng
        roll, status = rng.random(), "validated"
        for candidate, share in NON_VALIDATED:
            if roll < share:
                status = candidate
                break
            roll -= share
        if status in ("pending", "rejected"):
            created = now - timedelta(days=rng.randint(1, 400), minutes=rng.randint(0, 1439))
            reason = rng.choice(REASONS[status]) if status == "rejected" else None
            return status, reason, None, None, created, created
        confirmed = now - timedelta(days=rng.randint(1, 450), minutes=rng.randint(0, 1439))
        validated = confirmed - timedelta(days=rng.choice((0, 0, rng.randint(30, 2500))))
        created = validated - timedelta(days=rng.randint(3, 40))
        reason = rng.choice(REASONS["inactive"]) if status == "inactive" else None
        return status, reason, validated, confirmed, created, confirmed

    def row(self, place, now) -> tuple[dict, list[str], list[str], list[str]]:
        """One OSC's row from ``fake_osc`` (what its admin would type, as the services would
        store it) and its activity, population and served-municipality codes."""
        rng = self.rng
        state = None if place else rng.choices(fake.OTHER_STATES, self.state_weights)[0]
        osc = fake.fake_osc(rng, place, state, near=self.near, handle=self._handle,
                            varied_mission=False)
        fields = osc.fields
        name = fields["name"]
        slug = self._slug(name)
        status, reason, validated, confirmed, created, updated = self._status(now)
        mission, social_object = fields["mission"], fields.get("social_object")
        row = {
            "slug": slug, "name": name, "name_folded": self.folded[name][1],
            "legal_name": fields["legal_name"], "legal_form": fields["legal_form"],
            "rfc": fields.get("rfc"), "cluni": fields.get("cluni"),
            "constituted_on": _date(fields["constituted_on"]),
            "deed_number": fields.get("deed_number"), "deed_notary": fields.get("deed_notary"),
            "deed_place": fields.get("deed_place"),
            "sat_donee": fields.get("sat_donee", False),
            "sat_donee_since": _date(fields.get("sat_donee_since")),
            "social_registry_folio": fields.get("social_registry_folio"),
            "municipality_code": place.code if place else None,
            "other_state": state.name if state else None,
            "address": fields.get("address"), "postal_code": fields.get("postal_code"),
            "phone": fields.get("phone"),
            "public_email": f"contacto@{osc.handle}.{SCALE_DOMAIN}",
            "website": fields.get("website"),
            "social_links": v.clean_social_links(fields["social_links"]),
            "mission": mission, "mission_html": self._render(mission),
            "social_object": social_object, "social_object_html": self._render(social_object),
            "logo_file": None,
            "status": status, "status_reason": reason,
            "validated_at": validated, "confirmed_at": confirmed, "reminded_for": None,
            "created_at": created, "updated_at": updated,
        }
        return (row, fields["activities"], fields["populations"],
                fields["served_municipalities"])

    def batch(self, size: int, now):
        homes = self.rng.choices(self.homes, cum_weights=self.cum_weights, k=size)
        return [self.row(place, now) for place in homes]


def insert_batch(built) -> None:
    table = Organization.__table__
    ids = db.session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True),
        [row for row, _, _, _ in built]).scalars().all()
    activities, populations, served = [], [], []
    for org_id, (_, areas, pops, codes) in zip(ids, built, strict=True):
        activities += [{"organization_id": org_id, "fraction": a} for a in areas]
        populations += [{"organization_id": org_id, "population": p} for p in pops]
        served += [{"organization_id": org_id, "municipality_code": c} for c in codes]
    db.session.execute(insert(organization_activity), activities)
    db.session.execute(insert(organization_population), populations)
    db.session.execute(insert(organization_served_municipality), served)


# --- advisory requests ----------------------------------------------------------------------
#
# ``flask seed-scale --advisory N``: N requests written directly, as for the OSCs, so the
# staff queue, the map and the status page can be measured at 100,000 requests
# (``bench/advisory_bench.py``). Each row is what the services would have stored: a folio
# of the same form, the state its age makes likely (old ones mostly closed), the due dates
# computed by the same business-day rules, the first contact, an assignee among the staff,
# and its timeline (created, confirmed, assigned, state changes, a message), sessions and
# outcomes in proportion. Requesters are anonymous (confirmed by mail), with an address under
# ``.escala.example`` by which the command counts its own rows.

ADVISORY_EMAIL_LIKE = f"%@{SCALE_DOMAIN}"
ADVISORY_DAYS = 730  # two years back from today
ADVISORY_BOOST = {"15106": 3.0, "15033": 1.8, "15058": 1.8, "15057": 1.6}


def advisory_scale_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AdvisoryRequest).where(
        AdvisoryRequest.contact_email.like(ADVISORY_EMAIL_LIKE)))


def _advisory_state(rng: random.Random, age_days: float) -> str:
    if age_days > 75:
        table = (("concluida", 75), ("cancelada", 18), ("en_espera", 3), ("en_atencion", 2),
                 ("asignada", 2))
    elif age_days > 25:
        table = (("concluida", 40), ("en_atencion", 25), ("en_espera", 14), ("asignada", 9),
                 ("cancelada", 12))
    else:
        table = (("recibida", 22), ("asignada", 26), ("en_atencion", 28), ("en_espera", 10),
                 ("cancelada", 10), ("por_confirmar", 4))
    names, weights = zip(*table, strict=True)
    return rng.choices(names, weights)[0]


class AdvisoryScaleBuilder:
    """Makes advisory request rows and their timeline, session and outcome rows."""

    def __init__(self, rng: random.Random, places: list, staff_ids: list[int], start: int,
                 taken_folios: set[str]):
        self.rng, self.staff_ids, self.number = rng, staff_ids, start
        self.places = places
        weights = [w * ADVISORY_BOOST.get(p.code, 1.0)
                   for p, w in zip(places, fake.municipality_weights(places, 0.55),
                                   strict=True)]
        total = sum(weights)
        self.cum_weights = [sum(weights[:i + 1]) / total for i in range(len(weights))]
        self.topics = list(advisory_labels.TOPICS)
        self.topic_weights = [38, 13, 10, 9, 10, 9, 7, 4]
        self.services = advisory_services
        self.taken = taken_folios
        self.names = [fake.make_name(rng, rng.choice(fake.CAUSES), p.short, p.code)
                      for p in rng.sample(places, min(60, len(places)))]
        self.texts = ["Somos un grupo de vecinas y vecinos y queremos constituir una "
                      "asociación civil. ¿Qué necesitamos para el acta constitutiva?",
                      "Queremos tramitar la CLUNI de nuestra asociación y no sabemos qué "
                      "documentos subir.",
                      "Tenemos dudas con la declaración anual y los recibos de donativos."]
        self.html = {text: str(render_markdown(text)) for text in self.texts}
        self.dues: dict[tuple, tuple[date, date]] = {}

    def _folio(self, year: int) -> str:
        alphabet, length = self.services.FOLIO_ALPHABET, self.services.FOLIO_LENGTH
        while True:
            folio = f"ASE-{year}-" + "".join(self.rng.choice(alphabet) for _ in range(length))
            if folio not in self.taken:
                self.taken.add(folio)
                return folio

    def _due(self, confirmed, topic: str) -> tuple[date, date]:
        start = to_local(confirmed).date()
        key = (start, topic)
        if key not in self.dues:
            days = self.services.CONCLUSION_DAYS[topic]
            self.dues[key] = (add_business_days(start, self.services.FIRST_CONTACT_DAYS),
                              add_business_days(start, days))
        return self.dues[key]

    def row(self, now) -> tuple[dict, list[dict], list[dict], list[dict]]:
        """One request (what the services would hold) and its activities, sessions, outcomes
        (without the request id, filled in after the insert)."""
        rng = self.rng
        place = rng.choices(self.places, cum_weights=self.cum_weights)[0]
        topic = rng.choices(self.topics, self.topic_weights)[0]
        created = now - timedelta(days=ADVISORY_DAYS * rng.random() ** 0.85,
                                  minutes=rng.randint(30, 600))
        age = (now - created).total_seconds() / 86400
        state = _advisory_state(rng, age)
        confirmed = None if state == "por_confirmar" else created + timedelta(
            minutes=rng.randint(2, 600))
        self.number += 1
        text = rng.choice(self.texts)
        req = {
            "folio": self._folio(to_local(created).year), "topic": topic,
            "requester_kind": "grupo" if topic == "constituir" else "osc",
            "proposed_name": rng.choice(self.names), "founders_count": rng.randint(3, 15),
            "organization_id": None, "municipality_code": place.code,
            "modality": rng.choice(("municipio", "municipio", "en_linea", "oficina")),
            "description": text, "description_html": self.html[text],
            "contact_preference": "correo", "contact_name": fake.full_person_name(rng),
            "contact_email": f"solicitante{self.number}@{SCALE_DOMAIN}", "contact_phone": None,
            "locale": "es_MX", "user_id": None, "state": state, "assignee_id": None,
            "cancel_reason": None, "created_at": created, "confirmed_at": confirmed,
            "first_contact_at": None, "paused_since": None, "paused_days": 0,
            "first_contact_due": None, "conclusion_due": None, "concluded_at": None,
            "cancelled_at": None, "resulting_organization_id": None, "updated_at": created,
        }
        activities = [{"kind": "created", "to_state": "por_confirmar", "from_requester": True,
                       "created_at": created}]
        sessions, outcomes = [], []
        if confirmed is None:
            return req, activities, sessions, outcomes
        req["first_contact_due"], req["conclusion_due"] = self._due(confirmed, topic)
        activities.append({"kind": "confirmed", "from_state": "por_confirmar",
                           "to_state": "recibida", "from_requester": True,
                           "created_at": confirmed})
        self._story(req, activities, sessions, outcomes, now)
        return req, activities, sessions, outcomes

    def _story(self, req, activities, sessions, outcomes, now) -> None:
        rng, state = self.rng, req["state"]
        moment = req["confirmed_at"]
        limit = now - timedelta(minutes=5)

        def step(days: float):
            nonlocal moment
            moment = min(moment + timedelta(days=days), limit)
            return moment

        if state == "recibida" or (state == "cancelada" and rng.random() < 0.3):
            if state == "cancelada":
                self._close(req, activities, "recibida", step(rng.uniform(1, 5)))
            return
        assignee = rng.choice(self.staff_ids) if self.staff_ids else None
        req["assignee_id"] = assignee
        at = step(rng.uniform(0.1, 2))
        activities += [{"kind": "state", "from_state": "recibida", "to_state": "asignada",
                        "actor_id": assignee, "created_at": at},
                       {"kind": "assigned", "to_state": "asignada", "actor_id": assignee,
                        "created_at": at}]
        req["first_contact_at"] = at = step(rng.uniform(0.05, 1))
        activities.append({"kind": "message", "actor_id": assignee, "created_at": at,
                           "body": "Hola, ya tengo su solicitud; ¿cuándo podemos reunirnos?",
                           "body_html": "<p>Hola, ya tengo su solicitud; ¿cuándo podemos "
                                        "reunirnos?</p>"})
        if state == "asignada":
            req["updated_at"] = at
            return
        at = step(rng.uniform(1, 6))
        activities.append({"kind": "state", "from_state": "asignada", "to_state": "en_atencion",
                           "actor_id": assignee, "created_at": at})
        for _ in range(1 if rng.random() < 0.6 else 2):
            held = step(rng.uniform(0, 8))
            sessions.append({"held_on": to_local(held).date(), "modality": req["modality"],
                             "municipality_code": None if req["modality"] == "en_linea"
                             else req["municipality_code"],
                             "duration_minutes": rng.choice((60, 90, 120)),
                             "people_attended": rng.randint(2, 12),
                             "topics": "Requisitos, estatutos y pasos ante notario.",
                             "next_steps": "Reunir los documentos de cada persona fundadora.",
                             "next_steps_html": "<p>Reunir los documentos de cada persona "
                                                "fundadora.</p>",
                             "recorded_by_id": assignee, "created_at": held})
            activities.append({"kind": "session", "actor_id": assignee, "created_at": held,
                               "body": "Requisitos, estatutos y pasos ante notario."})
        if state == "en_espera":
            req["paused_since"] = at = step(rng.uniform(0.5, 3))
            activities.append({"kind": "state", "from_state": "en_atencion",
                               "to_state": "en_espera", "actor_id": assignee,
                               "created_at": at})
        elif state == "concluida":
            at = step(rng.uniform(2, 15))
            kind = {"constituir": "osc_constituida", "cluni": "cluni_obtenida",
                    "donataria": "donataria_autorizada",
                    "registro_estatal": "registro_estatal"}.get(req["topic"], "orientacion")
            outcomes.append({"kind": kind, "achieved_on": to_local(at).date(), "note": "",
                             "recorded_by_id": assignee, "created_at": at})
            activities += [{"kind": "outcome", "actor_id": assignee, "created_at": at},
                           {"kind": "state", "from_state": "en_atencion",
                            "to_state": "concluida", "actor_id": assignee, "created_at": at}]
            req["concluded_at"] = at
        elif state == "cancelada":
            self._close(req, activities, "en_atencion", step(rng.uniform(1, 10)))
        req["updated_at"] = at

    def _close(self, req, activities, old: str, at) -> None:
        req["cancelled_at"] = req["updated_at"] = at
        req["cancel_reason"] = "El grupo decidió posponer la constitución."
        activities.append({"kind": "state", "from_state": old, "to_state": "cancelada",
                           "body": req["cancel_reason"], "actor_id": req["assignee_id"],
                           "created_at": at})

    def batch(self, size: int, now):
        return [self.row(now) for _ in range(size)]


def insert_advisory_batch(built) -> None:
    table = AdvisoryRequest.__table__
    ids = db.session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True),
        [req for req, _, _, _ in built]).scalars().all()
    activities, sessions, outcomes = [], [], []
    defaults = {"actor_id": None, "from_state": None, "to_state": None, "body": None,
                "body_html": None, "internal": False, "from_requester": False}
    for request_id, (_, acts, sess, outs) in zip(ids, built, strict=True):
        activities += [{**defaults, **a, "request_id": request_id} for a in acts]
        sessions += [{**s, "request_id": request_id} for s in sess]
        outcomes += [{**o, "request_id": request_id} for o in outs]
    db.session.execute(insert(AdvisoryActivity.__table__), activities)
    if sessions:
        db.session.execute(insert(AdvisorySession.__table__), sessions)
    if outcomes:
        db.session.execute(insert(AdvisoryOutcome.__table__), outcomes)


# --- satisfaction surveys -------------------------------------------------------------------

SURVEY_SCALE_TITLE = "Encuesta de escala: satisfacción con los eventos"
SURVEY_SCALE_EVENTS = 80
SURVEY_SCALE_SLUG = "escala-encuesta-evento"
SURVEY_DAYS = 730
SURVEY_ANSWER_RATE = 0.65
#: 15 questions: every kind of the builder, the way the program asks after an event.
SURVEY_SCALE_QUESTIONS = (
    {"kind": "likert_satisfaction", "required": True,
     "text": "En general, ¿qué tan satisfecho o satisfecha quedaste con el evento?"},
    {"kind": "likert_agreement", "required": True,
     "text": "Los contenidos me serán útiles en el trabajo de mi organización."},
    {"kind": "likert_agreement", "required": True,
     "text": "El evento cumplió con lo que se anunció en la invitación."},
    {"kind": "likert_agreement", "required": True,
     "text": "La persona que impartió el evento dominaba el tema."},
    {"kind": "likert_agreement", "required": True,
     "text": "Explicó con claridad y resolvió las dudas del grupo."},
    {"kind": "rating", "required": True, "text": "¿Cómo calificas la organización del evento?"},
    {"kind": "rating", "required": True, "text": "¿Cómo calificas la sede o la plataforma?"},
    {"kind": "single", "required": True, "text": "La duración del evento fue…",
     "options": ("Demasiado corta", "Adecuada", "Demasiado larga")},
    {"kind": "single", "required": False, "allow_other": True,
     "text": "¿Cómo te enteraste del evento?",
     "options": ("Correo de la Dirección", "Esta plataforma", "Redes sociales",
                 "Otra organización")},
    {"kind": "nps", "required": True,
     "text": "Del 0 al 10, ¿qué tan probable es que recomiendes este tipo de eventos?"},
    {"kind": "multiple", "required": False, "allow_other": True,
     "text": "¿Sobre qué temas te gustaría otro taller?",
     "options": ("Procuración de fondos", "Obligaciones fiscales",
                 "CLUNI y Registro Social Estatal", "Comunicación y redes sociales",
                 "Proyectos y rendición de cuentas")},
    {"kind": "number", "required": False, "number_min": 1, "number_max": 50,
     "text": "¿Cuántas personas de tu organización asistieron?"},
    {"kind": "short_text", "required": False, "text": "¿Qué horario te acomoda más?"},
    {"kind": "long_text", "required": False, "text": "¿Qué fue lo más útil?"},
    {"kind": "long_text", "required": False, "text": "¿Qué podríamos mejorar?"},
)


def survey_scale_survey():
    """The scale survey (recognised by its title and its creator's absence of a preset)."""
    from community.surveys.models import Survey

    return db.session.scalar(select(Survey).where(Survey.title == SURVEY_SCALE_TITLE,
                                                  Survey.preset.is_(None)).limit(1))


def make_survey_scale_survey(staff, now) -> tuple:
    """The survey of 15 questions through the builder's services, opened and frozen at the
    first day of answers, and the scale events its answers come from (bulk rows:
    concluded, over two years, every kind, spread over the municipalities)."""
    from community.surveys import services

    survey = services.create_survey(staff, {
        "title": SURVEY_SCALE_TITLE, "audience": "event", "anonymous": "1",
        "intro": "Encuesta de prueba de carga: respuestas ficticias."})
    section = services.add_section(staff, survey, {"title": "El evento"})
    for item in SURVEY_SCALE_QUESTIONS:
        services.add_question(staff, survey, {
            **item, "section_id": section.id,
            "options": list(item["options"]) if "options" in item else None})
    services.open_survey(staff, survey)
    first = to_local(now).date() - timedelta(days=SURVEY_DAYS)
    survey.frozen_at = datetime.combine(first, datetime.min.time())
    db.session.flush()
    return survey


def insert_survey_scale_events(rng: random.Random, places: list, now) -> list[tuple]:
    """``SURVEY_SCALE_EVENTS`` concluded events, oldest first: (id, kind, municipality, day)."""
    from community.events.fields import KINDS
    from community.events.models import Event

    kinds = list(KINDS)
    weights = fake.municipality_weights(places, 0.55)
    today = to_local(now).date()
    rows = []
    for number in range(SURVEY_SCALE_EVENTS):
        day = today - timedelta(days=SURVEY_DAYS - 20 - number * (SURVEY_DAYS - 40)
                                // SURVEY_SCALE_EVENTS)
        kind = rng.choices(kinds, (40, 18, 12, 12, 8, 4, 5, 1))[0]
        online = rng.random() < 0.15
        place = None if online else rng.choices(places, weights)[0]
        starts = datetime.combine(day, datetime.min.time()) + timedelta(hours=16)
        rows.append({"slug": f"{SURVEY_SCALE_SLUG}-{number + 1}",
                     "title": f"{KINDS[kind]} de escala {number + 1}", "kind": kind,
                     "starts_at": starts, "ends_at": starts + timedelta(hours=4),
                     "modality": "en_linea" if online else "presencial",
                     "municipality_code": place.code if place else None,
                     "status": "concluded", "created_at": starts - timedelta(days=30),
                     "updated_at": starts, "published_at": starts - timedelta(days=30)})
    table = Event.__table__
    ids = db.session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                             rows).scalars().all()
    return [(event_id, row["kind"], row["municipality_code"], row["starts_at"].date())
            for event_id, row in zip(ids, rows, strict=True)]


class SurveyScaleBuilder:
    """Responses with their answers, invitations and tally increments, as rows.

    The answers are drawn by the demo's ``answers_for`` (the same moods and comments) and
    turned into rows the way ``services.submit`` does, so the tallies built here are the
    sums of the answers."""

    def __init__(self, rng: random.Random, survey, events: list[tuple], start: int):
        from community.demo import surveys as demo

        self.rng, self.survey, self.events, self.number = rng, survey, events, start
        self.demo = demo
        self.questions = list(survey.questions)
        self.multiple = {q.id for q in self.questions if q.kind == "multiple"}

    def batch(self, size: int, now) -> tuple[list, list, list, dict]:
        from community.surveys.models import random_id

        today = to_local(now).date()
        responses, answers, invitations, tallies = [], [], [], {}
        made = 0
        while made < size:
            event_id, kind, municipality, day = self.rng.choice(self.events)
            self.number += 1
            context = {"context_event_id": event_id, "context_kind": kind,
                       "context_municipality": municipality}
            invited_on = day + timedelta(days=1)
            invitation = {"id": random_id(), "survey_id": self.survey.id,
                          "email": f"persona{self.number}@{SCALE_DOMAIN}",
                          "token": random_id(), "invited_on": invited_on, **context}
            invitations.append(invitation)
            if self.rng.random() >= SURVEY_ANSWER_RATE:
                continue
            answered_on = min(today, invited_on + timedelta(days=int(self.rng.expovariate(0.3))))
            invitation["answered_on"] = answered_on
            response_id = random_id()
            responses.append({"id": response_id, "survey_id": self.survey.id,
                              "answered_on": answered_on, "event_id": event_id,
                              "event_kind": kind, "municipality_code": municipality})
            offset = min(1, today.year - answered_on.year)
            mood = self.rng.choices(self.demo.MOODS, self.demo.MOOD_WEIGHTS[offset])[0]
            form = self.demo.answers_for(self.rng, self.survey, "event", mood)
            key = (answered_on, event_id, kind, municipality or "")
            answers_of = self._rows(response_id, form)
            for row in answers_of:
                answers.append(row)
                value = row["option_code"] or ("" if row["number"] is None
                                               else str(row["number"]))
                tally = (row["question_id"], value, *key)
                tallies[tally] = tallies.get(tally, 0) + 1
            for question_id in self.multiple & {row["question_id"] for row in answers_of}:
                tally = (question_id, "", *key)  # a respondent (services.tally_values)
                tallies[tally] = tallies.get(tally, 0) + 1
            made += 1
        return responses, answers, invitations, tallies

    def _rows(self, response_id: str, form: dict) -> list[dict]:
        from community.surveys.models import OTHER_CODE, TEXT_KINDS

        rows = []
        for question in self.questions:
            value = form.get(question.field_name)
            if value is None:
                continue
            base = {"response_id": response_id, "question_id": question.id,
                    "option_code": "", "number": None, "text": None}
            if isinstance(value, list):
                other = form.get(f"{question.field_name}_other")
                rows += [{**base, "option_code": code,
                          "text": other if code == OTHER_CODE else None} for code in value]
            elif question.kind in TEXT_KINDS:
                rows.append({**base, "text": value})
            else:
                rows.append({**base, "number": int(value)})
        return rows


def insert_survey_batch(survey_id: int, built: tuple) -> None:
    """The rows of one batch, and the tallies added (``count = count + excluded.count``)."""
    from community.surveys.models import (
        SurveyAnswer,
        SurveyDay,
        SurveyInvitation,
        SurveyResponse,
        SurveyTally,
    )
    from community.surveys.services import add_counts

    responses, answers, invitations, tallies = built
    invitation_rows = [{"user_id": None, "anon_key": None, "reminded_on": None,
                        "answered_on": None, **row} for row in invitations]
    db.session.execute(insert(SurveyInvitation.__table__), invitation_rows)
    if responses:
        db.session.execute(insert(SurveyResponse.__table__), [
            {"user_id": None, "submitted_at": None, **row} for row in responses])
        db.session.execute(insert(SurveyAnswer.__table__), answers)
    add_counts(SurveyTally, [
        {"survey_id": survey_id, "question_id": question_id, "value": value, "day": day,
         "event_id": event_id, "event_kind": kind, "municipality_code": municipality,
         "count": count}
        for (question_id, value, day, event_id, kind, municipality), count in tallies.items()],
        "count")
    days: dict[tuple, list[int]] = {}
    for row in invitation_rows:
        days.setdefault(_day_key(survey_id, row["invited_on"], row["context_event_id"],
                                 row["context_kind"], row["context_municipality"]), [0, 0])[0] += 1
    for row in responses:
        days.setdefault(_day_key(survey_id, row["answered_on"], row["event_id"],
                                 row["event_kind"], row["municipality_code"]), [0, 0])[1] += 1
    day_rows = [dict(zip(("survey_id", "day", "event_id", "event_kind", "municipality_code"),
                         key, strict=True), invited=invited, answered=answered)
                for key, (invited, answered) in days.items()]
    add_counts(SurveyDay, day_rows, "invited", "answered")


def _day_key(survey_id: int, day, event_id, kind, municipality) -> tuple:
    return (survey_id, day, event_id or 0, kind or "", municipality or "")
