"""Search benchmark: build time, index size and query latency of the Whoosh index at scale,
next to SQLite FTS5 over the same documents.

In a temporary folder (removed at the end, also on Ctrl-C and SIGTERM):

1. Makes 50,000 validated OSC documents with the generator of ``flask seed-scale``
   (``community.demo.scale.ScaleBuilder``), turned into documents as
   ``community.profiles.search`` does, and 200,000 other documents (events, forum topics
   and posts with Spanish titles and bodies: domain phrases plus words drawn from a
   Zipf-like distribution over a vocabulary with a long tail of names, inflections, users'
   typos; and 10,000 library resources carrying the full text of their pages, shaped as
   ``community.library.search`` indexes them: record, then each page after a form feed;
   magazine issues whose articles read page ranges; one in ten restricted, i.e. two
   documents, so there are fewer posts and the total stays 250,000).
2. Builds the index with ``schema.build_schema()`` and ``prepare_document``: by default with
   two writer processes, one segment each; ``--procs 1`` builds as ``flask search reindex``
   does (one process, 128 MB, one merged segment), twice as slow at this size.
3. Warms the opened index as the app does in a background thread (``SearchService.warm``:
   the typo lexicon, the facet columns, the postings of the commonest terms), then runs 200
   mixed queries (one word, several words, typos, words from inside the library's pages,
   with facet filters) through
   ``SearchService`` with its searcher kept open, after a warm-up on other queries:
   p50/p95/p99 in milliseconds, by kind of query. Each search is what ``/buscar`` asks: the
   first page of 20, the total, the four facets, snippets and the "¿Quisiste decir …?".
4. Loads the same documents into SQLite FTS5 (``unicode61 remove_diacritics 2``) and runs the
   same queries: the words ANDed (OR when fewer than 3 documents have them all, as the
   service does), bm25 with the title weighted 3, ``LIMIT 20`` plus a ``COUNT(*)``. FTS5
   gets no stemming, no typo tolerance, no facets, no snippets: less work, fewer results.

Run it with ``.venv/bin/python bench/search_bench.py`` (30 minutes on a busy 2 vCPU VM);
``--scale 0.1`` for a quick look. The figures go to ``bench/results/search-<UTC time>.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT))  # run as a script: the app's package is beside bench/

RESULTS_DIR = BENCH_DIR / "results"
SEED = 2026
ORGS = 50_000
OTHERS = {"event": 20_000, "resource": 10_000, "topic": 40_000, "post": 130_000}
QUERIES = 200
WARMUP_QUERIES = 20
PER_PAGE = 10  # what /buscar shows (community.search.views.PAGE_RESULTS)
P95_TARGET_MS = 20.0  # the issue's target for a query at this size
MIN_AND_HITS = 3  # as the service: fewer documents with every word -> any word

# ----------------------------------------------------------------------------- vocabulary

# The most frequent words of Spanish prose, most frequent first (most are stopwords: the
# analyzer drops them, but they are in the text and cost tokenizing).
COMMON = """de la que el en y a los se del las un por con no una su para es al lo como más
pero sus le ya o este sí porque esta entre cuando muy sin sobre también me hasta hay donde
quien desde todo nos durante todos uno les ni contra otros ese eso ante ellos e esto mí antes
algunos qué unos yo otro otras otra él tanto esa estos mucho quienes nada muchos cual poco
ella estar estas algunas algo nosotros mi mis tú te ti tu tus ellas nosotras vosotros
ser hacer poder decir ir ver dar saber querer llegar pasar deber poner parecer quedar creer
hablar llevar dejar seguir encontrar llamar venir pensar salir volver tomar conocer vivir
sentir tratar mirar contar empezar esperar buscar existir entrar trabajar escribir perder
producir ocurrir entender pedir recibir recordar terminar permitir aparecer conseguir comenzar
servir sacar necesitar mantener resultar leer caer cambiar presentar crear abrir considerar
oír acabar convertir ganar formar traer partir morir aceptar realizar suponer comprender
lograr explicar preguntar tocar reconocer estudiar alcanzar nacer dirigir correr utilizar
pagar ayudar gustar jugar escuchar cumplir ofrecer descubrir levantar intentar usar
año vez tiempo día vida parte mundo casa país forma caso hombre gobierno trabajo lugar
momento cosa hora mujer persona punto manera grupo hecho ciudad agua padre familia sistema
niño historia problema noche nombre mano semana madre ejemplo palabra verdad mes cuenta
idea razón centro lado ley servicio tipo proceso guerra estado resultado fin relación
proyecto mayor nuevo bueno primero gran mismo último general propio social posible nacional
importante público mejor cierto claro político humano fácil difícil pequeño grande
comunidad organización sociedad civil apoyo programa desarrollo salud educación derechos
actividades personas mujeres niñas niños jóvenes familias municipio región estado méxico
gracias saludos hola buenas tardes buenos días compañeros compañeras favor información
""".split()

# What OSCs, events, the library and the forums talk about.
DOMAIN = """taller talleres curso cursos foro foros conversatorio jornada jornadas feria
congreso capacitación capacitaciones seminario diplomado webinar reunión asamblea convocatoria
convocatorias registro inscripción inscripciones constancia constancias certificado sede
auditorio salón explanada plaza biblioteca casa cultura presidencia municipal dif palacio
voluntarios voluntarias voluntariado donativo donativos donación donaciones donatarias
autorizadas deducibles recibos fiscales sat rfc cluni indesol bienestar coinversión
fondos procuración recursos financiamiento patrocinio alianzas empresas fundaciones
transparencia rendición cuentas contabilidad informe anual padrón validación acta
constitutiva notario estatutos asociación civil institución asistencia privada iap
manual guía cuaderno boletín revista ciudadanía activa visibilidad comunicación digital
redes sociales facebook whatsapp página web fotografía video infografía presentación
violencia género equidad igualdad mujeres feminicidio denuncia refugio acompañamiento
psicológico jurídico jurídica asesoría gratuita abogado abogada defensa derechos humanos
niñez infancia adolescencia juventudes adultos mayores discapacidad inclusión
accesibilidad lengua señas autismo rehabilitación terapia salud mental diabetes cáncer
vacunación nutrición alimentación comedor comunitario despensas banco alimentos hambre
migrantes migrante albergue tren frontera asilo indígenas pueblos originarios otomí
mazahua náhuatl artesanas artesanía textiles medio ambiente reforestación árboles bosque
agua lluvia residuos composta huertos urbanos reciclaje animales adopción esterilización
perros gatos protección civil sismo emergencia primeros auxilios brigada rescate deporte
fútbol básquetbol liga torneo cancha espacios públicos seguridad vecinal tejido social
paz adicciones prevención escuela primaria secundaria becas útiles escolares lectura
libros música teatro danza pintura murales ciencia programación computación economía
solidaria microcréditos emprendimiento emprendedoras productores tianguis cooperativa
ahorro empleo vinculación consumidores participación ciudadana observatorio
presupuesto cabildo regidores síndico ayuntamiento gobernación secretaría estatal federal
metropolitano rural colonia barrio pueblo ejido localidad delegación fraccionamiento
enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre
lunes martes miércoles jueves viernes sábado domingo mañana tarde horario cupo limitado
gratuito gratuita abierto abierta público pública invitamos invitación participar asistir
compartir enviar correo teléfono dudas pregunta respuesta ayuda urgente apoyen necesitamos
buscamos ofrecemos damos realizamos organizamos impartimos acompañamos promovemos
""".split()

# Topics of events, resources and forum threads, with the LFFAROC fractions they belong to.
TOPICS = (
    ("procuración de fondos", ("XVI",)), ("transparencia y rendición de cuentas", ("XVI",)),
    ("contabilidad para organizaciones", ("XVI",)), ("cómo obtener la CLUNI", ("XVI",)),
    ("donatarias autorizadas", ("XVI",)), ("elaboración de proyectos sociales", ("XVI",)),
    ("comunicación digital para OSC", ("XVI",)), ("voluntariado", ("XVI", "III")),
    ("prevención de la violencia de género", ("VI",)), ("equidad de género", ("VI",)),
    ("derechos de las mujeres", ("VI", "IX")), ("refugio para mujeres", ("VI", "I")),
    ("derechos humanos", ("IX",)), ("asesoría jurídica gratuita", ("IV", "IX")),
    ("derechos de la niñez", ("IX", "I")), ("crianza positiva", ("I",)),
    ("inclusión de personas con discapacidad", ("VII",)), ("lengua de señas mexicana", ("VII",)),
    ("autismo y familias", ("VII",)), ("salud mental comunitaria", ("XI",)),
    ("prevención de la diabetes", ("XI",)), ("detección del cáncer de mama", ("XI",)),
    ("nutrición infantil", ("XI", "II")), ("comedor comunitario", ("II",)),
    ("banco de alimentos", ("II",)), ("personas migrantes", ("IX", "I")),
    ("pueblos indígenas", ("V",)), ("lengua otomí", ("V", "XIII")),
    ("artesanas mazahuas", ("V", "XIV")), ("reforestación", ("XII",)),
    ("cuidado del agua", ("XII",)), ("huertos urbanos", ("XII", "VIII")),
    ("separación de residuos", ("XII",)), ("adopción responsable de animales", ("XII",)),
    ("protección civil", ("XV",)), ("primeros auxilios", ("XV", "XI")),
    ("deporte comunitario", ("X",)), ("ligas de fútbol juvenil", ("X",)),
    ("recuperación de espacios públicos", ("XVIII",)), ("seguridad vecinal", ("XVIII",)),
    ("prevención de adicciones", ("XVIII", "XI")), ("fomento a la lectura", ("XIII",)),
    ("talleres de música y teatro", ("XIII",)), ("ferias de ciencia", ("XIII",)),
    ("economía solidaria", ("XIV", "VIII")), ("mujeres emprendedoras", ("XIV", "VI")),
    ("cajas de ahorro comunitarias", ("XIV",)), ("participación ciudadana", ("III",)),
    ("presupuesto participativo", ("III",)), ("derechos de los consumidores", ("XVII",)),
    ("personas mayores", ("I",)), ("juventudes", ("X", "XIII")),
)
EVENT_KINDS = ("Taller", "Curso", "Foro", "Conversatorio", "Jornada", "Feria", "Capacitación",
               "Seminario", "Diplomado", "Webinar", "Encuentro regional", "Mesa de trabajo")
RESOURCE_KINDS = ("Manual", "Guía", "Cuaderno de trabajo", "Informe", "Boletín", "Infografía",
                  "Presentación", "Video", "Ciudadanía Activa", "Manual de Visibilidad",
                  "Material de capacitación", "Memoria")
TOPIC_OPENINGS = ("¿Alguien sabe sobre {t}?", "Duda sobre {t}", "Busco apoyo para {t}",
                  "Convocatoria: {t}", "Compartimos experiencia en {t}",
                  "¿Dónde hay talleres de {t}?", "Buscamos voluntarios para {t}",
                  "Recomendaciones de {t}", "Propuesta de red para {t}", "Ayuda con {t}")
VENUES = ("la Casa de Cultura", "el auditorio municipal", "la biblioteca pública",
          "el salón de usos múltiples", "la explanada del palacio municipal", "el DIF municipal",
          "la Universidad Autónoma del Estado de México", "línea (transmisión en vivo)")
MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
          "septiembre", "octubre", "noviembre", "diciembre")

TYPO_SWAPS = (("c", "s"), ("s", "z"), ("z", "s"), ("v", "b"), ("b", "v"), ("ll", "y"),
              ("y", "ll"), ("ci", "si"), ("qu", "k"), ("h", ""), ("ó", "o"), ("á", "a"),
              ("í", "i"), ("é", "e"), ("ñ", "n"), ("x", "j"), ("g", "j"))


def typo(rng: random.Random, word: str, keep_first: bool = True) -> str:
    """A typo people make: a Spanish spelling confusion, a dropped, doubled or swapped letter."""
    start = 1 if keep_first and len(word) > 1 else 0
    roll = rng.random()
    if roll < 0.45:
        options = [(a, b) for a, b in TYPO_SWAPS if a in word[start:]]
        if options:
            a, b = rng.choice(options)
            at = word.index(a, start)
            return word[:at] + b + word[at + len(a):]
    if len(word) - start < 2:
        return word + word[-1]
    at = rng.randrange(start, len(word) - 1)
    if roll < 0.7:
        return word[:at] + word[at + 1:]
    if roll < 0.85:
        return word[:at] + word[at + 1] + word[at] + word[at + 2:]
    return word[:at] + word[at] + word[at:]


def inflections(word: str) -> list[str]:
    """Plural and gender variants, roughly: enough for a realistic lexicon."""
    out = []
    if word[-1] in "aeiouáéó":
        out.append(word + "s")
    elif word[-1] in "lrndz":
        out.append((word[:-1] + "c" if word[-1] == "z" else word) + "es")
    if word.endswith("o"):
        out += [word[:-1] + "a", word[:-1] + "as"]
    if word.endswith("ción"):
        out.append(word[:-4] + "ciones")
    if word.endswith("ar") or word.endswith("er") or word.endswith("ir"):
        stem = word[:-2]
        out += [stem + ending for ending in ("amos", "an", "ó", "ando", "ado", "ada")]
    return out


class Vocabulary:
    """Words with Zipf-like frequencies: rank r is drawn with weight 1 / (r + 2.7) ** 1.07."""

    def __init__(self, rng: random.Random, extra: list[str], tail: int = 60_000):
        ranked: list[str] = list(dict.fromkeys(w.lower() for w in COMMON + DOMAIN))
        harvested = [w.lower() for w in extra]
        middle = list(dict.fromkeys(harvested + [v for w in ranked[150:] for v in inflections(w)]))
        rng.shuffle(middle)
        ranked += [w for w in middle if w not in set(ranked)]
        seen = set(ranked)
        tail_words: list[str] = []
        base = [w for w in ranked if len(w) >= 4]
        while len(tail_words) < tail:  # users' typos and one-off words: the long tail
            word = typo(rng, rng.choice(base), keep_first=rng.random() < 0.8)
            if rng.random() < 0.2:
                word = typo(rng, word)
            if word not in seen:
                seen.add(word)
                tail_words.append(word)
        self.words = ranked + tail_words
        weights = [1 / (rank + 2.7) ** 1.07 for rank in range(len(self.words))]
        total, running, self.cum = sum(weights), 0.0, []
        for weight in weights:
            running += weight / total
            self.cum.append(running)
        self.rng = rng

    def text(self, n: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.cum, k=n))


# ----------------------------------------------------------------------------- documents


@dataclass
class Corpus:
    docs: list[tuple[str, int, dict]] = field(default_factory=list)  # (kind, object id, doc)
    names: dict[str, str] = field(default_factory=dict)  # INEGI code -> municipality name
    library_pages: list[str] = field(default_factory=list)  # page texts for the queries
    seconds: float = 0.0


def organization_documents(app, count: int, rng_seed: str) -> tuple[list, dict[str, str]]:
    """``count`` validated OSCs as ``flask seed-scale`` makes them, as search documents."""
    from flask_babel import force_locale
    from sqlalchemy import select

    from community.core.models import ActivityArea
    from community.core.sanitize import plain_text
    from community.core.timeutil import utcnow
    from community.demo import fake
    from community.demo.scale import ScaleBuilder
    from community.extensions import db
    from community.profiles.fields import POPULATIONS

    with app.app_context():
        places = fake.places_from_catalogue()
        names = {p.code: p.name for p in places}
        areas = {a.fraction: a.name for a in db.session.scalars(select(ActivityArea))}
        with force_locale("es_MX"):
            populations = {key: str(label) for key, label in POPULATIONS.items()}
    builder = ScaleBuilder(random.Random(rng_seed), places, 1, set())
    plain: dict[str | None, str] = {}

    def text_of(html: str | None) -> str:
        if html not in plain:
            plain[html] = plain_text(html) if html else ""
        return plain[html]

    docs, now = [], utcnow()
    while len(docs) < count:
        for row, fractions, pops, served in builder.batch(2000, now):
            if row["status"] != "validated" or len(docs) >= count:
                continue
            home = names.get(row["municipality_code"]) or row["other_state"] or ""
            body = " ".join(filter(None, [
                text_of(row["mission_html"]), text_of(row["social_object_html"]),
                row["legal_name"], " ".join(areas[f] for f in fractions),
                " ".join(populations[p] for p in pops if p in populations)]))
            docs.append(("organization", len(docs) + 1, {
                "title": row["name"], "body": body,
                "place": " ".join(dict.fromkeys([home, *(names.get(c, "") for c in served)])),
                "municipality": row["municipality_code"] or "", "areas": ",".join(fractions),
                "year": str(row["constituted_on"].year), "url": f"/osc/{row['slug']}"}))
    return docs, names


def other_documents(rng: random.Random, vocabulary: Vocabulary, names: dict[str, str],
                    counts: dict[str, int]) -> tuple[list[tuple[str, int, dict]], list[str]]:
    """Events, library resources (with the text of their pages), forum topics and their
    posts; and a sample of the library's page texts."""
    codes = sorted(names)
    # Big municipalities host more: weight by rank in a fixed shuffled order, Zipf-like.
    order = codes[:]
    random.Random(SEED).shuffle(order)
    cum, running = [], 0.0
    weights = [1 / (i + 1) ** 0.8 for i in range(len(order))]
    for weight in weights:
        running += weight / sum(weights)
        cum.append(running)

    def municipality() -> str:
        return rng.choices(order, cum_weights=cum)[0]

    def sentence(topic: str, place: str) -> str:
        return rng.choice((
            f"Te invitamos a participar en la jornada de {topic} en {place}.",
            f"Compartimos materiales sobre {topic} para organizaciones de {place}.",
            f"Buscamos organizaciones que trabajen {topic} en {place}.",
            f"La sesión aborda {topic} con ejemplos de organizaciones del Estado de México.",
            f"Gracias a todas las personas que participaron en el taller de {topic}.",
            f"¿Alguna organización de {place} tiene experiencia en {topic}?",
        ))

    docs: list[tuple[str, int, dict]] = []
    topics: list[str] = []
    for number in range(1, counts["event"] + 1):
        topic, fractions = rng.choice(TOPICS)
        code = municipality()
        place = names[code]
        year = rng.randint(2016, 2026)
        title = f"{rng.choice(EVENT_KINDS)} de {topic}" + (
            f" en {place}" if rng.random() < 0.5 else "")
        body = (f"{sentence(topic, place)} Se realizará el {rng.randint(1, 28)} de "
                f"{rng.choice(MONTHS)} de {year} en {rng.choice(VENUES)} de {place}. "
                f"{vocabulary.text(rng.randint(40, 90))}. Cupo limitado; registro en línea.")
        docs.append(("event", number, {
            "title": title, "body": body, "place": place, "municipality": code,
            "areas": ",".join(fractions), "year": str(year), "url": f"/eventos/{number}"}))
    library, library_pages = library_documents(rng, counts["resource"])
    docs += library
    # A restricted resource is two documents: the 250,000 stay 250,000 with fewer posts.
    posts = max(0, counts["post"] - (len(library) - counts["resource"]))
    for number in range(1, counts["topic"] + 1):
        topic, _fractions = rng.choice(TOPICS)
        code = municipality() if rng.random() < 0.5 else ""
        place = names.get(code, "el Estado de México")
        title = rng.choice(TOPIC_OPENINGS).format(t=topic)
        topics.append(title)
        body = f"{sentence(topic, place)} {vocabulary.text(rng.randint(30, 120))}"
        docs.append(("topic", number, {
            "title": title, "body": body, "place": names.get(code, ""), "municipality": code,
            "year": str(rng.randint(2018, 2026)), "url": f"/foros/temas/{number}"}))
    for number in range(1, posts + 1):
        thread = rng.randrange(len(topics)) if topics else 0
        code = municipality() if rng.random() < 0.4 else ""
        body = vocabulary.text(rng.randint(15, 90))
        if rng.random() < 0.3:
            topic, _fractions = rng.choice(TOPICS)
            body = f"{sentence(topic, names.get(code, 'mi municipio'))} {body}"
        docs.append(("post", number, {
            "title": topics[thread] if topics else "", "body": body,
            "place": names.get(code, ""), "municipality": code,
            "year": str(rng.randint(2018, 2026)),
            "url": f"/foros/temas/{thread + 1}#mensaje-{number}"}))
    return docs, library_pages


LIBRARY_KINDS = ("Guía", "Manual", "Cuaderno de trabajo", "Informe", "Memoria",
                 "Presentación", "Material de capacitación")
ISSUE_SHARE = 0.15  # of library resources that start a magazine issue with its articles
RESTRICTED_SHARE = 0.10  # of top-level resources readable by members only
LIBRARY_SAMPLE_PAGES = 2000  # page texts kept to draw the library-text queries from


def _library_pages(rng: random.Random) -> int:
    """Pages of a stand-alone document: mostly short guides, one in ten 15 to 40 pages."""
    return rng.randint(15, 40) if rng.random() < 0.1 else rng.randint(2, 10)


def _people(rng: random.Random, count: int) -> str:
    from community.demo.library_content import AFFILIATIONS, FIRST_NAMES, SURNAMES

    # As community.library.search writes creators: "Name, Affiliation; ...".
    return "; ".join(f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)} "
                     f"{rng.choice(SURNAMES)}, {rng.choice(AFFILIATIONS)}"
                     for _ in range(count))


def _paged(pages: dict[int, str]) -> str:
    """``community.library.search._pages``: each page after as many form feeds as make its
    number, at most MAX_INDEXED_CHARS of text."""
    from community.library.search import MAX_INDEXED_CHARS, PAGE_BREAK

    out, at, used = [], 0, 0
    for number in sorted(pages):
        text = pages[number].replace(PAGE_BREAK, " ")[: MAX_INDEXED_CHARS - used]
        out.append(PAGE_BREAK * (number - at) + text)
        at, used = number, used + len(text)
        if used >= MAX_INDEXED_CHARS:
            break
    return "".join(out)


def _library_record(number: int, title: str, metadata: list[str], body: str, areas: str,
                    year: int, restricted: bool) -> list[tuple[str, int, dict]]:
    """The documents ``community.library.search.resource_documents`` makes of a resource:
    one, or for a restricted one the record for outsiders and the text for its readers."""
    from community.library import access

    document = {"title": title, "areas": areas, "year": str(year),
                "url": f"/biblioteca/recurso-{number}"}
    head = "\n".join(line for line in metadata if line)
    if not restricted:
        return [("resource", number, {**document, "body": head + body})]
    return [("resource", number, {**document, "body": head,
                                  "visibility": access.OUTSIDERS_LABEL}),
            ("resource", number, {**document, "body": head + body,
                                  "visibility": access.READERS_LABEL, "_part": 1})]


def library_documents(rng: random.Random, count: int) -> tuple[list, list[str]]:
    """``count`` library resources with the text of their pages, shaped as the library
    indexes them (community/library/search.py): stand-alone guides and manuals of 2 to 40
    pages, and magazine issues whose articles are resources of their own reading a page
    range of the issue's file (the issue keeps its front matter and its table of contents).
    Page text from ``library_content.scale_text``. Returns the documents and a sample of
    page texts for the queries."""
    from community.demo.library_content import SUBJECTS, scale_text

    subjects = [name for _slug, name in SUBJECTS]
    docs: list[tuple[str, int, dict]] = []
    sample: list[str] = []
    seen_pages = 0

    def keep(texts: list[str]) -> None:  # reservoir sample of page texts
        nonlocal seen_pages
        for text in texts:
            seen_pages += 1
            if len(sample) < LIBRARY_SAMPLE_PAGES:
                sample.append(text)
            elif (slot := rng.randrange(seen_pages)) < LIBRARY_SAMPLE_PAGES:
                sample[slot] = text

    number = 0
    issue = 0
    while number < count:
        topic, fractions = rng.choice(TOPICS)
        year = rng.randint(2010, 2026)
        restricted = rng.random() < RESTRICTED_SHARE
        areas = ",".join(fractions)
        about = " ".join(rng.sample(subjects, rng.randint(1, 2)))
        if rng.random() < ISSUE_SHARE and count - number >= 4:
            issue += 1
            number += 1
            issue_id = number
            front = scale_text(rng, 2)
            keep(front)
            page = 3
            articles = []
            for _ in range(min(rng.randint(3, 5), count - number)):
                length = rng.randint(2, 6)
                texts = scale_text(rng, length)
                keep(texts)
                art_topic, art_fractions = rng.choice(TOPICS)
                articles.append((f"{art_topic.capitalize()}: experiencias y aprendizajes",
                                 _people(rng, rng.randint(1, 3)), page, texts, art_fractions))
                page += length
            toc = [f"{title}. {people}" for title, people, *_rest in articles]
            docs += _library_record(
                issue_id, f"Ciudadanía Activa, núm. {issue}",
                [f"Número {issue} de la revista Ciudadanía Activa, dedicado a {topic}.",
                 _people(rng, 2), about, "Ciudadanía Activa", *toc],
                _paged({1: front[0], 2: front[1]}), areas, year, restricted)
            for title, people, first, texts, art_fractions in articles:
                number += 1
                docs += _library_record(
                    number, title,
                    [f"Artículo de la revista Ciudadanía Activa sobre {topic}.", people, about,
                     "Ciudadanía Activa"],
                    _paged({first + n: text for n, text in enumerate(texts)}),
                    ",".join(art_fractions), year, restricted)
            continue
        number += 1
        texts = scale_text(rng, _library_pages(rng))
        keep(texts)
        docs += _library_record(
            number, f"{rng.choice(LIBRARY_KINDS)}: {topic}",
            [f"Material de capacitación sobre {topic} para organizaciones de la sociedad "
             "civil del Estado de México.", _people(rng, rng.randint(1, 3)), about],
            _paged({n: text for n, text in enumerate(texts, start=1)}), areas, year,
            restricted)
    return docs, sample


def make_corpus(app, scale: float) -> Corpus:
    started = time.perf_counter()
    rng = random.Random(SEED)
    orgs, names = organization_documents(app, max(1, round(ORGS * scale)), f"{SEED}:0")
    extra = [w for _k, _i, d in orgs[:3000] for w in re.findall(r"\w+", d["body"])]
    extra += [w for name in names.values() for w in re.findall(r"\w+", name)]
    vocabulary = Vocabulary(rng, extra, tail=max(1000, round(60_000 * scale)))
    counts = {kind: max(1, round(n * scale)) for kind, n in OTHERS.items()}
    others, library_pages = other_documents(rng, vocabulary, names, counts)
    return Corpus(orgs + others, names, library_pages, time.perf_counter() - started)


# ----------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class Query:
    text: str
    kind: str  # "one word", "several words", "typo", "library text", "filtered"
    filters: tuple[tuple[str, str], ...] = ()
    library: bool = False  # words from inside a library resource's pages


ONE_WORD = ("mujeres", "reforestación", "cluni", "donatarias", "voluntarios", "taller",
            "convocatoria", "transparencia", "discapacidad", "salud", "migrantes", "indígenas",
            "becas", "contabilidad", "congreso", "autismo", "diabetes", "comedor", "adopción",
            "lectura", "fútbol", "huertos", "violencia", "jurídica", "capacitaciones",
            "niñez", "juventudes", "otomí", "mazahua", "refugio", "albergue", "despensas",
            "microcréditos", "emprendedoras", "sismo", "observatorio", "presupuesto",
            "consumidores", "nutrición", "terapia")
PLACES = ("Toluca", "Ecatepec", "Nezahualcóyotl", "nezahualcoyotl", "Naucalpan",
          "Chimalhuacán", "Cuautitlán Izcalli", "Tecámac", "Zumpango", "Metepec", "Texcoco",
          "Tlalnepantla", "Chalco", "Ixtapaluca", "Tultitlán", "Atlacomulco", "Valle de Bravo",
          "Tejupilco", "Huixquilucan", "Coacalco")
SEVERAL_WORDS = (
    "taller de procuración de fondos", "asesoría jurídica gratuita", "comedor comunitario",
    "red de mujeres de ecatepec", "cómo obtener la cluni", "apoyo a mujeres en ecatepec",
    "comedor comunitario en toluca", "talleres de lectura para niños",
    "refugio para mujeres que viven violencia", "procuracion de fondos",
    "derechos humanos", "equidad de género", "medio ambiente", "protección civil",
    "personas mayores", "pueblos indígenas", "lengua de señas", "banco de alimentos",
    "casa del migrante", "salud mental", "prevención de adicciones", "huertos urbanos toluca",
    "cuidado del agua", "separación de residuos", "primeros auxilios", "ligas de fútbol",
    "recuperación de espacios públicos", "economía solidaria", "cajas de ahorro",
    "participación ciudadana", "donatarias autorizadas sat", "recibos deducibles",
    "informe anual de transparencia", "manual de visibilidad", "ciudadanía activa",
    "congreso estatal de osc", "voluntarios para reforestación", "becas para jóvenes",
    "detección de cáncer de mama", "terapia de lenguaje", "adopción de perros y gatos",
    "fundación para la niñez", "colectivo tierra viva", "centro de derechos humanos",
    "jornada de vacunación", "convocatoria coinversión social", "elaboración de proyectos",
    "comunicación digital redes sociales", "mujeres emprendedoras de nezahualcóyotl",
    "artesanas mazahuas")
TYPOS = ("toluka", "ecatepek", "nezahualcoyot", "chimalhuakan", "naucalpam", "migrantez",
         "derechos umanos", "discapasidad", "reforestasion", "capasitacion", "voluntaryos",
         "procuracion de fondoz", "comedor comunitaryo", "transparensia", "donatarias autorisadas",
         "violensia de genero", "asesoria juridika", "juventudez", "biblioteka", "autizmo")
FILTERS = ((("kind", "organization"),), (("kind", "event"),), (("kind", "resource"),),
           (("kind", "topic"),), (("kind", "post"),), (("municipality", "15106"),),
           (("municipality", "15033"),), (("municipality", "15058"),), (("area", "VI"),),
           (("area", "IX"),), (("area", "XII"),), (("year", "2024"),), (("year", "2025"),),
           (("kind", "event"), ("municipality", "15106")),
           (("kind", "organization"), ("area", "VI")),
           (("kind", "organization"), ("municipality", "15058"), ("area", "XIII")))


def library_phrases(rng: random.Random, pages: list[str], count: int) -> list[str]:
    """What someone remembers of a text: 3 to 5 consecutive words of one of its sentences."""
    phrases: list[str] = []
    while len(phrases) < count and pages:
        sentences = [s for s in re.split(r"(?<=[.;:])\s+", rng.choice(pages)) if s.strip()]
        words = re.findall(r"\w+", rng.choice(sentences))
        size = rng.randint(3, 5)
        if len(words) < size:
            continue
        at = rng.randrange(len(words) - size + 1)
        phrases.append(" ".join(words[at:at + size]))
    return phrases


def make_queries(count: int, seed: str, library_pages: list[str] = ()) -> list[Query]:
    """A mix: 20 % one word or a place, 20 % several words, 15 % typos (those of the list
    and fresh ones), 20 % words from inside the library's page texts, 25 % any of those
    with facet filters."""
    rng = random.Random(seed)
    single = [Query(w, "one word") for w in ONE_WORD + PLACES]
    several = [Query(q, "several words") for q in SEVERAL_WORDS]
    typos = [Query(q, "typo") for q in TYPOS]
    typos += [Query(typo(rng, w), "typo") for w in rng.sample(ONE_WORD, 20)]
    texts = [Query(q, "library text", library=True)
             for q in library_phrases(rng, list(library_pages), round(count * 0.30))]
    plain = single + several + typos + texts
    chosen = (rng.sample(single, round(count * 0.20)) + rng.sample(several, round(count * 0.20))
              + rng.sample(typos, round(count * 0.15))
              + rng.sample(texts, min(len(texts), round(count * 0.20))))
    while len(chosen) < count:
        base = rng.choice(plain)
        chosen.append(Query(base.text, "filtered", rng.choice(FILTERS), base.library))
    rng.shuffle(chosen)
    return chosen[:count]


# ----------------------------------------------------------------------------- engines


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build_whoosh(corpus: Corpus, folder: Path, procs: int) -> tuple[object, float]:
    """``procs=1`` is how ``flask search reindex`` builds (one process, 128 MB, one segment);
    more processes write one segment each and skip the final merge, which is most of the
    difference in time (see README.md)."""
    from whoosh import index as whoosh_index

    from community.search.schema import build_schema, prepare_document

    started = time.perf_counter()
    ix = whoosh_index.create_in(str(folder), build_schema())
    if procs > 1:
        writer = ix.writer(procs=procs, limitmb=128, multisegment=True)
    else:
        writer = ix.writer(procs=1, limitmb=128)
    try:
        for number, (kind, object_id, doc) in enumerate(corpus.docs, 1):
            fields = {k: v for k, v in doc.items() if k != "_part"}
            writer.add_document(**prepare_document(kind, object_id, fields,
                                                   doc.get("_part", 0)))
            if number % 25_000 == 0:
                print(f"    {number:>7} documents, {time.perf_counter() - started:5.0f} s",
                      flush=True)
        print("    commit…", flush=True)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    return ix, time.perf_counter() - started


def build_fts5(corpus: Corpus, path: Path) -> tuple[sqlite3.Connection, float]:
    started = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, kind UNINDEXED, "
                 "municipality UNINDEXED, areas UNINDEXED, year UNINDEXED, "
                 "tokenize='unicode61 remove_diacritics 2')")
    with conn:
        conn.executemany(
            "INSERT INTO docs (title, body, kind, municipality, areas, year) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            ((d.get("title", ""), " ".join(filter(None, (d.get("body"), d.get("place")))),
              kind, d.get("municipality", ""), d.get("areas", ""), d.get("year", ""))
             for kind, _object_id, d in corpus.docs))
        conn.execute("INSERT INTO docs (docs) VALUES ('optimize')")
    return conn, time.perf_counter() - started


FTS_FILTERS = {"kind": "kind = ?", "municipality": "municipality = ?",
               "area": "(',' || areas || ',') LIKE ?", "year": "year = ?"}


def fts5_search(conn: sqlite3.Connection, query: Query) -> int:
    """The first 20 by bm25 and the count: the words ANDed, ORed when too few have all."""
    from community.search.service import clean_query, query_words

    words = [w.text for w in query_words(clean_query(query.text))]
    if not words:
        return 0
    where = "".join(f" AND {FTS_FILTERS[name]}" for name, _value in query.filters)
    params = [f"%,{v},%" if name == "area" else v for name, v in query.filters]
    quoted = [f'"{w}"' for w in words]
    total = 0
    for joiner in (" ", " OR "):
        match = joiner.join(quoted)
        conn.execute(f"SELECT rowid, title FROM docs WHERE docs MATCH ?{where} "  # noqa: S608
                     "ORDER BY bm25(docs, 3.0, 1.0) LIMIT 20", [match, *params]).fetchall()
        total = conn.execute(f"SELECT count(*) FROM docs WHERE docs MATCH ?{where}",  # noqa: S608
                             [match, *params]).fetchone()[0]
        if total >= MIN_AND_HITS or len(words) == 1:
            break
    return total


# ----------------------------------------------------------------------------- figures


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(times: list[float]) -> dict[str, float]:
    return {"p50": percentile(times, 50), "p95": percentile(times, 95),
            "p99": percentile(times, 99), "max": max(times), "mean": sum(times) / len(times)}


def timed(run, queries: list[Query]) -> tuple[list[float], list[int]]:
    times, totals = [], []
    for query in queries:
        started = time.perf_counter()
        totals.append(run(query))
        times.append((time.perf_counter() - started) * 1000)
    return times, totals


def by_kind(queries: list[Query], times: list[float]) -> dict[str, dict[str, float]]:
    groups: dict[str, list[float]] = {}
    for query, ms in zip(queries, times, strict=True):
        groups.setdefault(query.kind, []).append(ms)
    return {kind: {"n": len(values), **summary(values)} for kind, values in groups.items()}


def commit_id() -> str | None:
    try:
        done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, timeout=5,
                              capture_output=True, text=True, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


BUILT_FILE = "built.json"  # what --keep reuses: the build's figures and the queries


def _query_rows(queries: list[Query]) -> list[dict]:
    return [{"text": q.text, "kind": q.kind, "filters": [list(f) for f in q.filters],
             "library": q.library} for q in queries]


def _queries(rows: list[dict]) -> list[Query]:
    return [Query(row["text"], row["kind"], tuple(map(tuple, row["filters"])), row["library"])
            for row in rows]


def _build(app, tmp: Path, args) -> tuple[object, sqlite3.Connection, dict]:
    """Generates the documents, builds both indexes in ``tmp`` and makes the queries."""
    print(f"Generating documents (scale {args.scale})…", flush=True)
    corpus = make_corpus(app, args.scale)
    kinds = Counter(kind for kind, _i, _d in corpus.docs)
    words = sum(len(d.get("body", "").split()) for _k, _i, d in corpus.docs)
    library_docs = [d for k, _i, d in corpus.docs if k == "resource"]
    library_chars = sum(len(d["body"]) for d in library_docs)
    library_page_count = sum(d["body"].count("\f") for d in library_docs
                             if d.get("visibility", "public") != "library-outsiders")
    library_doc_count = len(library_docs)
    del library_docs  # the bodies go with corpus.docs once both indexes hold them
    print(f"  library: {library_doc_count:,} documents, {library_page_count:,} pages, "
          f"{library_chars / 1e6:.0f} million characters of body", flush=True)
    print(f"  {len(corpus.docs):,} documents ({dict(kinds)}), {words:,} body words, "
          f"{corpus.seconds:.1f} s", flush=True)

    print("Building the Whoosh index…", flush=True)
    (tmp / "whoosh").mkdir()
    ix, whoosh_build = build_whoosh(corpus, tmp / "whoosh", args.procs)
    whoosh_size = folder_size(tmp / "whoosh")
    reader = ix.reader()
    segments = len(reader.leaf_readers())
    reader.close()
    print(f"  {whoosh_build:.1f} s, {whoosh_size / 1e6:.0f} MB, {segments} segment(s)",
          flush=True)

    print("Building SQLite FTS5…", flush=True)
    conn, fts_build = build_fts5(corpus, tmp / "fts5.db")
    fts_size = (tmp / "fts5.db").stat().st_size
    print(f"  {fts_build:.1f} s, {fts_size / 1e6:.0f} MB", flush=True)
    corpus.docs.clear()  # the documents are in both indexes now

    queries = make_queries(args.queries, f"{SEED}:queries", corpus.library_pages)
    warmup = [Query(w, "warm-up") for w in ("organizaciones", "apoyo", "talleres", "Lerma",
                                            "agua", "familias", "jornada", "capasitasion")]
    warmup += make_queries(WARMUP_QUERIES, f"{SEED}:warmup",
                           corpus.library_pages)[: WARMUP_QUERIES - len(warmup)]
    built = {"scale": args.scale, "queries_asked": args.queries, "procs": args.procs,
             "kinds": dict(kinds), "words": words, "library_docs": library_doc_count,
             "library_pages": library_page_count, "library_chars": library_chars,
             "whoosh_build": whoosh_build, "whoosh_size": whoosh_size, "segments": segments,
             "fts_build": fts_build, "fts_size": fts_size, "generation_s": corpus.seconds,
             "queries": _query_rows(queries), "warmup": _query_rows(warmup)}
    if args.keep:
        (tmp / BUILT_FILE).write_text(json.dumps(built, ensure_ascii=False))
    return ix, conn, built


def _clear_build(folder: Path) -> None:
    """Only what a build writes: ``--keep`` may name a folder that holds other things."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("whoosh", "instance"):
        shutil.rmtree(folder / name, ignore_errors=True)
    for name in ("fts5.db", BUILT_FILE):
        (folder / name).unlink(missing_ok=True)


def _kept_build(folder: Path, args) -> tuple[object, sqlite3.Connection, dict] | None:
    """The build ``--keep`` left in ``folder``, when it was made for the same scale, query
    count and writer processes; None otherwise (the folder is then built afresh)."""
    from whoosh import index as whoosh_index

    try:
        built = json.loads((folder / BUILT_FILE).read_text())
    except (OSError, ValueError):
        return None
    if (built["scale"], built["queries_asked"], built["procs"]) != (
            args.scale, args.queries, args.procs):
        sys.exit(f"{folder} holds a build of --scale {built['scale']} --queries "
                 f"{built['queries_asked']} --procs {built['procs']}: use another folder")
    print("  reusing the kept build (documents, indexes and queries)", flush=True)
    return (whoosh_index.open_dir(str(folder / "whoosh")),
            sqlite3.connect(folder / "fts5.db"), built)


# ----------------------------------------------------------------------------- main


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the 50,000 + 200,000 documents (1.0)")
    parser.add_argument("--queries", type=int, default=QUERIES, help="queries (200)")
    parser.add_argument("--procs", type=int, default=min(2, os.cpu_count() or 1),
                        help="index writer processes (default 2; 1 builds exactly as `flask "
                             "search reindex` does: one segment, about 10 minutes at scale 1)")
    parser.add_argument("--json", type=Path, help="where to write the results JSON")
    parser.add_argument("--profile", type=Path,
                        help="write a cProfile of the measured Whoosh queries here (pstats)")
    parser.add_argument("--per-page", type=int, default=PER_PAGE,
                        help=f"hits a query builds (default {PER_PAGE}, what /buscar shows)")
    parser.add_argument("--keep", type=Path,
                        help="build in this folder and keep it; when it already holds a "
                             "build of the same scale, measure that build again (the same "
                             "documents and queries, each query still computed from scratch)")
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 4 or args.queries < 10 or args.procs < 1 \
            or not 1 <= args.per_page <= 100:
        parser.error("--scale must be in (0, 4], --queries at least 10, --procs at least 1, "
                     "--per-page from 1 to 100")
    return args


def make_app(instance: Path):
    from flask_migrate import upgrade

    from community import create_app
    from community.config import Config
    from community.core.catalog import load_catalogues
    from community.extensions import db

    env = {"INSTANCE_DIR": str(instance), "SECRET_KEY": "search-bench-only",
           "RATELIMIT_ENABLED": "false"}
    app = create_app(Config(env))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_catalogues()
        db.session.commit()
    return app


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the temp folder goes too
    import logging

    logging.disable(logging.INFO)  # alembic's and the app's start-up chatter
    from community.search.service import SearchService

    started = time.perf_counter()
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="search-bench-"))
    ix = conn = service = None
    try:
        print(f"Working in {tmp}", flush=True)
        kept = _kept_build(tmp, args) if args.keep else None
        if kept is None:
            _clear_build(tmp)
        # The app registers the search kinds: without it a library hit would be cut from
        # its whole text instead of its page (``community.library.search``).
        app = make_app(tmp / "instance")
        ix, conn, built = kept if kept is not None else _build(app, tmp, args)
        (kinds, words, library_doc_count, library_page_count, library_chars, whoosh_build,
         whoosh_size, segments, fts_build, fts_size, generation_s) = (
            Counter(built["kinds"]), built["words"], built["library_docs"],
            built["library_pages"], built["library_chars"], built["whoosh_build"],
            built["whoosh_size"], built["segments"], built["fts_build"], built["fts_size"],
            built["generation_s"])
        queries, warmup = _queries(built["queries"]), _queries(built["warmup"])
        service = SearchService(lambda: ix)
        # What the app does in a background thread when it opens an index (a start, a
        # reindex): read the lexicon, the facet columns and the commonest postings.
        warm_started = time.perf_counter()
        service.warm()
        warm_s = time.perf_counter() - warm_started
        postings_mb = service._postings.bytes / 1e6
        print(f"  warming the new index: {warm_s:.1f} s ({postings_mb:.0f} MB of postings "
              "kept)", flush=True)

        def whoosh_run(query: Query) -> int:
            results = service.search(query.text, per_page=args.per_page, **dict(query.filters))
            assert results.available
            return results.total

        print(f"Querying: {len(warmup)} warm-up queries, then {len(queries)} measured…",
              flush=True)
        first_started = time.perf_counter()
        whoosh_run(warmup[0])
        cold_ms = (time.perf_counter() - first_started) * 1000
        timed(whoosh_run, warmup[1:])
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        whoosh_times, whoosh_totals = timed(whoosh_run, queries)
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        fts_run = lambda query: fts5_search(conn, query)  # noqa: E731
        timed(fts_run, warmup)
        fts_times, fts_totals = timed(fts_run, queries)
    finally:
        if service is not None:
            service.close()
        if conn is not None:
            conn.close()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    whoosh_summary, fts_summary = summary(whoosh_times), summary(fts_times)
    library_times = [ms for q, ms in zip(queries, whoosh_times, strict=True) if q.library]
    library_fts = [ms for q, ms in zip(queries, fts_times, strict=True) if q.library]
    library_summary = summary(library_times) if library_times else {}
    library_fts_summary = summary(library_fts) if library_fts else {}
    met = whoosh_summary["p95"] < P95_TARGET_MS
    zero_whoosh = sum(1 for t in whoosh_totals if t == 0)
    zero_fts = sum(1 for t in fts_totals if t == 0)
    ratio50 = whoosh_summary["p50"] / fts_summary["p50"]
    ratio95 = whoosh_summary["p95"] / fts_summary["p95"]
    documents = sum(kinds.values())

    print()
    print(f"{documents:,} documents ({kinds['organization']:,} OSC + "
          f"{documents - kinds['organization']:,} others), {len(queries)} queries")
    print(f"{'':<26} {'build s':>8} {'size MB':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'max ms':>8} {'no hits':>8}")
    label = f"Whoosh ({args.procs} proc, {segments} seg)"
    print(f"{label:<26} {whoosh_build:8.1f} {whoosh_size / 1e6:8.0f} "
          f"{whoosh_summary['p50']:8.1f} {whoosh_summary['p95']:8.1f} "
          f"{whoosh_summary['p99']:8.1f} {whoosh_summary['max']:8.1f} {zero_whoosh:8}")
    print(f"{'SQLite FTS5 (bm25)':<26} {fts_build:8.1f} {fts_size / 1e6:8.0f} "
          f"{fts_summary['p50']:8.1f} {fts_summary['p95']:8.1f} {fts_summary['p99']:8.1f} "
          f"{fts_summary['max']:8.1f} {zero_fts:8}")
    print(f"Whoosh / FTS5: {ratio50:.1f}× at p50, {ratio95:.1f}× at p95. Warming the opened "
          f"index: {warm_s:.1f} s ({postings_mb:.0f} MB of postings); first query after it: "
          f"{cold_ms:.0f} ms.")
    print("\nWhoosh by kind of query:")
    whoosh_kinds, fts_kinds = by_kind(queries, whoosh_times), by_kind(queries, fts_times)
    for kind, figures in sorted(whoosh_kinds.items()):
        fts = fts_kinds[kind]
        print(f"  {kind:<14} n={figures['n']:<3} p50 {figures['p50']:6.1f}  p95 "
              f"{figures['p95']:6.1f}  p99 {figures['p99']:6.1f} ms   (FTS5 p50 "
              f"{fts['p50']:5.1f}, p95 {fts['p95']:5.1f})")
    slowest = sorted(zip(whoosh_times, queries, strict=True), key=lambda x: -x[0])[:5]
    print("Slowest: " + "; ".join(f"{q.text!r}{dict(q.filters) or ''} {ms:.0f} ms"
                                  for ms, q in slowest))
    if library_summary:
        print(f"Library-text queries (words from inside the pages, with or without filters): "
              f"n={len(library_times)}, p50 {library_summary['p50']:.1f}  p95 "
              f"{library_summary['p95']:.1f}  p99 {library_summary['p99']:.1f} ms (FTS5 p50 "
              f"{library_fts_summary['p50']:.1f}, p95 {library_fts_summary['p95']:.1f})")
    print(f"Index: {whoosh_size / 1e6:.0f} MB on disk ({segments} segment(s)); library "
          f"{library_page_count:,} pages, {library_chars / 1e6:.0f} M characters.")
    verdict = "MET" if met else "NOT MET"
    print(f"\nTarget: p95 under {P95_TARGET_MS:.0f} ms at this size -> {verdict} "
          f"(p95 {whoosh_summary['p95']:.1f} ms). Whole run {time.perf_counter() - started:.0f} s.")

    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = args.json or RESULTS_DIR / f"search-{stamp}.json"
    out.write_text(json.dumps({
        "when": stamp, "commit": commit_id(), "host": platform.node(),
        "cpus": os.cpu_count(), "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version, "scale": args.scale, "documents": dict(kinds),
        "body_words": words, "generation_s": round(generation_s, 1),
        "reused_build": kept is not None, "per_page": args.per_page,
        "library": {"documents": library_doc_count, "pages": library_page_count,
                    "body_chars": library_chars,
                    "whoosh_text_queries": {"n": len(library_times),
                                            **{k: round(v, 2)
                                               for k, v in library_summary.items()}},
                    "fts5_text_queries": {"n": len(library_fts),
                                          **{k: round(v, 2)
                                             for k, v in library_fts_summary.items()}}},
        "index_size_bytes": whoosh_size,
        "whoosh": {"build_s": round(whoosh_build, 1), "size_bytes": whoosh_size,
                   "writer_procs": args.procs, "segments": segments,
                   "warm_s": round(warm_s, 2), "warm_postings_mb": round(postings_mb, 1),
                   "cold_first_query_ms": round(cold_ms, 1),
                   **{k: round(v, 2) for k, v in whoosh_summary.items()},
                   "by_kind": whoosh_kinds, "queries_without_hits": zero_whoosh},
        "fts5": {"build_s": round(fts_build, 1), "size_bytes": fts_size,
                 **{k: round(v, 2) for k, v in fts_summary.items()},
                 "by_kind": fts_kinds, "queries_without_hits": zero_fts},
        "ratio_p50": round(ratio50, 2), "ratio_p95": round(ratio95, 2),
        "target_p95_ms": P95_TARGET_MS, "target_met": met,
        "queries": [{"q": q.text, "kind": q.kind, "filters": dict(q.filters),
                     "library": q.library,
                     "whoosh_ms": round(w, 2), "whoosh_total": wt,
                     "fts5_ms": round(f, 2), "fts5_total": ft}
                    for q, w, wt, f, ft in zip(queries, whoosh_times, whoosh_totals, fts_times,
                                               fts_totals, strict=True)],
    }, ensure_ascii=False, indent=1) + "\n")
    print(f"Results: {out}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
