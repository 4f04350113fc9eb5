"""The indicators' pages over HTTP: what staff see and change, what bad input gets, and the
public /resultados page's suppression of small figures about people."""

from datetime import date, timedelta

import pytest

from community.core.models import AuditEntry
from community.core.periods import local_today
from community.staff.models import IndicatorGoal, IndicatorHistory
from tests.conftest import client_as, field_error, post_form


@pytest.fixture
def staff_client(app, staff):
    return client_as(app, staff)


def test_cards_page_lists_every_indicator_with_its_period(staff_client, make_org):
    make_org()
    body = staff_client.get("/personal/indicadores").get_data(as_text=True)
    assert "Asesorías otorgadas" in body and "Personas capacitadas" in body
    assert "OSC en el padrón (validadas)" in body
    assert str(local_today().year) in body
    assert "mismo corte del año anterior" in body


@pytest.mark.parametrize("query, field", [
    ("periodo=semana", "periodo"),
    ("periodo=anio&anio=1492", "anio"),
    ("periodo=anio&anio=dos-mil", "anio"),
    ("periodo=trimestre&anio=2025&trimestre=7", "trimestre"),
    ("periodo=fechas&desde=2026-13-01&hasta=2026-02-01", "desde"),
    ("periodo=fechas&desde=2026-03-01&hasta=2026-02-01", "hasta"),
    ("municipio=99999", "municipio"),
])
def test_bad_period_is_a_400_with_the_message_next_to_the_field(staff_client, query, field):
    response = staff_client.get(f"/personal/indicadores?{query}")
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), field)


def test_a_quarter_and_a_municipality(staff_client, make_org):
    make_org(municipality="15106")
    response = staff_client.get(
        "/personal/indicadores?periodo=trimestre&anio=2025&trimestre=4&municipio=15106")
    assert response.status_code == 200
    assert "Trimestre 4 de 2025" in response.get_data(as_text=True)


def test_indicator_page_has_sheet_chart_table_and_records_link(staff_client, make_org):
    make_org(municipality="15106")
    body = staff_client.get("/personal/indicadores/padron-validadas").get_data(as_text=True)
    for text in ("Ficha técnica", "Método de cálculo", "Medios de verificación",
                 'role="img"', 'id="tabla-meses"', 'id="tabla-municipios"', "Toluca",
                 "/personal/indicadores/padron-validadas/registros"):
        assert text in body, text


def test_unknown_indicator_is_404_for_staff(staff_client):
    assert staff_client.get("/personal/indicadores/no-existe").status_code == 404
    assert staff_client.get("/personal/indicadores/no-existe/registros").status_code == 404


def test_records_list_the_counted_organizations(staff_client, make_org):
    org = make_org(name="Red de Mujeres del Valle")
    body = staff_client.get("/personal/indicadores/padron-validadas/registros") \
        .get_data(as_text=True)
    assert "Red de Mujeres del Valle" in body and f"/osc/{org.slug}" in body


def test_goal_is_saved_audited_and_shown_as_a_percent(staff_client, db, make_org):
    for _ in range(3):
        make_org()
    year = local_today().year
    url = "/personal/indicadores/padron-validadas"
    response = post_form(staff_client, f"{url}/meta", {"year": str(year), "value": "6"},
                         page=url)
    assert response.status_code == 302
    goal = db.session.query(IndicatorGoal).one()
    assert (goal.indicator, goal.year, goal.value) == ("padron-validadas", year, 6.0)
    entry = db.session.query(AuditEntry).filter_by(action="indicator.goal").one()
    assert entry.details["new"] == 6.0 and entry.details["old"] is None
    body = staff_client.get(url).get_data(as_text=True)
    assert "50.0 % de la meta" in body


@pytest.mark.parametrize("data, field", [
    ({"year": "abc", "value": "10"}, "meta-anio"),
    ({"year": "2026", "value": "mucho"}, "meta-valor"),
    ({"year": "2026", "value": "-5"}, "meta-valor"),
    ({"year": "2026", "value": "nan"}, "meta-valor"),
])
def test_bad_goal_is_422_next_to_the_field_and_keeps_what_was_typed(staff_client, db, data,
                                                                     field):
    url = "/personal/indicadores/asesorias-otorgadas"
    response = post_form(staff_client, f"{url}/meta", data, page=url)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert field_error(body, field)
    assert f'value="{data["value"]}"' in body
    assert db.session.query(IndicatorGoal).count() == 0


def test_percent_goal_above_100_is_refused(staff_client):
    url = "/personal/indicadores/primer-contacto-a-tiempo"
    response = post_form(staff_client, f"{url}/meta", {"year": "2026", "value": "120"},
                         page=url)
    assert response.status_code == 422


def test_history_is_kept_apart_with_its_source(staff_client, db):
    url = "/personal/indicadores/asesorias-otorgadas"
    response = post_form(staff_client, f"{url}/historico",
                         {"year": "2015", "value": "5013", "source": "Informe 2011-2017"},
                         page=url)
    assert response.status_code == 302
    row = db.session.query(IndicatorHistory).one()
    assert (row.year, row.value, row.source) == (2015, 5013.0, "Informe 2011-2017")
    body = staff_client.get(url).get_data(as_text=True)
    assert "5,013" in body and "manual" in body and "Informe 2011-2017" in body


def test_history_needs_a_past_year_and_a_source(staff_client, db):
    url = "/personal/indicadores/asesorias-otorgadas"
    response = post_form(staff_client, f"{url}/historico",
                         {"year": str(local_today().year), "value": "10", "source": ""},
                         page=url)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert field_error(body, "hist-anio") and field_error(body, "hist-fuente")
    assert db.session.query(IndicatorHistory).count() == 0


def test_public_results_withhold_small_figures_about_people(client, make_org):
    make_org()
    body = client.get("/resultados").get_data(as_text=True)
    assert "Resultados del programa" in body
    assert "Personas capacitadas" in body and "menos de 5" in body
    assert "OSC en el padrón (validadas)" in body
    # staff-only indicators and links never reach the public page
    assert "/personal/indicadores" not in body and "Días al primer contacto" not in body


def test_footer_links_the_public_results(client):
    assert 'href="/resultados"' in client.get("/").get_data(as_text=True)


def test_year_to_date_default_matches_the_cut_off(staff_client):
    today = local_today()
    body = staff_client.get("/personal/indicadores").get_data(as_text=True)
    assert f"{today.year - 1} hasta el" in body
    assert date(today.year, 1, 1) <= today <= today + timedelta(days=1)


def test_a_kept_figure_is_dropped_when_the_registry_changes(app, db, make_org):
    """The cache of computed figures (on in production) follows the page cache's versions:
    an OSC validated after a figure was computed shows at once."""
    from community.staff import figures
    from community.staff.indicators import REGISTRY

    app.config["INDICATOR_CACHE_SECONDS"] = 120
    figures.clear_cache()
    try:
        today = local_today()
        period = figures.whole_year(today.year)
        padron = REGISTRY["padron-validadas"]
        make_org()
        assert figures.values(padron, [period]) == [1]
        db.session.execute(db.text("UPDATE organization SET name = name"))  # no version bump
        assert figures.values(padron, [period]) == [1]
        make_org()  # through the ORM: the registry's version rises
        assert figures.values(padron, [period]) == [2]
    finally:
        app.config["INDICATOR_CACHE_SECONDS"] = 0
        figures.clear_cache()


def test_months_from_one_group_by_equal_the_filtered_counts(app, db, staff, make_user):
    """The monthly chart's whole months come from one GROUP BY month; they must equal the
    per-month filtered counts, on both sides of a month boundary in Mexico City."""
    from datetime import datetime

    from community.events.models import Event, Registration
    from community.staff import figures
    from community.staff.indicators import REGISTRY

    def event(starts_utc):
        row = Event(slug=f"e-{starts_utc:%Y%m%d%H%M}", title="Taller", kind="taller",
                    starts_at=starts_utc, ends_at=starts_utc + timedelta(hours=2),
                    status="concluded", municipality_code="15106")
        db.session.add(row)
        db.session.flush()
        return row

    people = [make_user() for _ in range(3)]
    # 31 January 23:30 in Toluca (05:30 UTC on 1 February) and 1 February 10:00 in Toluca.
    for starts, who in ((datetime(2025, 2, 1, 5, 30), people), (datetime(2025, 2, 1, 16),
                                                               people[:2])):
        held = event(starts)
        for n, person in enumerate(who):
            db.session.add(Registration(event_id=held.id, user_id=person.id,
                                        status="confirmed", ticket=f"t{held.id}-{n}",
                                        checked_in_at=starts))
    db.session.commit()
    for key in ("asistencias", "personas-capacitadas"):
        indicator = REGISTRY[key]
        rows = figures.monthly(indicator, 2025, today=date(2026, 6, 1))
        direct = indicator.measure.values([row.month for row in rows])
        assert [row.value for row in rows] == direct
        assert rows[0].value == 3 and rows[1].value == 2


def test_indicator_map_links_each_municipality_to_its_records(staff_client, make_org):
    """The shared choropleth (_choropleth.html): one link per municipality to the rows it
    counts there, named by the municipality and its figure, with the legend."""
    import re

    org = make_org()
    body = staff_client.get("/personal/indicadores/padron-validadas").get_data(as_text=True)
    assert '<svg class="osc-map__svg"' in body and 'aria-labelledby="mapa-titulo"' in body
    links = re.findall(r'<a href="([^"]+)"><title>([^<]+)</title><path', body)
    assert len(links) == 125
    code = org.municipality_code
    mine = [(href, title) for href, title in links if href.endswith(f"municipio={code}")]
    assert len(mine) == 1 and mine[0][1].endswith(": 1")
    assert mine[0][0].startswith("/personal/indicadores/padron-validadas/registros?")
    assert "Sin registros" in body  # the legend's empty shade
