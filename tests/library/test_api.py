"""The library's JSON API (``/api/v1/biblioteca``): what an anonymous visitor may know, the
catalogue's filters, and hostile input answered with 400/404, never a 500."""

from datetime import date

import pytest

from community.extensions import db
from community.search import service as search_service
from tests.library.oai_factories import (
    make_issue,
    make_resource,
    make_series,
    make_subject,
)


@pytest.fixture
def library(app, db, monkeypatch):
    # The search index is another module's: the plain text filter answers unless a test says so.
    monkeypatch.setattr(search_service, "ids_for", lambda q, kind, **kw: None)
    series = make_series()
    subject = make_subject()
    issue = make_issue(series, 3, subjects=[subject], areas=("IX",))
    manual = make_resource("Manual de Visibilidad", kind="manual", subjects=[subject],
                           areas=("XIII",), identifier="ISBN 978-607-0000",
                           creators=(("Luis Gómez", "DGPS"),))
    restricted = make_resource("Guía para integrantes", kind="guide", access="members")
    withdrawn = make_resource("Guía retirada", kind="guide", status="withdrawn",
                              withdrawn_note="Sustituida por la edición 2026.")
    old = make_resource("Presentación 2019", kind="presentation",
                        issued=date(2019, 3, 1))
    draft = make_resource("Borrador", status="draft")
    draft_issue = make_issue(series, 4, status="draft", articles=1)
    db.session.commit()
    return {"series": series, "subject": subject, "issue": issue, "parts": issue.parts,
            "manual": manual, "restricted": restricted, "withdrawn": withdrawn, "old": old,
            "draft": draft, "draft_part": draft_issue.parts[0]}


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.get_json()["items"]]


def test_the_list_shows_published_resources_only(client, library):
    response = client.get("/api/v1/biblioteca")
    assert response.status_code == 200
    data = response.get_json()
    assert data["total"] == 6  # the issue, its two articles, manual, restricted guide, 2019
    assert (data["page"], data["pages"], data["per_page"]) == (1, 1, 20)
    listed = set(slugs(response))
    for name in ("draft", "draft_part", "withdrawn"):
        assert library[name].slug not in listed
    assert slugs(response)[-1] == library["old"].slug  # newest first
    assert response.headers["Cache-Control"] == "public, max-age=60"


def test_a_record_in_full(client, library):
    manual = client.get(f"/api/v1/biblioteca/{library['manual'].slug}").get_json()
    assert manual["title"] == "Manual de Visibilidad"
    assert manual["kind"] == "manual" and manual["kind_label"] == "Manual"
    assert manual["creators"] == [{"name": "Luis Gómez", "affiliation": "DGPS"}]
    assert manual["issued"] == "2025-05-01"
    assert manual["language"] == "es"
    assert manual["rights"] == {"code": "cc-by-nc-4.0", "label": "CC BY-NC 4.0",
                                "url": "https://creativecommons.org/licenses/by-nc/4.0/"}
    assert manual["identifier"] == "ISBN 978-607-0000"
    assert manual["subjects"] == [{"slug": "transparencia",
                                   "name": "Transparencia y rendición de cuentas"}]
    assert [a["fraction"] for a in manual["areas"]] == ["XIII"]
    assert manual["url"].endswith(f"/biblioteca/{library['manual'].slug}")
    assert manual["access"] == "public"
    assert manual["file"] == {"url": manual["url"] + "/archivo", "size": 123456, "pages": 24,
                              "content_type": "application/pdf"}
    assert manual["downloads"] == 0
    assert manual["updated_at"].endswith("Z")

    issue = client.get(f"/api/v1/biblioteca/{library['issue'].slug}").get_json()
    assert issue["series"]["slug"] == "ciudadania-activa"
    assert (issue["issue_number"], issue["issue_format"]) == (3, "print")
    assert [p["slug"] for p in issue["parts"]] == [p.slug for p in library["parts"]]
    assert issue["parts"][0]["first_page"] == 1 and issue["parts"][0]["last_page"] == 4
    assert issue["parts"][0]["creators"] == [{"name": "Autora 1", "affiliation": None}]

    part = client.get(f"/api/v1/biblioteca/{library['parts'][1].slug}").get_json()
    assert part["parent"]["slug"] == library["issue"].slug
    assert part["file"]["pages"] == 4 and part["file"]["url"].endswith("/archivo")


def test_restricted_resources_give_metadata_and_no_file(client, library):
    data = client.get(f"/api/v1/biblioteca/{library['restricted'].slug}").get_json()
    assert data["access"] == "members"
    assert data["file"] is None
    assert "/archivo" not in str(data)
    listed = client.get("/api/v1/biblioteca?tipo=guide").get_json()["items"]
    assert [(i["slug"], i["file"]) for i in listed] == [(library["restricted"].slug, None)]


def test_withdrawn_is_410_with_its_note_and_drafts_do_not_exist(client, library, staff):
    response = client.get(f"/api/v1/biblioteca/{library['withdrawn'].slug}")
    assert response.status_code == 410
    assert response.get_json()["note"] == "Sustituida por la edición 2026."
    assert client.get(f"/api/v1/biblioteca/{library['draft'].slug}").status_code == 404
    assert client.get(f"/api/v1/biblioteca/{library['draft_part'].slug}").status_code == 404
    # An article of a withdrawn issue is withdrawn too, with the issue's note.
    library["issue"].status, library["issue"].withdrawn_note = "withdrawn", "Número repetido."
    db.session.commit()
    response = client.get(f"/api/v1/biblioteca/{library['parts'][0].slug}")
    assert response.status_code == 410
    assert response.get_json()["note"] == "Número repetido."


def test_filters(client, library):
    def listed(query):
        response = client.get("/api/v1/biblioteca?" + query)
        assert response.status_code == 200, response.get_json()
        return set(slugs(response))

    parts = {p.slug for p in library["parts"]}
    assert listed("tipo=article") == parts
    assert listed("tema=transparencia") == {library["issue"].slug, library["manual"].slug}
    assert listed("area=ix") == {library["issue"].slug}
    assert listed("anio=2019") == {library["old"].slug}
    assert listed("serie=ciudadania-activa") == {library["issue"].slug} | parts
    assert listed("serie=ciudadania-activa&tipo=issue") == {library["issue"].slug}
    assert listed("q=visibilidad") == {library["manual"].slug}
    assert listed("q=100%25") == set()  # a wildcard typed is a character, not a wildcard
    assert listed("q=borrador") == set()


def test_the_search_ranks_the_text_filter(client, library, monkeypatch):
    ranked = [library["old"].id, library["draft"].id, library["manual"].id]
    monkeypatch.setattr(search_service, "ids_for", lambda q, kind, **kw: ranked)
    response = client.get("/api/v1/biblioteca?q=lo+que+sea")
    assert slugs(response) == [library["old"].slug, library["manual"].slug]
    assert response.get_json()["total"] == 2
    monkeypatch.setattr(search_service, "ids_for", lambda q, kind, **kw: [])
    assert client.get("/api/v1/biblioteca?q=nada").get_json()["total"] == 0


def test_pages(client, library):
    first = client.get("/api/v1/biblioteca?por_pagina=3").get_json()
    second = client.get("/api/v1/biblioteca?por_pagina=3&page=2").get_json()
    assert (first["pages"], first["per_page"], len(first["items"])) == (2, 3, 3)
    assert not {i["slug"] for i in first["items"]} & {i["slug"] for i in second["items"]}
    assert client.get("/api/v1/biblioteca?por_pagina=5000").get_json()["per_page"] == 100
    for page in ("9223372036854775808", "-1", "abc", "²", "1" * 5000, "0"):
        response = client.get(f"/api/v1/biblioteca?page={page}&por_pagina={page}")
        assert response.status_code == 200, page
    assert client.get("/api/v1/biblioteca?page=999").get_json()["items"] == []


def test_bad_filters_are_400_with_a_message_per_field(client, library):
    response = client.get("/api/v1/biblioteca?tipo=libro&tema=nada&area=XCIX&anio=20x5"
                          "&serie=otra")
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert set(errors) == {"tipo", "tema", "area", "anio", "serie"}
    assert errors["tipo"] == "Ese tipo de publicación no existe."
    assert errors["anio"].startswith("Escribe un año")
    for query in ("anio=1850", "anio=99999999999999999999", "tema=%00", "serie=" + "x" * 500,
                  "area=%00%01", "tema=a%0Ab", "tipo=%F0%9F%98%80"):
        response = client.get("/api/v1/biblioteca?" + query)
        assert response.status_code == 400, query
        assert response.is_json


@pytest.mark.parametrize("slug", ["no-existe", "x" * 500, "..%2F..%2Fetc",
                                  "%F0%9F%98%80", "a%0Ab", "9223372036854775808"])
def test_hostile_slugs_are_404(client, library, slug):
    response = client.get(f"/api/v1/biblioteca/{slug}")
    assert response.status_code == 404
    assert response.is_json


def test_a_nul_in_the_slug_is_a_bad_request(client, library):
    response = client.get("/api/v1/biblioteca/a%00b")
    assert response.status_code == 400 and response.is_json
