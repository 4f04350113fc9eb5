"""Which page a library hit points to, and how staff write authors with nested parentheses."""

from community.library.search import resource_snippet
from community.library.services import parse_creators
from community.search.service import clean_query, query_words


def _terms(q: str) -> frozenset[str]:
    return frozenset(stem for word in query_words(clean_query(q)) for stem in word.stems)


def test_a_phrase_leads_to_the_page_that_holds_it_not_to_the_first_of_its_words():
    body = ("Guía sobre huertos.\f"
            "Lo común en los municipios es la falta de agua.\f"
            "Otra página sin nada.\f"
            "El huerto escolar Raíz Común de Zumpango reunió a cuarenta familias.")
    snippet, page = resource_snippet(body, _terms("huerto escolar Raíz Común de Zumpango"))
    assert page == 3  # the record, then "\f" before each page
    assert "<mark>Zumpango</mark>" in snippet


def test_the_record_counts_only_when_no_page_matches():
    body = "Manual de visibilidad.\fTexto de la primera página.\fSegunda página."
    assert resource_snippet(body, _terms("visibilidad"))[1] is None
    assert resource_snippet(body, _terms("segunda visibilidad"))[1] == 2


def test_an_affiliation_may_carry_its_own_parentheses():
    people = parse_creators("Ana López (Universidad Autónoma del Estado de México (UAEMex))\n"
                            "Luis Pérez | El Colegio Mexiquense")
    assert people == [("Ana López", "Universidad Autónoma del Estado de México (UAEMex)"),
                      ("Luis Pérez", "El Colegio Mexiquense")]
