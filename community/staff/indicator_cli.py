"""``flask indicators refresh``: compute the indicators' default figures in the background
(``make run`` does it in a thread; at scale, run it beside the page workers)."""

import logging
import threading
import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from community.extensions import db
from community.staff import figures

log = logging.getLogger(__name__)
indicators_cli = AppGroup("indicators", help="Indicadores de resultados: cifras calculadas.")


@indicators_cli.command("refresh")
@click.option("--loop", is_flag=True, help="Seguir calculando cada INDICATOR_REFRESH_SECONDS.")
@click.option("--wait-first", is_flag=True,
              help="Con --loop: esperar un intervalo antes de la primera vuelta (una acaba "
                   "de hacerse).")
def refresh(loop: bool, wait_first: bool) -> None:
    """Compute and keep the figures the indicator pages show by default."""
    if loop:
        click.echo("Calculando los indicadores; Ctrl-C para terminar.")
        interval = current_app.config["INDICATOR_REFRESH_SECONDS"]
        run(current_app._get_current_object(), interval,
            first_wait=interval if wait_first else 0.0)
        return
    started = time.perf_counter()
    count = figures.refresh()
    click.echo(f"Indicadores calculados: {count} en {time.perf_counter() - started:.1f} s.")


def run(app: Flask, interval: float, stop: threading.Event | None = None,
        first_wait: float = 0.0) -> None:
    """Refresh for ever (or until ``stop``); a failed round is logged and tried again."""
    stop = stop or threading.Event()
    stop.wait(first_wait)
    while not stop.is_set():
        try:
            with app.app_context():
                figures.refresh()
        except Exception:  # a database hiccup must not end the worker
            log.exception("indicators: this round failed; trying again")
            with app.app_context():
                db.session.rollback()
        stop.wait(interval)


def start_thread(app: Flask, interval: float) -> threading.Thread:
    thread = threading.Thread(target=run, args=(app, interval), name="indicators-refresh",
                              daemon=True)
    thread.start()
    return thread
