"""/buscar, /api/v1/buscar and the directory's text filter, through HTTP."""

import pytest

from community.search import index

HOSTILE = ['"', "title:x", "(((", "*", "AND", "OR NOT", "~2", "a\"b", "\\", "%", "x" * 5000,
           "<script>alert(1)</script>", "ague", "🙂 mujeres"]


@pytest.fixture
def orgs(make_org):
    return {
        "neza": make_org(name="Red de Mujeres de Nezahualcóyotl", municipality="15058",
                         activities=("VI",), mission="Capacitación y asesoría para mujeres."),
        "toluca": make_org(name="Comedor Comunitario de Toluca", municipality="15106",
                           activities=("II",), mission="Alimentación para familias."),
        "pending": make_org(name="Mujeres Pendientes", status="pending", activities=("VI",)),
    }


def test_search_page_finds_with_facets_and_snippets(client, orgs):
    body = client.get("/buscar?q=capacitaciones").get_data(as_text=True)
    assert "Red de Mujeres de Nezahualcóyotl" in body and "<mark>" in body
    body = client.get("/buscar?q=mujeres").get_data(as_text=True)
    assert "Mujeres Pendientes" not in body  # unvalidated OSCs never appear
    assert "Nezahualcóyotl" in body and "(1)" in body  # the municipality facet


def test_typo_gets_a_suggestion(client, orgs):
    body = client.get("/buscar?q=toluka").get_data(as_text=True)
    assert "Comedor Comunitario de Toluca" in body
    assert "¿Quisiste decir" in body


def test_facet_filter_narrows(client, orgs):
    data = client.get("/api/v1/buscar?q=comunitario+mujeres&municipio=15106").get_json()
    assert [hit["title"] for hit in data["hits"]] == ["Comedor Comunitario de Toluca"]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_fail(client, orgs, q):
    assert client.get("/buscar", query_string={"q": q}).status_code == 200
    assert client.get("/api/v1/buscar", query_string={"q": q}).status_code == 200


def test_a_nul_character_is_a_bad_request_not_a_query(client, orgs):
    """Refused before the view, as on every route (core.security.refuse_nul_characters)."""
    assert client.get("/buscar", query_string={"q": "a\x00b"}).status_code == 400
    response = client.get("/api/v1/buscar", query_string={"q": "\x00"})
    assert response.status_code == 400 and response.is_json


def test_api_shape_and_empty_query(client, orgs):
    data = client.get("/api/v1/buscar?q=nezahualcoyotl").get_json()
    assert data["total"] == 1 and data["hits"][0]["kind"] == "organization"
    assert {"kind", "municipality", "area", "year"} <= set(data["facets"])
    assert client.get("/api/v1/buscar").status_code == 400


def test_directory_text_filter_agrees_with_search(client, orgs):
    directory = client.get("/api/v1/osc?q=capacitacion").get_json()
    search = client.get("/api/v1/buscar?q=capacitacion").get_json()
    assert [i["slug"] for i in directory["items"]] == [h["url"].rsplit("/", 1)[1]
                                                       for h in search["hits"]]


def test_missing_index_pages_still_serve(app, client, orgs):
    for leftover in index.index_path().parent.glob(index.index_path().name + "*"):
        if leftover.is_symlink():
            leftover.unlink()
    body = client.get("/buscar?q=mujeres").get_data(as_text=True)
    assert "se está reconstruyendo" in body
    assert client.get("/api/v1/buscar?q=mujeres").status_code == 503
    assert client.get("/osc?q=mujeres").status_code == 200  # falls back to the name filter
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["status"] == "degraded"


def test_the_page_shows_ten_results_and_the_api_twenty(client, make_org):
    for number in range(25):
        make_org(name=f"Huerto Comunitario {number:02}", mission="Huertos para familias.")
    first = client.get("/buscar?q=huerto+comunitario").get_data(as_text=True)
    assert first.count("Huerto Comunitario ") == 10
    last = client.get("/buscar?q=huerto+comunitario&page=3").get_data(as_text=True)
    assert last.count("Huerto Comunitario ") == 5
    data = client.get("/api/v1/buscar?q=huerto+comunitario").get_json()
    assert data["total"] == 25 and len(data["hits"]) == 20
