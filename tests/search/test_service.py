"""The query service on a small index of realistic documents, written directly."""

import logging
import math
import threading

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.query import Or, Term

from community.search import service
from community.search.engine import PostingsCache, Scorer, SegmentCache, TermRef, top
from community.search.schema import build_schema
from community.search.service import (
    SearchService,
    Word,
    _Plan,
    _WordMatch,
    clean_query,
    query_words,
    visibility_for,
)

TOLUCA, NEZA, ECATEPEC, NAUCALPAN, METEPEC = "15106", "15058", "15033", "15057", "15054"
CHALCO, TEXCOCO, TLALNEPANTLA, VALLE_CHALCO = "15025", "15099", "15104", "15122"
PLACES = {TOLUCA: "Toluca", NEZA: "Nezahualcóyotl", ECATEPEC: "Ecatepec de Morelos",
          NAUCALPAN: "Naucalpan de Juárez", METEPEC: "Metepec", CHALCO: "Chalco",
          TEXCOCO: "Texcoco", TLALNEPANTLA: "Tlalnepantla de Baz",
          VALLE_CHALCO: "Valle de Chalco Solidaridad", "": ""}

# (kind, object id, title, body, municipality, areas, year[, visibility])
DOCS = [
    ("organization", 1, "Mujeres Unidas de Ecatepec",
     "Apoyo a mujeres víctimas de violencia en Ecatepec: acompañamiento psicológico, "
     "asesoría jurídica y talleres de autonomía económica.", ECATEPEC, "IV,VI", "2024"),
    ("organization", 2, "Red de Emprendedoras del Valle de Toluca",
     "Capacitación en finanzas personales y acompañamiento a mujeres emprendedoras de la "
     "zona metropolitana.", TOLUCA, "VI,XIV", "2023"),
    ("organization", 3, "Centro de Fortalecimiento Institucional",
     "Capacitación y profesionalización de organizaciones de la sociedad civil: "
     "contabilidad, transparencia y procuración de fondos.", TOLUCA, "XVI", "2024"),
    ("organization", 4, "Fundación Niñez Feliz",
     "Atención integral a la niñez en situación de calle: alimentación, escuela y juego.",
     NEZA, "I,IX", "2022"),
    ("organization", 5, "Guardianes del Bosque",
     "Reforestación del Nevado y educación ambiental con escuelas; cuidado del medio "
     "ambiente y del agua.", TOLUCA, "XII", "2024"),
    ("organization", 6, "Colectivo Verde",
     "Huertos urbanos, separación de residuos y defensa del medio ambiente en colonias "
     "populares.", NEZA, "XII,VIII", "2023"),
    ("organization", 7, "Deporte para Todos",
     "Ligas de futbol y basquetbol para jóvenes; el deporte como prevención.",
     ECATEPEC, "X", "2022"),
    ("organization", 8, "Comedor Comunitario San Agustín",
     "Alimentación popular: un comedor que sirve doscientas comidas diarias.",
     ECATEPEC, "II,I", "2024"),
    ("organization", 9, "Centro de Derechos Humanos Miguel Hidalgo",
     "Defensa de derechos humanos y asesoría jurídica gratuita a familias.",
     NAUCALPAN, "IX,IV", "2021"),
    ("organization", 10, "Escuela de Procuración de Fondos",
     "Talleres de procuración de fondos, redacción de proyectos y capacitación de "
     "voluntarios para organizaciones pequeñas.", METEPEC, "XVI", "2024"),
    ("organization", 11, "Manos que Ayudan",
     "Servicios para personas con discapacidad: terapia, transporte y empleo.",
     CHALCO, "VII", "2023"),
    ("organization", 12, "Jóvenes por la Cultura",
     "Teatro, música y bibliotecas comunitarias con jóvenes.", TEXCOCO, "XIII", "2024"),
    ("organization", 13, "Salud Comunitaria",
     "Brigadas de salud, vacunación y prevención de diabetes.", TLALNEPANTLA, "XI", "2022"),
    ("organization", 14, "Pueblos Originarios Unidos",
     "Lengua otomí y mazahua, artesanías y derechos de comunidades indígenas.",
     TOLUCA, "V", "2021"),
    ("organization", 15, "Protección Civil Ciudadana",
     "Brigadas vecinales de protección civil y primeros auxilios.", ECATEPEC, "XV", "2023"),
    ("organization", 16, "Mujeres y Niñas Libres",
     "Prevención de la violencia contra mujeres y niñas; talleres de capacitación para "
     "docentes.", NEZA, "VI,IX", "2024"),
    ("organization", 17, "Consumidores Informados",
     "Orientación a consumidores y defensa ante abusos de proveedores.", METEPEC, "XVII",
     "2020"),
    ("organization", 18, "Tejido Social",
     "Recuperación de espacios públicos y seguridad ciudadana.", CHALCO, "XVIII", "2024"),
    ("organization", 19, "Banco de Alimentos",
     "Rescate de alimentos y apoyo alimentario a familias vulnerables.", TOLUCA, "II",
     "2024"),
    ("organization", 20, "Asociación Mexiquense de Apoyo a la Niñez",
     "Niños y niñas con cáncer: hospedaje, medicamentos y acompañamiento.", NAUCALPAN, "I",
     "2023"),
    ("event", 1, "Taller de capacitación en procuración de fondos",
     "Un taller práctico de un día para organizaciones de la sociedad civil.", TOLUCA,
     "XVI", "2025"),
    ("event", 2, "Foro de medio ambiente",
     "Organizaciones ambientalistas presentan sus proyectos de reforestación.", NEZA, "XII",
     "2025"),
    ("event", 3, "Jornada de salud para mujeres",
     "Mastografías y consultas gratuitas.", ECATEPEC, "XI,VI", "2025"),
    ("resource", 1, "Guía de capacitación para consejos directivos",
     "Buenas prácticas de gobierno para organizaciones.", "", "XVI", "2023"),
    ("resource", 2, "Manual de procuración de fondos",
     "Cómo preparar una convocatoria y un presupuesto.", "", "XVI", "2022"),
    ("resource", 3, "Informe sobre violencia contra mujeres",
     "Datos del Estado de México sobre violencia de género.", "", "VI", "2024"),
    ("topic", 1, "¿Alguien conoce convocatorias de capacitación?",
     "Busco cursos para nuestra asociación.", TOLUCA, "", "2025"),
    ("post", 1, "Experiencia con huertos escolares",
     "Comparto cómo empezamos el huerto de la escuela.", NEZA, "XII", "2025"),
    ("organization", 29, "Colectivo <b>Arte</b> Urbano",
     "<script>alert('x')</script> Murales & talleres de arte <b>urbano</b> para jóvenes.",
     ECATEPEC, "XIII", "2024"),
    ("organization", 30, "Mujeres en reunión privada",
     "Un documento que sólo ven las asociadas, confidencialmente.", ECATEPEC, "VI", "2024",
     "members:3"),
    ("organization", 31, "Vecinos Solidarios",
     "Acopio de víveres y apoyo en inundaciones.", VALLE_CHALCO, "XV,VIII", "2023"),
]


@pytest.fixture(autouse=True)
def _service_log_enabled(monkeypatch):
    """Alembic's fileConfig (run by the suite's migrations) disables every logger that
    existed before it; these tests read what the service logs, so they need it on."""
    monkeypatch.setattr(logging.getLogger("community.search.service"), "disabled", False)


def _document(row):
    kind, object_id, title, body, code, areas, year, *rest = row
    place = PLACES[code]
    return dict(id=f"{kind}:{object_id}", kind=kind, object_id=object_id, title=title,
                body=body, place=place, words=f"{title} {body} {place}", municipality=code,
                areas=areas, year=year, visibility=rest[0] if rest else "public",
                url=f"/{kind}/{object_id}")


def _write(ix, rows):
    writer = ix.writer()
    for row in rows:
        writer.update_document(**{k: v for k, v in _document(row).items() if v != ""})
    writer.commit()


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("search-index")
    ix = whoosh_index.create_in(str(path), build_schema())
    _write(ix, DOCS[:15])
    _write(ix, DOCS[15:])  # two segments, as an index that grew
    return path


@pytest.fixture(scope="module")
def svc(index_dir):
    ix = whoosh_index.open_dir(str(index_dir))
    service = SearchService(lambda: ix)
    yield service
    service.close()


def ids(results):
    return [hit.id for hit in results.hits]


def everything(svc, q, **kwargs):
    return svc.search(q, per_page=100, **kwargs)


# -- words, accents, stems ----------------------------------------------------------------


def test_accents_and_case_do_not_matter(svc):
    plain = everything(svc, "nezahualcoyotl")
    accented = everything(svc, "Nezahualcóyotl")
    shouting = everything(svc, "NEZAHUALCÓYOTL")
    assert plain.total == 5
    assert set(ids(plain)) == set(ids(accented)) == set(ids(shouting))
    assert all(hit.municipality == NEZA for hit in plain.hits)
    assert not plain.fuzzy_used and plain.suggestion is None

    upper = everything(svc, "CAPACITACION")
    assert {"organization:2", "organization:3", "event:1", "resource:1"} <= set(ids(upper))


def test_decomposed_accents_are_composed_first(svc):
    decomposed = "Nezahualco\u0301yotl"
    assert set(ids(everything(svc, decomposed))) == set(ids(everything(svc, "nezahualcoyotl")))


def test_stemming_finds_other_forms(svc):
    plural = everything(svc, "capacitaciones")
    assert set(ids(plural)) == set(ids(everything(svc, "capacitación")))
    assert "organization:3" in ids(plural)

    singular = everything(svc, "mujer")
    assert "organization:1" in ids(singular)  # its text says only "mujeres"
    assert set(ids(singular)) == set(ids(everything(svc, "mujeres")))
    assert "organization:20" in ids(everything(svc, "niña"))  # "niños y niñas"


def test_title_matches_rank_first(svc):
    results = everything(svc, "procuración de fondos")
    assert results.hits[0].id in {"organization:10", "resource:2", "event:1"}
    assert "organization:3" in ids(results)  # in the body only


def test_multi_word_need_ranks_the_best_match_first(svc):
    results = everything(svc, "apoyo a mujeres en ecatepec")
    assert results.hits[0].id == "organization:1"
    # Only one document has every word: the others with any of them follow.
    assert results.broadened
    assert results.total > 3


def test_and_is_kept_when_enough_documents_have_every_word(svc):
    results = everything(svc, "medio ambiente")
    assert not results.broadened
    assert set(ids(results)) == {"organization:5", "organization:6", "event:2"}


def test_stopwords_only_give_nothing(svc):
    results = svc.search("de la en y")
    assert results.available and results.total == 0 and results.hits == []


# -- typos --------------------------------------------------------------------------------


def test_typo_finds_the_place_and_suggests_it(svc):
    results = everything(svc, "toluka")
    assert results.fuzzy_used
    assert results.total > 0
    assert all(hit.municipality == TOLUCA for hit in results.hits)
    assert results.suggestion == "toluca"
    assert svc.search("Toluka").suggestion == "Toluca"


def test_typo_in_a_long_word(svc):
    results = everything(svc, "nezahualcoyot")
    assert results.fuzzy_used
    assert set(ids(results)) == set(ids(everything(svc, "nezahualcóyotl")))
    assert results.suggestion == "nezahualcoyotl"


def test_typo_next_to_a_right_word_keeps_the_rest(svc):
    results = everything(svc, "capacitacion en toluka")
    assert results.suggestion == "capacitacion en toluca"
    assert results.hits[0].municipality == TOLUCA
    assert results.hits[0].id in {"organization:2", "organization:3", "event:1", "topic:1"}


def test_fuzzy_stays_off_when_the_word_exists(svc):
    results = svc.search("toluca")
    assert not results.fuzzy_used and results.suggestion is None


def test_no_suggestion_when_nothing_is_close(svc):
    results = svc.search("zzzzqqqq")
    assert results.available and results.total == 0 and results.suggestion is None


def test_a_word_found_nowhere_finds_the_places_it_begins(svc):
    """People shorten long municipality names: "Neza" is Nezahualcóyotl."""
    results = everything(svc, "Neza")
    in_neza = {f"{kind}:{i}" for kind, i, _t, _b, code, *_ in DOCS if code == NEZA}
    assert results.total == len(in_neza) and set(ids(results)) == in_neza
    assert results.suggestion is None  # a short name, not a typo
    assert everything(svc, "nez").total == 0  # three letters say too little
    assert everything(svc, "neza ambiente").hits[0].id in in_neza  # with other words too


def test_a_silent_h_left_out_is_still_found_and_suggested(svc):
    results = everything(svc, "derechos umanos")
    assert results.hits[0].id == "organization:9"
    assert results.suggestion == "derechos humanos"


def test_short_words_are_never_fuzzy(svc):
    results = svc.search("abc")
    assert results.total == 0 and not results.fuzzy_used


# -- filters and facets -------------------------------------------------------------------


def _counts(results, facet):
    return dict(results.facets[facet])


def test_facets_count_the_query_and_are_sorted(svc):
    results = everything(svc, "mujeres")
    assert set(results.facets) == {"kind", "municipality", "area", "year"}
    assert _counts(results, "kind") == {"organization": 3, "event": 1, "resource": 1}
    assert results.facets["kind"][0] == ("organization", 3)
    assert _counts(results, "municipality") == {ECATEPEC: 2, NEZA: 1, TOLUCA: 1}
    # Overlapping: a document in two activity areas counts in both.
    assert _counts(results, "area")["VI"] == 5
    assert _counts(results, "area")["IX"] == 1
    for values in results.facets.values():
        counts = [count for _value, count in values]
        assert counts == sorted(counts, reverse=True)
    assert sum(_counts(results, "kind").values()) == results.total


def test_a_facet_filter_narrows_but_keeps_its_own_counts(svc):
    unfiltered = everything(svc, "mujeres")
    results = everything(svc, "mujeres", municipality=ECATEPEC)
    assert {hit.municipality for hit in results.hits} == {ECATEPEC}
    assert results.total == 2
    # Its own facet is counted without it, so one can switch municipality...
    assert results.facets["municipality"] == unfiltered.facets["municipality"]
    # ...and the other facets count only what the filter keeps.
    assert _counts(results, "kind") == {"organization": 1, "event": 1}

    both = everything(svc, "mujeres", municipality=ECATEPEC, kind="event")
    assert ids(both) == ["event:3"]
    assert _counts(both, "kind") == {"organization": 1, "event": 1}
    assert _counts(both, "municipality") == {ECATEPEC: 1}


def test_area_and_year_filters(svc):
    results = everything(svc, "capacitación", area="XVI")
    assert results.total > 0 and all("XVI" in hit.areas for hit in results.hits)
    assert everything(svc, "capacitación", year=2025).total == 2  # an int is fine
    assert everything(svc, "capacitación", year="1999").total == 0


def test_unknown_filter_values_give_nothing(svc):
    for kwargs in ({"kind": "nada"}, {"municipality": "99999"}, {"area": "XXX"},
                   {"year": "dos mil"}, {"kind": "a\x00b"}, {"municipality": "x" * 5000}):
        results = svc.search("mujeres", **kwargs)
        assert results.available and results.total == 0


def test_hidden_documents_are_neither_hits_nor_counted(svc):
    assert svc.search("privada").total == 0
    assert svc.search("confidencialmente").total == 0
    assert "organization:30" not in ids(everything(svc, "mujeres ecatepec"))
    assert _counts(everything(svc, "reunión mujeres"), "municipality").get(ECATEPEC) == 2


def test_visibility_is_public_plus_what_registered_audiences_grant(monkeypatch):
    from flask_login import AnonymousUserMixin

    from community.search import registry

    monkeypatch.setattr(registry, "_AUDIENCES", [])
    assert visibility_for(None) == {"public"}
    calls = []

    def members(user):
        calls.append(user)
        return {"members"} if getattr(user, "is_authenticated", False) else set()

    def broken(user):
        raise RuntimeError("down")

    registry.register_audience(members)
    registry.register_audience(members)  # once, however often it is registered
    registry.register_audience(broken)  # grants nothing, never fails the query
    assert visibility_for(None) == {"public"}
    assert visibility_for(AnonymousUserMixin()) == {"public"}
    assert len(calls) == 2


# -- hits, snippets, pages ----------------------------------------------------------------


def test_hits_carry_what_a_result_page_shows(svc):
    hit = svc.search("comedor").hits[0]
    assert hit.id == "organization:8" and hit.kind == "organization" and hit.object_id == 8
    assert hit.title == "Comedor Comunitario San Agustín"
    assert hit.url == "/organization/8"
    assert hit.municipality == ECATEPEC and hit.areas == ["II", "I"] and hit.year == "2024"
    assert "<mark>comedor</mark>" in hit.snippet


def test_snippets_escape_the_document_and_mark_the_words(svc):
    hit = svc.search("murales").hits[0]
    snippet = str(hit.snippet)
    assert "<mark>Murales</mark>" in snippet
    assert snippet.startswith("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; <mark>")
    assert "&amp;" in snippet and "&lt;b&gt;" in snippet and snippet.endswith("jóvenes.")
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    assert hit.snippet.__html__() == snippet  # Markup: templates must not escape it again


def test_snippets_mark_fuzzy_matches_and_fall_back_to_the_beginning(svc):
    fuzzy = everything(svc, "reforestasion")
    assert fuzzy.fuzzy_used and fuzzy.suggestion == "reforestacion"
    forest = next(hit for hit in fuzzy.hits if hit.id == "organization:5")
    assert str(forest.snippet).startswith("<mark>Reforestación</mark> del Nevado")
    # A document that matched on its place only: its snippet is its opening text.
    centre = next(hit for hit in everything(svc, "toluka").hits
                  if hit.id == "organization:3")
    assert str(centre.snippet).startswith("Capacitación y profesionalización")


def test_pagination(svc):
    first = svc.search("mujeres", per_page=2)
    assert first.total == 5 and first.pages == 3 and first.page == 1 and len(first.hits) == 2
    seen = []
    for page in (1, 2, 3):
        results = svc.search("mujeres", per_page=2, page=page)
        assert results.page == page and results.total == 5
        seen += ids(results)
    assert len(seen) == len(set(seen)) == 5
    assert seen == ids(everything(svc, "mujeres"))
    past = svc.search("mujeres", per_page=2, page=99)
    assert past.page == 3 and ids(past) == seen[4:]
    odd = svc.search("mujeres", per_page="muchos", page="otra")
    assert odd.page == 1 and odd.per_page == 20


def test_ids_for_agrees_with_search(svc):
    found = svc.ids_for("mujeres", "organization")
    assert found == [hit.object_id for hit in
                     everything(svc, "mujeres", kind="organization").hits]
    assert found and all(isinstance(i, int) for i in found)
    assert svc.ids_for("toluka", "organization") == [
        hit.object_id for hit in everything(svc, "toluka", kind="organization").hits]
    assert svc.ids_for("", "organization") == []
    assert svc.ids_for("mujeres", "event") == [3]


# -- hostile input ------------------------------------------------------------------------

HOSTILE = [
    '"', "'", ":", "()", "(((", ")))", "*", "?", "AND", "OR NOT", "NOT", "title:x",
    "title:mujeres", 'a"b', '"mujeres', "mujeres\"", "\\", "%", "_", "__", "[", "]", "{", "}",
    "~2", "mujeres~2", "^3", "mujeres^3", "-", "+", "-mujeres", "+mujeres", "*:*", "a*",
    "mu*", "[a TO z]", "{0 TO 9}", "/regex/", "x" * 10_000, "mujeres " * 2_000,
    "palabra " * 50, "\x00", "mujeres\x00ecatepec", "\ud800", "😀", "🏳️‍🌈 mujeres",
    "مرحبا بالعالم", "שלום", "\u202emujeres", "ague", "argue algue", "averigüe", "",
    "   ", "\t\n", "<script>alert(1)</script>", "' OR 1=1 --", "%00", "$(rm -rf)",
    "ñ" * 300, "a" * 25, "nezahualcoyotl" * 3, " ".join(f"palabra{n}" for n in range(50)),
    " ".join(["capacitación", "mujeres", "toluka", "ecatepek"] * 10),
]


@pytest.mark.parametrize("q", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_strings_never_raise(svc, q, caplog):
    with caplog.at_level(logging.ERROR, logger="community.search"):
        results = svc.search(q)
        with_filters = svc.search(q, kind="organization", municipality=ECATEPEC, area="VI",
                                  year="2024", page=3, per_page=5)
        found = svc.ids_for(q, "organization")
    assert results.available and with_filters.available and found is not None
    assert not caplog.records
    assert len(clean_query(q)) <= 200 and len(query_words(clean_query(q))) <= 12


def test_operators_are_plain_words(svc):
    assert set(ids(everything(svc, "mujeres AND ecatepec"))) == set(
        ids(everything(svc, "mujeres ecatepec")))
    assert set(ids(everything(svc, "title:mujeres"))) >= {"organization:1"}
    assert svc.search(None).total == 0


# -- the index itself ---------------------------------------------------------------------


def test_a_missing_index_is_unavailable_not_an_error():
    svc = SearchService(lambda: None)
    results = svc.search("mujeres", municipality=TOLUCA)
    assert results.available is False and results.hits == [] and results.total == 0
    assert set(results.facets) == {"kind", "municipality", "area", "year"}
    assert svc.ids_for("mujeres", "organization") is None


def test_a_broken_index_is_logged_and_unavailable(caplog):
    def broken():
        raise OSError("disco lleno")

    with caplog.at_level(logging.ERROR, logger="community.search"):
        results = SearchService(broken).search("mujeres")
    assert results.available is False
    assert "search failed" in caplog.text


def test_commits_and_swaps_are_seen(tmp_path):
    (tmp_path / "a").mkdir()
    first = whoosh_index.create_in(str(tmp_path / "a"), build_schema())
    _write(first, DOCS[:3])
    current = {"ix": first, "generation": "a"}
    svc = SearchService(lambda: current["ix"], lambda: current["generation"])
    assert svc.search("comedor").total == 0

    _write(first, [DOCS[7]])  # a commit: the open searcher is refreshed
    assert ids(svc.search("comedor")) == ["organization:8"]

    (tmp_path / "b").mkdir()
    second = whoosh_index.create_in(str(tmp_path / "b"), build_schema())
    _write(second, [DOCS[10]])
    current.update(ix=second, generation="b")  # a reindex swapped in a new folder
    assert svc.search("comedor").total == 0
    assert ids(svc.search("discapacidad")) == ["organization:11"]

    current.update(ix=None, generation="c")  # being rebuilt
    assert svc.search("discapacidad").available is False
    svc.close()


def test_one_searcher_is_kept_between_searches(svc):
    svc.search("mujeres")
    searcher, epoch = svc._acquire()
    svc._release(searcher, epoch)
    svc.search("toluca")
    again, _ = svc._acquire()
    svc._release(again, epoch)
    assert again is searcher


def test_concurrent_searches_while_the_index_changes(tmp_path, caplog):
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    _write(ix, DOCS)
    svc = SearchService(lambda: ix)
    errors = []
    queries = ["mujeres", "toluka", "capacitación en toluca", "medio ambiente", "niñez"]

    def reader():
        try:
            for n in range(40):
                results = svc.search(queries[n % len(queries)], per_page=5)
                assert results.available and results.total > 0
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    with caplog.at_level(logging.ERROR, logger="community.search"):
        threads = [threading.Thread(target=reader) for _ in range(6)]
        for thread in threads:
            thread.start()
        for n in range(5):
            _write(ix, [DOCS[n]])
        for thread in threads:
            thread.join()
    svc.close()
    assert errors == [] and not caplog.records


def test_updates_and_deletions_are_reflected_in_hits_and_facets(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    _write(ix, DOCS)
    svc = SearchService(lambda: ix)
    before = svc.search("comedor")
    assert _counts(before, "municipality") == {ECATEPEC: 1}

    moved = ("organization", 8, "Comedor Comunitario San Agustín",
             "Alimentación popular: un comedor que sirve doscientas comidas diarias.",
             TOLUCA, "II", "2025")
    _write(ix, [moved])  # update_document: a deletion in the old segment and a new one
    after = svc.search("comedor")
    assert after.total == 1
    assert _counts(after, "municipality") == {TOLUCA: 1}
    assert _counts(after, "year") == {"2025": 1}
    assert ECATEPEC not in _counts(svc.search("alimentación"), "municipality")

    writer = ix.writer()
    writer.delete_by_term("id", "organization:8")
    writer.commit()
    assert svc.search("comedor").total == 0
    assert svc.ids_for("comedor", "organization") == []
    svc.close()


def _filler(n):
    """Documents enough for postings of several blocks (Whoosh writes 128 per block)."""
    words = ("capacitación", "mujeres", "Toluca", "agua", "talleres", "fondos", "jóvenes")
    body = " ".join(words[j % len(words)] for j in range(n % 9 + 1))
    return ("post", 1000 + n, f"Mensaje {n} sobre {words[n % len(words)]}", body,
            [TOLUCA, NEZA, ""][n % 3], "", str(2018 + n % 7))


def test_postings_and_scores_agree_with_whoosh(tmp_path):
    """Postings read a block at a time, and their BM25F scores, are what Whoosh's own
    matchers and scorer give: with several segments, deletions and multi-block terms."""
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    _write(ix, DOCS[:20] + [_filler(n) for n in range(300)])
    _write(ix, DOCS[20:] + [_filler(n) for n in range(300, 700)])
    writer = ix.writer()
    writer.delete_by_term("id", "organization:3")
    writer.delete_by_term("id", "post:1010")
    writer.commit(merge=False)
    terms = [("body", "capacit"), ("title", "mujer"), ("place", "toluc"), ("words", "agua"),
             ("body", "fond"), ("kind", "organization"), ("year", "2020"),
             ("body", "inexistente")]
    with ix.searcher() as searcher:
        assert searcher.reader().has_deletions() and not searcher.is_atomic()
        scorer = Scorer(searcher.reader(), SegmentCache(), PostingsCache())
        size = scorer.doc_count
        everything = []
        for fieldname, text in terms:
            postings = scorer.read(TermRef(fieldname, text))
            everything.append(postings)
            found = set(np.flatnonzero(postings.mask(size) & scorer.live).tolist())
            assert found == set(searcher.docs_for_query(Term(fieldname, text)))
            if fieldname in ("title", "body", "place", "words"):
                scores = np.zeros(size)
                scorer.add_scores(scores, postings)
                hits = searcher.search(Term(fieldname, text), limit=None)
                assert _live_scores(scores, scorer.live) == pytest.approx(
                    {hit.docnum: hit.score for hit in hits})
        assert max(len(ids) for p in everything for _o, ids, _w in p.parts) > 128
        scores = np.zeros(size)
        for postings in everything[:5]:
            scorer.add_scores(scores, postings)
        either = Or([Term(fieldname, text) for fieldname, text in terms[:5]])
        hits = searcher.search(either, limit=None)
        assert _live_scores(scores, scorer.live) == pytest.approx(
            {hit.docnum: hit.score for hit in hits})


def _live_scores(scores, live) -> dict[int, float]:
    return {int(d): float(scores[d]) for d in np.flatnonzero((scores > 0) & live)}


def test_postings_cache_keeps_what_fits_and_drops_the_least_recently_used(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    _write(ix, DOCS + [_filler(n) for n in range(300)])
    with ix.searcher() as searcher:
        leaf = searcher.reader().leaf_readers()[0][0]
        one = PostingsCache(max_bytes=10**9)
        ids, weights = one.get(leaf, "body", "capacit")
        assert one.get(leaf, "body", "capacit")[0] is ids  # the same arrays: not read again
        assert one.bytes == ids.nbytes + weights.nbytes and len(one) == 1
        small = PostingsCache(max_bytes=ids.nbytes + weights.nbytes)
        small.get(leaf, "body", "capacit")
        small.get(leaf, "body", "fond")  # does not fit beside it: the older one goes
        assert len(small) == 1 and small.bytes <= small.max_bytes
        tiny = PostingsCache(max_bytes=8)
        assert len(tiny.get(leaf, "body", "capacit")[0]) == len(ids) and len(tiny) == 0
        fond_ids, fond_weights = one.get(leaf, "body", "fond")
        one.resize(fond_ids.nbytes + fond_weights.nbytes)  # the oldest go at once
        assert len(one) == 1 and one.bytes <= one.max_bytes
        assert one.get(leaf, "body", "fond")[0] is fond_ids  # the newest stayed


def test_top_orders_by_key_then_document_number():
    candidates = np.array([3, 5, 8, 9, 12, 20])
    keys = np.array([1.0, 2.0, 2.0, 0.5, 2.0, 3.0])
    assert candidates[top(candidates, keys, 3)].tolist() == [20, 5, 8]
    assert candidates[top(candidates, keys, 10)].tolist() == [20, 5, 8, 12, 3, 9]
    assert top(candidates, keys, 0).tolist() == []


def test_the_process_service_answers_inside_the_app(app):
    """The module-level functions use the app's index (or say it is unavailable)."""
    results = service.search("capacitación", per_page=5)
    assert isinstance(results.available, bool) and results.total >= 0
    assert service.ids_for("capacitación", "organization") is None or isinstance(
        service.ids_for("capacitación", "organization"), list)


def test_the_process_service_outside_an_app_is_unavailable_not_an_error():
    assert service.search("capacitación").available is False
    assert service.ids_for("capacitación", "organization") is None


def test_a_rarer_word_weighs_more_when_words_are_ored():
    """Broadened, a document's level is the sum of its words' weights (idf): all the words
    first, then a rare word alone before a common one alone, nothing for neither."""
    size = 100
    rare, common = np.zeros(size, bool), np.zeros(size, bool)
    rare[[1, 70]] = True
    common[:60] = True
    matches = [_WordMatch(Word(text, (text,), 0, 0), [], [], docs)
               for text, docs in (("rare", rare), ("common", common))]
    everything = np.ones(size, bool)
    plan = _Plan(matches, rare | common, rare | common, frozenset(), True, frozenset(),
                 everything)
    coord = plan.coordination(size)
    assert coord[1] > coord[70] > coord[5] > coord[99] == 0


def test_broadened_results_rank_documents_with_more_words_first(svc):
    words = ["comedor", "ecatepec", "violencia", "talleres"]
    results = everything(svc, " ".join(words))
    assert results.broadened
    having = {word: set(ids(everything(svc, word))) for word in words}
    coord = [sum(hit.id in having[word] for word in words) for hit in results.hits]
    assert coord == sorted(coord, reverse=True) and coord[0] >= 2
    assert results.total == len(set().union(*having.values()))
    pages = []
    for page in range(1, math.ceil(results.total / 3) + 1):
        pages += ids(svc.search(" ".join(words), per_page=3, page=page))
    assert pages == ids(results)


# -- warming a newly opened index ----------------------------------------------------------

WARM_QUERIES = ["capacitación", "mujeres ecatepec", "toluka", "procuracion de fondos",
                "comedor comunitaryo", "medio ambiente"]


def _answers(service, q):
    results = service.search(q, per_page=100)
    return ids(results), results.total, results.facets, results.suggestion


def test_warm_reads_ahead_and_changes_no_result(index_dir):
    ix = whoosh_index.open_dir(str(index_dir))
    cold, warmed = SearchService(lambda: ix), SearchService(lambda: ix)
    assert warmed.warm() is True
    cache = warmed._postings
    assert len(cache) > 0 and 0 < cache.bytes <= cache.max_bytes // 2
    assert any(key[1:] == ("body", "capacit") for key in cache._entries)  # a common stem
    read = len(cache)
    for q in WARM_QUERIES:
        assert _answers(warmed, q) == _answers(cold, q)
    assert len(cache) > read  # rarer terms still come on demand
    cold.close()
    warmed.close()


def test_warm_keeps_to_its_budget_and_needs_an_index(index_dir):
    ix = whoosh_index.open_dir(str(index_dir))
    service = SearchService(lambda: ix)
    assert service.warm(postings_bytes=0) is True and len(service._postings) == 0
    service.close()
    assert SearchService(lambda: None).warm() is False


def test_opening_an_index_calls_on_open_once(index_dir):
    ix = whoosh_index.open_dir(str(index_dir))
    opened = []
    service = SearchService(lambda: ix, on_open=opened.append)
    service.search("capacitación")
    service.search("mujeres")
    assert opened == [service]
    service.close()  # forgets the index: the next search opens it again
    service.search("capacitación")
    assert opened == [service, service]
    service.close()


def test_an_opened_index_is_warmed_in_a_thread_when_the_app_says_so(app):
    from flask import current_app

    from community.search.service import _warm_in_background

    calls = []

    class Recorder:
        def warm(self):
            calls.append(current_app.name)  # inside the app's context
            return True

    app.config["SEARCH_WARM"] = False
    _warm_in_background(Recorder())
    app.config["SEARCH_WARM"] = True
    _warm_in_background(Recorder())
    for thread in threading.enumerate():
        if thread.name == "search-warm":
            thread.join(10)
    assert calls == [app.name]


def test_ids_for_reads_object_ids_from_the_index_terms_updates_and_deletes_included(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    first = ("organization", 7, "Comedor de Toluca", "Un comedor comunitario.", TOLUCA, "II",
             "2024")
    writer = ix.writer()
    writer.update_document(**_document(first))
    writer.update_document(**_document(first[:3] + ("Comedor comunitario renovado.",)
                                       + first[4:]))  # the same id twice in one segment
    writer.commit()
    _write(ix, [("organization", 8, "Otro comedor", "Comedor en Neza.", NEZA, "II", "2024"),
                ("organization", 9, "Sin relación", "Deporte.", NEZA, "X", "2024")])
    service = SearchService(lambda: ix)
    found = service.ids_for("comedor", "organization")
    assert sorted(found) == [7, 8]  # each once, the replaced document not counted
    writer = ix.writer()
    writer.delete_by_term("id", "organization:8")
    writer.commit()
    assert service.ids_for("comedor", "organization") == [7]
    assert service.ids_for("comedor", "event") == []
    service.close()
