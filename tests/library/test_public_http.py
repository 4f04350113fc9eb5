"""The library's public pages through HTTP: catalogue and facets, a resource, a series, the
file (attachment, view, ETag, Range), the citation, withdrawn and restricted material."""

import pytest

from community.core.errors import PermissionDenied, ValidationError
from community.extensions import db
from community.library import services
from community.library.models import DownloadMonth, Resource
from tests.conftest import client_as
from tests.library.publishing import make_resource

BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126 Mobile Safari/537.36"


@pytest.fixture
def series(app, staff):
    found = services.save_series(staff, {"title": "Ciudadanía Activa",
                                         "description": "La revista del programa."})
    db.session.commit()
    return found


@pytest.fixture
def issue(app, staff, series):
    pages = ["Ciudadanía Activa número 3. Portada.", "Índice del número.",
             "La participación ciudadana en los municipios mexiquenses. Texto del artículo.",
             "Continúa el artículo sobre participación y el voluntariado comunitario.",
             "Procuración de fondos: la tómbola solidaria de Xonacatlán reunió donativos.",
             "Segunda página del artículo sobre procuración de fondos."]
    return make_resource(
        staff, title="Ciudadanía Activa, núm. 3", kind="issue", series=series.slug,
        issue_number="3", issue_format="print", pages=pages,
        toc="3-4 | La participación ciudadana | Luis Pérez Ruiz (UNAM)\n"
            "5-6 | Procurar fondos en comunidad | Ana María Soto Díaz (UAEMex); Juan Gil (UMIN)")


def test_catalogue_lists_published_newest_first_with_facets(client, staff, issue):
    make_resource(staff, title="Borrador secreto", publish=False)
    body = client.get("/biblioteca").get_data(as_text=True)
    assert "Ciudadanía Activa, núm. 3" in body
    assert "Procurar fondos en comunidad" in body  # articles are resources of their own
    assert "Borrador secreto" not in body
    assert "Número de revista" in body and "Artículo" in body  # the tipo facet's labels
    filtered = client.get("/biblioteca?tipo=article").get_data(as_text=True)
    assert "Procurar fondos en comunidad" in filtered
    assert "Ciudadanía Activa, núm. 3</a>" not in filtered


def test_catalogue_odd_filters_narrow_to_nothing_never_fail(client, issue):
    for query in ("tipo=<script>", "anio=99999", "anio=abc", "page=99999999999", "tema=x" * 50,
                  "serie=%C3%B1", "area=ZZZ"):
        assert client.get(f"/biblioteca?{query}").status_code == 200, query
    assert client.get("/biblioteca?serie=%00").status_code == 400


def test_resource_page_shows_record_toc_file_and_citation(client, issue):
    body = client.get(f"/biblioteca/{issue.slug}").get_data(as_text=True)
    assert "La participación ciudadana" in body and "págs. 3–4" in body
    assert "Descargar PDF" in body and "6 páginas" in body
    assert "Cómo citar" in body and "CC BY-NC 4.0" in body
    article = issue.parts[1]
    body = client.get(f"/biblioteca/{article.slug}").get_data(as_text=True)
    assert "Soto Díaz, A. M., &amp; Gil, J. (2022)" in body
    assert "Ciudadanía Activa, 3, pp. 5–6" in body
    assert "#page=5" in body  # opens the issue's PDF at its first page


def test_bibtex_download(client, issue):
    article = issue.parts[0]
    response = client.get(f"/biblioteca/{article.slug}/cita.bib")
    assert response.status_code == 200
    assert response.mimetype == "application/x-bibtex"
    text = response.get_data(as_text=True)
    assert text.startswith("@article{") and "journal = {Ciudadanía Activa}" in text
    assert "pages = {3--4}" in text


def test_series_in_issue_order(client, staff, series):
    for number, fmt in ((2, "print"), (1, "digital"), (1, "print")):
        make_resource(staff, title=f"Número {number} {fmt}", kind="issue", series=series.slug,
                      issue_number=str(number), issue_format=fmt)
    body = client.get(f"/biblioteca/series/{series.slug}").get_data(as_text=True)
    order = [body.index(f"Número {n} {f}</a>") for n, f in ((1, "print"), (2, "print"),
                                                            (1, "digital"))]
    assert order == sorted(order)


def test_file_is_an_attachment_unless_viewed_with_etag_and_range(client, issue):
    url = f"/biblioteca/{issue.slug}/archivo"
    response = client.get(url, headers={"User-Agent": BROWSER})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment")
    etag = response.headers["ETag"]
    whole = response.get_data()
    assert whole.startswith(b"%PDF-")
    viewed = client.get(url + "?ver=1", headers={"User-Agent": BROWSER})
    assert viewed.headers["Content-Disposition"].startswith("inline")
    again = client.get(url, headers={"If-None-Match": etag, "User-Agent": BROWSER})
    assert again.status_code == 304
    part = client.get(url, headers={"Range": "bytes=100-199", "User-Agent": BROWSER})
    assert part.status_code == 206 and part.get_data() == whole[100:200]


def test_downloads_counted_once_per_visitor_robots_excluded(client, issue):
    url = f"/biblioteca/{issue.slug}/archivo"
    client.get(url, headers={"User-Agent": BROWSER})
    client.get(url, headers={"User-Agent": BROWSER})  # a double click
    client.get(url, headers={"User-Agent": BROWSER, "Range": "bytes=500-"})  # resuming
    client.get(url, headers={"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"})
    client.get(url, headers={"User-Agent": "python-requests/2.31"})
    client.get(url, headers={"User-Agent": ""})  # no browser at all
    db.session.expire_all()
    assert db.session.get(Resource, issue.id).download_count == 1
    assert sum(row.count for row in db.session.query(DownloadMonth)) == 1


def test_download_repeats_after_thirty_seconds_count_again(app, staff, issue):
    from datetime import timedelta

    from community.core.timeutil import utcnow

    now = utcnow()
    assert services.count_download(issue, "10.0.0.1", BROWSER, now)
    assert not services.count_download(issue, "10.0.0.1", BROWSER, now + timedelta(seconds=20))
    assert services.count_download(issue, "10.0.0.1", BROWSER, now + timedelta(seconds=31))
    assert services.count_download(issue, "10.0.0.2", BROWSER, now + timedelta(seconds=32))
    db.session.commit()
    assert db.session.get(Resource, issue.id).download_count == 3


def test_withdrawn_answers_410_with_note_and_file_too(client, staff, issue):
    services.withdraw(staff, issue, "Se publicará una edición corregida.")
    db.session.commit()
    for path in (f"/biblioteca/{issue.slug}", f"/biblioteca/{issue.slug}/archivo",
                 f"/biblioteca/{issue.parts[0].slug}"):
        response = client.get(path)
        assert response.status_code == 410, path
        assert "Se publicará una edición corregida." in response.get_data(as_text=True)


def test_draft_is_404_for_visitors_and_visible_to_staff(app, client, staff):
    draft = make_resource(staff, title="Borrador del manual", publish=False,
                          pages=["Texto del borrador."])
    assert client.get(f"/biblioteca/{draft.slug}").status_code == 404
    assert client.get(f"/biblioteca/{draft.slug}/archivo").status_code == 404
    assert client_as(app, staff).get(f"/biblioteca/{draft.slug}").status_code == 200


def test_restricted_file_for_members_of_validated_oscs_only(app, client, staff, make_user,
                                                            make_org):
    guide = make_resource(staff, title="Guía fiscal para integrantes", access="members",
                          pages=["Contenido reservado sobre el régimen fiscal."])
    url = f"/biblioteca/{guide.slug}/archivo"
    page = client.get(f"/biblioteca/{guide.slug}")
    assert page.status_code == 200 and "Solo integrantes de OSC validadas" in page.get_data(
        as_text=True)
    assert "/archivo" not in page.get_data(as_text=True)
    assert client.get(url).status_code == 302  # anonymous: sign in first
    citizen = make_user()
    assert client_as(app, citizen).get(url).status_code == 403
    pending = make_org(status="pending")
    assert client_as(app, pending.admin).get(url).status_code == 403
    member = make_org().admin
    assert client_as(app, member).get(url).status_code == 200
    assert client_as(app, staff).get(url).status_code == 200


def test_earlier_versions_are_listed_and_downloadable(client, staff, issue):
    from tests.library.publishing import attach, make_pdf

    attach(staff, issue, make_pdf(["Edición corregida."] * 6), note="Errata corregida")
    db.session.commit()
    body = client.get(f"/biblioteca/{issue.slug}").get_data(as_text=True)
    assert "Versión 2" in body and "Versión 1" in body and "Errata corregida" in body
    old = client.get(f"/biblioteca/{issue.slug}/archivo?version=1",
                     headers={"User-Agent": BROWSER})
    assert old.status_code == 200
    assert f"{issue.slug}-v1.pdf" in old.headers["Content-Disposition"]
    assert client.get(f"/biblioteca/{issue.slug}/archivo?version=9").status_code == 404


def test_only_staff_publish(app, make_user, staff):
    citizen = make_user()
    with pytest.raises(PermissionDenied):
        services.create_resource(citizen, {"title": "x", "kind": "guide", "issued": "2020"})
    with pytest.raises(ValidationError) as error:
        services.create_resource(staff, {"title": "", "kind": "nada", "issued": "20-20"})
    assert set(error.value.errors) >= {"title", "kind", "issued"}


def test_a_hit_opens_its_page_with_the_words_marked(client, issue):
    article = issue.parts[1]
    listing = client.get("/biblioteca?q=tómbola+solidaria").get_data(as_text=True)
    assert f"/biblioteca/{article.slug}?pagina=5&amp;q=t%C3%B3mbola+solidaria" in listing
    body = client.get(f"/biblioteca/{article.slug}?pagina=5&q=tómbola+solidaria").get_data(
        as_text=True)
    assert "Encontrado en la página 5" in body
    assert "<mark>tómbola</mark> <mark>solidaria</mark>" in body
    assert "#page=5" in body
    assert "Encontrado" not in client.get(f"/biblioteca/{article.slug}?pagina=99").get_data(
        as_text=True)


def test_a_pdf_with_javascript_is_always_an_attachment(client, staff):
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter
    from pypdf.actions import JavaScript

    from tests.library.publishing import attach, make_pdf

    writer = PdfWriter(clone_from=PdfReader(BytesIO(make_pdf(["Texto con un script."]))))
    writer.add_open_action(JavaScript("app.alert('hola');"))
    out = BytesIO()
    writer.write(out)
    guide = make_resource(staff, title="Guía con script")
    attach(staff, guide, out.getvalue())
    db.session.commit()
    assert guide.current_file.has_javascript
    response = client.get(f"/biblioteca/{guide.slug}/archivo?ver=1",
                          headers={"User-Agent": BROWSER})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_a_restricted_cover_is_a_page_image_for_readers_only(app, client, staff, make_org):
    guide = make_resource(staff, title="Guía reservada con portada", access="members",
                          pages=["Primera página del material reservado."])
    cover = guide.current_file.cover_name
    assert cover
    for path in ("/biblioteca", f"/biblioteca/{guide.slug}"):
        assert cover not in client.get(path).get_data(as_text=True), path
    member = client_as(app, make_org().admin)
    for path in ("/biblioteca", f"/biblioteca/{guide.slug}"):
        assert cover in member.get(path).get_data(as_text=True), path


def test_a_download_counts_in_the_month_of_mexico_city(app, staff, issue):
    """At 20:00 on 31 December in Toluca it is already January in UTC: the download belongs
    to December, as the indicators' periods do."""
    from datetime import datetime

    late_evening = datetime(2026, 1, 1, 2, 0)  # UTC: 31 Dec 2025, 20:00 in Mexico City
    assert services.count_download(issue, "10.0.0.9", BROWSER, late_evening)
    db.session.commit()
    assert [row.month for row in db.session.query(DownloadMonth)] == ["2025-12"]


_FACET = "count(DISTINCT resource.id)"  # the facet counts' statements, and only theirs


def test_signed_in_facets_are_kept_until_the_library_changes(app, db, staff, issue, make_user):
    """A signed-in catalogue (never from the page cache) reads its facet counts from the
    kept value; a newly published guide changes the library's version and the counts."""
    from tests.conftest import count_queries

    client = client_as(app, make_user())
    client.get("/biblioteca")
    with count_queries() as statements:
        first = client.get("/biblioteca").get_data(as_text=True)
    assert not [s for s in statements if _FACET in s]  # the five counts were kept
    assert "tipo=guide" not in first
    make_resource(staff, title="Guía de procuración de fondos", kind="guide")
    db.session.commit()
    with count_queries() as statements:
        after = client.get("/biblioteca").get_data(as_text=True)
    assert len([s for s in statements if _FACET in s]) == 5  # counted again
    assert "Guía de procuración de fondos" in after
    assert "tipo=guide" in after  # the new kind's facet link
