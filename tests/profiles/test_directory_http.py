"""The public directory over HTTP: filters, pagination, municipalities, the map, open data."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest

from community.profiles import services
from community.profiles.queries import PER_PAGE


@pytest.fixture
def sample(make_osc):
    """Three validated OSCs and one of each status that must never be public."""
    return {
        "neza": make_osc("Jóvenes de Nezahualcóyotl A.C.", "15058", ["IX", "XIII"],
                         populations=["juventudes"]),
        "toluca": make_osc("Red de Salud Toluca", "15106", ["XI"], populations=["mujeres"]),
        "ecatepec": make_osc("Derechos Humanos Ecatepec", "15033", ["IX"]),
        "pending": make_osc("Pendiente Nezahualcóyotl", "15058", ["IX"], status="pending"),
        "rejected": make_osc("Rechazada Nezahualcóyotl", "15058", ["IX"], status="rejected"),
        "inactive": make_osc("Baja Nezahualcóyotl", "15058", ["IX"], status="inactive"),
    }


HIDDEN = ("Pendiente Nezahualcóyotl", "Rechazada Nezahualcóyotl", "Baja Nezahualcóyotl")


def _names(response) -> list[str]:
    html = response.get_data(as_text=True)
    return re.findall(r'class="card__link" href="/osc/[^"]+">([^<]+)</a>', html)


def _text(response) -> str:
    return response.get_data(as_text=True)


# --- /osc ---------------------------------------------------------------------------------


def test_directory_lists_only_validated_in_name_order(client, sample):
    response = client.get("/osc")
    assert response.status_code == 200
    assert _names(response) == ["Derechos Humanos Ecatepec", "Jóvenes de Nezahualcóyotl A.C.",
                                "Red de Salud Toluca"]
    html = _text(response)
    assert "3 OSC validadas" in html
    for name in HIDDEN:
        assert name not in html
    assert f'href="/osc/{sample["toluca"].slug}"' in html
    assert "Toluca" in html and "Apoyo en la defensa y promoción de los derechos humanos" in html


@pytest.mark.parametrize(("query", "expected"), [
    ("municipio=15058", ["Jóvenes de Nezahualcóyotl A.C."]),
    ("area=IX", ["Derechos Humanos Ecatepec", "Jóvenes de Nezahualcóyotl A.C."]),
    ("area=ix", ["Derechos Humanos Ecatepec", "Jóvenes de Nezahualcóyotl A.C."]),
    ("poblacion=mujeres", ["Red de Salud Toluca"]),
    ("q=nezahualcoyotl", ["Jóvenes de Nezahualcóyotl A.C."]),
    ("q=Nezahualcóyotl", ["Jóvenes de Nezahualcóyotl A.C."]),
    ("q=NEZAHUALCOYOTL", ["Jóvenes de Nezahualcóyotl A.C."]),
    ("q=salud+toluca", ["Red de Salud Toluca"]),
    ("municipio=15033&area=XI", []),
])
def test_directory_filters(client, sample, query, expected):
    response = client.get(f"/osc?{query}")
    assert response.status_code == 200
    assert _names(response) == expected


def test_filter_form_works_without_js_and_keeps_values(client, sample):
    html = _text(client.get("/osc?municipio=15058&area=IX&poblacion=juventudes&q=jovenes"))
    assert '<form method="get" action="/osc"' in html
    for name in ("q", "municipio", "area", "poblacion", "orden"):
        assert f'<label for="f-{name}">' in html and f'id="f-{name}" name="{name}"' in html
    assert '<option value="15058" selected>Nezahualcóyotl</option>' in html
    assert '<option value="IX" selected>' in html
    assert '<option value="juventudes" selected>' in html
    assert 'value="jovenes"' in html
    # each active filter can be removed on its own, keeping the others
    assert 'href="/osc?area=IX&amp;poblacion=juventudes&amp;q=jovenes"' in html


def test_empty_state_suggests_removing_filters(client, sample):
    html = _text(client.get("/osc?municipio=15033&area=XI"))
    assert "0 OSC validadas" in html
    assert "No encontramos OSC validadas con estos filtros." in html
    assert 'href="/osc?area=XI"' in html  # remove the municipality
    assert 'href="/osc?municipio=15033"' in html  # remove the area
    assert "Ver todo el directorio" in html


def test_empty_directory_invites_to_register(client):
    html = _text(client.get("/osc"))
    assert "Aún no hay OSC validadas en el directorio." in html
    assert 'href="/osc/registrar"' in html


def test_sort_by_recently_updated(client, make_osc, db):
    older = make_osc("Alfa Comunitaria")
    make_osc("Beta Comunitaria")
    older.updated_at = older.updated_at - timedelta(days=2)
    db.session.commit()
    assert _names(client.get("/osc")) == ["Alfa Comunitaria", "Beta Comunitaria"]
    html = _text(client.get("/osc?orden=recientes"))
    assert re.findall(r'class="card__link" href="/osc/[^"]+">([^<]+)</a>', html) == [
        "Beta Comunitaria", "Alfa Comunitaria"]
    assert '<option value="recientes" selected>' in html


def test_pagination_keeps_filters(client, make_osc):
    for n in range(PER_PAGE + 3):
        make_osc(f"Colectivo {n:02d}", "15058", ["IX"])
    make_osc("Otro municipio", "15106", ["IX"])
    first = client.get("/osc?municipio=15058&area=IX")
    html = _text(first)
    assert f"{PER_PAGE + 3} OSC validadas" in html
    assert len(_names(first)) == PER_PAGE
    assert 'href="/osc?municipio=15058&amp;area=IX&amp;page=2" rel="next"' in html
    second = client.get("/osc?municipio=15058&area=IX&page=2")
    assert _names(second) == [f"Colectivo {n:02d}" for n in range(PER_PAGE, PER_PAGE + 3)]
    assert 'href="/osc?municipio=15058&amp;area=IX" rel="prev"' in _text(second)
    assert 'aria-current="page"><span class="visually-hidden">Página </span>2' in _text(second)
    beyond = client.get("/osc?municipio=15058&page=9")
    assert beyond.status_code == 200 and "Ir a la primera página" in _text(beyond)


@pytest.mark.parametrize(("query", "field", "message"), [
    ("municipio=99999", "municipio", "Ese municipio no existe."),
    ("municipio=%3Cscript%3E", "municipio", "Ese municipio no existe."),
    ("poblacion=marcianos", "poblacion", "Esa población no está en la lista."),
    ("orden=precio", "orden", "Ese orden no existe."),
])
def test_bad_filters_are_400_with_spanish_message(client, sample, query, field, message):
    response = client.get(f"/osc?{query}")
    assert response.status_code == 400
    html = _text(response)
    assert message in html
    assert f'id="f-{field}-error"' in html and 'aria-invalid="true"' in html
    assert "<script>" not in html
    assert _names(response) == []


def test_stale_organization_shows_badge(client, make_osc, db):
    org = make_osc("Confirmación Vencida")
    org.confirmed_at = org.validated_at = org.validated_at - services.STALE_AFTER - timedelta(1)
    db.session.commit()
    make_osc("Al Día")
    html = _text(client.get("/osc"))
    assert html.count("Requiere actualización") == 1
    assert html.index("Requiere actualización") > html.index("Confirmación Vencida")


def test_logo_is_shown_when_present(client, make_osc, db):
    org = make_osc("Con Logotipo")
    org.logo_file = "a" * 32 + ".png"
    db.session.commit()
    html = _text(client.get("/osc"))
    assert f'src="/osc/logo/{"a" * 32}.png"' in html and 'alt=""' in html


def test_nav_and_home_link_to_directory(client):
    html = _text(client.get("/"))
    assert 'href="/osc"' in html and "Directorio de OSC" in html and 'href="/osc/mapa"' in html
    assert 'href="/osc" aria-current="page"' in _text(client.get("/osc"))


def test_bad_filter_page_in_english_is_still_400(client, sample):
    response = client.get("/osc?municipio=99999", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert 'lang="en"' in _text(response) and 'id="f-municipio-error"' in _text(response)


# --- municipalities -----------------------------------------------------------------------


def test_municipalities_list_counts_validated_only(client, sample):
    response = client.get("/osc/municipios")
    assert response.status_code == 200
    html = _text(response)
    rows = re.findall(r'<a href="/osc/municipios/(\d{5})">([^<]+)</a></th>\s*'
                      r'<td class="osc-map__number">(\d+)</td>', html)
    assert len(rows) == 125
    counts = {code: int(count) for code, _name, count in rows}
    assert counts["15058"] == 1  # the pending, rejected and inactive ones do not count
    assert counts["15106"] == 1 and counts["15033"] == 1 and counts["15001"] == 0
    assert sum(counts.values()) == 3
    assert 'href="/osc/mapa"' in html


def test_municipality_page(client, sample):
    response = client.get("/osc/municipios/15058")
    assert response.status_code == 200
    html = _text(response)
    assert "OSC en Nezahualcóyotl" in html
    assert "1,077,208" in html  # population 2020
    assert _names(response) == ["Jóvenes de Nezahualcóyotl A.C."]
    assert 'id="f-municipio"' not in html  # fixed by the path
    assert '<form method="get" action="/osc/municipios/15058"' in html


def test_municipality_page_keeps_other_filters(client, make_osc):
    make_osc("Uno", "15058", ["IX"])
    make_osc("Dos", "15058", ["XI"])
    response = client.get("/osc/municipios/15058?area=XI&municipio=15106")
    assert _names(response) == ["Dos"]  # the path wins over a municipio argument
    assert 'href="/osc/municipios/15058"' in _text(response)  # remove the area filter


def test_municipality_page_empty_and_unknown(client, sample):
    html = _text(client.get("/osc/municipios/15001"))
    assert "Aún no hay OSC validadas en Acambay de Ruíz Castañeda." in html
    for code in ("99999", "abc", "15"):
        response = client.get(f"/osc/municipios/{code}")
        assert response.status_code == 404
        assert "No encontramos la página" in _text(response)


def test_municipality_page_bad_filter_is_400(client):
    response = client.get("/osc/municipios/15058?poblacion=nadie")
    assert response.status_code == 400
    assert "Esa población no está en la lista." in _text(response)


# --- the map ------------------------------------------------------------------------------


def test_map_links_every_municipality(client, sample):
    response = client.get("/osc/mapa")
    assert response.status_code == 200
    html = _text(response)
    svg = html[html.index("<svg"):html.index("</svg>")]
    links = re.findall(r'<a href="/osc/municipios/(\d{5})">', svg)
    assert len(links) == 125 and len(set(links)) == 125
    assert svg.count("<a") == 125
    assert "Nezahualcóyotl: 1 OSC validada" in svg
    assert "css/map.css" in html
    # the text alternative and the legend
    assert '<table id="mapa-osc-tabla">' in html and "Sin OSC validadas" in html
    assert "3 OSC validadas en el Estado de México." in html


def test_map_without_any_osc(client):
    response = client.get("/osc/mapa")
    assert response.status_code == 200
    assert _text(response).count('<path class="muni shade-0"') == 125


# --- open data ----------------------------------------------------------------------------


def test_open_data_csv(client, sample):
    response = client.get("/datos/osc.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == "attachment; filename=osc-validadas.csv"
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.is_streamed
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert {row["nombre"] for row in rows} == {"Jóvenes de Nezahualcóyotl A.C.",
                                               "Red de Salud Toluca",
                                               "Derechos Humanos Ecatepec"}
    assert {row["estatus"] for row in rows} == {"validated"}
    neza = next(row for row in rows if row["clave_municipio"] == "15058")
    assert neza["municipio"] == "Nezahualcóyotl" and neza["slug"] == sample["neza"].slug


def test_open_data_json(client, sample):
    response = client.get("/datos/osc.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "public, max-age=60"
    records = json.loads(response.get_data(as_text=True))
    assert sorted(r["slug"] for r in records) == sorted(
        sample[k].slug for k in ("neza", "toluca", "ecatepec"))
    assert all(r["estatus"] == "validated" for r in records)


def test_open_data_when_empty(client):
    assert json.loads(client.get("/datos/osc.json").get_data(as_text=True)) == []
    body = client.get("/datos/osc.csv").get_data().decode("utf-8-sig")
    assert body.startswith("slug,nombre,") and body.count("\n") == 1
