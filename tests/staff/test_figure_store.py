"""Figures kept in the database for every process: read by the pages instead of counting,
refreshed in the background, shown stale only within the configured window and with the
time they were computed."""

from datetime import timedelta

import pytest

from community.core.database import transaction_kind
from community.core.periods import local_today, whole_year
from community.extensions import db
from community.staff import figure_store, figures
from community.staff.indicators import REGISTRY
from community.staff.measures import Count, Histogram, Ratio, Stock
from community.staff.models import IndicatorFigure
from tests.conftest import client_as


@pytest.fixture
def kept(app, db):
    """Figures kept as in production: 120 s per process, 900 s stale in the database."""
    app.config.update(INDICATOR_CACHE_SECONDS=120, INDICATOR_STALE_SECONDS=900)
    figures.clear_cache()
    yield
    app.config.update(INDICATOR_CACHE_SECONDS=0, INDICATOR_STALE_SECONDS=0)
    figures.clear_cache()


def _forbid_counting(monkeypatch):
    """Any measure asked to count fails: what a page shows must come from the store."""
    def refuse(*args, **kwargs):
        raise AssertionError("a figure was counted in the request")
    for shape in (Count, Stock, Ratio, Histogram):
        for method in ("values", "by_month", "by_municipality"):
            if hasattr(shape, method):
                monkeypatch.setattr(shape, method, refuse)


def _padron(period):
    return figures.values(REGISTRY["padron-validadas"], [period])


def _page_padron(app, period):
    """As a page does: in a GET request of its own (its own ``g`` and session), whose reads
    begin DEFERRED (the request hook); the test's session first lets go of the write lock."""
    db.session.commit()
    with app.app_context(), app.test_request_context("/personal/indicadores"), \
            transaction_kind(True):
        return _padron(period)


def test_a_figure_computed_by_one_process_is_read_by_another(app, db, kept, make_org,
                                                              monkeypatch):
    make_org()
    period = whole_year(local_today().year)
    assert _page_padron(app, period) == [1]  # a page counts and keeps it
    assert db.session.query(IndicatorFigure).count() == 1
    figures.clear_cache()  # another worker: nothing in its memory
    _forbid_counting(monkeypatch)
    assert _padron(period) == [1]


def test_nothing_is_kept_outside_a_page_or_the_refresh(app, db, kept, make_org):
    """A command seeding data may ask for a figure: keeping it would commit its work."""
    make_org()
    assert _padron(whole_year(local_today().year)) == [1]
    assert db.session.query(IndicatorFigure).count() == 0


def test_a_stale_figure_is_shown_within_the_window_then_counted_again(app, db, kept, make_org):
    make_org()
    period = whole_year(local_today().year)
    assert _page_padron(app, period) == [1]
    make_org()  # the registry's version rises: the stored figure is now older than the data
    figures.clear_cache()
    assert _page_padron(app, period) == [1]  # within INDICATOR_STALE_SECONDS: the stored one
    app.config["INDICATOR_STALE_SECONDS"] = 0
    figures.clear_cache()
    assert _page_padron(app, period) == [2]  # no stale window: counted again, and stored


def test_an_old_stale_figure_is_counted_again(app, db, kept, make_org):
    make_org()
    period = whole_year(local_today().year)
    assert _page_padron(app, period) == [1]
    make_org()
    db.session.query(IndicatorFigure).update(
        {IndicatorFigure.computed_at: figures.utcnow() - timedelta(seconds=901)})
    db.session.commit()
    figures.clear_cache()
    assert _page_padron(app, period) == [2]


def test_refresh_stores_what_the_pages_ask_for(app, db, kept, staff, make_org, monkeypatch):
    make_org()
    assert figures.refresh() == len(REGISTRY)
    figures.clear_cache()
    client = client_as(app, staff)
    _forbid_counting(monkeypatch)
    for url in ["/personal/indicadores", "/personal/indicadores/personas-capacitadas",
                "/personal/indicadores/dias-primer-contacto"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Cifras calculadas el" in response.get_data(as_text=True)
    for url in ["/personal", "/", "/resultados"]:  # the console's tile, the home page
        assert client.get(url).status_code == 200, url


def test_a_refresh_recounts_even_when_a_figure_is_kept(app, db, kept, make_org, monkeypatch):
    today = local_today()
    this, previous = figures.year_to_date(today)
    make_org()
    figures.refresh(today)
    make_org()
    figures.refresh(today)  # within the stale window, yet counted again
    figures.clear_cache()
    _forbid_counting(monkeypatch)
    assert figures.values(REGISTRY["padron-validadas"], [this, previous]) == [2, 0]


def test_figures_are_not_kept_while_a_form_is_handled(app, db, kept, make_org):
    make_org()
    with app.test_request_context("/", method="POST"):
        assert _padron(whole_year(local_today().year)) == [1]
    assert db.session.query(IndicatorFigure).count() == 0


def test_old_figures_are_forgotten(app, db, kept, make_org):
    make_org()
    _page_padron(app, whole_year(local_today().year))
    assert figure_store.forget_old() == 0
    assert figure_store.forget_old(figures.utcnow() + timedelta(days=3)) == 1


def test_the_command_refreshes(app, db, kept, make_org):
    make_org()
    output = app.test_cli_runner().invoke(args=["indicators", "refresh"]).output
    assert f"Indicadores calculados: {len(REGISTRY)} en" in output
    assert db.session.query(IndicatorFigure).count() > len(REGISTRY)


def test_the_loop_refreshes_until_stopped_and_survives_a_failed_round(app, monkeypatch):
    import threading

    from community.staff import indicator_cli

    stop, rounds = threading.Event(), []

    def refresh():
        rounds.append(1)
        if len(rounds) == 1:
            raise RuntimeError("the database went away")  # logged; the next round runs
        stop.set()
    monkeypatch.setattr(figures, "refresh", refresh)
    indicator_cli.run(app, 0.01, stop)
    assert len(rounds) == 2
    stop.clear()
    stop.set()
    indicator_cli.run(app, 0.01, stop, first_wait=0.01)  # stopped while waiting: no round
    assert len(rounds) == 2


def test_a_refresh_round_never_holds_the_write_lock_while_it_counts(app, db, kept, make_org,
                                                                    monkeypatch):
    """At scale a round counts for seconds; on SQLite a form sent meanwhile must not wait."""
    from sqlalchemy import text

    make_org()
    counted = figures._refresh_round
    wrote = []

    def round_with_a_form_sent_meanwhile(*args):
        counted(*args)
        with db.engine.connect() as other:
            if other.dialect.name == "sqlite":  # back to the usual when it returns to the pool
                other.connection.driver_connection.execute("PRAGMA busy_timeout = 100")
            other.execute(text("UPDATE data_version SET version = version + 1"))
            other.commit()
            wrote.append(True)
    monkeypatch.setattr(figures, "_refresh_round", round_with_a_form_sent_meanwhile)
    figures.refresh()
    assert wrote == [True]
    assert db.session.query(IndicatorFigure).count() > len(REGISTRY)


def test_a_page_waits_at_most_a_moment_to_keep_a_figure(app, db, kept, make_org):
    """Another writer holds SQLite's lock: the page shows its count without keeping it,
    after about 200 ms, where the usual busy timeout would have held it for 10 s."""
    import time

    if db.engine.dialect.name != "sqlite":
        pytest.skip("the short wait is SQLite's busy timeout")
    make_org()
    db.session.commit()
    with db.engine.connect() as other:
        other.connection.driver_connection.execute("BEGIN IMMEDIATE")
        try:
            started = time.monotonic()
            assert _page_padron(app, whole_year(local_today().year)) == [1]
            waited = time.monotonic() - started
        finally:
            other.connection.driver_connection.execute("ROLLBACK")
    assert waited < 2
    assert db.session.query(IndicatorFigure).count() == 0
