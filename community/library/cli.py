"""``flask library ...``: the worker that reads uploaded PDFs, and its state."""

import click
from flask import current_app
from flask.cli import AppGroup

from community.library import extraction, manage_queries

library_cli = AppGroup("library", help="Biblioteca: lectura del texto de los PDF.")


@library_cli.command("extract")
@click.option("--once", is_flag=True, help="Leer lo pendiente y terminar (para cron).")
def extract(once: bool) -> None:
    """Read the text and the cover of every PDF waiting; without --once, keep doing it."""
    if once:
        outcomes = extraction.extract_all_pending()
        click.echo(_summary(outcomes))
        return
    click.echo("Leyendo los PDF de la biblioteca; Ctrl-C para terminar.")
    extraction.run(current_app._get_current_object(),
                   current_app.config["LIBRARY_EXTRACT_INTERVAL"])


@library_cli.command("status")
def status() -> None:
    """How many drafts, PDFs waiting to be read and PDFs with no searchable text."""
    counts = manage_queries.console_counts()
    click.echo(f"Borradores: {counts.drafts}. PDF por leer: {counts.waiting}. "
               f"Sin texto buscable: {counts.no_text}.")


def _summary(outcomes: dict[str, int]) -> str:
    if not outcomes:
        return "Nada pendiente."
    labels = {"done": "con texto", "empty": "sin texto buscable", "failed": "no se pudieron leer",
              "error": "con error", "gone": "ya no existen"}
    return "PDF leídos: " + ", ".join(f"{n} {labels.get(k, k)}" for k, n in outcomes.items()) + "."
