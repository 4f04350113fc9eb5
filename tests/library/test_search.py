"""The library in the one search: page text found with its page, parts before their issue,
restricted text only for its readers, drafts and withdrawn resources never."""

import re
import time

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select

from community.library import access
from community.library.models import Creator, ResourcePage
from community.library.search import MAX_INDEXED_CHARS, resource_snippet
from community.search import service
from community.search.models import SearchOutbox
from community.search.service import visibility_for
from tests.conftest import client_as
from tests.library.factories import add_file, filler, make_resource

ARTICLE_PHRASE = "La composta comunitaria transforma los residuos orgánicos del barrio."
SECRET_PHRASE = "La cartografía participativa del territorio empieza con un recorrido."


def search(q, user=None, **kwargs):
    return service.search(q, user=user, **kwargs)


@pytest.fixture
def issue(app):
    """Ciudadanía Activa 12: front matter on pages 1-2, two articles on pages 3-5 and 6-8."""
    pages = [filler() for _ in range(8)]
    pages[0] = "Ciudadanía Activa número 12. " + filler()
    pages[1] = "Editorial: la participación como oficio. " + filler()
    pages[3] = filler(300) + " " + ARTICLE_PHRASE + " " + filler(300)
    return make_resource(
        "Ciudadanía Activa 12", kind="issue", pages=pages,
        description="Revista de las organizaciones de la sociedad civil.",
        parts=[{"title": "Huertos urbanos en Toluca", "first_page": 3, "last_page": 5,
                "creators": [("Ana Pérez", "Colectivo Verde")]},
               {"title": "Voluntariado juvenil", "first_page": 6, "last_page": 8,
                "creators": ["Luis Gómez"]}])


@pytest.fixture
def restricted(app):
    pages = [filler(), filler(200) + " " + SECRET_PHRASE + " " + filler(200), filler()]
    return make_resource("Manual de mapeo comunitario", access="members", pages=pages,
                         description="Guía para conocer el barrio.")


@pytest.fixture
def people(make_user, make_org, staff):
    member = make_org(status="validated").admin
    return {"anonymous": None, "visitor": AnonymousUserMixin(), "citizen": make_user(),
            "member": member, "staff": staff}


def ids(results):
    """Each hit as "resource:<id>" (a restricted resource's documents are "resource:<id>"
    and "resource:<id>:1"; each person finds one of them)."""
    return [f"{hit.kind}:{hit.object_id}" for hit in results.hits]


def test_a_phrase_inside_an_article_finds_the_article_first_with_the_issues_page(issue):
    article, other = issue.parts
    results = search("composta comunitaria residuos")
    assert results.hits and results.hits[0].id == f"resource:{article.id}"
    hit = results.hits[0]
    assert hit.page == 4 and hit.url == f"/biblioteca/{article.slug}"
    assert "<mark>composta</mark>" in str(hit.snippet).lower()
    assert hit.kind == "resource"
    assert f"resource:{issue.id}" not in ids(results)  # the issue carries no article's text
    assert f"resource:{other.id}" not in ids(results)
    # The issue is found by its own front matter, with its page, and by its table of contents.
    front = search("editorial participacion oficio")
    assert front.hits[0].id == f"resource:{issue.id}" and front.hits[0].page == 2
    assert set(ids(search("voluntariado juvenil"))) == {f"resource:{other.id}",
                                                         f"resource:{issue.id}"}


def test_the_page_is_in_the_api_and_linked_on_the_results_page(client, issue):
    article = issue.parts[0]
    data = client.get("/api/v1/buscar?q=composta+comunitaria").get_json()
    assert data["hits"][0]["id"] == article.id and data["hits"][0]["page"] == 4
    assert data["hits"][0]["url"] == f"/biblioteca/{article.slug}"
    body = client.get("/buscar?q=composta+comunitaria").get_data(as_text=True)
    link = f'href="/biblioteca/{article.slug}/archivo?ver=1#page=4"'
    assert link in body and "página 4" in body
    assert "<mark>composta</mark>" in body


def test_restricted_text_only_for_members_of_a_validated_osc_and_staff(restricted, people):
    key = f"resource:{restricted.id}"
    for who in ("anonymous", "visitor", "citizen"):
        assert search("cartografía participativa", people[who]).total == 0, who
    for who in ("member", "staff"):
        results = search("cartografía participativa", people[who])
        assert ids(results) == [key], who
        assert results.hits[0].page == 2
        assert "<mark>cartografía</mark>" in str(results.hits[0].snippet)


def test_restricted_metadata_is_found_by_everyone_without_its_text(restricted, people):
    key = f"resource:{restricted.id}"
    for who, user in people.items():
        results = search("manual de mapeo", user)
        assert ids(results) == [key], who  # once each: one of the two documents
        assert results.facets["kind"] == [("resource", 1)], who
    outsider = search("manual de mapeo", people["citizen"]).hits[0]
    assert outsider.page is None
    assert "cartograf" not in str(outsider.snippet) and "Lorem" not in str(outsider.snippet)


def test_restricted_through_http(app, client, restricted, people):
    assert client.get("/api/v1/buscar?q=cartografia+participativa").get_json()["total"] == 0
    page = client.get("/buscar?q=mapeo").get_data(as_text=True)
    assert "Manual de mapeo comunitario" in page and "cartograf" not in page
    citizen = client_as(app, people["citizen"])
    assert citizen.get("/api/v1/buscar?q=cartografia+participativa").get_json()["total"] == 0
    member = client_as(app, people["member"])
    data = member.get("/api/v1/buscar?q=cartografia+participativa").get_json()
    assert data["total"] == 1 and data["hits"][0]["page"] == 2
    assert data["facets"]["kind"] == [{"value": "resource", "count": 1}]
    assert "página 2" in member.get("/buscar?q=cartografia").get_data(as_text=True)


def test_a_restricted_issue_restricts_its_parts(app, people):
    issue = make_resource("Ciudadanía Activa 13", kind="issue", access="members",
                          pages=[filler(), ARTICLE_PHRASE, filler()],
                          parts=[{"title": "Composteros", "first_page": 2, "last_page": 2}])
    part = issue.parts[0]
    assert search("composta comunitaria", people["citizen"]).total == 0
    assert ids(search("composta comunitaria", people["member"])) == [f"resource:{part.id}"]


def test_withdrawing_removes_from_search_at_once(db, issue):
    article = issue.parts[0]
    assert search("composta comunitaria").total == 1
    article.status = "withdrawn"
    db.session.commit()
    assert search("composta comunitaria").total == 0
    assert search("huertos urbanos").total == 0  # gone from the issue's contents too
    # Withdrawing the issue withdraws what is left of it: parts and front matter.
    assert search("voluntariado juvenil").total == 2
    issue.status = "withdrawn"
    db.session.commit()
    assert search("voluntariado juvenil").total == 0
    assert search("editorial").total == 0


def test_a_draft_is_never_found(db, people, make_user):
    draft = make_resource("Borrador secreto de la guía", status="draft",
                          pages=["Texto preliminar con la palabra zarzamora."])
    for user in people.values():
        assert search("zarzamora", user).total == 0
        assert search("borrador secreto", user).total == 0
    # A draft part leaves its pages with its published issue.
    issue = make_resource("Ciudadanía Activa 14", kind="issue",
                          pages=[filler(), "Un texto sobre la milpa tradicional."],
                          parts=[{"title": "La milpa", "first_page": 2, "last_page": 2,
                                  "status": "draft"}])
    results = search("milpa tradicional")
    assert ids(results) == [f"resource:{issue.id}"] and results.hits[0].page == 2
    assert search("la milpa", people["staff"]).total == 1
    draft.status = "published"
    db.session.commit()
    assert search("zarzamora").hits[0].page == 1


def test_a_page_far_beyond_32k_characters_gets_its_snippet_and_page(app):
    pages = [filler(5000) for _ in range(20)]
    pages[14] = filler(2500) + " El ajolote de Xochimilco necesita agua limpia. " + filler(2500)
    resource = make_resource("Manual extenso", pages=pages)
    hit = search("ajolote").hits[0]
    assert hit.id == f"resource:{resource.id}" and hit.page == 15
    snippet = str(hit.snippet)
    assert "<mark>ajolote</mark>" in snippet and "Xochimilco" in snippet
    assert snippet.startswith("…") and len(snippet) < 700


def test_the_indexed_text_is_capped(app):
    pages = [filler(60_000) for _ in range(6)] + ["El quetzal al final."]
    make_resource("Enciclopedia", pages=pages)
    assert search("quetzal").total == 0  # after MAX_INDEXED_CHARS: not indexed
    assert MAX_INDEXED_CHARS < 60_000 * 6
    assert search("lorem").hits[0].page == 1


def test_new_text_creators_and_file_versions_reindex(db, issue):
    article = issue.parts[0]
    # A creator added to a part: the part and its issue's table of contents.
    article.creators.append(Creator(position=1, name="Rigoberta Xolalpa"))
    db.session.commit()
    assert set(ids(search("xolalpa"))) == {f"resource:{article.id}", f"resource:{issue.id}"}
    # A new version of the issue's file: the parts read its pages.
    pages = [filler() for _ in range(8)]
    pages[4] = "Nueva versión: el temazcal comunitario."
    add_file(issue, pages)
    db.session.commit()
    results = search("temazcal")
    assert ids(results) == [f"resource:{article.id}"] and results.hits[0].page == 5
    assert search("composta").total == 0
    # Text extracted later (a file waiting for its text, then its pages).
    later = make_resource("Guía sin texto aún", pages=None)
    stored = add_file(later, [], text_status="pending")
    db.session.commit()
    assert search("chinampa").total == 0
    db.session.add(ResourcePage(file_id=stored.id, number=1, text="La chinampa."))
    stored.text_status = "done"
    db.session.commit()
    assert search("chinampa").hits[0].page == 1


def test_three_hundred_pages_write_one_outbox_row(db):
    def rows():
        return db.session.scalar(select(func.count()).select_from(SearchOutbox))

    resource = make_resource("Informe anual", pages=None)
    stored = add_file(resource, [])  # flushed: the file's own row
    before = rows()
    db.session.add_all(ResourcePage(file_id=stored.id, number=n,
                                    text=f"Página {n}. " + filler(200))
                       for n in range(1, 301))
    db.session.flush()
    assert rows() - before == 1  # one flush, one (kind, id) pair: one row
    db.session.commit()
    assert search("informe anual").total == 1


def test_visibility_labels_per_person(people):
    assert visibility_for(None) == {"public", access.OUTSIDERS_LABEL}
    assert visibility_for(people["visitor"]) == {"public", access.OUTSIDERS_LABEL}
    assert visibility_for(people["citizen"]) == {"public", access.OUTSIDERS_LABEL}
    assert visibility_for(people["member"]) == {"public", access.READERS_LABEL}
    assert visibility_for(people["staff"]) == {"public", access.READERS_LABEL}


def test_snippet_of_a_long_body_is_quick_and_finds_the_right_page():
    body = "Descripción.\n" + "".join("\f" + filler(1000) for _ in range(300))
    body = body[: -500] + " la palabra huizache aquí " + body[-500:]
    terms = frozenset({"huizach", "huizache"})
    started = time.perf_counter()
    snippet, page = resource_snippet(body, terms)
    assert time.perf_counter() - started < 0.5
    assert page == 300 and "<mark>huizache</mark>" in str(snippet)
    assert resource_snippet(body, frozenset({"descripcion"}))[1] is None
    assert not re.search(r"<(?!/?mark>)", str(resource_snippet("<b>x</b>\fhuizache <i>",
                                                               terms)[0]))


def test_hits_for_a_page_of_a_listing_only_its_items_and_only_what_each_may_read(
        issue, restricted, people):
    article = issue.parts[0]
    found = service.hits_for("composta comunitaria", "resource", [article.id, issue.id, 10**30,
                                                                 "x", -4, article.id])
    assert set(found) == {article.id}  # the issue does not hold the words; odd ids ignored
    assert found[article.id].page == 4 and "<mark>composta</mark>" in str(
        found[article.id].snippet).lower()
    for who in ("anonymous", "visitor", "citizen"):
        assert service.hits_for("cartografía participativa", "resource", [restricted.id],
                                user=people[who]) == {}, who
        outsider = service.hits_for("mapeo", "resource", [restricted.id], user=people[who])
        assert outsider[restricted.id].page is None, who
        assert "cartograf" not in str(outsider[restricted.id].snippet), who
    member = service.hits_for("cartografía participativa", "resource", [restricted.id],
                              user=people["member"])
    assert member[restricted.id].page == 2
    assert service.hits_for("composta", "event", [article.id]) == {}  # another kind's ids
    assert service.hits_for("", "resource", [article.id]) == {}


def test_every_listed_match_gets_its_snippet_even_far_down_the_ranking(client, db):
    """The catalogue ranks by the search and pages in SQL: the items of page 6 are the
    101st to the 120th best, and each still shows its passage and page."""
    for number in range(120):
        make_resource(f"Guía de huertos {number:03}", commit=False,
                      pages=[filler(40), f"Los huertos escolares número {number} {filler(30)}"])
    db.session.commit()
    body = client.get("/biblioteca?q=huertos+escolares&page=6").get_data(as_text=True)
    listed = re.findall(r"Guía de huertos \d{3}", body)
    assert len(set(listed)) == 20
    assert body.count("<mark>huertos</mark>") >= 20 and body.count("página 2") >= 20


def test_the_snippet_s_word_beginnings_start_every_word_of_their_stem():
    """A library snippet looks for each stem's words by their beginning (``_heads``): every
    word of the demo library's text whose stem is a query term starts with it."""
    import random

    from community.demo.library_content import scale_text
    from community.library.search import _heads
    from community.search.analysis import fold
    from community.search.snippets import _word_stems

    text = " ".join(scale_text(random.Random(5), 40)) + " " + " ".join(
        ("potencia", "potencias", "ecología", "constitución", "luces", "luz", "peces", "aces",
         "paciencia", "diciéndoselo", "organizaciones", "jóvenes", "capacitación"))
    words = {fold(word) for word in re.findall(r"\w+", text) if len(word) > 1}
    assert len(words) > 500
    for word in sorted(words):
        for stem in _word_stems(word):
            heads = _heads(frozenset({stem}))
            assert any(word.startswith(head) for head in heads), (word, stem, heads)
