"""The public JSON API: /api/v1/osc and /api/v1/osc/<slug>."""

import pytest

from community.profiles.queries import PUBLIC_COLUMNS
from tests.conftest import sign_in


@pytest.fixture
def sample(make_osc):
    return {
        "neza": make_osc("Jóvenes de Nezahualcóyotl A.C.", "15058", ["IX", "XIII"],
                         populations=["juventudes"], public_email="contacto@jovenes.org.mx",
                         mission="Acompañamos a las juventudes."),
        "toluca": make_osc("Red de Salud Toluca", "15106", ["XI"], populations=["mujeres"]),
        "ecatepec": make_osc("Derechos Humanos Ecatepec", "15033", ["IX"]),
        "pending": make_osc("Pendiente Nezahualcóyotl", "15058", ["IX"], status="pending"),
        "rejected": make_osc("Rechazada Nezahualcóyotl", "15058", ["IX"], status="rejected"),
        "inactive": make_osc("Baja Nezahualcóyotl", "15058", ["IX"], status="inactive"),
    }


def _slugs(response) -> list[str]:
    return [item["slug"] for item in response.get_json()["items"]]


def test_list_shape(client, sample):
    response = client.get("/api/v1/osc")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "public, max-age=60"
    body = response.get_json()
    assert set(body) == {"total", "page", "pages", "per_page", "items"}
    assert (body["total"], body["page"], body["pages"], body["per_page"]) == (3, 1, 1, 20)
    assert _slugs(response) == [sample[k].slug for k in ("ecatepec", "neza", "toluca")]
    neza = body["items"][1]
    assert set(PUBLIC_COLUMNS) <= set(neza)
    assert neza["clave_municipio"] == "15058" and neza["municipio"] == "Nezahualcóyotl"
    assert neza["areas_actividad"] == ["IX", "XIII"]
    assert neza["poblaciones"] == ["juventudes"]
    assert neza["correo"] == "contacto@jovenes.org.mx"
    assert neza["estatus"] == "validated"


def test_list_never_shows_non_validated(client, sample, db):
    body = client.get("/api/v1/osc?municipio=15058&por_pagina=100").get_json()
    assert [item["nombre"] for item in body["items"]] == ["Jóvenes de Nezahualcóyotl A.C."]
    assert body["total"] == 1


@pytest.mark.parametrize(("query", "expected"), [
    ("municipio=15058", ["neza"]),
    ("area=IX", ["ecatepec", "neza"]),
    ("area=xi", ["toluca"]),
    ("poblacion=juventudes", ["neza"]),
    ("q=nezahualcoyotl", ["neza"]),
    ("q=NEZAHUALCÓYOTL", ["neza"]),
    ("orden=recientes&area=XI", ["toluca"]),
    ("municipio=15033&area=XI", []),
])
def test_list_filters(client, sample, query, expected):
    response = client.get(f"/api/v1/osc?{query}")
    assert response.status_code == 200
    assert _slugs(response) == [sample[k].slug for k in expected]
    assert response.get_json()["total"] == len(expected)


def test_list_pages(client, make_osc):
    for n in range(5):
        make_osc(f"Colectivo {n}")
    body = client.get("/api/v1/osc?por_pagina=2&page=3").get_json()
    assert (body["total"], body["page"], body["pages"], body["per_page"]) == (5, 3, 3, 2)
    assert [item["nombre"] for item in body["items"]] == ["Colectivo 4"]
    assert client.get("/api/v1/osc?por_pagina=500").get_json()["per_page"] == 100
    assert client.get("/api/v1/osc?page=9").get_json()["items"] == []
    assert client.get("/api/v1/osc?page=abc").get_json()["page"] == 1


@pytest.mark.parametrize(("query", "field", "message"), [
    ("municipio=99999", "municipio", "Ese municipio no existe."),
    ("poblacion=marcianos", "poblacion", "Esa población no está en la lista."),
    ("orden=precio", "orden", "Ese orden no existe."),
])
def test_bad_filters_are_400_json(client, query, field, message):
    response = client.get(f"/api/v1/osc?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"] == "Hay filtros no válidos."
    assert body["errors"] == {field: message}
    assert "Cache-Control" not in response.headers or "public" not in \
        response.headers["Cache-Control"]


def test_bad_filters_in_english(client):
    response = client.get("/api/v1/osc?municipio=99999", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert set(response.get_json()["errors"]) == {"municipio"}


def test_detail(client, sample):
    response = client.get(f"/api/v1/osc/{sample['neza'].slug}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=60"
    body = response.get_json()
    assert body["slug"] == sample["neza"].slug and body["clave_municipio"] == "15058"
    assert body["mision"] == "Acompañamos a las juventudes."
    assert body == client.get("/api/v1/osc?municipio=15058").get_json()["items"][0]


@pytest.mark.parametrize("kind", ["pending", "rejected", "inactive"])
def test_detail_of_non_validated_is_404_json(client, sample, kind):
    response = client.get(f"/api/v1/osc/{sample[kind].slug}")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.get_json()["error"] == "No encontramos la página"


def test_detail_404_for_the_osc_own_admin(client, sample):
    """The API is the public view: a pending OSC stays hidden whoever asks."""
    assert sign_in(client, sample["pending"].admin.email).status_code == 302
    assert client.get(f"/api/v1/osc/{sample['pending'].slug}").status_code == 404
    assert sample["pending"].slug not in _slugs(client.get("/api/v1/osc?municipio=15058"))


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_detail_404_for_staff(client, sample, signed_in, role):
    signed_in(role)
    for kind in ("pending", "rejected", "inactive"):
        assert client.get(f"/api/v1/osc/{sample[kind].slug}").status_code == 404
    assert client.get("/api/v1/osc").get_json()["total"] == 3


def test_unknown_slug_is_404_json(client):
    response = client.get("/api/v1/osc/no-existe")
    assert response.status_code == 404
    assert response.get_json()["error"]
